package httpapi

import (
	"time"

	"github.com/llcast/llcast/segmenter"
)

// Publishers are the encoders pushing streams (OBS, ffmpeg, llcast push),
// as the studio shows and stops them. segmenter.Hub is one.
type Publishers interface {
	// Publisher describes the stream's publisher; ok is false for a stream
	// that had none since the server started.
	Publisher(stream string) (segmenter.PublisherStatus, bool)
	// Kick disconnects the stream's publisher and reports whether it had one.
	Kick(stream string) bool
}

// keyframeSlack forgives publishers' timestamps their rounding (FLV's are
// whole milliseconds; 30 frames at 29.97 fps are 1001 ms) before the
// studio warns that keyframes are too far apart.
const keyframeSlack = 50 * time.Millisecond

// publisherView is a publisher as /api/studio/streams shows it.
type publisherView struct {
	// Live: the stream is on the air (a publisher is connected, or left
	// lately and may come back).
	Live bool `json:"live"`
	// Connected: a publisher is connected; the fields below describe it.
	Connected bool      `json:"connected"`
	Protocol  string    `json:"protocol,omitempty"`
	Remote    string    `json:"remote,omitempty"`
	Since     time.Time `json:"since,omitzero"`
	// UptimeS is the seconds since it connected, by the server's clock.
	UptimeS int64 `json:"uptime_s"`
	// Bitrate (bit/s) and FPS over the last whole second.
	Bitrate int64 `json:"bitrate"`
	FPS     int   `json:"fps"`
	// KeyframeIntervalMS is the time between its last two keyframes (0
	// before two), and KeyframeWarning says it is longer than a segment:
	// segments then get longer too, and so does the latency.
	KeyframeIntervalMS int64 `json:"keyframe_interval_ms"`
	KeyframeWarning    bool  `json:"keyframe_warning"`
	// RTTMS and Lost are what SRT measures; Bytes is what came in.
	RTTMS float64 `json:"rtt_ms"`
	Lost  uint64  `json:"lost"`
	Bytes uint64  `json:"bytes"`
}

// newPublisherView describes st at now; keyframes further apart than
// segment (plus keyframeSlack) get the warning.
func newPublisherView(st segmenter.PublisherStatus, segment time.Duration, now time.Time) publisherView {
	v := publisherView{Live: st.Live, Connected: st.Connected}
	if !st.Connected {
		return v
	}
	v.Protocol, v.Remote, v.Since = st.Protocol, st.Remote, st.Since
	if !st.Since.IsZero() {
		v.UptimeS = max(0, int64(now.Sub(st.Since)/time.Second))
	}
	v.Bitrate, v.FPS = st.Bitrate, st.FPS
	v.KeyframeIntervalMS = st.KeyframeInterval.Milliseconds()
	v.KeyframeWarning = st.KeyframeInterval > segment+keyframeSlack
	v.RTTMS = float64(st.Link.RTT) / float64(time.Millisecond)
	v.Lost, v.Bytes = st.Link.Lost, st.Link.Bytes
	return v
}
