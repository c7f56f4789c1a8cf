package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/segmenter"
)

// maxLogLines bounds one answer of /api/studio/logs.
const maxLogLines = 100

// Studio is what the studio page steers: the broadcast and its inputs.
type Studio interface {
	Status() segmenter.BroadcastStatus
	// Devices lists the cameras and microphones present now.
	Devices() []ingest.Device
	StartStream() error
	StopStream() error
	Select(ingest.Selection) error
}

// Snapshot is what the studio page shows; every /api/studio call but logs
// answers with one.
type Snapshot struct {
	Broadcast segmenter.BroadcastStatus `json:"broadcast"`
	// Cameras and Microphones are never nil, so that JSON says [].
	Cameras     []ingest.Device `json:"cameras"`
	Microphones []ingest.Device `json:"microphones"`
	Network     NetStatus       `json:"network"`
	// Viewers counts the sessions that fetched the broadcast's stream lately.
	Viewers int `json:"viewers"`
	// Addresses are watch URLs to open on other machines (never nil).
	Addresses []string `json:"addresses"`
	StreamURL string   `json:"stream_url"`
}

// logPage is the answer of /api/studio/logs.
type logPage struct {
	Lines []LogLine `json:"lines"`
	Next  uint64    `json:"next"`
}

// studioAPI serves /api/studio. Auth, roles and cross-origin checks are
// the router's middleware; nil probe, logs and addresses are allowed.
type studioAPI struct {
	studio    Studio
	probe     *NetProbe
	logs      *LogRing
	addresses func() []string
	viewers   *ViewerCounter
	stream    string
	log       *slog.Logger
}

func (a *studioAPI) routes(r chi.Router) {
	r.Get("/", a.get)
	r.Post("/start", a.start)
	r.Post("/stop", a.stop)
	r.Post("/select", a.selectInputs)
	r.Get("/logs", a.logLines)
}

func (a *studioAPI) get(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, a.snapshot())
}

func (a *studioAPI) start(w http.ResponseWriter, _ *http.Request) {
	a.act(w, "starting the stream", a.studio.StartStream)
}

func (a *studioAPI) stop(w http.ResponseWriter, _ *http.Request) {
	a.act(w, "stopping the stream", a.studio.StopStream)
}

// act runs f and answers with a snapshot, or with f's error: 409 when a
// device is missing (the machine's state is in the way), 500 otherwise.
func (a *studioAPI) act(w http.ResponseWriter, what string, f func() error) {
	if err := f(); err != nil {
		a.log.Warn(what+" failed", "error", err)
		status := http.StatusInternalServerError
		if errors.Is(err, ingest.ErrNoDevice) {
			status = http.StatusConflict
		}
		writeJSONError(w, status, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, a.snapshot())
}

func (a *studioAPI) selectInputs(w http.ResponseWriter, r *http.Request) {
	sel, err := decodeSelection(http.MaxBytesReader(w, r.Body, 16<<10))
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := a.studio.Select(sel); err != nil {
		a.log.Warn("selecting inputs failed", "error", err)
		status := http.StatusInternalServerError
		if errors.Is(err, ingest.ErrNoDevice) {
			status = http.StatusBadRequest
		}
		writeJSONError(w, status, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, a.snapshot())
}

// decodeSelection reads one JSON ingest.Selection and checks both kinds.
func decodeSelection(body io.Reader) (ingest.Selection, error) {
	var sel ingest.Selection
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sel); err != nil {
		return sel, fmt.Errorf("the selection is not valid JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return sel, errors.New("the selection is followed by more data: send one JSON object")
	}
	for _, c := range []struct {
		what   string
		choice ingest.Choice
	}{{"video", sel.Video}, {"audio", sel.Audio}} {
		switch c.choice.Kind {
		case ingest.InputTest, ingest.InputDevice, ingest.InputNone:
		default:
			return sel, fmt.Errorf("%s kind %q is unknown: use %q, %q or %q",
				c.what, c.choice.Kind, ingest.InputTest, ingest.InputDevice, ingest.InputNone)
		}
	}
	return sel, nil
}

func (a *studioAPI) logLines(w http.ResponseWriter, r *http.Request) {
	var after uint64
	if s := r.URL.Query().Get("after"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			writeJSONError(w, http.StatusBadRequest, "after must be a whole number: the next of the previous answer, or 0")
			return
		}
		after = n
	}
	page := logPage{Lines: []LogLine{}}
	if a.logs != nil {
		page.Lines, page.Next = a.logs.Lines(after)
		page.Lines = page.Lines[max(len(page.Lines)-maxLogLines, 0):]
	}
	writeJSON(w, http.StatusOK, page)
}

func (a *studioAPI) snapshot() Snapshot {
	snap := Snapshot{
		Broadcast:   a.studio.Status(),
		Cameras:     []ingest.Device{},
		Microphones: []ingest.Device{},
		Network:     NetStatus{State: NetUnknown},
		Viewers:     a.viewers.CountStream(a.stream),
		Addresses:   []string{},
		StreamURL:   "/live/" + url.PathEscape(a.stream) + "/index.m3u8",
	}
	for _, d := range a.studio.Devices() {
		switch d.Kind {
		case ingest.KindCamera:
			snap.Cameras = append(snap.Cameras, d)
		case ingest.KindMicrophone:
			snap.Microphones = append(snap.Microphones, d)
		}
	}
	if a.probe != nil {
		snap.Network = a.probe.Status()
	}
	if a.addresses != nil {
		if addrs := a.addresses(); addrs != nil {
			snap.Addresses = addrs
		}
	}
	return snap
}
