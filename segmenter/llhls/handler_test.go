package llhls

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// nextPart is the blocking playlist request for the part after s.
func nextPart(s *snapshot) string {
	return fmt.Sprintf("video.m3u8?_HLS_msn=%d&_HLS_part=%d", s.nextMSN, s.parts)
}

func TestHandlerAnswersBlockingRequestFromCache(t *testing.T) {
	l := newLive(t, &Muxer{}, nil)
	l.until(func(s *snapshot) bool { return s.ready })
	cases := []struct {
		name, accept string
		wantGzip     bool
	}{
		{"no Accept-Encoding", "", false},
		{"gzip", "gzip", true},
		{"a browser's", "gzip, deflate, br, zstd", true},
		{"gzip refused", "gzip;q=0, identity", false},
		{"anything", "*", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := l.video.current.Load()
			msn, part := s.nextMSN, s.parts
			c := getAsync(context.Background(), l.m, nextPart(s), "Accept-Encoding", tc.accept)
			waitWaiting(t, &l.m.server, 1)
			if c.answered() {
				t.Fatal("answered before the part existed")
			}
			l.until(func(s *snapshot) bool { return s.has(msn, part) })
			res := c.wait(t)
			cached := l.video.current.Load().playlist(false)
			plain := get(t, l.m, "video.m3u8")

			if res.Code != http.StatusOK || res.Header().Get("Vary") != "Accept-Encoding" {
				t.Fatalf("%d, Vary %q", res.Code, res.Header().Get("Vary"))
			}
			if plain.Header().Get("Vary") != "Accept-Encoding" {
				t.Errorf("plain answer: Vary %q", plain.Header().Get("Vary"))
			}
			body := res.Body.Bytes()
			if got := res.Header().Get("Content-Length"); got != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length %s for %d bytes", got, len(body))
			}
			if enc := res.Header().Get("Content-Encoding"); (enc == "gzip") != tc.wantGzip {
				t.Fatalf("Content-Encoding %q", enc)
			}
			want := cached.plain
			if tc.wantGzip {
				want = cached.gzipped()
				body = gunzip(t, body)
			}
			if !bytes.Equal(res.Body.Bytes(), want) || !bytes.Equal(body, plain.Body.Bytes()) {
				t.Fatalf("not the cached rendering of the snapshot:\n%s\nplain:\n%s", body, plain.Body.Bytes())
			}
			m := mediaOf(t, body)
			if next := m.MediaSequence + len(m.Segments); msn > next || (msn == next && len(m.Parts) <= part) {
				t.Errorf("the answer does not list part %d of segment %d", part, msn)
			}
		})
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHandlerFreesAbandonedRequests: requests whose client went away free
// their slots, in all and their client's, at once, and their goroutines
// end; the slots serve new requests.
func TestHandlerFreesAbandonedRequests(t *testing.T) {
	const clients, perClient = 4, 4
	l := newLive(t, &Muxer{MaxWaiting: clients * perClient, MaxWaitingPerClient: perClient, Logger: discardLogger()}, nil)
	l.until(func(s *snapshot) bool { return s.ready && s.parts == 2 })
	s := l.video.current.Load()
	p := l.m.prefix
	targets := []string{
		nextPart(s),
		fmt.Sprintf("video.m3u8?_HLS_msn=%d", s.nextMSN),
		partName(p, "video", s.nextPart),
		segmentName(p, "video", s.nextMSN, ".mp4"),
	}
	base := runtime.NumGoroutine()
	var calls []*call
	var cancels []context.CancelFunc
	for c := range clients {
		for i := range perClient {
			ctx, cancel := context.WithCancel(WithClient(context.Background(), fmt.Sprint("client", c)))
			cancels = append(cancels, cancel)
			calls = append(calls, getAsync(ctx, l.m, targets[i%len(targets)]))
		}
	}
	waitWaiting(t, &l.m.server, clients*perClient)
	for _, client := range []string{"client0", "another client"} {
		if res := getCtx(WithClient(context.Background(), client), l.m, nextPart(s)); res.Code != http.StatusTooManyRequests {
			t.Errorf("%s, all slots held: %d, want 429", client, res.Code)
		}
	}
	for _, cancel := range cancels {
		cancel()
	}
	for i, c := range calls {
		if res := c.wait(t); res.Body.Len() != 0 {
			t.Errorf("request %d: answered %d %q to a client that left", i, res.Code, res.Body)
		}
	}
	noneWaiting(t, &l.m.server)
	waitFor(t, "the handlers' goroutines to end", func() bool { return runtime.NumGoroutine() <= base })

	// Every slot is free again, every client's too: as many new requests
	// wait, and get the part.
	calls = calls[:0]
	for c := range clients {
		for range perClient {
			calls = append(calls, getAsync(WithClient(context.Background(), fmt.Sprint("client", c)), l.m, nextPart(s)))
		}
	}
	waitWaiting(t, &l.m.server, clients*perClient)
	l.until(func(n *snapshot) bool { return n.has(s.nextMSN, s.parts) })
	for i, c := range calls {
		if res := c.wait(t); res.Code != http.StatusOK {
			t.Errorf("request %d after the others left: %d", i, res.Code)
		}
	}
	noneWaiting(t, &l.m.server)
}

