package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/ingest"
)

// streamAPI lets admins create and remove streams, rotate their publish
// keys, and watch and stop their publishers (/api/studio/streams).
// Answers carry the keys: it sits behind RequireRole(RoleAdmin).
type streamAPI struct {
	store      *auth.StreamStore
	ports      auth.PublishPorts
	checkFile  func(path string) error // nil: only that the file exists
	live       StreamFinder            // what is on the air
	viewers    *ViewerCounter
	publishers Publishers    // nil: no publisher status, and no kick
	segment    time.Duration // keyframes further apart get a warning
	log        *slog.Logger
}

// streamEntry is a stream in the admin's list: what its owner sees of it
// (StreamInfo, keys included), whether it is on the air, its viewers and
// its publisher (nil when it never had one since the server started).
type streamEntry struct {
	auth.StreamInfo
	Live      bool           `json:"live"`
	Viewers   int            `json:"viewers"`
	Publisher *publisherView `json:"publisher"`
}

// streamRequest is the body of POST /api/studio/streams: a push stream,
// or with File a file stream; Title is optional.
type streamRequest struct {
	Name  string `json:"name"`
	File  string `json:"file"`
	VOD   bool   `json:"vod"`
	Title string `json:"title"`
}

// titleRequest is the body of PUT /api/studio/streams/{name}/title; an
// empty title removes it.
type titleRequest struct {
	Title string `json:"title"`
}

func (a *streamAPI) routes(r chi.Router) {
	r.Get("/", a.list)
	r.Post("/", a.add)
	r.Delete("/{name}", a.remove)
	r.Post("/{name}/key", a.rotate)
	r.Put("/{name}/title", a.setTitle)
	if a.publishers != nil {
		r.Get("/{name}/publisher", a.publisher)
		r.Post("/{name}/kick", a.kick)
	}
}

func (a *streamAPI) list(w http.ResponseWriter, r *http.Request) {
	streams, err := a.store.List()
	if err != nil {
		a.log.Error("listing streams", "error", err)
		writeJSONError(w, http.StatusInternalServerError, err.Error())
		return
	}
	host, now := requestHost(r), time.Now()
	entries := make([]streamEntry, 0, len(streams))
	for _, s := range streams {
		e := streamEntry{StreamInfo: s.Info(host, a.ports), Viewers: a.viewers.CountStream(s.Name)}
		_, e.Live = a.live.Handler(s.Name)
		if v, ok := a.publisherOf(s.Name, now); ok {
			e.Publisher = &v
		}
		entries = append(entries, e)
	}
	writeJSON(w, http.StatusOK, entries)
}

// publisherOf describes the stream's publisher, if it had one.
func (a *streamAPI) publisherOf(stream string, now time.Time) (publisherView, bool) {
	if a.publishers == nil {
		return publisherView{}, false
	}
	st, ok := a.publishers.Publisher(stream)
	if !ok {
		return publisherView{}, false
	}
	return newPublisherView(st, a.segment, now), true
}

// publisher answers GET /{name}/publisher: the publisher of a stream in
// the store ({"connected": false} when there is none), or 404.
func (a *streamAPI) publisher(w http.ResponseWriter, r *http.Request) {
	s, err := a.store.Get(chi.URLParam(r, "name"))
	if err != nil {
		writeStoreError(w, err)
		return
	}
	v, _ := a.publisherOf(s.Name, time.Now())
	writeJSON(w, http.StatusOK, v)
}

// kick answers POST /{name}/kick: 204 once the stream's publisher is
// disconnected, 404 when it has none. The publisher may come back with
// the same key; rotating the key keeps it out.
func (a *streamAPI) kick(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "name")
	if !a.publishers.Kick(name) {
		writeJSONError(w, http.StatusNotFound, "stream "+name+" has no publisher")
		return
	}
	a.log.Info("publisher stopped from the studio", "stream", name)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

func (a *streamAPI) add(w http.ResponseWriter, r *http.Request) {
	var req streamRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSONError(w, http.StatusBadRequest, `the body must be JSON: {"name", "title"} or {"name", "file", "vod", "title"}`)
		return
	}
	source := auth.SourcePush
	if req.File != "" {
		source = auth.SourceFile
	}
	if err := a.checkAdd(req); err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	s, err := a.store.Add(req.Name, source, req.File, req.VOD)
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, auth.ErrStreamExists) {
			status = http.StatusConflict
		}
		writeJSONError(w, status, err.Error())
		return
	}
	if req.Title != "" {
		// checkAdd cleaned the title: only the file can fail here.
		if s, err = a.store.SetTitle(s.Name, req.Title); err != nil {
			a.log.Error("setting a new stream's title", "stream", req.Name, "error", err)
			writeJSONError(w, http.StatusInternalServerError, "the stream was added, but not its title: "+err.Error())
			return
		}
	}
	a.log.Info("stream added", "stream", s.Name, "source", s.Source, "file", s.File, "vod", s.VOD)
	writeJSON(w, http.StatusCreated, s.Info(requestHost(r), a.ports))
}

// setTitle answers PUT /{name}/title: the stream with its new title.
func (a *streamAPI) setTitle(w http.ResponseWriter, r *http.Request) {
	var req titleRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSONError(w, http.StatusBadRequest, `the body must be JSON: {"title"}`)
		return
	}
	s, err := a.store.SetTitle(chi.URLParam(r, "name"), req.Title)
	if errors.Is(err, auth.ErrInvalidTitle) {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err != nil {
		writeStoreError(w, err)
		return
	}
	a.log.Info("stream title set", "stream", s.Name)
	writeJSON(w, http.StatusOK, s.Info(requestHost(r), a.ports))
}

// checkAdd checks what the client can get wrong, so that what Add
// returns besides ErrStreamExists is the server's fault.
func (a *streamAPI) checkAdd(req streamRequest) error {
	if err := auth.CheckStreamName(req.Name); err != nil {
		return err
	}
	if _, err := auth.CleanTitle(req.Title); err != nil {
		return err
	}
	if req.File == "" {
		if req.VOD {
			return errors.New("vod needs a file")
		}
		return nil
	}
	if err := auth.CheckStreamFile(req.File); err != nil {
		return err
	}
	if a.checkFile != nil {
		return a.checkFile(req.File)
	}
	return nil
}

func (a *streamAPI) remove(w http.ResponseWriter, r *http.Request) {
	s, err := a.store.Remove(chi.URLParam(r, "name"))
	if err != nil {
		writeStoreError(w, err)
		return
	}
	a.log.Info("stream removed", "stream", s.Name, "source", s.Source)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

func (a *streamAPI) rotate(w http.ResponseWriter, r *http.Request) {
	s, err := a.store.RotateKey(chi.URLParam(r, "name"))
	if err != nil {
		writeStoreError(w, err)
		return
	}
	a.log.Info("publish key rotated", "stream", s.Name)
	writeJSON(w, http.StatusOK, s.Info(requestHost(r), a.ports))
}

// writeStoreError answers an error of the stream store.
func writeStoreError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, ingest.ErrUnknownStream):
		status = http.StatusNotFound
	case errors.Is(err, auth.ErrNoKey):
		status = http.StatusConflict
	}
	writeJSONError(w, status, err.Error())
}

// requestHost is the host the request came to, without its port: where
// publishers reach this server too, as far as it knows.
func requestHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = strings.TrimSuffix(strings.TrimPrefix(r.Host, "["), "]")
	}
	return host
}
