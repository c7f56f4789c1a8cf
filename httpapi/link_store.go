package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/llcast/llcast/httpapi/auth"
)

// LinksFile is the name of the stream-link store inside the data directory.
const LinksFile = "links.json"

// MaxLinkTTL bounds how long a stream link may stay valid.
const MaxLinkTTL = 90 * 24 * time.Hour

// ErrNoLink is returned when revoking a link that does not exist.
var ErrNoLink = errors.New("no such link")

// Link is a playback URL for native players (VLC, TVs, Safari's AVPlayer)
// that cannot log in: a signed token scoped to one stream, valid until
// Expires unless revoked. Only its ID is kept here, never the token.
type Link struct {
	ID      string    `json:"id"`
	Stream  string    `json:"stream"`
	Subject string    `json:"subject"` // who issued it
	Label   string    `json:"label,omitempty"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	Revoked bool      `json:"revoked,omitempty"`
}

// LinkStore keeps the stream links in a JSON file in the data directory,
// so that `llcast link revoke` takes effect in a running server. It is safe
// for concurrent use.
type LinkStore struct {
	// Path of the file. Required.
	Path string

	mu    sync.Mutex // guards links and file
	links []Link
	file  auth.JSONFile
}

func (s *LinkStore) refresh() error {
	if s.file.Path == "" {
		s.file = auth.JSONFile{Path: s.Path, What: "stream links"}
	}
	var links []Link
	changed, err := s.file.ReadIfChanged(&links)
	if err == nil && changed {
		s.links = links
	}
	return err
}

// New records a link for stream valid for ttl from now.
func (s *LinkStore) New(stream, subject, label string, ttl time.Duration, now time.Time) (Link, error) {
	if ttl < time.Minute || ttl > MaxLinkTTL {
		return Link{}, fmt.Errorf("invalid link lifetime %v: use 1m to %v", ttl, MaxLinkTTL)
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	l := Link{
		ID: hex.EncodeToString(id[:]), Stream: stream, Subject: subject, Label: label,
		Created: now.UTC().Truncate(time.Second), Expires: now.Add(ttl).UTC().Truncate(time.Second),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return Link{}, err
	}
	// Expired links are dropped as new ones come.
	links := []Link{l}
	for _, old := range s.links {
		if old.Expires.After(now) {
			links = append(links, old)
		}
	}
	if err := s.file.Write(links); err != nil {
		return Link{}, err
	}
	return l, s.refresh()
}

// Revoke revokes the link with id; "all" revokes every link.
func (s *LinkStore) Revoke(id string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return 0, err
	}
	links := append([]Link(nil), s.links...)
	n := 0
	for i := range links {
		if (id == "all" || links[i].ID == id) && !links[i].Revoked {
			links[i].Revoked = true
			n++
		}
	}
	if n == 0 && id != "all" {
		return 0, fmt.Errorf("%w %q (llcast link list shows them)", ErrNoLink, id)
	}
	if err := s.file.Write(links); err != nil {
		return 0, err
	}
	return n, s.refresh()
}

// List returns the links, newest first.
func (s *LinkStore) List() ([]Link, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.refresh()
	return append([]Link(nil), s.links...), err
}

// Active reports whether the link with id exists and is not revoked.
// Expiry is the token's business.
func (s *LinkStore) Active(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.refresh() // a broken file keeps the links we had
	for _, l := range s.links {
		if l.ID == id {
			return !l.Revoked
		}
	}
	return false
}
