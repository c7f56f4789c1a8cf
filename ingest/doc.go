// Package ingest owns llcast's media sources: the built-in test source, the
// camera and microphone (through pion/mediadevices), and the encoders that
// turn their raw frames and PCM into H.264, AAC-LC or Opus samples stamped on
// one media clock per source.
//
// It is the lowest layer: it must never import segmenter, httpapi, player or
// anything under cmd.
package ingest
