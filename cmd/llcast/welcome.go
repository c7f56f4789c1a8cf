package main

import (
	"fmt"
	"io"
	"net"
)

// printWelcome tells the streamer where viewers can watch and, with a
// self-signed certificate, its fingerprint to compare on other devices.
func printWelcome(w io.Writer, what, stream string, urls []string, fingerprint string) {
	fmt.Fprintf(w, "llcast %s is streaming %q from %s.\nWatch it at:\n", version, stream, what)
	for _, u := range urls {
		fmt.Fprintf(w, "  %s\n", u)
	}
	fmt.Fprintf(w, "Studio (pick devices, start and stop): %sstudio\n", urls[0])
	if fingerprint != "" {
		fmt.Fprintf(w, "Self-signed certificate, SHA-256 fingerprint:\n  %s\n", fingerprint)
	}
	fmt.Fprintln(w, "Press q or Ctrl+C to stop.")
}

// watchURLs are the URLs the welcome and the studio list: this
// machine's own first (localhost when the server on bound listens on
// every interface), then base (baseURL), where other machines watch.
func watchURLs(bound, scheme, base string) []string {
	local := scheme + "://" + bound + "/"
	if host, port, err := net.SplitHostPort(bound); err == nil {
		if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
			local = scheme + "://localhost:" + port + "/"
		}
	}
	urls := []string{local}
	if b := base + "/"; b != local {
		urls = append(urls, b)
	}
	return urls
}
