package main

import (
	"os"
	"strings"
	"testing"

	"github.com/llcast/llcast/ingest"
)

func TestChooseDevices(t *testing.T) {
	c920 := ingest.Device{Kind: ingest.KindCamera, Name: "HD Pro Webcam C920", Label: "/dev/video0"}
	builtin := ingest.Device{Kind: ingest.KindCamera, Name: "Integrated Camera", Label: "/dev/video2"}
	null := ingest.Device{Kind: ingest.KindMicrophone, Name: "Discard", Label: "6e756c6c", Null: true}
	usbMic := ingest.Device{Kind: ingest.KindMicrophone, Name: "USB Audio Mic", Label: "hw:1"}
	none := ingest.Choice{Kind: ingest.InputNone}
	dev := func(name string) ingest.Choice { return ingest.Choice{Kind: ingest.InputDevice, Name: name} }

	cases := []struct {
		name    string
		devices []ingest.Device
		input   string
		want    ingest.Selection
		wantOut []string // substrings of the output, in order
		noOut   bool     // nothing may be asked
		wantErr string
	}{
		{
			name:  "nothing to choose from",
			noOut: true,
			want:  ingest.Selection{Video: none, Audio: none},
		},
		{
			name:    "one of each is taken without asking",
			devices: []ingest.Device{c920, usbMic},
			noOut:   true,
			want:    ingest.Selection{Video: dev(c920.Name), Audio: dev(usbMic.Name)},
		},
		{
			name:    "a lone null microphone is taken",
			devices: []ingest.Device{null},
			noOut:   true,
			want:    ingest.Selection{Video: none, Audio: dev("Discard")},
		},
		{
			name:    "enter takes the default",
			devices: []ingest.Device{c920, builtin},
			input:   "\n",
			want:    ingest.Selection{Video: dev(c920.Name), Audio: none},
			wantOut: []string{
				"Cameras:\n  1) HD Pro Webcam C920 (default)\n  2) Integrated Camera\n",
				"Enter for the default, s to skip, or a number: ",
			},
		},
		{
			name:    "a number picks that device",
			devices: []ingest.Device{c920, builtin, usbMic},
			input:   " 2 \n",
			want:    ingest.Selection{Video: dev(builtin.Name), Audio: dev(usbMic.Name)},
		},
		{
			name:    "s skips",
			devices: []ingest.Device{c920, builtin},
			input:   "S\n",
			want:    ingest.Selection{Video: none, Audio: none},
		},
		{
			name:    "bad answers are asked again",
			devices: []ingest.Device{c920, builtin},
			input:   "3\nzero\n0\n1\n",
			want:    ingest.Selection{Video: dev(c920.Name), Audio: none},
			wantOut: []string{
				`"3" is not on the list: type a number from 1 to 2`,
				`"zero" is not on the list`,
				`"0" is not on the list`,
				"or a number: ",
			},
		},
		{
			name:    "the null microphone comes last and is no default",
			devices: []ingest.Device{c920, null, usbMic},
			input:   "\n",
			want:    ingest.Selection{Video: dev(c920.Name), Audio: dev(usbMic.Name)},
			wantOut: []string{"Microphones:\n  1) USB Audio Mic (default)\n  2) Discard (silence)\n"},
		},
		{
			name:    "the null microphone can be chosen",
			devices: []ingest.Device{null, usbMic},
			input:   "2\n",
			want:    ingest.Selection{Video: none, Audio: dev("Discard")},
		},
		{
			name:    "both kinds are asked in turn",
			devices: []ingest.Device{c920, builtin, usbMic, null},
			input:   "2\ns\n",
			want:    ingest.Selection{Video: dev(builtin.Name), Audio: none},
			wantOut: []string{"Cameras:", "Microphones:"},
		},
		{
			name:    "an answer without a newline before EOF counts",
			devices: []ingest.Device{c920, builtin},
			input:   "2",
			want:    ingest.Selection{Video: dev(builtin.Name), Audio: none},
		},
		{
			name:    "EOF is an error",
			devices: []ingest.Device{c920, builtin},
			wantErr: "--camera and --mic",
		},
		{
			name:    "EOF after a bad answer is an error",
			devices: []ingest.Device{c920, builtin},
			input:   "9\n",
			wantErr: "no answer on standard input",
		},
		{
			name:    "EOF at the second question is an error",
			devices: []ingest.Device{c920, builtin, usbMic, null},
			input:   "1\n",
			wantErr: "no answer",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out strings.Builder
			got, err := chooseDevices(strings.NewReader(c.input), &out, c.devices)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one about %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
			if c.noOut && out.Len() > 0 {
				t.Errorf("asked although there was nothing to choose:\n%s", out.String())
			}
			rest := out.String()
			for _, w := range c.wantOut {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (in order):\n%s", w, out.String())
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "not-a-tty")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("a regular file was taken for a terminal")
	}
}
