package srt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	gosrt "github.com/datarhei/gosrt"

	"github.com/llcast/llcast/ingest"
)

// Server takes SRT publishers: each one sends MPEG-TS (H.264 with AAC or
// Opus) to srt://HOST:PORT?streamid=publish:{stream}:{key} and becomes the
// source of that stream.
type Server struct {
	// Listen is the UDP address to listen on, e.g. ":8890". Required.
	Listen string
	// Passphrase, when set, encrypts every connection; publishers must use
	// the same one. SRT allows 10 to 79 characters. It defaults to none.
	Passphrase string
	// Latency is how long SRT may hold packets to retransmit lost ones;
	// each side uses the larger of its own and the peer's. It defaults to
	// 120ms, SRT's own default: about four round trips of a continental
	// link, and a small part of HLS's latency.
	Latency time.Duration
	// Publishers authorizes publishers and runs their sources. Required.
	Publishers ingest.Publishers
	// Logger gets the server's log, with component=srt. It defaults to
	// slog.Default().
	Logger *slog.Logger
	// ReadTimeout ends a publisher that sends nothing for this long, or
	// whose stream does not start within it. It defaults to 10s.
	ReadTimeout time.Duration

	ln     gosrt.Listener
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Start fills in defaults, validates, binds the UDP socket and serves in
// the background.
func (s *Server) Start() error {
	if s.Latency == 0 {
		s.Latency = 120 * time.Millisecond
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	s.Logger = s.Logger.With("component", "srt")
	if s.ReadTimeout == 0 {
		s.ReadTimeout = 10 * time.Second
	}
	switch {
	case s.Listen == "":
		return errors.New("srt server: Listen is required")
	case s.Publishers == nil:
		return errors.New("srt server: Publishers is required")
	case s.Passphrase != "" && (len(s.Passphrase) < 10 || len(s.Passphrase) > 79):
		return errors.New("srt server: Passphrase must be 10 to 79 characters")
	case s.Latency < 0:
		return fmt.Errorf("srt server: invalid Latency %s", s.Latency)
	case s.ReadTimeout < 0:
		return fmt.Errorf("srt server: invalid ReadTimeout %s", s.ReadTimeout)
	}

	cfg := gosrt.DefaultConfig()
	cfg.Latency = s.Latency
	cfg.PeerIdleTimeout = s.ReadTimeout
	ln, err := gosrt.Listen("srt", s.Listen, cfg)
	if err != nil {
		return fmt.Errorf("srt server: %w", err)
	}
	s.ln = ln
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.wg.Go(s.accept)
	s.Logger.Info("listening", "addr", ln.Addr().String())
	return nil
}

// Addr is the address the server listens on, nil before Start.
func (s *Server) Addr() net.Addr {
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Close stops listening, ends every publisher and waits for them.
func (s *Server) Close() {
	if s.ln == nil {
		return
	}
	s.cancel()
	s.ln.Close()
	s.wg.Wait()
}

func (s *Server) accept() {
	for {
		req, err := s.ln.Accept2()
		if err != nil {
			if s.ctx.Err() == nil {
				s.Logger.Error("srt listener failed", "error", err)
			}
			return
		}
		s.wg.Go(func() { s.serve(req) })
	}
}

// serve answers one connection request and, once accepted, runs the
// publisher until it ends or the server closes.
func (s *Server) serve(req gosrt.ConnRequest) {
	remote := req.RemoteAddr().String()
	stream, err := s.admit(req)
	if err != nil {
		req.Reject(rejectReason(err))
		s.refused(stream, remote, err)
		return
	}
	conn, err := req.Accept()
	if err != nil {
		s.Logger.Warn("srt handshake failed", "stream", stream, "remote", remote, "error", err)
		return
	}
	defer conn.Close()
	defer context.AfterFunc(s.ctx, func() { conn.Close() })()

	since := time.Now()
	log := s.Logger.With("stream", stream, "remote", remote)
	guard := newReadGuard(conn, s.ReadTimeout, func() { conn.Close() })
	defer guard.stop()
	src := &tsSource{R: guard, Stop: func() { conn.Close() }, Log: log}
	if err := src.probe(); err != nil {
		if s.ctx.Err() == nil {
			s.refused(stream, remote, err)
		}
		return
	}
	guard.goLive()

	log.Info("publishing", "tracks", ingest.DescribeTracks(src.Tracks()))
	err = s.Publishers.Publish(s.ctx, ingest.Publication{
		Stream: stream, Protocol: "srt", Remote: remote, Since: since,
		Stats: func() ingest.LinkStats { return receiverStats(conn) },
	}, src)
	log.Info("publisher left", "error", err)
}

// admit checks a connection request: its stream ID, its passphrase and
// the publisher's key. It returns the stream's name once it is known.
func (s *Server) admit(req gosrt.ConnRequest) (string, error) {
	mode, stream, key, err := parseStreamID(req.StreamId())
	if err != nil {
		return "", fmt.Errorf("%w: %w", errBadStreamID, err)
	}
	if mode != modePublish {
		return stream, errReadNotServed
	}
	switch {
	case s.Passphrase == "" && req.IsEncrypted():
		return stream, errNoPassphrase
	case s.Passphrase != "" && !req.IsEncrypted():
		return stream, errNeedPassphrase
	case s.Passphrase != "":
		if err := req.SetPassphrase(s.Passphrase); err != nil {
			return stream, errPassphrase
		}
	}
	return stream, s.Publishers.Authorize(stream, key)
}

// refused logs a refusal. It never logs the key: err comes from parsing
// the stream ID (which never quotes it) or from the layers above.
func (s *Server) refused(stream, remote string, err error) {
	s.Logger.Warn("publish refused", "stream", stream, "remote", remote, "reason", err)
}
