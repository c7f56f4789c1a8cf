package main

import (
	"fmt"
	"io"
	"net"
)

// printWelcome tells the streamer where viewers can watch.
func printWelcome(w io.Writer, what, stream string, urls []string) {
	fmt.Fprintf(w, "llcast %s is streaming %q from %s.\nWatch it at:\n", version, stream, what)
	for _, u := range urls {
		fmt.Fprintf(w, "  %s\n", u)
	}
	fmt.Fprintf(w, "Studio (pick devices, start and stop): %sstudio\n", urls[0])
	fmt.Fprintln(w, "Press q or Ctrl+C to stop.")
}

// watchURLs lists the URLs that reach addr: localhost and every LAN address
// when it listens on all interfaces, else just its own.
func watchURLs(addr string) []string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return []string{"http://" + addr + "/"}
	}
	ip := net.ParseIP(host)
	if ip != nil && !ip.IsUnspecified() {
		return []string{"http://" + net.JoinHostPort(host, port) + "/"}
	}
	urls := []string{"http://localhost:" + port + "/"}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() {
			continue
		}
		urls = append(urls, "http://"+net.JoinHostPort(n.IP.String(), port)+"/")
	}
	return urls
}