func TestHandlerCloseAnswersWaitingRequests(t *testing.T) {
	l := newLive(t, &Muxer{}, nil)
	l.until(func(s *snapshot) bool { return s.ready })
	s := l.video.current.Load()
	targets := []string{nextPart(s), partName(l.m.prefix, "video", s.nextPart), segmentName(l.m.prefix, "video", s.nextMSN, ".mp4")}
	var calls []*call
	for _, target := range targets {
		calls = append(calls, getAsync(context.Background(), l.m, target))
	}
	waitWaiting(t, &l.m.server, len(targets))
	l.m.Close()
	l.m.Close() // twice does no harm
	for i, c := range calls {
		if res := c.wait(t); res.Code != http.StatusNotFound {
			t.Errorf("%s: %d after Close, want 404", targets[i], res.Code)
		}
	}
	noneWaiting(t, &l.m.server)
	if res := get(t, l.m, nextPart(s)); res.Code != http.StatusNotFound {
		t.Errorf("blocking request after Close: %d, want 404", res.Code)
	}
}

// TestHandlerTimesOutWith503 waits the real three target durations: there
// is no hook to shorten them.
func TestHandlerTimesOutWith503(t *testing.T) {
	t.Parallel()
	ready := newLive(t, &Muxer{SegmentDuration: 100 * time.Millisecond}, nil)
	ready.until(func(s *snapshot) bool { return s.ready })
	empty := newLive(t, &Muxer{}, nil)
	cases := []struct {
		name   string
		h      handler
		target string
	}{
		{"next part", ready.m, nextPart(ready.video.current.Load())},
		{"preload hint", ready.m, partName(ready.m.prefix, "video", ready.video.current.Load().nextPart)},
		{"playlist before the first segment", empty.m, "video.m3u8"},
		{"multivariant before the first segment", empty.m, "index.m3u8"},
	}
	start := time.Now()
	var calls []*call
	for _, tc := range cases {
		calls = append(calls, getAsync(context.Background(), tc.h, tc.target))
	}
	for i, c := range calls {
		res := c.wait(t)
		if res.Code != http.StatusServiceUnavailable {
			t.Errorf("%s: %d, want 503", cases[i].name, res.Code)
		}
		// TARGETDURATION is 1 s for both muxers.
		if d := time.Since(start); d < 3*time.Second {
			t.Errorf("%s: answered after %v, before three target durations", cases[i].name, d)
		}
	}
}

// waits stands for "the request waits" in the tables below: it is served
// with a context already cancelled, so that waiting answers nothing.
const waits = 0

