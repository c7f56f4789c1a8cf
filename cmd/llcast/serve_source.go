package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/llcast/llcast/configs"
	"github.com/llcast/llcast/ingest"
)

var testSelection = ingest.Selection{
	Video: ingest.Choice{Kind: ingest.InputTest}, Audio: ingest.Choice{Kind: ingest.InputTest},
}

// chooseSelection turns --source, --camera and --mic into what the stream
// starts with, asking on the terminal when there are several devices and
// none was named.
func chooseSelection(cfg configs.Config, devices []ingest.Device, term *serveTerminal, out io.Writer,
	log *slog.Logger,
) (ingest.Selection, error) {
	if cfg.Source == "test" {
		return testSelection, nil
	}
	if cfg.Camera == "" && cfg.Mic == "" && term.interactive() && several(devices) {
		sel, err := chooseDevices(term.in, out, devices)
		if err != nil {
			return sel, err
		}
		if sel.Video.Kind == ingest.InputNone && sel.Audio.Kind == ingest.InputNone && cfg.Source == "auto" {
			return testSelection, nil
		}
		return sel, nil
	}

	cam, camErr := ingest.FindDevice(devices, ingest.KindCamera, cfg.Camera)
	mic, micErr := ingest.FindDevice(devices, ingest.KindMicrophone, cfg.Mic)
	if cfg.Mic != "" && micErr != nil {
		return ingest.Selection{}, micErr
	}
	if camErr != nil {
		if cfg.Source == "auto" {
			log.Info("no camera found, using the test source", "reason", camErr)
			return testSelection, nil
		}
		if cfg.Camera != "" {
			return ingest.Selection{}, camErr
		}
		if micErr != nil {
			return ingest.Selection{}, fmt.Errorf("no camera and no microphone to stream from: %w", errors.Join(camErr, micErr))
		}
	}
	sel := ingest.Selection{Video: ingest.Choice{Kind: ingest.InputNone}, Audio: ingest.Choice{Kind: ingest.InputNone}}
	if camErr == nil {
		sel.Video = ingest.Choice{Kind: ingest.InputDevice, Name: cam.Name}
	}
	if micErr == nil {
		sel.Audio = ingest.Choice{Kind: ingest.InputDevice, Name: mic.Name}
	}
	return sel, nil
}

// several reports whether there is a choice to make.
func several(devices []ingest.Device) bool {
	n := map[ingest.DeviceKind]int{}
	for _, d := range devices {
		n[d.Kind]++
	}
	return n[ingest.KindCamera] > 1 || n[ingest.KindMicrophone] > 1
}

// describeSelection says in words what is streamed.
func describeSelection(sel ingest.Selection) string {
	if sel == testSelection {
		return "the test source"
	}
	name := func(c ingest.Choice, test, none string) string {
		switch c.Kind {
		case ingest.InputDevice:
			return fmt.Sprintf("%q", c.Name)
		case ingest.InputTest:
			return test
		}
		return none
	}
	return name(sel.Video, "the test picture", "no camera") + " and " + name(sel.Audio, "the test tone", "no microphone")
}
