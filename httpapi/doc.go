// Package httpapi owns llcast's HTTP surface: the chi router, the login page
// and its JWT cookie, the users and the signing key in the data directory,
// the protected /live/{stream}/ handler and the middleware around them.
//
// It may import segmenter, ingest and player; it must never import cmd.
//
// README "Architecture" maps every package and what it may import.
package httpapi
