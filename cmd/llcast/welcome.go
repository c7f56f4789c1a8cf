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

// watchURLs lists the URLs that reach addr over scheme (http or https):
// localhost and every LAN address when it listens on all interfaces, else
// just its own.
func watchURLs(addr, scheme string) []string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return []string{scheme + "://" + addr + "/"}
	}
	ip := net.ParseIP(host)
	if ip != nil && !ip.IsUnspecified() {
		return []string{scheme + "://" + net.JoinHostPort(host, port) + "/"}
	}
	urls := []string{scheme + "://localhost:" + port + "/"}
	for _, ip := range lanIPs() {
		urls = append(urls, scheme+"://"+net.JoinHostPort(ip, port)+"/")
	}
	return urls
}

// lanIPs are this machine's addresses other machines may reach.
func lanIPs() []string {
	var ips []string
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() {
			continue
		}
		ips = append(ips, n.IP.String())
	}
	return ips
}
