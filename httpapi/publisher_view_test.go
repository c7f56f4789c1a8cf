package httpapi

import (
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/segmenter"
)

func TestNewPublisherView(t *testing.T) {
	now := time.Unix(10_000, 0)
	connected := func(kf time.Duration) segmenter.PublisherStatus {
		return segmenter.PublisherStatus{
			Live: true, Connected: true, Protocol: "srt", Remote: "[::1]:4000", Since: now.Add(-65 * time.Second),
			Bitrate: 4_000_000, FPS: 60, KeyframeInterval: kf,
			Link: ingest.LinkStats{Bytes: 42, RTT: 1500 * time.Microsecond, Lost: 3},
		}
	}
	for _, c := range []struct {
		name    string
		st      segmenter.PublisherStatus
		segment time.Duration
		want    publisherView
	}{
		{"never connected", segmenter.PublisherStatus{}, time.Second, publisherView{}},
		// The fields of a publisher that left are stale: none are shown.
		{"away, still live", segmenter.PublisherStatus{Live: true, Protocol: "rtmp", FPS: 30}, time.Second, publisherView{Live: true}},
		{"1 s keyframes", connected(time.Second), time.Second, publisherView{
			Live: true, Connected: true, Protocol: "srt", Remote: "[::1]:4000", Since: now.Add(-65 * time.Second), UptimeS: 65,
			Bitrate: 4_000_000, FPS: 60, KeyframeIntervalMS: 1000, RTTMS: 1.5, Lost: 3, Bytes: 42,
		}},
		{"29.97 fps rounding", connected(1001 * time.Millisecond), time.Second, publisherView{
			Live: true, Connected: true, Protocol: "srt", Remote: "[::1]:4000", Since: now.Add(-65 * time.Second), UptimeS: 65,
			Bitrate: 4_000_000, FPS: 60, KeyframeIntervalMS: 1001, RTTMS: 1.5, Lost: 3, Bytes: 42,
		}},
		{"2 s keyframes", connected(2 * time.Second), time.Second, publisherView{
			Live: true, Connected: true, Protocol: "srt", Remote: "[::1]:4000", Since: now.Add(-65 * time.Second), UptimeS: 65,
			Bitrate: 4_000_000, FPS: 60, KeyframeIntervalMS: 2000, KeyframeWarning: true, RTTMS: 1.5, Lost: 3, Bytes: 42,
		}},
		{"2 s keyframes, 2 s segments", connected(2 * time.Second), 2 * time.Second, publisherView{
			Live: true, Connected: true, Protocol: "srt", Remote: "[::1]:4000", Since: now.Add(-65 * time.Second), UptimeS: 65,
			Bitrate: 4_000_000, FPS: 60, KeyframeIntervalMS: 2000, RTTMS: 1.5, Lost: 3, Bytes: 42,
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := newPublisherView(c.st, c.segment, now); got != c.want {
				t.Fatalf("\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}
