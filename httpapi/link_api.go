package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"
	"rsc.io/qr"

	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/ingest"
)

// DefaultLinkTTL is how long a link made on the watch page lasts.
const DefaultLinkTTL = 24 * time.Hour

// linkAPI issues stream links to logged-in users (POST /api/links) and
// lists and revokes them for admins (/api/studio/links).
type linkAPI struct {
	auth    *TokenAuth
	links   *LinkStore
	streams *auth.StreamStore // nil: any stream name goes
	stream  string            // the default stream
	// base is where viewers reach the server (Server.BaseURL): links
	// start with it, never with the request's Host header.
	base func() string
	log  *slog.Logger
}

// linkRequest is the body of POST /api/links; every field is optional.
type linkRequest struct {
	Stream string `json:"stream"` // the default stream when empty
	TTL    string `json:"ttl"`    // a Go duration, e.g. "24h"
	Label  string `json:"label"`
}

// linkReply describes a new link. URL and QR (its QR code as a data: URL,
// so that the token never travels in another request's URL) are the only
// places its token appears.
type linkReply struct {
	Link
	URL string `json:"url"`
	QR  string `json:"qr"`
	// Capped says that the link was made shorter than asked: a viewer's
	// link expires with their session.
	Capped bool `json:"capped,omitempty"`
}

func (a *linkAPI) create(w http.ResponseWriter, r *http.Request) {
	claims, _ := ClaimsFrom(r.Context())
	req := linkRequest{TTL: DefaultLinkTTL.String()}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&req); err != nil {
			writeJSONError(w, http.StatusBadRequest, "the body must be JSON: {\"stream\", \"ttl\", \"label\"}")
			return
		}
	}
	if req.Stream == "" {
		req.Stream = a.stream
	} else if err := auth.CheckStreamName(req.Stream); err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	if !claims.Allows(req.Stream) {
		a.log.Info("forbidden", "path", r.URL.Path, "user", claims.Subject, "stream", req.Stream, "reason", "no grant")
		writeJSONError(w, http.StatusForbidden, "forbidden")
		return
	}
	if a.streams != nil {
		if _, err := a.streams.Get(req.Stream); err != nil {
			status := http.StatusInternalServerError
			if errors.Is(err, ingest.ErrUnknownStream) {
				status = http.StatusNotFound
			}
			writeJSONError(w, status, err.Error())
			return
		}
	}
	ttl, err := time.ParseDuration(req.TTL)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, "ttl must be a duration like 24h")
		return
	}
	now := time.Now()
	// A viewer's link ends with the session that made it (README "Stream
	// links"): shortened to it, and the reply says so.
	capped := false
	if left := claims.Expires.Sub(now); claims.Role != RoleAdmin && ttl > left {
		if left < time.Minute {
			writeJSONError(w, http.StatusBadRequest, "your session ends in less than a minute: log in again to make a link")
			return
		}
		ttl, capped = left, true
	}
	l, err := a.links.New(req.Stream, claims.Subject, req.Label, ttl, now)
	if err != nil {
		switch {
		case errors.Is(err, ErrInvalidLink):
			writeJSONError(w, http.StatusBadRequest, err.Error())
		case errors.Is(err, ErrTooManyLinks):
			a.log.Info("stream link refused", "user", claims.Subject, "reason", err)
			writeJSONError(w, http.StatusConflict, err.Error())
		default:
			a.log.Error("recording a stream link", "error", err)
			writeJSONError(w, http.StatusInternalServerError, "cannot record the link")
		}
		return
	}
	token, err := a.auth.IssueLink(l)
	if err != nil {
		a.log.Error("issuing a stream link", "error", err)
		writeJSONError(w, http.StatusInternalServerError, "cannot issue a link")
		return
	}
	a.log.Info("stream link issued", "id", l.ID, "stream", l.Stream, "by", l.Subject, "expires", l.Expires)
	u := LinkURL(a.base(), l.Stream, token)
	reply := linkReply{Link: l, URL: u, Capped: capped}
	if code, err := qr.Encode(u, qr.L); err == nil {
		reply.QR = "data:image/png;base64," + base64.StdEncoding.EncodeToString(code.PNG())
	} else {
		a.log.Warn("no QR code for a stream link", "error", err)
	}
	writeJSON(w, http.StatusCreated, reply)
}

func (a *linkAPI) list(w http.ResponseWriter, _ *http.Request) {
	links, err := a.links.List()
	if err != nil {
		writeJSONError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if links == nil {
		links = []Link{}
	}
	writeJSON(w, http.StatusOK, links)
}

func (a *linkAPI) revoke(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if _, err := a.links.Revoke(id); err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, ErrNoLink) {
			status = http.StatusNotFound
		}
		writeJSONError(w, status, err.Error())
		return
	}
	a.log.Info("stream link revoked", "id", id)
	a.list(w, r)
}

// LinkURL is the playback URL of a stream link under base
// ("http://host:8080").
func LinkURL(base, stream, token string) string {
	return base + "/live/" + url.PathEscape(stream) + "/index.m3u8?" + LinkParam + "=" + url.QueryEscape(token)
}
