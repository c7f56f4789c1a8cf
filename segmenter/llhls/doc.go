// Package llhls is llcast's HLS muxer: it cuts the samples of one source
// into Low-Latency HLS (Muxer: fragmented MP4 parts and segments, a media
// playlist per track) or classic HLS (LegacyMuxer: MPEG-TS segments of all
// tracks muxed), and serves the playlists and files it made.
//
// How it works:
//   - One goroutine writes (WriteSample). Each track is cut on its own
//     (track.go): video segments start at IDRs, audio segments end at the
//     frame nearest the video's boundary, parts hold whole frames; no
//     track waits for another. Parts and segments are written once, with
//     mediacommon's fmp4 and mpegts packages, and never change.
//   - After each new part the writer publishes every media playlist as an
//     immutable snapshot (snapshot.go). Its text (full and delta update,
//     plain and gzipped, with gohlslib's playlist package) is rendered
//     once, by the first request that wants it, for all that follow.
//     Requests read the current snapshot without a lock; a blocking
//     request waits for the snapshot's changed channel, its context, its
//     deadline or Close, holding a slot (waiters.go): MaxWaiting in all
//     and MaxWaitingPerClient per client, the client named by the HTTP
//     layer (WithClient); without a slot it gets 429. Serving is a lookup
//     and a write.
//   - Playlists carry nothing of the request but a stream link's token
//     (rendered.go). Segments leave the playlist after SegmentCount but
//     stay served for the time RFC 8216 6.2.2 asks (media_playlist.go).
//
// What comes next plugs in beside the core, not into it:
//   - A quality ladder: one Muxer per video rendition (each with its own
//     encoder's track, the audio tracks shared), and a multivariant
//     playlist listing every Muxer's variant. renderMultivariant already
//     writes one variant from a Muxer's playlists; a ladder collects them
//     from several and lines up their media sequence numbers, which follow
//     the same IDR cadence when the encoders share a keyframe interval.
//   - A recorder: it reads the segments as published, from a snapshot's
//     files (or a hook the writer calls after endSegment), and writes them
//     to disk as they are, initialization section first: the recording is
//     the very bytes that were served.
//
// It may import ingest; it must never import httpapi, player or cmd.
//
// README "Architecture" maps every package and what it may import.
package llhls
