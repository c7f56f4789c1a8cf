package segmenter

import (
	"net/http"
	"net/url"
	"path"
	"time"

	"github.com/bluenviron/gohlslib/v2"
)

// muxerOutput is a gohlslib muxer as viewers get it: its answers, the
// playlists completed by a playlistRewriter, and the segments it already
// forgot answered from a segmentKeeper.
type muxerOutput struct {
	muxer    *gohlslib.Muxer
	target   time.Duration // the target duration, which bounds waiting
	keeper   *segmentKeeper
	rewriter *playlistRewriter
}

// newMuxerOutput serves m, whose playlists list segmentCount segments of
// target duration per rendition, renditions media playlists.
func newMuxerOutput(m *gohlslib.Muxer, target time.Duration, segmentCount, renditions int, lowLatency bool) *muxerOutput {
	o := &muxerOutput{muxer: m, target: target}
	// A segment stays in the playlist for segmentCount target durations,
	// then must stay available for its own duration plus the playlist's:
	// 2·segmentCount + 1 in all, from when it was first listed. One more
	// covers segments that run a little longer than the target.
	keep := 2*segmentCount + 2
	o.keeper = newSegmentKeeper(o.fetch, keep*renditions, time.Duration(keep)*target)
	o.rewriter = &playlistRewriter{fetch: o.fetch, keeper: o.keeper, lowLatency: lowLatency}
	return o
}

// answer writes the muxer's answer to r into buf, completed. It may block
// as long as the muxer does (a blocking playlist reload).
func (o *muxerOutput) answer(buf *bufferedResponse, r *http.Request) {
	o.muxer.Handle(buf, r)
	name := path.Base(r.URL.Path)
	switch {
	case buf.status == 0: // gohlslib does not know the name
		o.keeper.serve(buf, name)
	case buf.status == http.StatusOK && path.Ext(name) == ".m3u8":
		buf.body = o.rewriter.rewrite(name, r.URL.RawQuery, buf.body)
	}
}

// fetch returns the muxer's own answer for a file name, asked in-process
// without a query, so without blocking for long: a playlist only waits
// for the first segments, and nothing at all once it was served.
func (o *muxerOutput) fetch(name string) *bufferedResponse {
	buf := &bufferedResponse{header: make(http.Header)}
	r := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/" + name}, Header: make(http.Header)}
	o.muxer.Handle(buf, r)
	return buf
}
