package dnstest

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// CheckLoopback says why the network probe address hostport would leave
// this machine: nil only for an IP address on loopback (127.0.0.0/8, ::1).
// A name is refused even when it resolves to loopback, since resolving it
// may already ask a DNS server elsewhere.
func CheckLoopback(hostport string) error {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return fmt.Errorf("probe address %q is not HOST:PORT: %w", hostport, err)
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("probe address %q is not a loopback IP address: tests and the bench talk to loopback only", hostport)
	}
	return nil
}

// ProbedAddresses are the addresses a server's log says its network probe
// asked, in order: the address of each "network: online" and "network:
// offline" line, in slog's text or JSON form. The probe logs one of them
// after its first probe and on every change.
func ProbedAddresses(log string) []string {
	var addrs []string
	for line := range strings.Lines(log) {
		if !strings.Contains(line, "network: online") && !strings.Contains(line, "network: offline") {
			continue
		}
		if addr, ok := jsonAddress(line); ok {
			addrs = append(addrs, addr)
		} else if addr, ok := textAddress(line); ok {
			addrs = append(addrs, addr)
		}
	}
	return addrs
}

func jsonAddress(line string) (string, bool) {
	var rec struct {
		Msg     string `json:"msg"`
		Address string `json:"address"`
	}
	if err := json.Unmarshal([]byte(line), &rec); err != nil || (rec.Msg != "network: online" && rec.Msg != "network: offline") {
		return "", false
	}
	return rec.Address, true
}

func textAddress(line string) (string, bool) {
	if !strings.Contains(line, `msg="network: online"`) && !strings.Contains(line, `msg="network: offline"`) {
		return "", false
	}
	_, rest, ok := strings.Cut(line, " address=")
	if !ok {
		return "", false
	}
	if strings.HasPrefix(rest, `"`) {
		v, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return "", false
		}
		addr, err := strconv.Unquote(v)
		return addr, err == nil
	}
	addr, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	return addr, true
}
