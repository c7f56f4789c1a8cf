package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"
)

func TestNetProbeStates(t *testing.T) {
	listening := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		return ln.Addr().String() // the kernel completes the handshake unaccepted
	}
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
		{"local listener", listening, NetOnline, `msg="network: online"`},
		{"closed port", closed, NetOffline, `msg="network: offline"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			logs := &lockedWriter{w: &strings.Builder{}}
			p := &NetProbe{
				Address: c.address(t), Interval: 5 * time.Millisecond, Timeout: time.Second,
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
		})
	}
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
		{"address without port", "8.8.8.8", 0, 0, "Address"},
		{"negative interval", "", -time.Second, 0, "Interval"},
		{"negative timeout", "", 0, -time.Second, "Timeout"},
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
