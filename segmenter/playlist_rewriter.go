package segmenter

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// holdBackParts is PART-HOLD-BACK in part target durations. RFC 8216bis
// 4.4.3.8 asks for at least 2 and recommends 3; Apple's HLS authoring
// specification requires 3. gohlslib writes 2.5.
const holdBackParts = 3

// playlistRewriter completes the playlists gohlslib writes where they fall
// short of RFC 8216bis and Apple's HLS authoring specification:
//
//   - media playlists: PART-HOLD-BACK of 3 part targets, and an
//     EXT-X-RENDITION-REPORT for every other rendition of the stream;
//   - the multivariant playlist: BANDWIDTH and AVERAGE-BANDWIDTH of the
//     video and audio played together (gohlslib counts the video only).
//
// It also hands the segments every media playlist lists to the keeper.
// Without lowLatency (the MPEG-TS rendition, one muxed stream whose
// bandwidth gohlslib gets right) it only does the latter.
type playlistRewriter struct {
	// fetch returns the muxer's own answer for a file name, in-process.
	fetch      func(name string) *bufferedResponse
	keeper     *segmentKeeper
	lowLatency bool
	// audioChannels, when set, goes into the audio EXT-X-MEDIA's CHANNELS
	// (gohlslib leaves it out; Apple's spec asks for it).
	audioChannels int

	mu    sync.Mutex // guards media
	media []string   // names of the media playlists, once known
}

// rewrite returns the playlist body, completed; rawQuery is the query of
// the request, which the URIs gohlslib writes carry too.
func (p *playlistRewriter) rewrite(name, rawQuery string, body []byte) []byte {
	if bytes.Contains(body, []byte("#EXT-X-STREAM-INF:")) {
		if !p.lowLatency {
			return body
		}
		return p.multivariant(addChannels(body, p.audioChannels))
	}
	p.keeper.keep(segmentNames(body))
	if !p.lowLatency {
		return body
	}
	body = raisePartHoldBack(body)
	return p.addRenditionReports(body, name, rawQuery)
}

// addChannels sets CHANNELS on the audio renditions of a multivariant
// playlist that have none.
func addChannels(body []byte, channels int) []byte {
	if channels <= 0 {
		return body
	}
	lines := strings.Split(string(body), "\n")
	for i, line := range lines {
		list, ok := strings.CutPrefix(line, "#EXT-X-MEDIA:")
		if ok && attr(list, "TYPE") == "AUDIO" && attr(list, "CHANNELS") == "" {
			lines[i] = "#EXT-X-MEDIA:" + setAttr(list, "CHANNELS", fmt.Sprintf("%q", fmt.Sprint(channels)))
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// segmentNames returns the file names of the segments a media playlist
// lists (its URI lines), gaps left out.
func segmentNames(body []byte) []string {
	var names []string
	for _, line := range strings.Split(string(body), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if name := uriName(line); name != "gap.mp4" {
			names = append(names, name)
		}
	}
	return names
}

// uriName is the file name a relative URI names, query left out.
func uriName(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return path.Base(uri)
	}
	return path.Base(u.Path)
}

// raisePartHoldBack sets PART-HOLD-BACK to holdBackParts part targets
// where it is less.
func raisePartHoldBack(body []byte) []byte {
	text := string(body)
	var target time.Duration
	for _, line := range strings.Split(text, "\n") {
		if list, ok := strings.CutPrefix(line, "#EXT-X-PART-INF:"); ok {
			target, _ = parseSeconds(attr(list, "PART-TARGET"))
		}
	}
	if target <= 0 {
		return body
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		list, ok := strings.CutPrefix(line, "#EXT-X-SERVER-CONTROL:")
		if !ok {
			continue
		}
		want := holdBackParts * target
		if have, ok := parseSeconds(attr(list, "PART-HOLD-BACK")); !ok || have < want {
			lines[i] = "#EXT-X-SERVER-CONTROL:" + setAttr(list, "PART-HOLD-BACK", formatSeconds(want))
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// addRenditionReports appends an EXT-X-RENDITION-REPORT for each media
// playlist of the stream but name, from that playlist's current state
// (RFC 8216bis 4.4.5.4, Appendix B.1).
func (p *playlistRewriter) addRenditionReports(body []byte, name, rawQuery string) []byte {
	query := withoutHLSParams(rawQuery)
	out := bytes.NewBuffer(body)
	if len(body) > 0 && body[len(body)-1] != '\n' {
		out.WriteByte('\n')
	}
	for _, other := range p.mediaPlaylists() {
		if other == name {
			continue
		}
		pl := p.mediaPlaylist(other)
		if pl == nil {
			continue
		}
		msn, part, ok := lastPart(pl)
		if !ok {
			continue
		}
		uri := other
		if query != "" {
			uri += "?" + query
		}
		fmt.Fprintf(out, "#EXT-X-RENDITION-REPORT:URI=\"%s\",LAST-MSN=%d,LAST-PART=%d\n", uri, msn, part)
	}
	return out.Bytes()
}

// lastPart returns the media sequence number and part index of the last
// part pl lists.
func lastPart(pl *playlist.Media) (msn, part int, ok bool) {
	if n := len(pl.Parts); n > 0 {
		return pl.MediaSequence + len(pl.Segments), n - 1, true
	}
	for i := len(pl.Segments) - 1; i >= 0; i-- {
		if n := len(pl.Segments[i].Parts); n > 0 {
			return pl.MediaSequence + i, n - 1, true
		}
	}
	return 0, 0, false
}

// mediaPlaylists returns the names of the stream's media playlists, read
// once from gohlslib's multivariant playlist.
func (p *playlistRewriter) mediaPlaylists() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.media != nil {
		return p.media
	}
	r := p.fetch("index.m3u8")
	pl, err := playlist.Unmarshal(r.body)
	mv, ok := pl.(*playlist.Multivariant)
	if r.status != http.StatusOK || err != nil || !ok {
		return nil
	}
	var names []string
	for _, v := range mv.Variants {
		names = append(names, uriName(v.URI))
	}
	for _, m := range mv.Renditions {
		if m.URI != nil {
			names = append(names, uriName(*m.URI))
		}
	}
	p.media = names
	return names
}

// mediaPlaylist returns gohlslib's current media playlist of that name.
func (p *playlistRewriter) mediaPlaylist(name string) *playlist.Media {
	r := p.fetch(name)
	if r.status != http.StatusOK {
		return nil
	}
	pl, err := playlist.Unmarshal(r.body)
	if err != nil {
		return nil
	}
	m, _ := pl.(*playlist.Media)
	return m
}

// withoutHLSParams removes the _HLS_ directives from a query, as gohlslib
// does for the URIs it writes.
func withoutHLSParams(rawQuery string) string {
	q, err := url.ParseQuery(rawQuery)
	if rawQuery == "" || err != nil {
		return rawQuery
	}
	for k := range q {
		if strings.HasPrefix(k, "_HLS_") {
			delete(q, k)
		}
	}
	return q.Encode()
}

func parseSeconds(v string) (time.Duration, bool) {
	f, err := strconv.ParseFloat(v, 64)
	return time.Duration(f * float64(time.Second)), err == nil && v != ""
}

// formatSeconds writes d with five decimals, as gohlslib does, rounded up
// so that reading it back gives at least d.
func formatSeconds(d time.Duration) string {
	const step = 10 * time.Microsecond
	for v := (d + step - 1).Truncate(step); ; v += step {
		s := strconv.FormatFloat(v.Seconds(), 'f', 5, 64)
		if got, _ := parseSeconds(s); got >= d {
			return s
		}
	}
}
