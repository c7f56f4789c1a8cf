package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llcast/llcast/httpapi/dnstest"
	"github.com/llcast/llcast/ingest/ingesttest"
	"golang.org/x/net/dns/dnsmessage"
)

// fakeServer listens on loopback and hands every connection to serve,
// closing it afterwards. When the test ends it closes the listener and a
// connection still served, and waits for serve to return.
func fakeServer(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex // guards current
	var current net.Conn
	done := make(chan struct{})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		if current != nil {
			current.Close()
		}
		mu.Unlock()
		<-done
	})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			current = c
			mu.Unlock()
			serve(c)
			c.Close()
		}
	}()
	return ln.Addr().String()
}

// responder is a loopback DNS server answering with code rcode.
func responder(t *testing.T, rcode dnsmessage.RCode) *dnstest.Responder {
	t.Helper()
	r := &dnstest.Responder{RCode: rcode}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// readQuery reads what the probe sends before answering, as a proxy
// reads a request.
func readQuery(c net.Conn) {
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _ = c.Read(make([]byte, 512))
}

func TestNetProbeStates(t *testing.T) {
	closed := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln.Close()
		return ln.Addr().String()
	}
	for _, c := range []struct {
		name    string
		address func(*testing.T) string
		want    NetState
		wantLog string
	}{
		{"DNS server", func(t *testing.T) string { return responder(t, dnsmessage.RCodeSuccess).Addr() }, NetOnline, `msg="network: online"`},
		{"closed port", closed, NetOffline, `msg="network: offline"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			logs := &lockedWriter{w: &strings.Builder{}}
			p := &NetProbe{
				Address: c.address(t), Interval: 5 * time.Millisecond, Timeout: 5 * time.Second,
				Logger: slog.New(slog.NewTextHandler(logs, nil)),
			}
			if err := p.Start(); err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if st := p.Status(); st.State != NetUnknown && st.State != c.want {
				t.Fatalf("first status %+v", st)
			}
			waitFor(t, "a first probe", func() bool { return p.Status().State == c.want })
			first := p.Status()
			waitFor(t, "a second probe", func() bool { return p.Status().Checked.After(first.Checked) })
			p.Close()
			st := p.Status()
			if st.State != c.want || st.Address != p.Address || (c.want == NetOffline) != (st.Error != "") {
				t.Fatalf("status %+v, want %s with an error only when offline", st, c.want)
			}
			// Logged on the change only, not on every probe.
			if n := strings.Count(logs.String(), c.wantLog); n != 1 {
				t.Fatalf("%d lines with %s, want 1:\n%s", n, c.wantLog, logs)
			}
			// The harness finds the address in that line (cmd/llcast's
			// tests and the bench check it is a loopback one).
			if got := dnstest.ProbedAddresses(logs.String()); len(got) != 1 || got[0] != p.Address {
				t.Fatalf("ProbedAddresses found %q in the log, want [%s]:\n%s", got, p.Address, logs)
			}
		})
	}
}

// TestNetProbeOffline points the probe at what a captive portal or a
// proxy answers on port 53: each counts as offline, and the error names
// what answered.
func TestNetProbeOffline(t *testing.T) {
	for _, c := range []struct {
		name    string
		address func(*testing.T) string
		timeout time.Duration
		want    string
	}{
		{"HTTP proxy", func(t *testing.T) string {
			return fakeServer(t, func(c net.Conn) {
				readQuery(c)
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
			})
		}, 0, `a proxy answered HTTP ("HTTP/1.1 200 OK")`},
		{"HTTP proxy that keeps the connection", func(t *testing.T) string {
			return fakeServer(t, func(c net.Conn) {
				readQuery(c)
				_, _ = io.WriteString(c, "HTTP/1.1 400 Bad Request\r\n")
				_, _ = io.Copy(io.Discard, c) // until the probe hangs up
			})
		}, time.Hour, `a proxy answered HTTP ("HTTP/1.1 400 Bad Request")`},
		{"accepts and closes", func(t *testing.T) string {
			return fakeServer(t, readQuery)
		}, 0, "the connection closed without a DNS answer"},
		{"accepts and says nothing", func(t *testing.T) string {
			return fakeServer(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
		}, 100 * time.Millisecond, "no DNS answer within 100ms"},
		{"TLS", func(t *testing.T) string {
			return fakeServer(t, func(c net.Conn) {
				readQuery(c)
				_, _ = c.Write([]byte{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32}) // alert: decode error
			})
		}, 0, "something answered TLS"},
		{"another text protocol", func(t *testing.T) string {
			return fakeServer(t, func(c net.Conn) { readQuery(c); _, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n") })
		}, 0, `something answered "SSH-2.0-OpenSSH_9.2"`},
		{"echo", func(t *testing.T) string {
			return fakeServer(t, func(c net.Conn) {
				b := make([]byte, 512)
				n, _ := c.Read(b)
				_, _ = c.Write(b[:n])
			})
		}, 0, "came back as it was sent"},
		{"DNS server failing", func(t *testing.T) string {
			return responder(t, dnsmessage.RCodeServerFailure).Addr()
		}, 0, "the DNS server answered SERVFAIL"},
		{"DNS server refusing", func(t *testing.T) string {
			return responder(t, dnsmessage.RCodeRefused).Addr()
		}, 0, "the DNS server answered REFUSED"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &NetProbe{
				Address: c.address(t), Interval: time.Hour, Timeout: c.timeout,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			}
			if err := p.Start(); err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			waitFor(t, "the first probe", func() bool { return p.Status().State != NetUnknown })
			if st := p.Status(); st.State != NetOffline || !strings.Contains(st.Error, c.want) {
				t.Fatalf("status %+v, want offline saying %q", st, c.want)
			}
		})
	}
}

// TestNetProbeConnectTimeout: a server that never completes the
// handshake (a dropped SYN) is offline, said so.
func TestNetProbeConnectTimeout(t *testing.T) {
	p := &NetProbe{
		Address: "127.0.0.1:53", Interval: time.Hour, Timeout: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			<-ctx.Done()
			// What net.Dialer returns then.
			return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
		},
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	waitFor(t, "the first probe", func() bool { return p.Status().State != NetUnknown })
	if st := p.Status(); st.State != NetOffline || !strings.HasPrefix(st.Error, "no connection within 50ms") {
		t.Fatalf("status %+v, want offline saying no connection within 50ms", st)
	}
}

// TestNetProbeAsksDNS checks the online case from the server's side: the
// probe asked one query per probe, and nothing else answered for it.
func TestNetProbeAsksDNS(t *testing.T) {
	r := responder(t, dnsmessage.RCodeSuccess)
	p := &NetProbe{Address: r.Addr(), Interval: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	waitFor(t, "the first probe", func() bool { return p.Status().State != NetUnknown })
	if st := p.Status(); st.State != NetOnline || st.Error != "" || r.Queries() != 1 {
		t.Fatalf("status %+v after %d queries, want online after 1", st, r.Queries())
	}
}

// TestNetProbeLeavesNoGoroutine closes the probe in the middle of a probe
// that would wait an hour for its answer: Close returns, and neither the
// probe nor its connection leaves a goroutine behind.
func TestNetProbeLeavesNoGoroutine(t *testing.T) {
	base := runtime.NumGoroutine()
	r := &dnstest.Responder{}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	p := &NetProbe{Address: r.Addr(), Interval: time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a few probes", func() bool { return r.Queries() >= 3 })
	ingesttest.MustReturn(t, "Close", p.Close)
	r.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	asked := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			readQuery(c)
			asked <- c
		}
		close(asked)
	}()
	p = &NetProbe{Address: ln.Addr().String(), Interval: time.Hour, Timeout: time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	c := <-asked
	if c == nil {
		t.Fatal("the probe never asked")
	}
	ingesttest.MustReturn(t, "Close during a probe", p.Close)
	if st := p.Status(); st.State != NetUnknown {
		t.Fatalf("closing counted as a probe: %+v", st)
	}
	c.Close()
	ln.Close()
	ingesttest.CheckNoLeaks(t, base)
}

func TestNetProbeNeverBlocks(t *testing.T) {
	dialling := make(chan struct{})
	returned := make(chan struct{})
	p := &NetProbe{
		Address: "192.0.2.1:53", Interval: time.Hour, Timeout: time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			defer close(returned)
			close(dialling)
			<-ctx.Done()
			return nil, ctx.Err()
		},
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-dialling:
	case <-time.After(5 * time.Second):
		t.Fatal("the probe never dialled")
	}
	status := make(chan NetStatus)
	go func() { status <- p.Status() }()
	select {
	case st := <-status:
		if st.State != NetUnknown || !st.Checked.IsZero() {
			t.Fatalf("status during the first probe: %+v, want unknown", st)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Status blocked behind a probe")
	}
	p.Close()
	select {
	case <-returned:
	default:
		t.Fatal("Close returned before the probe did")
	}
	if st := p.Status(); st.State != NetUnknown {
		t.Fatalf("closing counted as a probe: %+v", st)
	}
}

func TestNetProbeStartValidates(t *testing.T) {
	for _, c := range []struct {
		name              string
		address           string
		interval, timeout time.Duration
		want              string
	}{
		{"address without port", "127.0.0.1", 0, 0, "Address"},
		{"negative interval", "127.0.0.1:53", -time.Second, 0, "Interval"},
		{"negative timeout", "127.0.0.1:53", 0, -time.Second, "Timeout"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &NetProbe{Address: c.address, Interval: c.interval, Timeout: c.timeout}
			err := p.Start()
			if err == nil {
				p.Close()
				t.Fatal("Start accepted it")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not name %s", err, c.want)
			}
		})
	}
}
