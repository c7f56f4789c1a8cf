package rtmp

import (
	"errors"
	"strings"
	"testing"

	"github.com/llcast/llcast/ingest"
)

var publishPathCases = []struct {
	name, path, query string
	stream, key       string
	err               error
}{
	{"ffmpeg and OBS", "/live/main", "key=abc123", "main", "abc123", nil},
	{"all allowed characters", "/live/a-z_0-9", "key=k", "a-z_0-9", "k", nil},
	{"64 characters", "/live/" + strings.Repeat("x", 64), "key=k", strings.Repeat("x", 64), "k", nil},
	{"other parameters", "/live/main", "foo=bar&key=k", "main", "k", nil},
	{"escaped key", "/live/main", "key=a%2Bb", "main", "a+b", nil},
	{"no key", "/live/main", "", "main", "", nil},
	{"empty key", "/live/main", "key=", "main", "", nil},
	{"two keys", "/live/main", "key=a&key=b", "", "", ingest.ErrBadKey},
	{"malformed query", "/live/main", "key=%zz", "", "", ingest.ErrBadKey},
	{"no stream", "/live/", "key=k", "", "", ingest.ErrUnknownStream},
	{"no app", "/main", "key=k", "", "", ingest.ErrUnknownStream},
	{"other app", "/app/main", "key=k", "", "", ingest.ErrUnknownStream},
	{"app only", "/live", "key=k", "", "", ingest.ErrUnknownStream},
	{"empty path", "", "key=k", "", "", ingest.ErrUnknownStream},
	{"upper case", "/live/Main", "key=k", "", "", ingest.ErrUnknownStream},
	{"65 characters", "/live/" + strings.Repeat("x", 65), "key=k", "", "", ingest.ErrUnknownStream},
	{"nested path", "/live/main/extra", "key=k", "", "", ingest.ErrUnknownStream},
	{"trailing slash", "/live/main/", "key=k", "", "", ingest.ErrUnknownStream},
	{"dot", "/live/ma.in", "key=k", "", "", ingest.ErrUnknownStream},
	{"space", "/live/ma in", "key=k", "", "", ingest.ErrUnknownStream},
	{"non-ASCII", "/live/maïn", "key=k", "", "", ingest.ErrUnknownStream},
}

func TestParsePublishPath(t *testing.T) {
	for _, c := range publishPathCases {
		t.Run(c.name, func(t *testing.T) {
			stream, key, err := parsePublishPath(c.path, c.query)
			if !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
				t.Fatalf("parsePublishPath(%q, %q) error = %v, want %v", c.path, c.query, err, c.err)
			}
			if stream != c.stream || key != c.key {
				t.Errorf("parsePublishPath(%q, %q) = %q, %q, want %q, %q", c.path, c.query, stream, key, c.stream, c.key)
			}
		})
	}
}

func FuzzParsePublishPath(f *testing.F) {
	for _, c := range publishPathCases {
		f.Add(c.path, c.query)
	}
	f.Fuzz(func(t *testing.T, path, query string) {
		stream, key, err := parsePublishPath(path, query)
		if err != nil {
			if !errors.Is(err, ingest.ErrUnknownStream) && !errors.Is(err, ingest.ErrBadKey) {
				t.Fatalf("error %v is neither ErrUnknownStream nor ErrBadKey", err)
			}
			if stream != "" || key != "" {
				t.Fatalf("an error came with stream %q, key %q", stream, key)
			}
			// Errors go to the log: they must not quote what may hold the key.
			if len(query) > 4 && strings.Contains(err.Error(), query) {
				t.Fatalf("error %q quotes the query", err)
			}
			return
		}
		if !validStreamName(stream) || path != "/live/"+stream {
			t.Fatalf("parsePublishPath(%q) accepted stream %q", path, stream)
		}
	})
}
