package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/llcast/llcast/httpapi/auth"
)

// LinksFile is the name of the stream-link store inside the data directory.
const LinksFile = "links.json"

// MaxLinkTTL bounds how long a stream link may stay valid.
const MaxLinkTTL = 90 * 24 * time.Hour

// MaxLiveLinks bounds the links one user (or `llcast link`) has that
// neither expired nor were revoked.
const MaxLiveLinks = 100

// CLILinkSubject is the creator of the links made with `llcast link`, by
// whoever may write the data directory: no account, and no user may take
// the name.
const CLILinkSubject = "cli"

// Errors of the link store, besides ErrNoLink.
var (
	// ErrNoLink is returned when revoking a link that does not exist.
	ErrNoLink = errors.New("no such link")
	// ErrInvalidLink: a lifetime or label New cannot take.
	ErrInvalidLink = errors.New("invalid link")
	// ErrTooManyLinks: the creator has MaxLiveLinks already.
	ErrTooManyLinks = fmt.Errorf("you have %d live links: revoke some first", MaxLiveLinks)
)

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

// LinkStore keeps the stream links in a JSON file (mode 0600) in the data
// directory, so that `llcast link revoke` takes effect in a running
// server: it sees the file change at the next call. It is safe for
// concurrent use, and any number of stores, in this process or others,
// may change one file: each change is made under the file's lock to what
// the file holds then (auth.JSONFile.Update), so a revocation is never
// undone by a link created at the same moment.
//
// Each create rewrites the whole file, which therefore stays small: every
// write drops the links that expired, and keeps at most MaxLiveLinks
// revoked links per creator (the newest). With at most MaxLiveLinks live
// ones each, the file holds at most 200 links per creator, some 50 KB.
type LinkStore struct {
	// Path of the file. Required.
	Path string

	mu    sync.Mutex // guards links and file
	links []Link
	file  auth.JSONFile
}

// Load reads the file; a missing file holds no links. A file that does
// not decode, or holds a link that could not have been made, is an error
// naming it: a server must not start on it, since every link would be
// refused without a word.
func (s *LinkStore) Load() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh()
}

func (s *LinkStore) init() {
	if s.file.Path == "" {
		s.file = auth.JSONFile{Path: s.Path, What: "stream links"}
	}
}

// refresh rereads the file when it changed: one stat otherwise. A broken
// file keeps the links we had.
func (s *LinkStore) refresh() error {
	s.init()
	var links []Link
	changed, err := s.file.ReadIfChanged(&links)
	if err != nil || !changed {
		return err
	}
	if err := checkLinks(links); err != nil {
		return s.file.Corrupt(err)
	}
	s.links = links
	return nil
}

// checkLinks returns what is wrong with the links a file holds. A link
// without an ID could never be revoked, and two with one ID would make
// revoking one of them a guess.
func checkLinks(links []Link) error {
	seen := make(map[string]bool, len(links))
	for i, l := range links {
		switch {
		case l.ID == "":
			return fmt.Errorf("link %d has no id", i+1)
		case seen[l.ID]:
			return fmt.Errorf("link %.40q is there twice", l.ID)
		case l.Stream == "":
			return fmt.Errorf("link %.40q names no stream", l.ID)
		}
		seen[l.ID] = true
	}
	return nil
}

// update changes the links as the file holds them now, under its lock,
// to what change returns less what prune drops, and keeps the result. The
// caller holds s.mu.
func (s *LinkStore) update(now time.Time, change func([]Link) ([]Link, error)) error {
	s.init()
	var links []Link
	err := s.file.Update(&links, func() error {
		if err := checkLinks(links); err != nil {
			return s.file.Corrupt(err)
		}
		s.links = links // the newest, whether change takes it or not
		next, err := change(slices.Clone(links))
		if err != nil {
			return err
		}
		links = prune(next, now)
		return nil
	})
	if err == nil {
		s.links = links
	}
	return err
}

// prune drops the links that expired by now, and the revoked links of
// each creator beyond the newest MaxLiveLinks: a revoked link that is
// gone is refused all the same (Active).
func prune(links []Link, now time.Time) []Link {
	revoked := map[string]int{}
	return slices.DeleteFunc(links, func(l Link) bool {
		if !l.Expires.After(now) {
			return true
		}
		if l.Revoked {
			revoked[l.Subject]++
			return revoked[l.Subject] > MaxLiveLinks
		}
		return false
	})
}

// New records a link for stream valid for ttl from now, made by subject
// (a user name, or CLILinkSubject), with label made plain (CleanLabel).
// Its errors wrap ErrInvalidLink for a lifetime or label it cannot take,
// and ErrTooManyLinks when subject has MaxLiveLinks.
func (s *LinkStore) New(stream, subject, label string, ttl time.Duration, now time.Time) (Link, error) {
	if ttl < time.Minute || ttl > MaxLinkTTL {
		return Link{}, fmt.Errorf("%w lifetime %v: use 1m to %v", ErrInvalidLink, ttl, MaxLinkTTL)
	}
	label, err := CleanLabel(label)
	if err != nil {
		return Link{}, err
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	l := Link{
		ID: hex.EncodeToString(id[:]), Stream: stream, Subject: subject, Label: label,
		Created: now.UTC().Truncate(time.Second), Expires: now.Add(ttl).UTC().Truncate(time.Second),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err = s.update(now, func(links []Link) ([]Link, error) {
		live := 0
		for _, old := range links {
			if old.Subject == subject && !old.Revoked && old.Expires.After(now) {
				live++
			}
		}
		if live >= MaxLiveLinks {
			return nil, ErrTooManyLinks
		}
		return append([]Link{l}, links...), nil // newest first
	})
	if err != nil {
		return Link{}, err
	}
	return l, nil
}

// Revoke revokes the link with id; "all" revokes every link.
func (s *LinkStore) Revoke(id string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	err := s.update(time.Now(), func(links []Link) ([]Link, error) {
		for i := range links {
			if (id == "all" || links[i].ID == id) && !links[i].Revoked {
				links[i].Revoked = true
				n++
			}
		}
		switch {
		case n == 0 && id != "all":
			return nil, fmt.Errorf("%w %q (llcast link list shows them)", ErrNoLink, id)
		case n == 0:
			return nil, auth.ErrUnchanged
		}
		return links, nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// RevokeBy revokes every link subject made (a user being removed) and
// returns how many it revoked.
func (s *LinkStore) RevokeBy(subject string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	err := s.update(time.Now(), func(links []Link) ([]Link, error) {
		for i := range links {
			if links[i].Subject == subject && !links[i].Revoked {
				links[i].Revoked = true
				n++
			}
		}
		if n == 0 {
			return nil, auth.ErrUnchanged
		}
		return links, nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
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
