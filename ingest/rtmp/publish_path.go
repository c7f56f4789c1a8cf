package rtmp

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/llcast/llcast/ingest"
)

// app is the first path element of every publish URL.
const app = "live"

// maxStreamName is the longest stream name a publisher may ask for.
const maxStreamName = 64

// parsePublishPath takes the stream name and the key out of the URL a
// publisher asked for: the path /live/{stream} and the query key={key}.
// ffmpeg's rtmp://HOST/live/{stream}?key={key} and OBS's Server
// rtmp://HOST/live with Stream Key {stream}?key={key} both arrive in that
// shape. A missing key comes back empty for Publishers.Authorize to refuse.
// Errors never quote the path or the query: they may hold the key.
func parsePublishPath(path, rawQuery string) (stream, key string, err error) {
	rest, ok := strings.CutPrefix(path, "/"+app+"/")
	if !ok {
		return "", "", fmt.Errorf("the path is not /%s/{stream}: %w", app, ingest.ErrUnknownStream)
	}
	if !validStreamName(rest) {
		return "", "", fmt.Errorf("the stream name is not 1 to %d characters of a-z, 0-9, - and _: %w",
			maxStreamName, ingest.ErrUnknownStream)
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", "", fmt.Errorf("the query is malformed: %w", ingest.ErrBadKey)
	}
	keys := q["key"]
	if len(keys) > 1 {
		return "", "", fmt.Errorf("the query has more than one key: %w", ingest.ErrBadKey)
	}
	if len(keys) == 1 {
		key = keys[0]
	}
	return rest, key, nil
}

// validStreamName reports whether s may name a stream.
func validStreamName(s string) bool {
	if len(s) == 0 || len(s) > maxStreamName {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}
