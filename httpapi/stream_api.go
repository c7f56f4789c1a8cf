package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/ingest"
)

// streamAPI lets admins create and remove streams and rotate their
// publish keys (/api/studio/streams). Answers carry the keys: it sits
// behind RequireRole(RoleAdmin).
type streamAPI struct {
	store     *auth.StreamStore
	ports     auth.PublishPorts
	checkFile func(path string) error // nil: only that the file exists
	log       *slog.Logger
}

// streamRequest is the body of POST /api/studio/streams: a push stream,
// or with File a file stream.
type streamRequest struct {
	Name string `json:"name"`
	File string `json:"file"`
	VOD  bool   `json:"vod"`
}

func (a *streamAPI) routes(r chi.Router) {
	r.Get("/", a.list)
	r.Post("/", a.add)
	r.Delete("/{name}", a.remove)
	r.Post("/{name}/key", a.rotate)
}

func (a *streamAPI) list(w http.ResponseWriter, r *http.Request) {
	streams, err := a.store.List()
	if err != nil {
		a.log.Error("listing streams", "error", err)
		writeJSONError(w, http.StatusInternalServerError, err.Error())
		return
	}
	host := requestHost(r)
	infos := make([]auth.StreamInfo, 0, len(streams))
	for _, s := range streams {
		infos = append(infos, s.Info(host, a.ports))
	}
	writeJSON(w, http.StatusOK, infos)
}

func (a *streamAPI) add(w http.ResponseWriter, r *http.Request) {
	var req streamRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSONError(w, http.StatusBadRequest, `the body must be JSON: {"name"} or {"name", "file", "vod"}`)
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
	a.log.Info("stream added", "stream", s.Name, "source", s.Source, "file", s.File, "vod", s.VOD)
	writeJSON(w, http.StatusCreated, s.Info(requestHost(r), a.ports))
}

// checkAdd checks what the client can get wrong, so that what Add
// returns besides ErrStreamExists is the server's fault.
func (a *streamAPI) checkAdd(req streamRequest) error {
	if err := auth.CheckStreamName(req.Name); err != nil {
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
