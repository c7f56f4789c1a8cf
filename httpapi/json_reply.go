package httpapi

import (
	"encoding/json"
	"net/http"
)

// errorReply is the body of every JSON API error: {"error":"…"}.
type errorReply struct {
	Error string `json:"error"`
}

// writeJSON answers with v as JSON. API answers describe a moment and are
// never cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// writeJSONError answers {"error": msg}; msg is what the user reads.
func writeJSONError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorReply{Error: msg})
}