func TestHandlerStatusCodes(t *testing.T) {
	l := newLive(t, &Muxer{}, nil)
	l.until(func(s *snapshot) bool { return s.nextMSN == 3 && s.parts == 4 })
	s := l.video.current.Load()
	n, p, next, pfx := s.nextMSN, s.parts, s.nextPart, l.m.prefix
	m := mediaOf(t, get(t, l.m, "video.m3u8").Body.Bytes())
	// The Advance Part Limit (RFC 8216bis 6.2.5.2): 3 s in part targets.
	limit := int(math.Ceil(3 / m.PartInf.PartTarget.Seconds()))
	if limit < 10 {
		t.Fatalf("Advance Part Limit %d for PART-TARGET %v", limit, m.PartInf.PartTarget)
	}
	pl := func(query string, args ...any) string { return "video.m3u8?" + fmt.Sprintf(query, args...) }
	cases := []struct {
		name, target string
		want         int
	}{
		{"multivariant", "index.m3u8", http.StatusOK},
		{"playlist", "video.m3u8", http.StatusOK},
		{"init", initName(pfx, "video"), http.StatusOK},
		{"listed segment", segmentName(pfx, "video", n-1, ".mp4"), http.StatusOK},
		{"listed part", partName(pfx, "video", next-1), http.StatusOK},
		{"listed MSN", pl("_HLS_msn=%d", n-1), http.StatusOK},
		{"listed part of the segment being written", pl("_HLS_msn=%d&_HLS_part=%d", n, p-1), http.StatusOK},

		{"next part", pl("_HLS_msn=%d&_HLS_part=%d", n, p), waits},
		{"segment being written", pl("_HLS_msn=%d", n), waits},
		{"last part within the Advance Part Limit", pl("_HLS_msn=%d&_HLS_part=%d", n, p-1+limit), waits},
		{"part of the next segment within the limit", pl("_HLS_msn=%d&_HLS_part=%d", n+1, limit-1), waits},
		{"preload hint", partName(pfx, "video", next), waits},
		{"last part name within the limit", partName(pfx, "video", next+limit-1), waits},
		{"segment being written, by name", segmentName(pfx, "video", n, ".mp4"), waits},

		{"part beyond the Advance Part Limit", pl("_HLS_msn=%d&_HLS_part=%d", n, p+limit), http.StatusBadRequest},
		{"next segment's part beyond the limit", pl("_HLS_msn=%d&_HLS_part=%d", n+1, limit), http.StatusBadRequest},
		{"two segments ahead", pl("_HLS_msn=%d", n+2), http.StatusBadRequest},
		{"far ahead", pl("_HLS_msn=%d&_HLS_part=0", n+1000), http.StatusBadRequest},
		{"part without MSN", pl("_HLS_part=0"), http.StatusBadRequest},
		{"MSN not a number", pl("_HLS_msn=abc"), http.StatusBadRequest},
		{"negative MSN", pl("_HLS_msn=-1"), http.StatusBadRequest},
		{"MSN with a leading zero", pl("_HLS_msn=01"), http.StatusBadRequest},
		{"fractional MSN", pl("_HLS_msn=1.5"), http.StatusBadRequest},
		{"empty MSN", pl("_HLS_msn="), http.StatusBadRequest},
		{"MSN above 2^31", pl("_HLS_msn=2147483648"), http.StatusBadRequest},
		{"part not a number", pl("_HLS_msn=%d&_HLS_part=x", n), http.StatusBadRequest},
		{"MSN twice", pl("_HLS_msn=1&_HLS_msn=1"), http.StatusBadRequest},

		{"unknown playlist", "nothing.m3u8", http.StatusNotFound},
		{"audio playlist without audio", "audio.m3u8", http.StatusNotFound},
		{"no prefix", "video_0.mp4", http.StatusNotFound},
		{"another muxer's prefix", "0000zzzz_video_0.mp4", http.StatusNotFound},
		{"unknown rendition", segmentName(pfx, "audio", 0, ".mp4"), http.StatusNotFound},
		{"segment after the next", segmentName(pfx, "video", n+1, ".mp4"), http.StatusNotFound},
		{"part beyond the limit", partName(pfx, "video", next+limit), http.StatusNotFound},
		{"init as MPEG-TS", pfx + "_video_init.ts", http.StatusNotFound},
		{"next segment as MPEG-TS", segmentName(pfx, "video", n, ".ts"), http.StatusNotFound},
		{"listed segment as MPEG-TS", segmentName(pfx, "video", n-1, ".ts"), http.StatusNotFound},
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := getCtx(cancelled, l.m, tc.target)
			if total, _ := l.m.waiters.held(); total != 0 {
				t.Fatal("a MaxWaiting slot is still held")
			}
			if tc.want == waits {
				if res.Body.Len() != 0 || len(res.Header()) != 0 {
					t.Errorf("%s: answered %d %q, want it to wait", tc.target, res.Code, res.Body)
				}
				return
			}
			if res.Body.Len() == 0 {
				t.Errorf("%s: waited, want %d", tc.target, tc.want)
			} else if res.Code != tc.want {
				t.Errorf("%s: %d %q, want %d", tc.target, res.Code, res.Body, tc.want)
			}
		})
	}
}

