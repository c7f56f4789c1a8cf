package llhls

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestWaitersCaps(t *testing.T) {
	type op struct {
		give   bool // give back a slot, rather than take one
		client string
		want   error
	}
	take := func(client string, want error) op { return op{client: client, want: want} }
	give := func(client string) op { return op{give: true, client: client} }
	cases := []struct {
		name           string
		max, perClient int
		ops            []op
	}{
		{"per client", 10, 2, []op{
			take("a", nil), take("a", nil), take("a", errClientWaiting), take("b", nil), take("b", nil),
			give("a"), take("a", nil), take("a", errClientWaiting),
		}},
		{"per stream", 3, 8, []op{
			take("a", nil), take("b", nil), take("c", nil), take("d", errStreamWaiting), take("a", errStreamWaiting),
			give("b"), take("d", nil), take("d", errStreamWaiting),
		}},
		{"a client at its cap is told so first", 2, 2, []op{
			take("a", nil), take("a", nil), take("a", errClientWaiting), take("b", errStreamWaiting),
		}},
		{"one slot", 1, 1, []op{take("", nil), take("", errClientWaiting), give(""), take("x", nil)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var w waiters
			w.init(tc.max, tc.perClient)
			held := map[string]int{}
			for i, o := range tc.ops {
				if o.give {
					w.give(o.client)
					held[o.client]--
					continue
				}
				if err := w.take(o.client); !errors.Is(err, o.want) || (err == nil) != (o.want == nil) {
					t.Fatalf("op %d: take(%q) = %v, want %v", i, o.client, err, o.want)
				} else if err == nil {
					held[o.client]++
				}
			}
			for client, n := range held {
				for range n {
					w.give(client)
				}
			}
			// Clients that hold nothing leave no entry behind.
			if total, clients := w.held(); total != 0 || clients != 0 || len(w.byClient) != 0 {
				t.Errorf("after giving every slot back: %d held by %d clients", total, clients)
			}
		})
	}
}

// TestHandlerCapsWaitingPerClient: a client that holds its share of
// waiting slots gets 429 with Retry-After for more, while other clients
// still wait for their parts and get them, as does the first client.
func TestHandlerCapsWaitingPerClient(t *testing.T) {
	logs := &lockedBuffer{}
	l := newLive(t, &Muxer{MaxWaitingPerClient: 2, Logger: logs.logger()}, nil)
	l.until(func(s *snapshot) bool { return s.ready && s.parts == 2 })
	s := l.video.current.Load()
	hint := partName(l.m.prefix, "video", s.nextPart)
	var calls []*call
	for _, client := range []string{"greedy", "viewer 1", "viewer 2"} {
		ctx := WithClient(context.Background(), client)
		calls = append(calls, getAsync(ctx, l.m, nextPart(s)), getAsync(ctx, l.m, hint))
	}
	waitWaiting(t, &l.m.server, len(calls))

	greedy := WithClient(context.Background(), "greedy")
	const extra = 100
	for i := range extra {
		res := getCtx(greedy, l.m, []string{nextPart(s), hint}[i%2])
		if res.Code != http.StatusTooManyRequests || res.Header().Get("Retry-After") != "1" {
			t.Fatalf("request %d over the client's cap: %d, Retry-After %q; want 429, 1",
				i, res.Code, res.Header().Get("Retry-After"))
		}
	}
	if total, clients := l.m.waiters.held(); total != len(calls) || clients != 3 {
		t.Fatalf("%d slots held by %d clients, want %d by 3", total, clients, len(calls))
	}
	// Another client may still wait.
	late := getAsync(WithClient(context.Background(), "late viewer"), l.m, nextPart(s))
	waitWaiting(t, &l.m.server, len(calls)+1)

	l.until(func(n *snapshot) bool { return n.files[hint] != nil && n.has(s.nextMSN, s.parts) })
	for i, c := range append(calls, late) {
		if res := c.wait(t); res.Code != http.StatusOK {
			t.Errorf("request %d: %d, want 200", i, res.Code)
		}
	}
	noneWaiting(t, &l.m.server)

	// A hundred refusals make one warning at once and, at Close, one
	// with the count of the rest: never a line a request.
	l.m.Close()
	lines := logs.lines()
	if len(lines) != 2 || !strings.Contains(lines[0], "refused=1 ") ||
		!strings.Contains(lines[1], fmt.Sprintf("refused=%d ", extra-1)) {
		t.Errorf("log lines for %d refusals:\n%s", extra, strings.Join(lines, "\n"))
	}
}

