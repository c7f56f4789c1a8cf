package rtmp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/llcast/llcast/ingest"
)

// Server takes RTMP (or, with TLSConfig, RTMPS) publishers and hands each
// one, once Publishers authorized it, to Publishers as an ingest.Source.
type Server struct {
	// Listen is the TCP address to listen on, e.g. ":1935". Required.
	Listen string
	// TLSConfig, when set, makes the listener speak RTMPS. It defaults to
	// nil (plain RTMP).
	TLSConfig *tls.Config
	// Publishers authorizes publishers and runs their sources. Required.
	Publishers ingest.Publishers
	// Logger. It defaults to slog.Default(); the server adds component=rtmp.
	Logger *slog.Logger
	// ReadTimeout is how long a connection may send nothing, from the
	// handshake on, before it is dropped. It defaults to 10s.
	ReadTimeout time.Duration

	log      *slog.Logger
	protocol string
	ln       net.Listener
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup // the accept loop and every connection

	mu     sync.Mutex // guards conns and closed
	conns  map[net.Conn]struct{}
	closed bool
}

// Start fills in defaults, validates, binds the listener and accepts
// connections in the background.
func (s *Server) Start() error {
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.ReadTimeout == 0 {
		s.ReadTimeout = 10 * time.Second
	}
	switch {
	case s.Listen == "":
		return errors.New("rtmp server: Listen is required")
	case s.Publishers == nil:
		return errors.New("rtmp server: Publishers is required")
	case s.ReadTimeout < 0:
		return fmt.Errorf("rtmp server: invalid ReadTimeout %s: must be positive", s.ReadTimeout)
	}
	s.protocol = "rtmp"
	if s.TLSConfig != nil {
		s.protocol = "rtmps"
	}
	s.log = s.Logger.With("component", "rtmp")
	if s.TLSConfig != nil {
		s.log = s.log.With("protocol", s.protocol)
	}

	ln, err := net.Listen("tcp", s.Listen)
	if err != nil {
		return fmt.Errorf("%s server: %w", s.protocol, err)
	}
	if s.TLSConfig != nil {
		ln = tls.NewListener(ln, s.TLSConfig)
	}
	s.ln = ln
	s.conns = make(map[net.Conn]struct{})
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.log.Info("listening", "addr", ln.Addr().String())

	s.wg.Add(1)
	go s.accept()
	return nil
}

// Addr returns the address the server listens on, once started.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Close stops listening, drops every connection and waits for their
// goroutines to end.
func (s *Server) Close() {
	if s.ln == nil {
		return
	}
	s.cancel()
	_ = s.ln.Close()
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	var backoff time.Duration
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			if s.ctx.Err() != nil {
				return
			}
			// Out of file descriptors and the like: wait instead of spinning.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.log.Warn("accept failed", "error", err, "retry_in", backoff)
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		if !s.track(nc) {
			_ = nc.Close()
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.untrack(nc)
			ss := &session{
				nc: nc, publishers: s.Publishers, timeout: s.ReadTimeout, protocol: s.protocol,
				log: s.log, since: time.Now(), remote: nc.RemoteAddr().String(),
			}
			ss.run(s.ctx)
		}()
	}
}

// track records nc for Close, or reports false once the server is closed.
func (s *Server) track(nc net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[nc] = struct{}{}
	return true
}

func (s *Server) untrack(nc net.Conn) {
	_ = nc.Close()
	s.mu.Lock()
	delete(s.conns, nc)
	s.mu.Unlock()
}
