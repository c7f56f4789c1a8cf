// Package file reads video files — progressive MP4 and MPEG-TS, told apart
// by their content — as ingest samples: File gives the index (tracks,
// sample times, sizes, sync flags) and reads payloads lazily, in decoding
// order across tracks; Loop plays a file as a live source, paced by the
// wall clock, forever.
//
// MP4 has an index; MPEG-TS has none, so opening one reads it through once
// and keeps, per sample, where reading must start to get it whole.
//
// It may import ingest; it must never import segmenter, httpapi, player or
// anything under cmd.
//
// README "Architecture" maps every package and what it may import.
package file