// TestHandlerCapsWaitingPerStream: beyond MaxWaiting, every client gets
// 429 with Retry-After, and may wait again once slots are free.
func TestHandlerCapsWaitingPerStream(t *testing.T) {
	l := newLive(t, &Muxer{MaxWaiting: 3, Logger: discardLogger()}, nil)
	l.until(func(s *snapshot) bool { return s.ready })
	s := l.video.current.Load()
	var calls []*call
	for _, client := range []string{"a", "b", "c"} {
		calls = append(calls, getAsync(WithClient(context.Background(), client), l.m, nextPart(s)))
	}
	waitWaiting(t, &l.m.server, 3)
	for _, client := range []string{"a", "d"} {
		res := getCtx(WithClient(context.Background(), client), l.m, nextPart(s))
		if res.Code != http.StatusTooManyRequests || res.Header().Get("Retry-After") != "1" {
			t.Errorf("%s, over MaxWaiting: %d, Retry-After %q; want 429, 1", client, res.Code, res.Header().Get("Retry-After"))
		}
	}
	l.until(func(n *snapshot) bool { return n.has(s.nextMSN, s.parts) })
	for i, c := range calls {
		if res := c.wait(t); res.Code != http.StatusOK {
			t.Errorf("request %d: %d, want 200", i, res.Code)
		}
	}
	noneWaiting(t, &l.m.server)
	s = l.video.current.Load()
	again := getAsync(WithClient(context.Background(), "d"), l.m, nextPart(s))
	waitWaiting(t, &l.m.server, 1)
	l.until(func(n *snapshot) bool { return n.has(s.nextMSN, s.parts) })
	if res := again.wait(t); res.Code != http.StatusOK {
		t.Errorf("once slots are free: %d, want 200", res.Code)
	}
}

// TestHandlerCountsRequestsWithoutKeyByHost: without WithClient (or with
// an empty key) a request counts under its RemoteAddr's host: one
// client's connections share its slots, other hosts have their own.
func TestHandlerCountsRequestsWithoutKeyByHost(t *testing.T) {
	l := newLive(t, &Muxer{MaxWaitingPerClient: 2, Logger: discardLogger()}, nil)
	l.until(func(s *snapshot) bool { return s.ready })
	s := l.video.current.Load()
	from := func(ctx context.Context, remote string) *call {
		r := httptest.NewRequest(http.MethodGet, "http://llcast.test/live/"+nextPart(s), nil).WithContext(ctx)
		r.RemoteAddr = remote
		c := &call{done: make(chan struct{}), w: httptest.NewRecorder()}
		go func() {
			defer close(c.done)
			l.m.Handle(c.w, r, "video.m3u8")
		}()
		return c
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	held := []*call{
		from(ctx, "192.0.2.1:1000"), from(ctx, "192.0.2.1:1001"),
		from(ctx, "[2001:db8::1]:1000"), from(WithClient(ctx, "192.0.2.1"), "192.0.2.1:1002"),
	}
	waitWaiting(t, &l.m.server, len(held))
	for _, c := range []*call{from(ctx, "192.0.2.1:1003"), from(WithClient(ctx, ""), "192.0.2.1:1004")} {
		if res := c.wait(t); res.Code != http.StatusTooManyRequests {
			t.Errorf("third request from 192.0.2.1: %d, want 429", res.Code)
		}
	}
	if _, clients := l.m.waiters.held(); clients != 3 {
		t.Errorf("%d clients, want 3: two hosts and a key", clients)
	}
	cancel()
	for _, c := range held {
		c.wait(t)
	}
	noneWaiting(t, &l.m.server)
}

// TestHandlerFreesSlotsWhenClientsHangUp: over real connections, HTTP/1.1
// and HTTP/2, a client that hangs up frees its slots at once, although
// its requests would otherwise be held for a minute (the source away).
func TestHandlerFreesSlotsWhenClientsHangUp(t *testing.T) {
	l := newLive(t, &Muxer{Logger: discardLogger()}, nil)
	l.until(func(s *snapshot) bool { return s.ready })
	l.m.SourceAway(time.Minute)
	target := nextPart(l.video.current.Load())
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { l.m.Handle(w, r, "video.m3u8") })
	h1 := httptest.NewServer(handler)
	defer h1.Close()
	h2 := httptest.NewUnstartedServer(handler)
	h2.EnableHTTP2 = true
	h2.StartTLS()
	defer h2.Close()

	ctx, hangUp := context.WithCancel(context.Background())
	defer hangUp()
	const each = 4 // per server: both count under 127.0.0.1, 8 slots
	errs := make(chan error, 2*each)
	for _, srv := range []*httptest.Server{h1, h2} {
		for range each {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/"+target, nil)
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				resp, err := srv.Client().Do(req)
				if err == nil {
					resp.Body.Close()
					err = fmt.Errorf("answered %s", resp.Status)
				}
				errs <- err
			}()
		}
	}
	waitWaiting(t, &l.m.server, 2*each)
	hangUp()
	for range 2 * each {
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Errorf("request: %v, want it cancelled", err)
		}
	}
	waitFor(t, "the slots to be freed", func() bool { total, clients := l.m.waiters.held(); return total == 0 && clients == 0 })
}
