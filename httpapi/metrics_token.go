package httpapi

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/llcast/llcast/httpapi/auth"
)

// MetricsTokenFile is the name of the metrics token inside the data
// directory: the bearer token a scraper such as Prometheus sends for
// /metrics (README "Monitoring").
const MetricsTokenFile = "metrics.token"

// minTokenLength is the shortest token accepted: rand.Text's 26 base32
// characters carry 130 random bits.
const minTokenLength = 26

// MetricsToken checks the bearer tokens of /metrics against the token file.
// It reads the file again when it changed (a cheap stat per check: scrapes
// are rare), so a token rotated by `llcast metrics-token --rotate` works
// from the next scrape on, and the old one no longer does. Safe for
// concurrent use.
type MetricsToken struct {
	// Path of the token file. Required.
	Path string

	mu   sync.Mutex  // guards what follows
	info os.FileInfo // of the file last read; nil before
	sum  [sha256.Size]byte
}

// Start makes the token file when it is missing and reads it.
func (t *MetricsToken) Start() error {
	if t.Path == "" {
		return errors.New("metrics token needs a Path")
	}
	if _, err := LoadOrCreateMetricsToken(t.Path); err != nil {
		return err
	}
	_, err := t.current()
	return err
}

// Check reports whether got is the token. Tokens are compared by their
// SHA-256 in constant time, which tells an attacker neither the token's
// bytes nor its length. The error says why the file could not be read;
// then no token is accepted.
func (t *MetricsToken) Check(got string) (bool, error) {
	want, err := t.current()
	if err != nil {
		return false, err
	}
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(sum[:], want[:]) == 1, nil
}

// current returns the SHA-256 of the token in the file, reading the file
// again only when it is another file or was changed.
func (t *MetricsToken) current() ([sha256.Size]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	info, err := os.Stat(t.Path)
	if err != nil {
		t.info = nil
		return [sha256.Size]byte{}, fmt.Errorf("reading metrics token: %w", err)
	}
	if t.info != nil && os.SameFile(t.info, info) && t.info.ModTime().Equal(info.ModTime()) && t.info.Size() == info.Size() {
		return t.sum, nil
	}
	token, err := readMetricsToken(t.Path)
	if err != nil {
		t.info = nil
		return [sha256.Size]byte{}, err
	}
	t.info, t.sum = info, sha256.Sum256([]byte(token))
	return t.sum, nil
}

// LoadOrCreateMetricsToken returns the token in the file at path, making
// one (mode 0600) when there is none. Like the signing key (LoadOrCreateKey),
// it is made under the file's lock and looked for again under it, so that
// the server and `llcast metrics-token` starting at once agree on one.
func LoadOrCreateMetricsToken(path string) (string, error) {
	token, err := readMetricsToken(path)
	if !errors.Is(err, os.ErrNotExist) {
		return token, err
	}
	lock, err := auth.LockFile(path)
	if err != nil {
		return "", fmt.Errorf("making metrics token: %w", err)
	}
	defer lock.Unlock()
	if token, err := readMetricsToken(path); !errors.Is(err, os.ErrNotExist) {
		return token, err // another process made it meanwhile
	}
	return writeMetricsToken(path)
}

// RotateMetricsToken replaces the token in the file at path with a new
// one and returns it.
func RotateMetricsToken(path string) (string, error) {
	lock, err := auth.LockFile(path)
	if err != nil {
		return "", fmt.Errorf("rotating metrics token: %w", err)
	}
	defer lock.Unlock()
	return writeMetricsToken(path)
}

// writeMetricsToken writes a new random token to path. The caller holds
// the file's lock.
func writeMetricsToken(path string) (string, error) {
	token := rand.Text()
	if err := auth.WriteFileAtomic(path, []byte(token+"\n")); err != nil {
		return "", fmt.Errorf("writing metrics token: %w", err)
	}
	return token, nil
}

// readMetricsToken reads the token at path, without the line end; the
// error wraps os.ErrNotExist when there is none.
func readMetricsToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading metrics token: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if len(token) < minTokenLength {
		return "", fmt.Errorf("metrics token in %s is %d characters, want at least %d: "+
			"`llcast metrics-token --rotate` makes a new one", filepath.Clean(path), len(token), minTokenLength)
	}
	for _, c := range []byte(token) {
		if c <= ' ' || c > '~' {
			return "", fmt.Errorf("metrics token in %s has a character that is not printable ASCII: "+
				"`llcast metrics-token --rotate` makes a new one", filepath.Clean(path))
		}
	}
	return token, nil
}
