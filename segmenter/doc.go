// Package segmenter owns the live streams: one Stream per name, each
// feeding llcast's own HLS muxers (segmenter/llhls: Low-Latency HLS and,
// with Legacy, MPEG-TS for old players) from a single goroutine; the
// Broadcast that puts a pipeline on air; and the Registry that the HTTP
// layer looks streams up in.
//
// It may import ingest; it must never import httpapi, player or cmd.
//
// README "Architecture" maps every package and what it may import.
package segmenter
