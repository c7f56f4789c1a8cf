package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/httpapi/dnstest"
)

// probeEnv is the variable that sets network.probe (configs, LLCAST_*).
const probeEnv = "LLCAST_NETWORK_PROBE"

// dnsResponder starts a DNS server on loopback for a server's network
// probe, which then says online; it stops when the test ends.
func dnsResponder(t *testing.T) string {
	t.Helper()
	r := &dnstest.Responder{}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r.Addr()
}

// checkServeProbe says why the serve or tray command line args would
// point the network probe outside loopback: its last --probe, else
// environ's LLCAST_NETWORK_PROBE, else the public default. Other commands
// start no probe.
func checkServeProbe(args, environ []string) error {
	if len(args) == 0 || (args[0] != "serve" && args[0] != "tray") {
		return nil
	}
	addr, from := "", ""
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, probeEnv+"="); ok {
			addr, from = v, probeEnv
		}
	}
	for i, a := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "probe" {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		addr, from = value, "--probe"
	}
	if from == "" {
		return errors.New("no --probe: the server would ask the public default DNS server; pass --probe with a loopback address (dnsResponder)")
	}
	if err := dnstest.CheckLoopback(addr); err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	return nil
}

// checkProbeLog reads a server's log: done once the probe has logged a
// result, err when an address it logged is not on loopback.
func checkProbeLog(log string) (done bool, err error) {
	addrs := dnstest.ProbedAddresses(log)
	for _, a := range addrs {
		if err := dnstest.CheckLoopback(a); err != nil {
			return true, fmt.Errorf("the server's network probe asked %s: %w", a, err)
		}
	}
	return len(addrs) > 0, nil
}

// checkProbe waits for the server's first probe result in its log and
// fails the test unless the probe asked a loopback address: what the
// server did, not only what it was told.
func (s *testServer) checkProbe(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		done, err := checkProbeLog(s.logs.String())
		if err != nil {
			t.Fatalf("%v\nlog:\n%s", err, s.logs)
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server logged no network probe result (network: online or offline) within 15 s\nlog:\n%s", s.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCheckServeProbe(t *testing.T) {
	for _, c := range []struct {
		name    string
		args    []string
		environ []string
		want    string // "" for none
	}{
		{"loopback flag", []string{"serve", "--probe", "127.0.0.1:53"}, nil, ""},
		{"loopback flag with =", []string{"tray", "-probe=[::1]:53"}, nil, ""},
		{"the last flag wins", []string{"serve", "--probe", "127.0.0.1:53", "--probe", "192.0.2.53:53"}, nil, "--probe"},
		{"public flag", []string{"serve", "--data", "d", "--probe", "198.51.100.53:53"}, nil, "not a loopback"},
		{"a name", []string{"serve", "--probe", "dns.example:53"}, nil, "not a loopback"},
		{"no flag", []string{"serve", "--data", "d"}, nil, "no --probe"},
		{"loopback from the environment", []string{"serve"}, []string{"PATH=/bin", probeEnv + "=127.0.0.1:5353"}, ""},
		{"public from the environment", []string{"serve"}, []string{probeEnv + "=192.0.2.53:53"}, probeEnv},
		{"the flag over the environment", []string{"serve", "--probe", "127.0.0.1:1"}, []string{probeEnv + "=192.0.2.53:53"}, ""},
		{"not a server", []string{"user", "add", "x"}, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := checkServeProbe(c.args, c.environ)
			if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
				t.Fatalf("checkServeProbe(%q) = %v, want an error saying %q (none if empty)", c.args, err, c.want)
			}
		})
	}
}

func TestCheckProbeLog(t *testing.T) {
	const started = "time=2026-01-01T00:00:00Z level=INFO msg=listening address=127.0.0.1:8080\n"
	for _, c := range []struct {
		name string
		log  string
		done bool
		bad  bool
	}{
		{"no result yet", started, false, false},
		{"online on loopback", started + `time=… level=INFO msg="network: online" component=netprobe address=127.0.0.1:5353` + "\n", true, false},
		{"offline on loopback", started + `time=… level=WARN msg="network: offline" component=netprobe address=[::1]:9 error="x"` + "\n", true, false},
		{"a public address", started + `time=… level=WARN msg="network: offline" component=netprobe address=192.0.2.53:53 error="x"` + "\n", true, true},
		{"a public address in JSON", `{"msg":"network: online","component":"netprobe","address":"9.9.9.9:53"}` + "\n", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			done, err := checkProbeLog(c.log)
			if done != c.done || (err != nil) != c.bad {
				t.Fatalf("checkProbeLog = %v, %v; want done %v, an error %v", done, err, c.done, c.bad)
			}
		})
	}
}

// TestHarnessServerProbeIsLoopback: a server the harness starts asks the
// harness's DNS responder, which answers, so it says online; the
// harness's own check has read that from the server's log.
func TestHarnessServerProbeIsLoopback(t *testing.T) {
	s := startServer(t)
	addrs := dnstest.ProbedAddresses(s.logs.String())
	if len(addrs) == 0 {
		t.Fatalf("startServer returned before the probe's first result:\n%s", s.logs)
	}
	if err := dnstest.CheckLoopback(addrs[0]); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.logs.String(), `msg="network: online"`) {
		t.Fatalf("the probe did not say online against the loopback DNS responder:\n%s", s.logs)
	}
	// The package's own servers without --probe: the environment set in
	// TestMain is a loopback one too.
	if err := checkServeProbe([]string{"serve"}, os.Environ()); err != nil {
		t.Fatalf("a serve without --probe in these tests: %v", err)
	}
}
