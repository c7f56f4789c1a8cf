package ingest

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestFindDevice(t *testing.T) {
	devs := []Device{
		{Kind: KindCamera, Name: "HD Pro Webcam C920", Label: "/dev/video0"},
		{Kind: KindCamera, Name: "Integrated Camera", Label: "/dev/video2"},
		{Kind: KindCamera, Name: "USB Camera 2", Label: "/dev/video4"},
		{Kind: KindCamera, Name: "USB Camera", Label: "/dev/video6"},
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
		// An exact name wins over a longer name listed first.
		{KindCamera, "usb camera", "USB Camera", nil},
		{KindCamera, "USB", "USB Camera 2", nil},
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

func TestOpenInputsWithoutDevices(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	if _, err := OpenVideo(Choice{Kind: InputDevice, Name: "C920"}, nil, 1280, 720, 30, log); !errors.Is(err, ErrNoDevice) ||
		!strings.Contains(err.Error(), "no camera found") {
		t.Fatalf("asking for a camera that is not there: %v", err)
	}
	if _, err := OpenAudio(Choice{Kind: InputDevice}, nil, log); !errors.Is(err, ErrNoDevice) ||
		!strings.Contains(err.Error(), "no microphone found") {
		t.Fatalf("asking for a microphone that is not there: %v", err)
	}
	if _, err := OpenVideo(Choice{Kind: "webcam"}, nil, 1280, 720, 30, log); err == nil ||
		!strings.Contains(err.Error(), "use test, device or none") {
		t.Fatalf("unknown kind: %v", err)
	}
	if in, err := OpenVideo(Choice{Kind: InputNone}, nil, 1280, 720, 30, log); in != nil || err != nil {
		t.Fatalf("none: %v %v", in, err)
	}
	if _, err := OpenVideo(Choice{Kind: InputTest}, nil, 320, 240, 30, log); err == nil {
		t.Fatal("a test picture too small for the timestamp strip was accepted")
	}
}

func TestMicInputNullMicrophone(t *testing.T) {
	// This machine has no sound hardware; miniaudio offers its null device,
	// which records silence through the real driver.
	var mic *Device
	for _, d := range ListDevices() {
		if d.Kind == KindMicrophone {
			mic = &d
			break
		}
	}
	if mic == nil {
		t.Fatal("no microphone at all, not even miniaudio's null device: is miniaudio's null backend gone?")
	}
	in, err := OpenAudio(Choice{Kind: InputDevice, Name: mic.Name}, ListDevices(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	pcm := make([]int16, 2048)
	deadline := time.Now().Add(5 * time.Second)
	for !in.Read(time.Now(), pcm) {
		if time.Now().After(deadline) {
			t.Fatalf("no sound from %q in 5 s; status %+v", mic.Name, in.Status())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st := in.Status(); st.State != StateOK || st.Kind != InputDevice || st.Name != mic.Name {
		t.Fatalf("status = %+v", st)
	}
}
