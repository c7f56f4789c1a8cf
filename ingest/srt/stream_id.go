package srt

import (
	"errors"
	"strings"
)

// Stream ID modes. Only publishing is served; a player asking to read gets
// a refusal that says so.
const (
	modePublish = "publish"
	modeRead    = "read"
)

// Stream ID errors. They are fixed texts: a mistyped ID may hold the key
// where the name belongs, and errors end up in the log.
var (
	errStreamIDForm = errors.New("stream ID must be publish:{stream}:{key}")
	errStreamIDItem = errors.New("stream ID items must be key=value")
	errStreamIDMode = errors.New("stream ID mode must be m=publish")
	errStreamName   = errors.New("invalid stream name in stream ID: use 1 to 64 of a-z, 0-9, - and _")
	errKeyTooLong   = errors.New("publish key in stream ID is too long")
)

// maxKeyLen bounds the key; SRT limits the whole stream ID to 512 bytes.
const maxKeyLen = 256

// parseStreamID reads the publisher's SRT stream ID, either llcast's own
// form "publish:{stream}:{key}" (as MediaMTX writes it) or SRT's
// access-control form "#!::r={stream},m=publish,s={key}".
func parseStreamID(id string) (mode, stream, key string, err error) {
	if rest, ok := strings.CutPrefix(id, "#!::"); ok {
		return parseAccessControl(rest)
	}
	mode, rest, _ := strings.Cut(id, ":")
	switch mode {
	case modePublish:
		stream, key, _ = strings.Cut(rest, ":")
	case modeRead:
		// A reader may or may not send a key; it is refused either way.
		stream, _, _ = strings.Cut(rest, ":")
	default:
		return "", "", "", errStreamIDForm
	}
	if err := checkStreamID(stream, key); err != nil {
		return "", "", "", err
	}
	return mode, stream, key, nil
}

// parseAccessControl reads the key=value list of SRT's access-control
// stream ID: r is the stream, m the mode (SRT's default is "request",
// which is reading) and s, the session, carries the key. Other keys are
// allowed and ignored, as SRT's convention says.
func parseAccessControl(list string) (mode, stream, key string, err error) {
	mode = "request"
	for item := range strings.SplitSeq(list, ",") {
		name, value, ok := strings.Cut(item, "=")
		if !ok {
			return "", "", "", errStreamIDItem
		}
		switch name {
		case "r":
			stream = value
		case "m":
			mode = value
		case "s":
			key = value
		}
	}
	if mode == "request" {
		mode = modeRead
	}
	if mode != modePublish && mode != modeRead {
		return "", "", "", errStreamIDMode
	}
	if err := checkStreamID(stream, key); err != nil {
		return "", "", "", err
	}
	return mode, stream, key, nil
}

// checkStreamID checks the parts' syntax. A missing key is left to
// Publishers.Authorize, which refuses it as a wrong one.
func checkStreamID(stream, key string) error {
	if !validStreamName(stream) {
		return errStreamName
	}
	if len(key) > maxKeyLen {
		return errKeyTooLong
	}
	return nil
}

// validStreamName reports whether name is 1 to 64 characters of a-z, 0-9,
// '-' and '_'.
func validStreamName(name string) bool {
	if len(name) < 1 || len(name) > 64 {
		return false
	}
	for i := range len(name) {
		c := name[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}
