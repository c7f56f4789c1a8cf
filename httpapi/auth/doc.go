// Package auth owns who may do what with llcast's streams: the streams a
// server carries and their publish keys, kept in the data directory, the
// URLs publishers push to, and the JSON files such state lives in.
//
// It may import ingest (for the refusals push servers understand); it must
// never import httpapi, segmenter or cmd.
package auth
