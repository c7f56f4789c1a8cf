package llhls

import (
	"net/http"
	"testing"
	"time"
)

// TestMediaPlaylistKeepsSegmentsThatLeft follows the first segment after
// it leaves the playlist: RFC 8216 6.2.2 asks that it stay available for
// its duration plus that of the longest playlist that listed it; after
// that, and the end of one more segment (when expired segments go), 404.
func TestMediaPlaylistKeepsSegmentsThatLeft(t *testing.T) {
	var now time.Time
	l := newLive(t, &Muxer{}, &now) // 1 s segments, 7 listed
	l.until(func(s *snapshot) bool { return s.ready })
	first := segmentName(l.m.prefix, "video", 0, ".mp4")
	// The longest playlist listing segment 0: 7 segments and the parts of
	// the 8th, the one whose end makes segment 0 leave.
	const retention = 1*time.Second + 8*time.Second
	var left time.Time
	var served, gone int
	for now.Sub(left) < retention+2*time.Second || left.IsZero() {
		l.write()
		code := get(t, l.m, first).Code
		if left.IsZero() {
			if mediaOf(t, get(t, l.m, "video.m3u8").Body.Bytes()).MediaSequence == 0 {
				if code != http.StatusOK {
					t.Fatalf("listed segment: %d", code)
				}
				continue
			}
			left = now
		}
		switch since := now.Sub(left); {
		case since <= retention:
			if code != http.StatusOK {
				t.Fatalf("%v after it left the playlist: %d, want 200", since, code)
			}
			served++
		case since > retention+time.Second:
			if code != http.StatusNotFound {
				t.Fatalf("%v after it left the playlist: %d, want 404", since, code)
			}
			gone++
		}
	}
	if served == 0 || gone == 0 {
		t.Errorf("served %d times after leaving, 404 %d times", served, gone)
	}
}

// TestMediaPlaylistForgetsUnservedSegments: a segment that no playlist
// served ever listed cannot be known to a client, so it goes as it leaves
// the playlist: a stream nobody watches keeps only what it lists.
func TestMediaPlaylistForgetsUnservedSegments(t *testing.T) {
	var now time.Time
	l := newLive(t, &Muxer{}, &now) // 1 s segments, 7 listed
	l.until(func(s *snapshot) bool { return s.nextMSN > 8 })
	if n := len(l.video.gone); n != 0 {
		t.Fatalf("%d segments kept after leaving an unwatched playlist, want 0", n)
	}
	first := segmentName(l.m.prefix, "video", 0, ".mp4")
	if code := get(t, l.m, first).Code; code != http.StatusNotFound {
		t.Fatalf("a segment that left an unwatched playlist: %d, want 404", code)
	}
	// Once a playlist was served, what it listed stays when it leaves.
	_ = get(t, l.m, "video.m3u8")
	listed := mediaOf(t, get(t, l.m, "video.m3u8").Body.Bytes()).MediaSequence
	l.until(func(s *snapshot) bool { return s.nextMSN > listed+8 })
	if code := get(t, l.m, segmentName(l.m.prefix, "video", listed, ".mp4")).Code; code != http.StatusOK {
		t.Fatalf("segment %d, listed in a playlist served, after it left: %d, want 200", listed, code)
	}
}
