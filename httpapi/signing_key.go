package httpapi

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// KeyFile is the name of the token signing key inside the data directory.
const KeyFile = "jwt.key"

const keySize = 32 // 256 bits, the HS256 block size

// LoadOrCreateKey returns the HS256 signing key kept in dataDir, creating it
// (mode 0600) on first start so that a restart logs nobody out.
func LoadOrCreateKey(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, KeyFile)
	key, err := os.ReadFile(path)
	switch {
	case err == nil:
		if len(key) < keySize {
			return nil, fmt.Errorf("signing key %s is %d bytes, want %d: delete it to make a new one (everyone will have to log in again)",
				path, len(key), keySize)
		}
		return key, nil
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("reading signing key: %w", err)
	}

	key = make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("making signing key: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	// O_EXCL: when two processes race on first start, one key wins and the
	// other process reads it.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreateKey(dataDir)
	}
	if err != nil {
		return nil, fmt.Errorf("writing signing key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, fmt.Errorf("writing signing key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("writing signing key: %w", err)
	}
	return key, nil
}
