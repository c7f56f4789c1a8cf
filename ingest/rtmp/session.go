package rtmp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"time"

	"github.com/bluenviron/gortmplib"

	"github.com/llcast/llcast/ingest"
)

// session serves one connection, from the handshake until its publisher
// leaves. It runs on its own goroutine, owned by the Server.
type session struct {
	nc         net.Conn
	publishers ingest.Publishers
	timeout    time.Duration
	protocol   string
	log        *slog.Logger
	since      time.Time
	remote     string
}

// refusal is a publisher turned away: logged with its reason as a warning.
type refusal struct {
	action string // "publish" or "play"
	stream string
	err    error
}

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

func (s *session) run(ctx context.Context) {
	stream, err := s.serve(ctx)
	var ref *refusal
	switch {
	case errors.As(err, &ref):
		s.log.Warn(ref.action+" refused", "stream", ref.stream, "remote", s.remote,
			"cause", cause(ref.err), "reason", redact(ref.err.Error()))
	case stream == "":
		// Never got as far as asking to publish: a port scanner, a
		// client that is not RTMP, a timeout.
		s.log.Debug("connection closed", "remote", s.remote, "reason", redact(err.Error()))
	default:
		s.log.Info("publisher left", "stream", stream, "remote", s.remote, "reason", errString(err))
	}
}

// serve returns the stream the publisher was authorized for, if it got
// that far, and why the connection ended.
func (s *session) serve(ctx context.Context) (string, error) {
	// Until media flows, the whole exchange shares one deadline.
	if err := s.nc.SetDeadline(time.Now().Add(s.timeout)); err != nil {
		return "", err
	}
	sc := &gortmplib.ServerConn{RW: s.nc}
	if err := sc.Initialize(); err != nil {
		return "", fmt.Errorf("handshake: %w", err)
	}
	if err := sc.AcceptConn(); err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	if !sc.Publish {
		_ = sc.RejectAction()
		return "", &refusal{action: "play", err: errors.New("the client asked to play: RTMP only takes publishers here, watch over HLS")}
	}
	stream, key, err := parsePublishPath(sc.URL.Path, sc.URL.RawQuery)
	if err == nil {
		err = s.publishers.Authorize(stream, key)
	}
	if err != nil {
		_ = sc.RejectAction()
		return "", &refusal{action: "publish", stream: stream, err: err}
	}
	if err := sc.AcceptAction(); err != nil {
		return stream, fmt.Errorf("accept publish: %w", err)
	}

	r := &gortmplib.Reader{Conn: deadlineConn{ServerConn: sc, nc: s.nc, timeout: s.timeout}}
	if err := r.Initialize(); err != nil {
		if err = readCodecError(err); errors.Is(err, ingest.ErrUnsupportedCodec) {
			return "", &refusal{action: "publish", stream: stream, err: err}
		}
		return stream, fmt.Errorf("read tracks: %w", readError(err, s.timeout))
	}
	rtmpTracks := r.Tracks()
	tracks, err := newTracks(rtmpTracks)
	if err != nil {
		return "", &refusal{action: "publish", stream: stream, err: err}
	}

	src := &source{
		reader: r, conn: s.nc, rtmpTracks: rtmpTracks, tracks: tracks,
		timeout: s.timeout, now: time.Now,
	}
	pub := ingest.Publication{
		Stream: stream, Protocol: s.protocol, Remote: s.remote, Since: s.since,
		Stats: func() ingest.LinkStats { return ingest.LinkStats{Bytes: sc.BytesReceived()} },
	}
	s.log.Info("publishing", "stream", stream, "remote", s.remote, "tracks", ingest.DescribeTracks(tracks))
	err = s.publishers.Publish(ctx, pub, src)
	if errors.Is(err, ingest.ErrStreamBusy) && !src.ran.Load() {
		return "", &refusal{action: "publish", stream: stream, err: err}
	}
	return stream, err
}

// cause classifies a refusal for the log.
func cause(err error) string {
	switch {
	case errors.Is(err, ingest.ErrUnknownStream):
		return "unknown_stream"
	case errors.Is(err, ingest.ErrBadKey):
		return "bad_key"
	case errors.Is(err, ingest.ErrStreamBusy):
		return "busy"
	case errors.Is(err, ingest.ErrUnsupportedCodec):
		return "unsupported_codec"
	}
	return "other"
}

func errString(err error) string {
	if err == nil {
		return "ended"
	}
	return redact(err.Error())
}

// keyParam finds a publish key in text that may quote a URL: gortmplib's
// errors before the publish command print whatever the client sent.
var keyParam = regexp.MustCompile(`(?i)(key=)[^&\s'"}\]]*`)

// redact hides publish keys in s, which is bound for the log.
func redact(s string) string {
	return keyParam.ReplaceAllString(s, "${1}REDACTED")
}
