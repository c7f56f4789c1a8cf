package main

import (
	"net"
	"net/netip"
)

// lanIPs are this machine's addresses other machines may reach: neither
// loopback nor link-local. Those of connected interfaces (up and
// running: a bridge with nothing on it has no carrier) come first.
func lanIPs() []string {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var connected, other []string
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			n, ok := a.(*net.IPNet)
			if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() || n.IP.IsUnspecified() || n.IP.IsMulticast() {
				continue
			}
			if ifc.Flags&net.FlagUp != 0 && ifc.Flags&net.FlagRunning != 0 {
				connected = append(connected, n.IP.String())
			} else {
				other = append(other, n.IP.String())
			}
		}
	}
	return append(connected, other...)
}

// preferredIP is the address of ips to put in URLs for other machines,
// or "" when none will do. An IPv4 address comes first, a private one
// (10/8, 172.16/12, 192.168/16: the LAN) before the others; then a
// global IPv6 address; then an IPv6 ULA (fc00::/7), which only reaches
// machines on the same site and is never picked over an IPv4 address.
// Loopback and link-local addresses are never picked. Among equals, the
// first in ips wins (lanIPs lists connected interfaces first).
func preferredIP(ips []string) string {
	best, bestRank := "", addrUnusable
	for _, s := range ips {
		if r := rankAddr(s); r < bestRank {
			best, bestRank = s, r
		}
	}
	return best
}

// Address ranks, best first.
const (
	addrPrivateIPv4 = iota
	addrIPv4
	addrGlobalIPv6
	addrULA
	addrUnusable
)

func rankAddr(s string) int {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return addrUnusable
	}
	a = a.Unmap()
	switch {
	case !a.IsValid(), a.IsLoopback(), a.IsLinkLocalUnicast(), a.IsUnspecified(), a.IsMulticast():
		return addrUnusable
	case a.Is4() && a.IsPrivate():
		return addrPrivateIPv4
	case a.Is4():
		return addrIPv4
	case a.IsPrivate():
		return addrULA
	case a.IsGlobalUnicast():
		return addrGlobalIPv6
	}
	return addrUnusable
}
