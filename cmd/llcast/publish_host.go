package main

import (
	"net"

	"github.com/llcast/llcast/configs"
	"github.com/llcast/llcast/httpapi/auth"
)

// publishPorts are the ports of cfg's push listeners; RTMPS only with TLS.
func publishPorts(cfg configs.Config) auth.PublishPorts {
	p := auth.PublishPorts{
		RTMP: portOf(cfg.RTMP.Listen), SRT: portOf(cfg.SRT.Listen),
		SRTPassphrase: cfg.SRT.Passphrase != "",
	}
	if cfg.TLS.Enabled() {
		p.RTMPS = portOf(cfg.RTMP.TLSListen)
	}
	return p
}

// portOf is the port of a HOST:PORT listen address; "" when it is off.
func portOf(listen string) string {
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		return ""
	}
	return port
}

// publishHost is where publishers reach this machine: the host the push
// listeners are bound to, when that is one; else its LAN address, IPv4
// first as for every printed URL (preferredIP); else loopback. ips are
// this machine's addresses (lanIPs).
func publishHost(cfg configs.Config, ips []string) string {
	for _, listen := range []string{cfg.RTMP.Listen, cfg.SRT.Listen} {
		host, _, err := net.SplitHostPort(listen)
		if ip := net.ParseIP(host); err == nil && host != "" && (ip == nil || !ip.IsUnspecified()) {
			return host
		}
	}
	if ip := preferredIP(ips); ip != "" {
		return ip
	}
	return "127.0.0.1"
}
