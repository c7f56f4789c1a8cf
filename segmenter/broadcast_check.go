package segmenter

import (
	"errors"
	"fmt"

	"github.com/llcast/llcast/ingest"
)

// check reports what would keep sel from opening.
func check(sel ingest.Selection, devices []ingest.Device, enc ingest.Encoding) error {
	var errs []error
	switch sel.Video.Kind {
	case ingest.InputDevice:
		if _, err := ingest.FindDevice(devices, ingest.KindCamera, sel.Video.Name); err != nil {
			errs = append(errs, fmt.Errorf("video: %w", err))
		}
	case ingest.InputTest:
		if _, err := ingest.NewTestVideo(enc.Width, enc.Height); err != nil {
			errs = append(errs, fmt.Errorf("video: %w", err))
		}
	case ingest.InputNone:
	default:
		errs = append(errs, fmt.Errorf("unknown video input %q: use test, device or none", sel.Video.Kind))
	}
	switch sel.Audio.Kind {
	case ingest.InputDevice:
		if _, err := ingest.FindDevice(devices, ingest.KindMicrophone, sel.Audio.Name); err != nil {
			errs = append(errs, fmt.Errorf("audio: %w", err))
		}
	case ingest.InputTest, ingest.InputNone:
	default:
		errs = append(errs, fmt.Errorf("unknown audio input %q: use test, device or none", sel.Audio.Kind))
	}
	return errors.Join(errs...)
}
