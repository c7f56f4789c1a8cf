package main

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/configs"
)

// TestReloaderApplies: the log level changes live, every other change is
// named as waiting for a restart (again on the next reload), and a file
// that does not load changes nothing.
func TestReloaderApplies(t *testing.T) {
	var next configs.Config
	var loadErr error
	logs := &syncBuffer{}
	level := &slog.LevelVar{}
	r := &reloader{
		Load:    func() (configs.Config, error) { return next, loadErr },
		Path:    "/etc/llcast/llcast.yml",
		Running: configs.Default(),
		Level:   level,
		Logger:  slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: level})),
	}
	reload := func(edit func(*configs.Config), err error) string {
		t.Helper()
		next, loadErr = configs.Default(), err
		edit(&next)
		before := len(logs.String())
		r.reload()
		return logs.String()[before:]
	}

	out := reload(func(c *configs.Config) {
		c.Log.Level = "debug"
		c.HLS.PartDuration = configs.Duration(200 * time.Millisecond)
		c.SRT.Passphrase = "a secret passphrase"
	}, nil)
	if level.Level() != slog.LevelDebug {
		t.Errorf("level %v after reloading log.level: debug", level.Level())
	}
	for _, want := range []string{
		`level=INFO msg="config reloaded" file=/etc/llcast/llcast.yml log.level=debug was=info`,
		`level=WARN msg="hls.part_duration changed: restart llcast to apply it" key=hls.part_duration`,
		`level=WARN msg="srt.passphrase changed: restart llcast to apply it" key=srt.passphrase`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "a secret passphrase") {
		t.Errorf("the log shows a changed value of a secret:\n%s", out)
	}

	// The same file again: the level is applied, the rest still waits.
	out = reload(func(c *configs.Config) {
		c.Log.Level = "debug"
		c.HLS.PartDuration = configs.Duration(200 * time.Millisecond)
	}, nil)
	if !strings.Contains(out, `msg="config reloaded: nothing to change live"`) ||
		!strings.Contains(out, "hls.part_duration changed") || strings.Contains(out, "srt.passphrase") {
		t.Errorf("second reload logged:\n%s", out)
	}

	out = reload(func(*configs.Config) {}, errors.New("config x.yml: hls.part_durration: unknown key"))
	if !strings.Contains(out, `level=ERROR msg="config not reloaded; the running settings stay"`) ||
		!strings.Contains(out, "hls.part_durration") || level.Level() != slog.LevelDebug {
		t.Errorf("a broken file: level %v, logged:\n%s", level.Level(), out)
	}

	// Back to warn: quieter from this reload on.
	out = reload(func(c *configs.Config) { c.Log.Level = "warn" }, nil)
	if level.Level() != slog.LevelWarn || strings.Contains(out, "config reloaded") {
		t.Errorf("level %v after log.level: warn, logged:\n%s", level.Level(), out)
	}

	r.Path = ""
	if out := reload(func(*configs.Config) {}, nil); !strings.Contains(out, "nothing to reload") {
		t.Errorf("without --config logged:\n%s", out)
	}
}
