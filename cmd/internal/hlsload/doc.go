// Package hlsload is test and benchmark tooling, not part of llcast: it
// loads a live llcast stream the way low-latency HLS players do (Follower)
// and reads what reached llcast meanwhile (ReadMetrics). The end-to-end
// tests of cmd/llcast and the bench, cmd/llcast-bench, share it.
//
// Only the commands under cmd/ import it (internal keeps it there); it
// imports none of llcast's own packages, so that it sees the server only
// as a player does, over HTTP.
//
// README "Architecture" maps every package and what it may import.
package hlsload
