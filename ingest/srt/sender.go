package srt

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts/substructs"
	gosrt "github.com/datarhei/gosrt"

	"github.com/llcast/llcast/ingest"
)

// defaultPort is llcast's SRT port.
const defaultPort = "8890"

// wireOffset is added to every time on the wire, in 90 kHz ticks: MPEG-TS
// times cannot be negative, and llcast's audio starts before zero by its
// codec delay. The receiver counts from the first picture, so the offset
// never shows.
const wireOffset = 10 * 90000

// sender is the ingest.Sender of an SRT connection.
type sender struct {
	conn   gosrt.Conn
	tracks map[*ingest.Track]*mpegts.Track
	gone   atomic.Bool   // the connection ended; set by watch
	done   chan struct{} // closed when watch returns

	mu     sync.Mutex // guards w, pw, closed, failed and the connection's write path
	w      mpegts.Writer
	pw     packetWriter
	closed bool
	// failed is the first write error: the connection is gone then, even
	// if gosrt would queue the next write (ingest.Sender's contract).
	failed error
}

// Dial connects to u (srt://host[:port], port 8890 unless given) as the
// publisher of stream, and announces tracks. The query may set
// passphrase= (SRT encryption, 10 to 79 characters) and latency= (in
// milliseconds, as SRT URLs count it, or a duration such as 200ms). A
// refusal is an error that says so, wrapping ingest.ErrBadKey,
// ErrUnknownStream or ErrStreamBusy when the server gave that reason.
func Dial(ctx context.Context, u *url.URL, stream, key string, tracks []*ingest.Track) (ingest.Sender, error) {
	addr, cfg, err := dialConfig(u)
	if err != nil {
		return nil, err
	}
	if !validStreamName(stream) {
		return nil, fmt.Errorf("invalid stream name %q: use 1 to 64 of a-z, 0-9, - and _", stream)
	}
	if key == "" || len(key) > maxKeyLen {
		return nil, fmt.Errorf("the publish key must be 1 to %d characters", maxKeyLen)
	}
	s := &sender{tracks: make(map[*ingest.Track]*mpegts.Track)}
	var wire []*mpegts.Track
	for _, t := range tracks {
		mt, err := wireTrack(t)
		if err != nil {
			return nil, err
		}
		s.tracks[t] = mt
		wire = append(wire, mt)
	}
	if len(wire) == 0 {
		return nil, errors.New("nothing to send: no tracks")
	}

	cfg.StreamId = modePublish + ":" + stream + ":" + key
	conn, err := gosrt.DialWithContext(ctx, "srt", addr, cfg)
	if err != nil {
		return nil, fmt.Errorf("srt push to %s: %w", addr, refusalError(err))
	}
	s.conn = conn
	s.pw.w = conn
	s.w = mpegts.Writer{W: &s.pw, Tracks: wire}
	err = s.w.Initialize()
	if err == nil {
		_, err = s.w.WriteTables()
	}
	if err == nil {
		err = s.pw.Flush()
	}
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("srt push to %s: announcing tracks: %w", addr, err)
	}
	s.done = make(chan struct{})
	go s.watch()
	return s, nil
}

// watch notices the end of the connection: the server sends nothing, so a
// read returns only when the connection is gone. Without it, gosrt would
// accept writes into a queue nobody reads until the queue is full.
func (s *sender) watch() {
	defer close(s.done)
	buf := make([]byte, gosrt.MAX_PAYLOAD_SIZE)
	for {
		if _, err := s.conn.Read(buf); err != nil {
			s.gone.Store(true)
			return
		}
	}
}

// dialConfig reads the address and SRT options of an srt:// URL.
func dialConfig(u *url.URL) (string, gosrt.Config, error) {
	cfg := gosrt.DefaultConfig()
	if u.Scheme != "srt" || u.Hostname() == "" {
		return "", cfg, fmt.Errorf("invalid SRT address %q: use srt://host[:port]", u.Redacted())
	}
	port := u.Port()
	if port == "" {
		port = defaultPort
	}
	q := u.Query()
	cfg.Passphrase = q.Get("passphrase")
	if n := len(cfg.Passphrase); n != 0 && (n < 10 || n > 79) {
		return "", cfg, errors.New("invalid SRT passphrase: use 10 to 79 characters")
	}
	if s := q.Get("latency"); s != "" {
		d, err := parseLatency(s)
		if err != nil {
			return "", cfg, err
		}
		cfg.Latency = d
	}
	// One 1316-byte datagram per packet, as packetWriter writes them.
	cfg.PayloadSize = datagramSize
	return net.JoinHostPort(u.Hostname(), port), cfg, nil
}

func parseLatency(s string) (time.Duration, error) {
	if ms, err := strconv.Atoi(s); err == nil && ms >= 0 {
		return time.Duration(ms) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid SRT latency %q: use milliseconds or a duration such as 200ms", s)
	}
	return d, nil
}

// wireTrack is the MPEG-TS track that carries t.
func wireTrack(t *ingest.Track) (*mpegts.Track, error) {
	switch t.Codec {
	case ingest.CodecH264:
		return &mpegts.Track{Codec: &codecs.H264{}}, nil
	case ingest.CodecAAC:
		return &mpegts.Track{Codec: &codecs.MPEG4Audio{Config: t.AACConfig}}, nil
	case ingest.CodecOpus:
		if t.Channels != 1 && t.Channels != 2 {
			return nil, fmt.Errorf("opus with %d channels cannot be sent: use mono or stereo", t.Channels)
		}
		return &mpegts.Track{Codec: &codecs.Opus{
			Desc: &substructs.OpusAudioDescriptor{ChannelConfigCode: uint8(t.Channels)},
		}}, nil
	}
	return nil, fmt.Errorf("%w: %q cannot be sent over SRT", ingest.ErrUnsupportedCodec, t.Codec)
}

// Write implements ingest.Sender. It is safe for concurrent use.
func (s *sender) Write(smp ingest.Sample) error {
	mt, ok := s.tracks[smp.Track]
	if !ok {
		return errors.New("srt push: sample of a track Dial was not given")
	}
	if len(smp.Units) == 0 || len(smp.Units[0]) == 0 {
		return errors.New("srt push: empty sample")
	}
	rate := int64(smp.Track.ClockRate)
	pts := (rescale(smp.PTS, rate, 90000) + wireOffset) & tsMask
	dts := (rescale(smp.DTS, rate, 90000) + wireOffset) & tsMask

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("srt push: connection closed")
	}
	if s.gone.Load() {
		return errors.New("srt push: the server ended the connection")
	}
	if s.failed != nil {
		return s.failed
	}
	var err error
	switch smp.Track.Codec {
	case ingest.CodecH264:
		err = s.w.WriteH264(mt, pts, dts, smp.Units)
	case ingest.CodecAAC:
		err = s.w.WriteMPEG4Audio(mt, pts, smp.Units)
	case ingest.CodecOpus:
		err = s.w.WriteOpus(mt, pts, smp.Units)
	}
	if err == nil {
		err = s.pw.Flush()
	}
	if err != nil {
		s.failed = fmt.Errorf("srt push: %w", err)
		return s.failed
	}
	return nil
}

// Stats implements ingest.Sender.
func (s *sender) Stats() ingest.LinkStats { return senderStats(s.conn) }

// Close implements ingest.Sender.
func (s *sender) Close() error {
	s.mu.Lock()
	closed := s.closed
	s.closed = true
	s.mu.Unlock()
	if closed {
		return nil
	}
	err := s.conn.Close()
	<-s.done
	return err
}
