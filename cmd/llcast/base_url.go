package main

import (
	"net"
	"strings"

	"github.com/llcast/llcast/configs"
)

// baseURL is where viewers reach the server cfg configures, the start
// of every URL llcast prints for them (README "Stream links"), without a
// trailing slash: http.public_url when set (a server behind nginx or a
// CDN); else the scheme (https with tls.cert or tls.self_signed), the
// host other machines reach this one at (linkHost) and the port of
// listen: the configured one, or for a running server the bound one.
// ips are this machine's addresses (lanIPs).
func baseURL(cfg configs.Config, listen string, ips []string) string {
	if cfg.HTTP.PublicURL != "" {
		return strings.TrimRight(cfg.HTTP.PublicURL, "/")
	}
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		// Validated with the config; the default port is the best guess.
		_, port, _ = net.SplitHostPort(configs.Default().Listen)
	}
	return httpScheme(cfg) + "://" + net.JoinHostPort(linkHost(listen, ips), port)
}

// httpScheme is http, or https when cfg turns TLS on.
func httpScheme(cfg configs.Config) string {
	if cfg.TLS.Enabled() {
		return "https"
	}
	return "http"
}

// linkHost is the host other machines reach a listener on listen at:
// the host listen names, when it names one; else the preferred of ips
// (preferredIP); else localhost.
func linkHost(listen string, ips []string) string {
	host, _, err := net.SplitHostPort(listen)
	if ip := net.ParseIP(host); err == nil && host != "" && (ip == nil || !ip.IsUnspecified()) {
		return host
	}
	if ip := preferredIP(ips); ip != "" {
		return ip
	}
	return "localhost"
}
