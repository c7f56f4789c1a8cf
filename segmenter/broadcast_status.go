package segmenter

import (
	"time"

	"github.com/llcast/llcast/ingest"
)

// BroadcastStatus is a snapshot of what is on air, for the studio page,
// the terminal status line and the tray.
type BroadcastStatus struct {
	// Live is true while the stream is served.
	Live   bool   `json:"live"`
	Stream string `json:"stream"`
	// Since is when the stream went live (zero when offline).
	Since time.Time          `json:"since,omitzero"`
	Video ingest.InputStatus `json:"video"`
	Audio ingest.InputStatus `json:"audio"`
	// Selection is what was asked for (kept while offline).
	Selection ingest.Selection `json:"selection"`
	Health    Health           `json:"health"`
}

// Health is measured over the last few seconds.
type Health struct {
	// FPSIn counts new pictures from the input per second; FPSOut encoded
	// frames (repeats and slates included).
	FPSIn  float64 `json:"fps_in"`
	FPSOut float64 `json:"fps_out"`
	// VideoKbps and AudioKbps are encoded bitrates in kbit/s.
	VideoKbps float64 `json:"video_kbps"`
	AudioKbps float64 `json:"audio_kbps"`
	// Dropped counts samples the muxer could not take, since the start.
	Dropped uint64 `json:"dropped"`
}
