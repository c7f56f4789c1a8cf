package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/llcast/llcast/httpapi/dnstest"
)

// execMainEnv makes the test binary run llcast's main instead of the tests,
// so that tests can start llcast as a process (under a pseudo-terminal, or
// to send it signals) without building it first.
const execMainEnv = "GO_TEST_RUN_LLCAST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(execMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	// A server started here without --probe, in-process or as a child,
	// would ask the public default DNS server: LLCAST_NETWORK_PROBE
	// points every one at a DNS responder on loopback instead (README
	// "Contracts": tests talk to loopback only).
	dns := &dnstest.Responder{}
	if err := dns.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv(probeEnv, dns.Addr())
	code := m.Run()
	dns.Close()
	os.Exit(code)
}
