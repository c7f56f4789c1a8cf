// Package vod serves a video file as on-demand HLS: a media playlist of
// fMP4 segments cut at the file's keyframes, and in legacy/ the same
// segments as MPEG-TS for old TVs and set-top boxes, built from the file
// when a player asks for them, so that players can seek anywhere.
//
// It may import ingest and its sub-packages; it must never import
// httpapi, player or anything under cmd.
//
// README "Architecture" maps every package and what it may import.
package vod
