package ingest

import (
	"fmt"
	"log/slog"
)

// OpenVideo opens the video input c names: the test picture, a camera
// found by name among devices, or nil for InputNone. A camera that is not
// there is an ErrNoDevice error listing the cameras there are.
func OpenVideo(c Choice, devices []Device, width, height, fps int, log *slog.Logger) (VideoInput, error) {
	switch c.Kind {
	case InputTest:
		return NewTestVideo(width, height)
	case InputDevice:
		dev, err := FindDevice(devices, KindCamera, c.Name)
		if err != nil {
			return nil, err
		}
		return OpenCamera(dev, width, height, fps, log), nil
	case InputNone:
		return nil, nil
	}
	return nil, fmt.Errorf("unknown video input %q: use test, device or none", c.Kind)
}

// OpenAudio opens the audio input c names: the test tone, a microphone
// found by name among devices, or nil for InputNone.
func OpenAudio(c Choice, devices []Device, log *slog.Logger) (AudioInput, error) {
	switch c.Kind {
	case InputTest:
		return NewTestAudio(), nil
	case InputDevice:
		dev, err := FindDevice(devices, KindMicrophone, c.Name)
		if err != nil {
			return nil, err
		}
		return OpenMic(dev, log), nil
	case InputNone:
		return nil, nil
	}
	return nil, fmt.Errorf("unknown audio input %q: use test, device or none", c.Kind)
}
