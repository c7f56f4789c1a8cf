// Package ingest owns llcast's media inputs — the built-in test picture and
// tone, the camera and microphone (through pion/mediadevices, reopened when
// they fail) — and the Pipeline that encodes whatever its current inputs
// deliver into H.264 and AAC-LC or Opus samples on one steady media clock,
// with a slate or silence standing in for an input that has nothing.
//
// It is the lowest layer: it must never import segmenter, httpapi, player or
// anything under cmd.
//
// README "Architecture" maps every package and what it may import.
package ingest
