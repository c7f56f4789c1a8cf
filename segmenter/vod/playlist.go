package vod

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"path"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"

	"github.com/llcast/llcast/ingest/file"
)

// File names the Playlist serves.
const (
	PlaylistName = "index.m3u8"
	InitName     = "init.mp4"
	// LegacyDir is the folder of the MPEG-TS rendition's files, as in
	// /live/{stream}/legacy/index.m3u8.
	LegacyDir = "legacy"
)

// cacheSize is how many built segments a Playlist keeps.
const cacheSize = 4

// Playlist serves a file as VOD HLS: index.m3u8 (a media playlist with
// EXT-X-PLAYLIST-TYPE:VOD and EXT-X-ENDLIST), init.mp4 with every track,
// and seg{N}.mp4, one fMP4 fragment per segment holding every track's
// samples of its time range. Segments start at video keyframes and are
// built from the file on request; only a few are kept in memory.
//
// In the folder legacy/ it serves the same segments as MPEG-TS, for old
// TVs and set-top boxes and for ffmpeg, which can seek in that but not in
// fMP4: legacy/index.m3u8 and legacy/seg{N}.ts, with H.264 and AAC only
// (see tsCodecs).
type Playlist struct {
	// Path is the file to serve. It is required.
	Path string
	// Name is the stream's, the folder its files are asked for in: the
	// MPEG-TS files are in {Name}/legacy/, so that a stream itself named
	// "legacy" still gets fMP4. It defaults to "": any folder legacy/.
	Name string
	// SegmentDuration is the shortest a segment may be; segments end at
	// the first keyframe after it. It defaults to 2s.
	SegmentDuration time.Duration
	// Logger. It defaults to slog.Default(); the playlist adds
	// component=vod.
	Logger *slog.Logger

	log      *slog.Logger
	f        *file.File
	segments []segment
	target   int // EXT-X-TARGETDURATION
	fmp4     *rendition
	legacy   *rendition // nil when MPEG-TS carries none of the tracks
}

// Start opens the file and builds the segment index; no payload stays in
// memory.
func (p *Playlist) Start() error {
	if p.Path == "" {
		return errors.New("vod playlist: Path is empty")
	}
	if p.SegmentDuration == 0 {
		p.SegmentDuration = 2 * time.Second
	}
	if p.SegmentDuration < 0 {
		return fmt.Errorf("vod playlist: SegmentDuration %v is negative", p.SegmentDuration)
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	p.log = p.Logger.With("component", "vod", "path", p.Path)
	f, err := file.Open(p.Path)
	if err != nil {
		return err
	}
	init, err := initSection(f)
	if err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", p.Path, err)
	}
	segs := cut(f, p.SegmentDuration)
	if len(segs) == 0 {
		f.Close()
		return fmt.Errorf("%s: the file has no keyframe", p.Path)
	}
	p.f, p.segments = f, segs
	p.target = 1
	for _, s := range segs {
		p.target = max(p.target, int(math.Ceil(s.duration.Seconds())))
	}
	p.fmp4 = &rendition{ext: ".mp4", mime: "video/mp4", version: 7, init: init, cache: segmentCache{size: cacheSize},
		build: func(n int) ([]byte, error) { return fragment(f, n, segs[n]) }}
	if codecs := tsCodecs(f.Tracks()); codecs != nil {
		p.legacy = &rendition{ext: ".ts", mime: "video/mp2t", version: 3, cache: segmentCache{size: cacheSize},
			build: func(n int) ([]byte, error) { return transportStream(f, codecs, n, segs[n]) }}
	}
	p.log.Info("serving a file on demand", "duration", f.Duration(), "segments", len(segs))
	return nil
}

// ServeHTTP answers a request for index.m3u8, init.mp4 or seg{N}.mp4, or
// in a folder named legacy for index.m3u8 or seg{N}.ts, taking the name
// and the folder from the end of the URL's path; any other name is not
// found. A token in the query (?token=X, a link for players that cannot
// log in) is carried on every URI of the playlist.
func (p *Playlist) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	dir, name := path.Split(r.URL.Path)
	dir = path.Clean(dir)
	rend := p.fmp4
	if path.Base(dir) == LegacyDir && (p.Name == "" || path.Base(path.Dir(dir)) == p.Name) {
		rend = p.legacy
	}
	switch {
	case rend == nil:
		http.NotFound(w, r)
	case name == PlaylistName:
		serve(w, r, "application/vnd.apple.mpegurl", p.playlist(rend, r.URL.Query().Get("token")))
	case name == InitName && rend.init != nil:
		serve(w, r, rend.mime, rend.init)
	default:
		p.serveSegment(w, r, rend, name)
	}
}

// serveSegment answers a request for a segment of rend.
func (p *Playlist) serveSegment(w http.ResponseWriter, r *http.Request, rend *rendition, name string) {
	n, ok := rend.segmentNumber(name)
	if !ok || n >= len(p.segments) {
		http.NotFound(w, r)
		return
	}
	data, err := rend.segment(n)
	if err != nil {
		p.log.Error("building a segment failed", "segment", name, "error", err)
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	serve(w, r, rend.mime, data)
}

// serve answers with data, ranges included.
func serve(w http.ResponseWriter, r *http.Request, mime string, data []byte) {
	w.Header().Set("Content-Type", mime)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// playlist renders rend's media playlist, with the token on every URI.
func (p *Playlist) playlist(rend *rendition, token string) []byte {
	suffix := ""
	if token != "" {
		suffix = "?token=" + url.QueryEscape(token)
	}
	vod := playlist.MediaPlaylistTypeVOD
	m := playlist.Media{
		Version:             rend.version,
		IndependentSegments: true,
		TargetDuration:      p.target,
		PlaylistType:        &vod,
		Endlist:             true,
	}
	if rend.init != nil {
		m.Map = &playlist.MediaMap{URI: InitName + suffix}
	}
	for n, s := range p.segments {
		m.Segments = append(m.Segments, &playlist.MediaSegment{Duration: s.duration, URI: rend.segmentName(n) + suffix})
	}
	b, err := m.Marshal()
	if err != nil {
		// Marshal fails on nothing a Playlist can hold.
		p.log.Error("rendering the playlist failed", "error", err)
	}
	return b
}

// Close closes the file. Call it once no request is being served.
func (p *Playlist) Close() {
	if p.f != nil {
		p.f.Close()
	}
}
