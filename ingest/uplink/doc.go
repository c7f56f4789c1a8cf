// Package uplink keeps a connection to a remote llcast open for `llcast
// push`: it dials with the protocol's ingest.Sender (SRT or RTMP), sends
// the broadcast's samples, and reconnects with backoff when the network or
// the server goes away.
//
// It imports ingest only; the protocol packages are chosen by cmd.
//
// README "Architecture" maps every package and what it may import.
package uplink
