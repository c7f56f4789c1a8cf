package main

import (
	"os"
	"testing"
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
	os.Exit(m.Run())
}
