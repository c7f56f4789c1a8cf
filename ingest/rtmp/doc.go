// Package rtmp owns llcast's RTMP and RTMPS push ingest: a Server that
// takes publishers (OBS, ffmpeg, another llcast) at
// rtmp://HOST:1935/live/{stream}?key={key}, checks them against
// ingest.Publishers before reading any media, and hands each one over as an
// ingest.Source of H.264 and AAC or Opus samples; and the client side that
// `llcast push` sends with (Dial).
//
// It sits beside the other sources under ingest and imports only ingest and
// the RTMP and codec libraries: it must never import segmenter, httpapi,
// player or anything under cmd.
//
// README "Architecture" maps every package and what it may import.
package rtmp
