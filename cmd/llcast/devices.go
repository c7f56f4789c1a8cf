package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/llcast/llcast/ingest"
)

const devicesUsage = `Usage: llcast devices [--json]

Lists the cameras and microphones llcast can use, by the friendly names that
--camera and --mic accept.

Flags:
`

func runDevices(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("devices", devicesUsage, stderr)
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	devices := ingest.ListDevices()
	if *asJSON {
		if devices == nil {
			devices = []ingest.Device{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(devices)
	}
	for _, kind := range []ingest.DeviceKind{ingest.KindCamera, ingest.KindMicrophone} {
		n := 0
		for _, d := range devices {
			if d.Kind != kind {
				continue
			}
			n++
			note := ""
			if d.Null {
				note = " (no sound hardware: records silence)"
			}
			fmt.Fprintf(stdout, "%s: %s%s\n", kind, d.Name, note)
			if len(d.Modes) > 0 {
				fmt.Fprintf(stdout, "  modes: %s\n", strings.Join(d.Modes, ", "))
			}
		}
		if n == 0 {
			fmt.Fprintf(stdout, "no %s found\n", kind)
		}
	}
	return nil
}
