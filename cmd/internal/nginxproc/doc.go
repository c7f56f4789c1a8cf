// Package nginxproc is test and benchmark tooling, not part of llcast: it
// renders the shipped nginx config, configs/nginx/llcast.conf, fills in
// its placeholders and picks its way of handling blocking playlist
// requests (Config), and runs Debian's nginx on it in front of a llcast
// server, on a free loopback port, with its caches, logs and pid file in
// one directory (Proxy). The end-to-end tests of cmd/llcast and the bench,
// cmd/llcast-bench, share it.
//
// Only the commands under cmd/ import it (internal keeps it there); it
// imports none of llcast's own packages.
//
// README "Architecture" maps every package and what it may import.
package nginxproc
