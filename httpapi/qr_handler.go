package httpapi

import (
	"log/slog"
	"net/http"

	"rsc.io/qr"
)

// maxQRText bounds /api/qr.png?text=: a URL, not a document.
const maxQRText = 512

// qrHandler answers /api/qr.png?text=… with the QR code of text, so that a
// phone can open a watch URL shown on the studio page.
func qrHandler(log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		text := r.URL.Query().Get("text")
		switch {
		case text == "":
			writeJSONError(w, http.StatusBadRequest, "text is missing: add ?text= and what the code should say")
			return
		case len(text) > maxQRText:
			writeJSONError(w, http.StatusBadRequest, "text is too long: a QR code here holds at most 512 bytes")
			return
		}
		code, err := qr.Encode(text, qr.M)
		if err != nil {
			log.Error("encoding QR code", "error", err)
			writeJSONError(w, http.StatusInternalServerError, "internal error")
			return
		}
		w.Header().Set("Content-Type", "image/png")
		// The same text always gives the same picture.
		w.Header().Set("Cache-Control", "private, max-age=300")
		_, _ = w.Write(code.PNG())
	}
}
