package main

import "testing"

// TestPreferredIP: IPv4 first, a private one (the LAN) before others,
// then global IPv6, then a ULA, never loopback or link-local. These
// addresses are only ranked: nothing dials them.
func TestPreferredIP(t *testing.T) {
	for _, c := range []struct {
		ips  []string
		want string
	}{
		{nil, ""},
		{[]string{"127.0.0.1", "::1", "fe80::1", "169.254.3.4", "ff02::1", "0.0.0.0", "nonsense"}, ""},
		// The case: a ULA listed before the IPv4 address.
		{[]string{"fd12:3456::7", "192.168.1.5"}, "192.168.1.5"},
		{[]string{"2001:db8::5", "fd12:3456::7", "192.0.2.7"}, "192.0.2.7"},
		{[]string{"192.0.2.7", "10.1.2.3", "192.168.1.5"}, "10.1.2.3"},
		{[]string{"fd12:3456::7", "2001:db8::5"}, "2001:db8::5"},
		{[]string{"fe80::1", "fd12:3456::7"}, "fd12:3456::7"},
		// Among equals, the first: lanIPs lists connected interfaces first.
		{[]string{"192.168.1.5", "172.17.0.1"}, "192.168.1.5"},
	} {
		if got := preferredIP(c.ips); got != c.want {
			t.Errorf("preferredIP(%v) = %q, want %q", c.ips, got, c.want)
		}
	}
}

// TestLANIPs: this machine's list holds no loopback or link-local
// address.
func TestLANIPs(t *testing.T) {
	for _, ip := range lanIPs() {
		if rankAddr(ip) == addrUnusable {
			t.Errorf("lanIPs lists %q, which no URL may use", ip)
		}
	}
}
