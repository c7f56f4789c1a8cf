package llhls

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/llcast/llcast/ingest"
)

// Muxer turns the samples of one source into a Low-Latency HLS stream of
// fragmented MP4: a media playlist per track, each cut on its own, and a
// multivariant playlist listing them. It serves its files with Handle.
type Muxer struct {
	// Tracks of the source: at most one H.264 track, which leads the
	// cutting, and AAC or Opus tracks. Required.
	Tracks []*ingest.Track
	// PartDuration is about how long a part lasts; parts hold whole
	// frames. It defaults to 100ms.
	PartDuration time.Duration
	// SegmentDuration is the least a segment lasts: video segments start
	// at the first IDR after it. It defaults to 1s.
	SegmentDuration time.Duration
	// SegmentCount is how many segments a media playlist lists. It
	// defaults to 7 (Apple asks for 6 at least).
	SegmentCount int
	// AudioLanguage is the BCP 47 tag of the audio's language, and
	// AudioName its name in a player's menu. They default to "und" and
	// "Audio".
	AudioLanguage, AudioName string
	// MaxWaiting caps the requests waiting for media at once, all
	// playlists together; more get 429 with Retry-After. A player holds
	// one blocking reload per playlist it follows (video and audio). It
	// defaults to 4096: 2000 viewers, each waiting request a goroutine of
	// a few KB.
	MaxWaiting int
	// MaxWaitingPerClient caps the requests of one client (see WithClient)
	// waiting at once, so that one client cannot take every slot, nor make
	// the muxer answer more than that many requests a part; more get 429
	// with Retry-After. A player holds a blocking reload per playlist it
	// follows and, in Safari and on Apple TVs, a preload hint for each:
	// up to 4. It defaults to 16: four such players on one session, or on
	// one stream link in one home.
	MaxWaitingPerClient int
	// Logger gets a warning about refused requests, at most every 10 s.
	// It defaults to slog.Default().
	Logger *slog.Logger
	// Now tells the time. It defaults to time.Now.
	Now func() time.Time
	// PartServed, when set, is told how late each part is as llcast
	// begins to send it to a client: Now minus the wall-clock end of its
	// media (its segment's EXT-X-PROGRAM-DATE-TIME plus its parts up to
	// this one's end). That is what segmenting, waiting for the part and
	// the player's distance from the live edge add to the latency, before
	// the network. It runs on the request's goroutine and must be quick.
	// It defaults to nil.
	PartServed func(late time.Duration)

	server
	tracks    map[*ingest.Track]*track
	video     *track // nil without video
	audio     []*track
	playlists []*mediaPlaylist // the video's first
	target    int              // EXT-X-TARGETDURATION in seconds; the writer's
}

// Start fills in defaults, checks the tracks and prepares the playlists.
func (m *Muxer) Start() error {
	if m.PartDuration == 0 {
		m.PartDuration = 100 * time.Millisecond
	}
	if m.SegmentDuration == 0 {
		m.SegmentDuration = time.Second
	}
	if m.SegmentCount == 0 {
		m.SegmentCount = 7
	}
	if m.AudioLanguage == "" {
		m.AudioLanguage = "und"
	}
	if m.AudioName == "" {
		m.AudioName = "Audio"
	}
	if m.MaxWaiting == 0 {
		m.MaxWaiting = 4096
	}
	if m.MaxWaitingPerClient == 0 {
		m.MaxWaitingPerClient = 16
	}
	if m.Logger == nil {
		m.Logger = slog.Default()
	}
	if m.Now == nil {
		m.Now = time.Now
	}
	switch {
	case len(m.Tracks) == 0:
		return errors.New("muxer has no Tracks")
	case m.PartDuration < 10*time.Millisecond:
		return fmt.Errorf("muxer PartDuration %v is shorter than 10ms", m.PartDuration)
	case m.SegmentDuration < m.PartDuration:
		return fmt.Errorf("muxer SegmentDuration %v is shorter than PartDuration %v", m.SegmentDuration, m.PartDuration)
	case m.SegmentCount < 6:
		return fmt.Errorf("muxer SegmentCount %d is below 6", m.SegmentCount)
	case m.MaxWaiting < 1:
		return fmt.Errorf("muxer MaxWaiting %d is not positive", m.MaxWaiting)
	case m.MaxWaitingPerClient < 1:
		return fmt.Errorf("muxer MaxWaitingPerClient %d is not positive", m.MaxWaitingPerClient)
	}
	m.server.init(m.MaxWaiting, m.MaxWaitingPerClient, m.PartServed, m.Now, m.Logger)
	m.tracks = make(map[*ingest.Track]*track, len(m.Tracks))
	for i, in := range m.Tracks {
		if in.IsVideo() && m.video != nil {
			return errors.New("muxer has two video Tracks; use a muxer per video rendition")
		}
		pl := &mediaPlaylist{
			rendition: renditionName(in, len(m.audio)), prefix: m.prefix, ext: ".mp4",
			mime: "audio/mp4", count: m.SegmentCount,
		}
		if in.IsVideo() {
			pl.mime = "video/mp4"
		}
		t, err := newTrack(in, i+1, pl, m.PartDuration, m.SegmentDuration)
		if err != nil {
			return err
		}
		m.tracks[in] = t
		m.byName[pl.rendition] = pl
		if in.IsVideo() {
			m.video = t
			m.playlists = append([]*mediaPlaylist{pl}, m.playlists...)
		} else {
			m.audio = append(m.audio, t)
			m.playlists = append(m.playlists, pl)
		}
	}
	if m.video != nil && len(m.audio) > 0 {
		m.video.cut = func(b boundary) {
			for _, a := range m.audio {
				a.boundary(b)
			}
		}
		for _, a := range m.audio {
			a.follows = true
		}
	}
	m.lead = m.playlists[0]
	m.setTarget(int((m.SegmentDuration + time.Second - 1) / time.Second))
	for _, pl := range m.playlists {
		pl.publish(m.target, nil, false, &m.z)
	}
	return nil
}

