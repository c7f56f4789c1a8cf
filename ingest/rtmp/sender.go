package rtmp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/opus"

	"github.com/llcast/llcast/ingest"
)

const (
	// dialTimeout bounds connecting, the handshake and the publish command.
	dialTimeout = 10 * time.Second
	// writeTimeout bounds one sample's write: a server that takes nothing
	// for that long is gone.
	writeTimeout = 10 * time.Second
	// opusPreSkip is libopus's lookahead at 48 kHz, which the Opus ID
	// header announces.
	opusPreSkip = 312
)

// sender publishes samples to an RTMP server. Write may be called from
// several goroutines.
type sender struct {
	client *gortmplib.Client
	tracks map[*ingest.Track]*gortmplib.Track
	video  *gortmplib.Track // nil without a video track

	mu          sync.Mutex // guards the fields below and every write to client
	writer      *gortmplib.Writer
	headersSent bool
	err         error // set once the connection is unusable

	drained   chan struct{} // closed when the server's side of the connection ends
	closeOnce sync.Once
}

// Dial connects to u (rtmp:// or rtmps://, host[:port], optional path such
// as /live), publishes stream with key and announces tracks: H.264, and AAC
// or Opus. The ports default to 1935 (rtmp) and 1936 (rtmps); the path to
// /live. tlsConfig is used for rtmps and may be nil.
func Dial(ctx context.Context, u *url.URL, stream, key string, tracks []*ingest.Track,
	tlsConfig *tls.Config) (ingest.Sender, error) {
	target, err := publishURL(u, stream, key)
	if err != nil {
		return nil, err
	}
	s := &sender{tracks: make(map[*ingest.Track]*gortmplib.Track), drained: make(chan struct{})}
	rtmpTracks := make([]*gortmplib.Track, 0, len(tracks))
	for _, t := range tracks {
		rt, err := rtmpTrack(t)
		if err != nil {
			return nil, err
		}
		s.tracks[t] = rt
		rtmpTracks = append(rtmpTracks, rt)
		if t.IsVideo() {
			if s.video != nil {
				return nil, errors.New("rtmp sends one video track")
			}
			s.video = rt
		}
	}
	if len(rtmpTracks) == 0 {
		return nil, errors.New("no tracks to send")
	}

	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	s.client = &gortmplib.Client{URL: target, Publish: true, TLSConfig: tlsConfig}
	if err := s.client.Initialize(ctx); err != nil {
		// gortmplib quotes the server's answers, never the URL and its key.
		if strings.Contains(err.Error(), "NetStream.Publish.") {
			err = errors.New("the server refused the stream: check the stream name and key, " +
				"and that nobody else publishes to it")
		}
		return nil, fmt.Errorf("publish %s to %s: %w", stream, target.Host, err)
	}
	s.writer = &gortmplib.Writer{Conn: s.client, Tracks: rtmpTracks}
	if s.video == nil {
		if err := s.initWriter(); err != nil {
			s.client.Close()
			return nil, err
		}
	}
	go s.drain()
	return s, nil
}

// publishURL returns u's server with the path /live and the stream key
// {stream}?key={key}, as OBS sends them: gortmplib takes the stream key
// from the fragment.
func publishURL(u *url.URL, stream, key string) (*url.URL, error) {
	port := "1935"
	switch u.Scheme {
	case "rtmp":
	case "rtmps":
		port = "1936"
	default:
		return nil, fmt.Errorf("unsupported scheme %q: use rtmp or rtmps", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("the URL has no host")
	}
	if u.Port() != "" {
		port = u.Port()
	}
	path := strings.TrimSuffix(u.Path, "/")
	if path == "" {
		path = "/" + app
	}
	return &url.URL{
		Scheme:   u.Scheme,
		Host:     net.JoinHostPort(u.Hostname(), port),
		Path:     path,
		Fragment: stream + "?key=" + url.QueryEscape(key),
	}, nil
}

// rtmpTrack describes t to gortmplib. The H.264 parameter sets are not
// known yet: they come with the first IDR.
func rtmpTrack(t *ingest.Track) (*gortmplib.Track, error) {
	switch t.Codec {
	case ingest.CodecH264:
		return &gortmplib.Track{Codec: &codecs.H264{}}, nil
	case ingest.CodecAAC:
		cfg := t.AACConfig
		return &gortmplib.Track{Codec: &codecs.MPEG4Audio{Config: &cfg}}, nil
	case ingest.CodecOpus:
		return &gortmplib.Track{Codec: &codecs.Opus{IDHeader: &opus.IDHeader{
			Version: 1, ChannelCount: uint8(t.Channels), PreSkip: opusPreSkip, InputSampleRate: 48000,
		}}}, nil
	}
	return nil, fmt.Errorf("codec %q cannot be sent over rtmp", t.Codec)
}

// initWriter sends the stream's metadata and sequence headers. The caller
// holds mu (or is Dial).
func (s *sender) initWriter() error {
	if err := s.client.NetConn().SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	if err := s.writer.Initialize(); err != nil {
		return fmt.Errorf("send track headers: %w", err)
	}
	s.headersSent = true
	return nil
}

// Write implements ingest.Sender. Until the first video sample that
// carries SPS and PPS, samples are dropped: RTMP announces the parameter
// sets before any media.
func (s *sender) Write(sample ingest.Sample) error {
	rt, ok := s.tracks[sample.Track]
	if !ok {
		return errors.New("the sample's track was not announced at Dial")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	if !s.headersSent {
		sps, pps := ingest.H264ParamSets(sample.Units)
		if rt != s.video || sps == nil || pps == nil {
			return nil
		}
		s.video.Codec = &codecs.H264{SPS: sps, PPS: pps}
		if err := s.initWriter(); err != nil {
			s.err = err
			return err
		}
	}
	if err := s.write(rt, sample); err != nil {
		s.err = fmt.Errorf("send sample: %w", err)
		return s.err
	}
	return nil
}

// write sends one sample; the caller holds mu.
func (s *sender) write(rt *gortmplib.Track, sample ingest.Sample) error {
	if err := s.client.NetConn().SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	rate := sample.Track.ClockRate
	pts := duration(sample.PTS, rate)
	switch sample.Track.Codec {
	case ingest.CodecH264:
		return s.writer.WriteH264(rt, pts, duration(sample.DTS, rate), sample.Units)
	case ingest.CodecAAC:
		for _, au := range sample.Units {
			if err := s.writer.WriteMPEG4Audio(rt, pts, au); err != nil {
				return err
			}
		}
	case ingest.CodecOpus:
		for _, pkt := range sample.Units {
			if err := s.writer.WriteOpus(rt, pts, pkt); err != nil {
				return err
			}
		}
	}
	return nil
}

// drain reads what the server sends and throws it away: RTMP servers
// acknowledge what they receive, and a client that never reads would
// after hours fill the socket buffer and stall the server. Its end
// (the server hung up, or Close) fails later writes at once.
func (s *sender) drain() {
	defer close(s.drained)
	_, err := io.Copy(io.Discard, s.client.NetConn())
	if err == nil {
		err = io.EOF
	}
	s.mu.Lock()
	if s.err == nil {
		s.err = fmt.Errorf("the server closed the connection: %w", err)
	}
	s.mu.Unlock()
}

// Stats implements ingest.Sender.
func (s *sender) Stats() ingest.LinkStats {
	return ingest.LinkStats{Bytes: s.client.BytesSent()}
}

// Close implements ingest.Sender.
func (s *sender) Close() error {
	s.closeOnce.Do(func() {
		s.client.Close()
		<-s.drained
	})
	return nil
}
