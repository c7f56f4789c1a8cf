package dnstest

import (
	"slices"
	"testing"
)

func TestCheckLoopback(t *testing.T) {
	for _, c := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:53", true},
		{"127.0.0.3:5353", true},
		{"[::1]:53", true},
		{"192.0.2.53:53", false},
		{"198.51.100.53:53", false},
		{"[2001:4860:4860::8888]:53", false},
		{"192.168.1.1:53", false},
		{"localhost:53", false}, // a name: resolving it may ask elsewhere
		{"0.0.0.0:53", false},
		{"127.0.0.1", false},
		{"", false},
	} {
		if err := CheckLoopback(c.addr); (err == nil) != c.ok {
			t.Errorf("CheckLoopback(%q) = %v, want ok=%v", c.addr, err, c.ok)
		}
	}
}

func TestProbedAddresses(t *testing.T) {
	log := `time=2026-01-02T03:04:05Z level=INFO msg="listening" address=127.0.0.1:8080
time=2026-01-02T03:04:05Z level=INFO msg="network: online" component=netprobe address=127.0.0.1:4242
time=2026-01-02T03:04:15Z level=WARN msg="network: offline" component=netprobe address=192.0.2.53:53 error="no DNS answer within 3s"
time=2026-01-02T03:04:25Z level=WARN msg="network: offline" component=netprobe address="odd host:53" error="x"
{"time":"2026-01-02T03:04:05Z","level":"INFO","msg":"network: online","component":"netprobe","address":"[::1]:53"}
{"time":"2026-01-02T03:04:05Z","level":"INFO","msg":"network: online soon, says someone"}
`
	want := []string{"127.0.0.1:4242", "192.0.2.53:53", "odd host:53", "[::1]:53"}
	got := ProbedAddresses(log)
	if !slices.Equal(got, want) {
		t.Fatalf("ProbedAddresses = %q, want %q", got, want)
	}
	if got := ProbedAddresses("time=… msg=listening\n"); len(got) != 0 {
		t.Fatalf("found %q in a log without probe lines", got)
	}
}