// TestHandlerHoldsRequestsWhileTheSourceIsAway: past three target
// durations a request waits on while the source is away, and gets its
// part when the source is back; once back, 503 comes as before.
func TestHandlerHoldsRequestsWhileTheSourceIsAway(t *testing.T) {
	t.Parallel()
	l := newLive(t, &Muxer{}, nil)
	l.until(func(s *snapshot) bool { return s.ready })
	l.m.maxWait.Store(int64(20 * time.Millisecond)) // three target durations, shortened
	l.m.SourceAway(time.Minute)
	held := getAsync(context.Background(), l.m, nextPart(l.video.current.Load()))
	time.Sleep(200 * time.Millisecond) // ten times the usual wait
	if held.answered() {
		t.Fatalf("answered %d while the source was away", held.w.Code)
	}
	l.m.SourceAway(0)
	l.until(func(s *snapshot) bool { return held.answered() })
	if res := held.wait(t); res.Code != http.StatusOK {
		t.Errorf("held request: %d, want 200", res.Code)
	}
	if res := getAsync(context.Background(), l.m, nextPart(l.video.current.Load())).wait(t); res.Code != http.StatusServiceUnavailable {
		t.Errorf("with the source back: %d, want 503", res.Code)
	}
}

// TestHandlerTellsHowLatePartsAre: serving a part tells PartServed how
// long after the end of its media it went out; other files and HEAD
// requests do not, and a part sent before its media ends by the capture
// clock is not late.
func TestHandlerTellsHowLatePartsAre(t *testing.T) {
	var now time.Time
	var late []time.Duration
	l := newLive(t, &Muxer{PartServed: func(d time.Duration) { late = append(late, d) }}, &now)
	l.until(func(s *snapshot) bool { return len(s.segments) >= 2 })
	s := l.video.current.Load()
	first, second := s.segments[0], s.segments[1]
	last := first.parts[len(first.parts)-1]

	// The last part of a segment ends where the next segment begins.
	now = second.start.Add(700 * time.Millisecond)
	for _, name := range []string{last.name, first.name, "video.m3u8", "index.m3u8"} {
		if res := get(t, l.m, name); res.Code != http.StatusOK {
			t.Fatalf("%s: %d", name, res.Code)
		}
	}
	head := httptest.NewRecorder()
	l.m.Handle(head, httptest.NewRequest(http.MethodHead, "http://llcast.test/live/"+last.name, nil), last.name)
	now = second.start.Add(-time.Millisecond)
	get(t, l.m, last.name)
	if want := []time.Duration{700 * time.Millisecond, 0}; fmt.Sprint(late) != fmt.Sprint(want) {
		t.Errorf("PartServed got %v, want %v", late, want)
	}
}
