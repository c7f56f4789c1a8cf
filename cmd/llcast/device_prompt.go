package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/llcast/llcast/ingest"
)

// chooseDevices asks on out which camera and which microphone to use, for
// each kind that has more than one device, and reads the answers from in.
// A kind with one device takes it without asking; a kind with none is left
// out (Kind none), and the caller decides what an all-none selection means.
func chooseDevices(in io.Reader, out io.Writer, devices []ingest.Device) (ingest.Selection, error) {
	r := bufio.NewReader(in)
	video, err := chooseDevice(r, out, "Cameras", devicesOfKind(devices, ingest.KindCamera))
	if err != nil {
		return ingest.Selection{}, err
	}
	audio, err := chooseDevice(r, out, "Microphones", devicesOfKind(devices, ingest.KindMicrophone))
	if err != nil {
		return ingest.Selection{}, err
	}
	return ingest.Selection{Video: video, Audio: audio}, nil
}

// devicesOfKind keeps the order of devices but puts null microphones last:
// the first one listed is the default, and silence is a poor default.
func devicesOfKind(devices []ingest.Device, kind ingest.DeviceKind) []ingest.Device {
	var real, null []ingest.Device
	for _, d := range devices {
		switch {
		case d.Kind != kind:
		case d.Null:
			null = append(null, d)
		default:
			real = append(real, d)
		}
	}
	return append(real, null...)
}

func chooseDevice(r *bufio.Reader, out io.Writer, title string, devices []ingest.Device) (ingest.Choice, error) {
	switch len(devices) {
	case 0:
		return ingest.Choice{Kind: ingest.InputNone}, nil
	case 1:
		return deviceChoice(devices[0]), nil
	}
	fmt.Fprintf(out, "%s:\n", title)
	for i, d := range devices {
		note := ""
		switch {
		case i == 0:
			note = " (default)"
		case d.Null:
			note = " (silence)"
		}
		fmt.Fprintf(out, "  %d) %s%s\n", i+1, d.Name, note)
	}
	for {
		fmt.Fprint(out, "Enter for the default, s to skip, or a number: ")
		line, err := r.ReadString('\n')
		answer := strings.TrimSpace(line)
		if err != nil && (answer == "" || !errors.Is(err, io.EOF)) {
			fmt.Fprintln(out)
			if errors.Is(err, io.EOF) {
				return ingest.Choice{}, errors.New("no answer on standard input: name the devices with --camera and --mic instead")
			}
			return ingest.Choice{}, fmt.Errorf("cannot read the answer: %w", err)
		}
		if answer == "" {
			return deviceChoice(devices[0]), nil
		}
		if strings.EqualFold(answer, "s") {
			return ingest.Choice{Kind: ingest.InputNone}, nil
		}
		if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(devices) {
			return deviceChoice(devices[n-1]), nil
		}
		fmt.Fprintf(out, "%q is not on the list: type a number from 1 to %d, s, or just press Enter.\n", answer, len(devices))
	}
}

func deviceChoice(d ingest.Device) ingest.Choice {
	return ingest.Choice{Kind: ingest.InputDevice, Name: d.Name}
}

// isTerminal tells whether f is a terminal a person may type into or read.
func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}
