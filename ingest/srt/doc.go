// Package srt owns llcast's SRT push ingest: a Server that takes MPEG-TS
// from publishers (OBS, ffmpeg, another llcast) at
// srt://HOST:8890?streamid=publish:{stream}:{key} and hands each one to the
// stream it names as an ingest.Source, and the sender behind
// `llcast push --to srt://…`, which writes llcast's own samples the same way.
//
// It imports ingest and its dependencies only; it must never import
// segmenter, httpapi, player or anything under cmd.
//
// README "Architecture" maps every package and what it may import.
package srt
