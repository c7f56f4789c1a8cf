// Package auth owns who may do what with llcast's streams: the streams a
// server carries and their publish keys, kept in the data directory, the
// URLs publishers push to, and the data directory such state lives in: its
// JSON files (changed under a file lock, written atomically), the lock one
// server holds on it, and the modes of what it keeps there.
//
// It may import ingest (for the refusals push servers understand); it must
// never import httpapi, segmenter or cmd.
//
// README "Architecture" maps every package and what it may import.
package auth
