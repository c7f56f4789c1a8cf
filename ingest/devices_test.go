package ingest

import (
	"errors"
	"strings"
	"testing"
)

func TestFindDevice(t *testing.T) {
	devs := []Device{
		{Kind: KindCamera, Name: "HD Pro Webcam C920", Label: "/dev/video0"},
		{Kind: KindCamera, Name: "Integrated Camera", Label: "/dev/video2"},
		{Kind: KindMicrophone, Name: "USB Audio Mic", Label: "hw:1"},
	}
	cases := []struct {
		kind      DeviceKind
		name      string
		want      string
		errSubstr []string
	}{
		{KindCamera, "", "HD Pro Webcam C920", nil},
		{KindCamera, "integrated", "Integrated Camera", nil},
		{KindCamera, "/dev/video2", "Integrated Camera", nil},
		{KindMicrophone, "usb", "USB Audio Mic", nil},
		{KindCamera, "Logitech Brio", "", []string{"no camera matches \"Logitech Brio\"", "HD Pro Webcam C920", "Integrated Camera"}},
		{KindMicrophone, "x", "", []string{"USB Audio Mic"}},
	}
	for _, c := range cases {
		d, err := FindDevice(devs, c.kind, c.name)
		if c.errSubstr == nil {
			if err != nil || d.Name != c.want {
				t.Errorf("FindDevice(%s, %q) = %q, %v; want %q", c.kind, c.name, d.Name, err, c.want)
			}
			continue
		}
		if !errors.Is(err, ErrNoDevice) {
			t.Errorf("FindDevice(%s, %q): %v, want ErrNoDevice", c.kind, c.name, err)
			continue
		}
		for _, s := range c.errSubstr {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q should mention %q", err, s)
			}
		}
	}
	if _, err := FindDevice(nil, KindCamera, ""); err == nil || !strings.Contains(err.Error(), "no camera found") {
		t.Errorf("empty machine: %v", err)
	}
}

func TestDeviceSourceWithoutDevices(t *testing.T) {
	src := &DeviceSource{Devices: []Device{}}
	err := src.Start()
	if !errors.Is(err, ErrNoDevice) || !strings.Contains(err.Error(), "no camera and no microphone") {
		t.Fatalf("Start on an empty machine: %v", err)
	}
	src = &DeviceSource{Devices: []Device{}, Camera: "C920"}
	if err := src.Start(); err == nil || !strings.Contains(err.Error(), "no camera found") {
		t.Fatalf("asking for a camera that is not there: %v", err)
	}
}

func TestDeviceSourceNullMicrophone(t *testing.T) {
	// This machine has no sound hardware; miniaudio offers its null device,
	// which records silence through the real driver and encoder path.
	var mic *Device
	for _, d := range ListDevices() {
		if d.Kind == KindMicrophone {
			d := d
			mic = &d
			break
		}
	}
	if mic == nil {
		t.Fatal("no microphone at all, not even miniaudio's null device: is miniaudio's null backend gone?")
	}
	src := &DeviceSource{NoCamera: true, Mic: mic.Name}
	if err := src.Start(); err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if tr := src.Tracks(); len(tr) != 1 || tr[0].Codec != CodecAAC {
		t.Fatalf("tracks = %+v", tr)
	}
}
