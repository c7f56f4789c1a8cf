package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/llcast/llcast/httpapi"
	"github.com/llcast/llcast/httpapi/auth"
)

// privateFiles are the files serve keeps in the data directory, with the
// widest mode each may have.
func privateFiles() map[string]fs.FileMode {
	return map[string]fs.FileMode{
		httpapi.UsersFile:          auth.PrivateMode,
		httpapi.LinksFile:          auth.PrivateMode,
		auth.StreamsFile:           auth.PrivateMode,
		httpapi.KeyFile:            auth.PrivateMode,
		httpapi.MetricsTokenFile:   auth.PrivateMode,
		httpapi.SelfSignedKeyFile:  auth.PrivateMode,
		httpapi.SelfSignedCertFile: 0o644, // public: every client is sent it
	}
}

// lockDataDir takes the data directory for this server until it stops
// (README "Users"), then takes away the permissions wider than llcast
// keeps on it and its files, and says so in the log.
func lockDataDir(dir string, log *slog.Logger) (*auth.DirLock, error) {
	lock, err := auth.LockDataDir(dir)
	if errors.Is(err, auth.ErrDirInUse) {
		return nil, fmt.Errorf("%w (stop it first, or give this one another --data)", err)
	}
	if err != nil {
		return nil, err
	}
	log = log.With("component", "datadir")
	changes, err := auth.TightenModes(dir, privateFiles())
	for _, c := range changes {
		log.Warn("permissions were wider than llcast keeps: tightened", "path", c.Path,
			"from", fmt.Sprintf("%#o", uint32(c.From)), "to", fmt.Sprintf("%#o", uint32(c.To)))
	}
	if err != nil {
		log.Warn("cannot tighten permissions in the data directory", "error", err)
	}
	return lock, nil
}
