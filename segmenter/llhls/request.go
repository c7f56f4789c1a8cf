package llhls

import (
	"errors"
	"fmt"
	"strings"
)

// errBadRequest is the reason behind every 400.
var errBadRequest = errors.New("bad request")

// maxTokenLen bounds the token copied into the URIs of a playlist; a
// stream link's JWT is a few hundred bytes.
const maxTokenLen = 2048

// query is what the query string of a request asks of llcast: the
// delivery directives of RFC 8216bis 6.2.5 and the token of a stream
// link, which the URIs of the playlists carry on. Everything else in the
// query is ignored, and copied nowhere.
type query struct {
	// msn and part are _HLS_msn and _HLS_part, -1 when absent.
	msn, part int
	// skip is _HLS_skip=YES (or v2): a delta update is asked for.
	skip bool
	// token is the stream link's token, "" without one.
	token string
}

// parseQuery reads a raw query without building a map of it: any number
// of unknown parameters costs one pass and no allocation.
func parseQuery(raw string) (query, error) {
	q := query{msn: -1, part: -1}
	var seen uint8 // a bit per known key
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		key, value, _ := strings.Cut(pair, "=")
		var bit uint8
		switch key {
		case "_HLS_msn":
			bit = 1
		case "_HLS_part":
			bit = 2
		case "_HLS_skip":
			bit = 4
		case "token":
			bit = 8
		default:
			continue
		}
		if seen&bit != 0 {
			return query{}, fmt.Errorf("%w: %s given twice", errBadRequest, key)
		}
		seen |= bit
		switch key {
		case "_HLS_msn", "_HLS_part":
			n, ok := parseIndex(value)
			if !ok {
				return query{}, fmt.Errorf("%w: %s is not a number", errBadRequest, key)
			}
			if key == "_HLS_msn" {
				q.msn = n
			} else {
				q.part = n
			}
		case "_HLS_skip":
			q.skip = value == "YES" || value == "v2"
		case "token":
			if !isTokenText(value) {
				return query{}, fmt.Errorf("%w: malformed token", errBadRequest)
			}
			q.token = value
		}
	}
	if q.part >= 0 && q.msn < 0 {
		// RFC 8216bis 6.2.5.2.
		return query{}, fmt.Errorf("%w: _HLS_part without _HLS_msn", errBadRequest)
	}
	return q, nil
}

// isTokenText reports whether s can go into a URI as it is: a JWT is
// base64url in three dot-separated parts, which needs no escaping.
func isTokenText(s string) bool {
	if s == "" || len(s) > maxTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}
