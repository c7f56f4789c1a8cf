// Package ingesttest holds what the tests of ingest's sub-packages share,
// the way net/http/httptest serves tests of HTTP code: a recording
// ingest.Publishers, a log buffer that can be read while a server writes
// it, waiting without sleeping for a fixed time, goroutine-leak checks, and
// ffmpeg as a real client (making clips, pushing).
//
// It is for tests only and imports testing: it must never be imported by
// code that is not a test. It may import ingest; it must never import
// segmenter, httpapi, player or anything under cmd.
//
// README "Architecture" maps every package and what it may import.
package ingesttest