// renditionName names the playlist of in: video, audio, audio2…
func renditionName(in *ingest.Track, audioBefore int) string {
	switch {
	case in.IsVideo():
		return "video"
	case audioBefore == 0:
		return "audio"
	}
	return "audio" + strconv.Itoa(audioBefore+1)
}

// randomPrefix starts every media file name of one muxer.
func randomPrefix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// WriteSample takes the next sample of one of the Tracks. Samples of a
// track come in decoding order; tracks need not wait for one another.
// WriteSample is not safe for concurrent use: one goroutine writes.
// A sample it cannot take is an error; the stream goes on without it.
func (m *Muxer) WriteSample(s ingest.Sample) error {
	t, ok := m.tracks[s.Track]
	if !ok {
		return fmt.Errorf("%w: sample of an unknown %s track", errDropped, s.Track.Codec)
	}
	pl := t.pl
	msn, parts := pl.nextMSN, len(pl.parts)
	err := t.write(s, m.Now())
	if pl.nextMSN == msn && len(pl.parts) == parts {
		return err
	}
	ended := pl.nextMSN != msn && pl.ready()
	if ended {
		if d := pl.segments[len(pl.segments)-1].duration; roundSeconds(d) > m.target {
			m.setTarget(roundSeconds(d))
		}
	}
	m.publish(pl, ended)
	return err
}

// Discontinue says that the samples that follow come from another source
// (a publisher that reconnected): the next segment begins at the next IDR,
// however short the one before, with EXT-X-DISCONTINUITY in every
// playlist. Timestamps must still increase, and the codec parameters
// stay those of the initialization sections.
func (m *Muxer) Discontinue() {
	for _, t := range m.tracks {
		t.discontinue()
	}
}

// publish renders every playlist anew, their rendition reports being
// each other's, and wakes up the requests waiting for grown.
func (m *Muxer) publish(grown *mediaPlaylist, ended bool) {
	if ended && m.ready() {
		m.multivariant.Store(m.z.rendered(m.renderMultivariant()))
	}
	for _, pl := range m.playlists {
		var reports []report
		for _, other := range m.playlists {
			if msn, part, ok := other.lastPart(); ok && other != pl && other.lowLatency() {
				reports = append(reports, report{uri: other.fileName(), msn: msn, part: part})
			}
		}
		pl.publish(m.target, reports, pl == grown, &m.z)
	}
}

// ready reports whether every playlist lists a segment.
func (m *Muxer) ready() bool {
	for _, pl := range m.playlists {
		if !pl.ready() {
			return false
		}
	}
	return true
}

func (m *Muxer) setTarget(seconds int) {
	m.target = seconds
	m.server.setTarget(seconds)
}

// roundSeconds rounds d to whole seconds, as EXT-X-TARGETDURATION is
// compared with EXTINF (RFC 8216bis 4.4.3.1).
func roundSeconds(d time.Duration) int { return int((d + time.Second/2) / time.Second) }
