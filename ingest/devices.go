package ingest

import (
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pion/mediadevices/pkg/driver"
	// The V4L2 camera and miniaudio microphone drivers register themselves.
	_ "github.com/pion/mediadevices/pkg/driver/camera"
	_ "github.com/pion/mediadevices/pkg/driver/microphone"
)

// ErrNoDevice is returned when no camera or microphone matches a name.
var ErrNoDevice = errors.New("no such device")

// DeviceKind tells cameras from microphones.
type DeviceKind string

// Device kinds.
const (
	KindCamera     DeviceKind = "camera"
	KindMicrophone DeviceKind = "microphone"
)

// Device is a camera or microphone as the system names it.
type Device struct {
	Kind DeviceKind `json:"kind"`
	// Name is the friendly name ("HD Pro Webcam C920").
	Name string `json:"name"`
	// Label is the system's identifier (a /dev path or a device ID).
	Label string `json:"label"`
	// Modes a camera offers, like "1280x720 MJPEG @30".
	Modes []string `json:"modes,omitempty"`
	// Null is true for miniaudio's placeholder on machines without sound
	// hardware; it records silence.
	Null bool `json:"null,omitempty"`

	drv driver.Driver
}

// ListDevices returns the cameras and microphones present, cameras first.
func ListDevices() []Device {
	var out []Device
	for _, d := range driver.GetManager().Query(func(driver.Driver) bool { return true }) {
		info := d.Info()
		dev := Device{Name: info.Name, Label: info.Label, drv: d}
		switch {
		case driver.FilterVideoRecorder()(d):
			dev.Kind = KindCamera
			for _, p := range d.Properties() {
				dev.Modes = append(dev.Modes, fmt.Sprintf("%dx%d %s @%g",
					p.Width, p.Height, p.FrameFormat, p.FrameRate))
			}
		case driver.FilterAudioRecorder()(d):
			dev.Kind = KindMicrophone
			// miniaudio's null backend labels its device with the hex of "null".
			dev.Null = info.Label == hex.EncodeToString([]byte("null"))
		default:
			continue
		}
		if dev.Name == "" {
			dev.Name = dev.Label
		}
		out = append(out, dev)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// FindDevice returns the device of kind whose friendly name is name, else
// the first whose name or label contains it (case-insensitive); an empty
// name takes the first device. When nothing matches, the error lists what
// there is.
func FindDevice(devices []Device, kind DeviceKind, name string) (Device, error) {
	var names []string
	var partial *Device
	n := strings.ToLower(name)
	for i, d := range devices {
		if d.Kind != kind {
			continue
		}
		names = append(names, fmt.Sprintf("%q", d.Name))
		if name != "" && strings.EqualFold(d.Name, name) {
			return d, nil
		}
		if partial == nil && (strings.Contains(strings.ToLower(d.Name), n) || strings.Contains(strings.ToLower(d.Label), n)) {
			partial = &devices[i]
		}
	}
	if partial != nil {
		return *partial, nil
	}
	if len(names) == 0 {
		return Device{}, fmt.Errorf("%w: no %s found", ErrNoDevice, kind)
	}
	return Device{}, fmt.Errorf("%w: no %s matches %q; there is %s", ErrNoDevice, kind, name, strings.Join(names, ", "))
}
