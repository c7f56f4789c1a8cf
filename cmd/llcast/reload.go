package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"sync"
	"syscall"

	"github.com/llcast/llcast/configs"
)

// reloader reads serve's settings again on SIGHUP (kill -HUP, systemctl
// reload) and applies what can change while llcast runs: log.level. Every
// other setting that changed is named in a warning, because it needs a
// restart (README "Configuration"). A file that does not load or validate
// changes nothing.
type reloader struct {
	// Load layers the settings as at start: defaults, the --config file,
	// LLCAST_* and flags. Required.
	Load func() (configs.Config, error)
	// Path is the --config file. It defaults to "": nothing to reload.
	Path string
	// Running are the settings llcast started with. Required. Once
	// started, the reloading goroutine owns it and keeps the live changes
	// in it, so that a setting waiting for a restart is named again on
	// the next reload.
	Running configs.Config
	// Level is the logger's level, which a reload sets. Required.
	Level *slog.LevelVar
	// Logger. Required.
	Logger *slog.Logger
	// TerminalGone reports that the terminal llcast runs on has hung up:
	// SIGHUP then means what it always meant, stop (through Quit). It
	// defaults to nil: SIGHUP always reloads.
	TerminalGone func() bool
	// Quit stops serve. Required with TerminalGone.
	Quit func()

	signals chan os.Signal
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// Start handles SIGHUP until ctx is done or Close.
func (r *reloader) Start(ctx context.Context) error {
	if r.Load == nil || r.Level == nil || r.Logger == nil {
		return errors.New("reloader needs Load, Level and Logger")
	}
	if r.TerminalGone != nil && r.Quit == nil {
		return errors.New("reloader needs Quit with TerminalGone")
	}
	ctx, r.cancel = context.WithCancel(ctx)
	r.signals = make(chan os.Signal, 1)
	signal.Notify(r.signals, syscall.SIGHUP)
	r.wg.Go(func() {
		defer signal.Stop(r.signals)
		for {
			select {
			case <-ctx.Done():
				return
			case <-r.signals:
				if r.TerminalGone != nil && r.TerminalGone() {
					r.Logger.Info("the terminal hung up: stopping")
					r.Quit()
					return
				}
				r.reload()
			}
		}
	})
	return nil
}

// Close stops handling SIGHUP and waits until a reload under way is done.
func (r *reloader) Close() {
	if r.cancel != nil {
		r.cancel()
	}
	r.wg.Wait()
}

// reload applies the settings now in the file, flags and environment.
func (r *reloader) reload() {
	if r.Path == "" {
		r.Logger.Warn("SIGHUP: nothing to reload: llcast was started without --config")
		return
	}
	next, err := r.Load()
	if err != nil {
		// The error names the key (configs.Load and Validate say it).
		r.Logger.Error("config not reloaded; the running settings stay", "file", r.Path, "error", err)
		return
	}
	changed := configs.Changed(r.Running, next)
	// The level first, so that the lines below obey it.
	if slices.Contains(changed, "log.level") {
		_ = r.Level.UnmarshalText([]byte(next.Log.Level)) // validated by Load
		r.Logger.Info("config reloaded", "file", r.Path, "log.level", next.Log.Level, "was", r.Running.Log.Level)
		r.Running.Log.Level = next.Log.Level
	} else {
		r.Logger.Info("config reloaded: nothing to change live", "file", r.Path)
	}
	for _, key := range changed {
		if key != "log.level" {
			// Only the key: a value may be a secret (srt.passphrase).
			r.Logger.Warn(key+" changed: restart llcast to apply it", "key", key, "file", r.Path)
		}
	}
}
