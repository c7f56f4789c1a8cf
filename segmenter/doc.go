// Package segmenter owns the live streams: one Stream per name, each feeding
// a gohlslib Low-Latency HLS muxer (and, with Legacy, an MPEG-TS one for old
// players) from a single goroutine, and the Registry that the HTTP layer
// looks streams up in.
//
// It may import ingest; it must never import httpapi, player or cmd.
package segmenter
