package httpapi

import (
	"fmt"

	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/ingest"
)

// streamCatalog says which streams there are, which of them are on the
// air and how many watch each: what viewers see of the streams, never
// their keys or files.
type streamCatalog struct {
	store   *auth.StreamStore // nil: only the default stream, from the local source
	def     string            // the default stream
	live    StreamFinder      // what is on the air
	viewers *ViewerCounter
	// pubs, when set, tells whether a push stream's publisher is there:
	// its stream stays on the air a while after the publisher left.
	pubs Publishers
}

// streamSummary is a stream as a viewer sees it (GET /api/streams and the
// stream list page).
type streamSummary struct {
	Name string `json:"name"`
	// Title is what the stream's owner called it, plain text; may be empty.
	Title  string `json:"title"`
	Source string `json:"source"`
	VOD    bool   `json:"vod"`
	// Kind says where the stream comes from, in words.
	Kind string `json:"kind"`
	// Live: on the air now (a VOD file: can be played).
	Live    bool   `json:"live"`
	Viewers int    `json:"viewers"`
	Watch   string `json:"watch"`
}

// list returns the streams in the store's order.
func (c *streamCatalog) list() ([]auth.Stream, error) {
	if c.store == nil {
		return []auth.Stream{{Name: c.def, Source: auth.SourceLocal}}, nil
	}
	return c.store.List()
}

// get returns the stream called name, or an error wrapping
// ingest.ErrUnknownStream.
func (c *streamCatalog) get(name string) (auth.Stream, error) {
	if c.store == nil {
		if name != c.def {
			return auth.Stream{}, fmt.Errorf("%w %q", ingest.ErrUnknownStream, name)
		}
		return auth.Stream{Name: c.def, Source: auth.SourceLocal}, nil
	}
	return c.store.Get(name)
}

// granted summarizes the streams claims may watch, in the store's order.
// After an error (a broken store file) it returns what the store still
// had, with the error.
func (c *streamCatalog) granted(claims Claims) ([]streamSummary, error) {
	streams, err := c.list()
	out := make([]streamSummary, 0, len(streams))
	for _, s := range streams {
		if claims.Allows(s.Name) {
			out = append(out, c.summary(s))
		}
	}
	return out, err
}

func (c *streamCatalog) summary(s auth.Stream) streamSummary {
	_, live := c.live.Handler(s.Name)
	if s.Source == auth.SourcePush && c.pubs != nil {
		st, ok := c.pubs.Publisher(s.Name)
		live = live && ok && st.Connected
	}
	return streamSummary{
		Name: s.Name, Title: s.Title, Source: s.Source, VOD: s.VOD, Kind: sourceKind(s),
		Live: live, Viewers: c.viewers.CountStream(s.Name), Watch: auth.WatchPath(s.Name),
	}
}

// sourceKind names where a stream comes from, for people.
func sourceKind(s auth.Stream) string {
	switch {
	case s.Source == auth.SourceLocal:
		return "Camera / test"
	case s.Source == auth.SourcePush:
		return "Push"
	case s.Source == auth.SourceFile && s.VOD:
		return "On demand"
	case s.Source == auth.SourceFile:
		return "File"
	}
	return s.Source
}
