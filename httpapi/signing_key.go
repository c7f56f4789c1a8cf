package httpapi

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/llcast/llcast/httpapi/auth"
)

// KeyFile is the name of the token signing key inside the data directory.
const KeyFile = "jwt.key"

const keySize = 32 // 256 bits, the HS256 block size

// LoadOrCreateKey returns the HS256 signing key kept in dataDir, creating it
// (mode 0600) on first start so that a restart logs nobody out. It is
// created under the key file's lock, and looked for again under it, so
// that two processes starting at once (the server and `llcast link`)
// agree on one key and neither reads a key half written.
func LoadOrCreateKey(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, KeyFile)
	key, err := readKey(path)
	if !errors.Is(err, os.ErrNotExist) {
		return key, err
	}
	lock, err := auth.LockFile(path)
	if err != nil {
		return nil, fmt.Errorf("making signing key: %w", err)
	}
	defer lock.Unlock()
	if key, err := readKey(path); !errors.Is(err, os.ErrNotExist) {
		return key, err // another process made it meanwhile
	}
	key = make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("making signing key: %w", err)
	}
	if err := auth.WriteFileAtomic(path, key); err != nil {
		return nil, fmt.Errorf("making signing key: %w", err)
	}
	return key, nil
}

// readKey reads the key at path; the error wraps os.ErrNotExist when
// there is none.
func readKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading signing key: %w", err)
	case len(key) < keySize:
		return nil, fmt.Errorf("signing key %s is %d bytes, want %d: delete it to make a new one (everyone will have to log in again)",
			path, len(key), keySize)
	}
	return key, nil
}
