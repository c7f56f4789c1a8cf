package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"
)

// NetState says whether the last network probe got through.
type NetState string

// Network states.
const (
	// NetUnknown: no probe has finished yet (or there is no probe).
	NetUnknown NetState = "unknown"
	NetOnline  NetState = "online"
	NetOffline NetState = "offline"
)

// NetStatus is the outcome of the last network probe.
type NetStatus struct {
	State   NetState `json:"state"`
	Address string   `json:"address"`
	// Checked is when the last probe finished (zero before the first).
	Checked time.Time `json:"checked,omitzero"`
	// Error says why the last probe counted as offline, naming what
	// answered instead of a DNS server ("a proxy answered HTTP …") when
	// something did. The studio shows it under its banner.
	Error string `json:"error,omitempty"`
}

// NetProbe tells whether this machine reaches the internet by asking the
// DNS server at Address for the root zone's name servers, over TCP, at once
// and then every Interval, in its own goroutine. A TCP connection alone
// proves nothing: a captive portal or a transparent proxy accepts every
// connection. Only a DNS answer to the query it sent counts as online
// (see dnsExchange). Callers never wait for it: Status answers from the
// last probe.
type NetProbe struct {
	// Address is the DNS server asked, as HOST:PORT. It defaults to
	// "8.8.8.8:53" (a public resolver, which answers over TCP too).
	Address string
	// Timeout bounds one probe: connecting, asking and reading the
	// answer. It defaults to 3s.
	Timeout time.Duration
	// Interval is the time between probes. It defaults to 10s.
	Interval time.Duration
	// Logger. It defaults to slog.Default().
	Logger *slog.Logger
	// Dial opens the connection; tests replace it. It defaults to
	// net.Dialer.DialContext.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)

	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex // guards status
	status NetStatus
}

// Start fills in defaults, validates and starts probing.
func (p *NetProbe) Start() error {
	if p.Address == "" {
		p.Address = "8.8.8.8:53"
	}
	if p.Timeout == 0 {
		p.Timeout = 3 * time.Second
	}
	if p.Interval == 0 {
		p.Interval = 10 * time.Second
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	if p.Dial == nil {
		p.Dial = (&net.Dialer{}).DialContext
	}
	if _, _, err := net.SplitHostPort(p.Address); err != nil {
		return fmt.Errorf("network probe Address %q is not HOST:PORT: %w", p.Address, err)
	}
	if p.Timeout < 0 || p.Interval < 0 {
		return fmt.Errorf("network probe Timeout (%v) and Interval (%v) must be positive", p.Timeout, p.Interval)
	}
	p.Logger = p.Logger.With("component", "netprobe")
	p.status = NetStatus{State: NetUnknown, Address: p.Address}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.done = make(chan struct{})
	go p.run(ctx)
	return nil
}

// Close stops probing and waits for a probe under way to give up.
func (p *NetProbe) Close() {
	if p.cancel == nil {
		return
	}
	p.cancel()
	<-p.done
}

// Status is the outcome of the last probe.
func (p *NetProbe) Status() NetStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.status.State == "" {
		return NetStatus{State: NetUnknown, Address: p.Address}
	}
	return p.status
}

func (p *NetProbe) run(ctx context.Context) {
	defer close(p.done)
	tick := time.NewTicker(p.Interval)
	defer tick.Stop()
	for {
		p.probe(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (p *NetProbe) probe(ctx context.Context) {
	probeCtx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	err := p.ask(probeCtx)
	if ctx.Err() != nil {
		return // closing: says nothing about the network
	}
	p.record(err, time.Now())
}

// ask connects to Address and asks it; nil means a DNS server answered.
func (p *NetProbe) ask(ctx context.Context) error {
	conn, err := p.Dial(ctx, "tcp", p.Address)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("no connection within %v: %w", p.Timeout, err)
		}
		return err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	// Close ends a read under way at once instead of at the timeout.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	return dnsExchange(conn, p.Timeout)
}

func (p *NetProbe) record(err error, now time.Time) {
	st := NetStatus{State: NetOnline, Address: p.Address, Checked: now}
	if err != nil {
		st.State, st.Error = NetOffline, err.Error()
	}
	p.mu.Lock()
	prev := p.status.State
	p.status = st
	p.mu.Unlock()
	switch {
	case st.State == prev:
	case err != nil:
		p.Logger.Warn("network: offline", "address", p.Address, "error", err)
	default:
		p.Logger.Info("network: online", "address", p.Address)
	}
}
