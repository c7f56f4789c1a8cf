package auth

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain doubles as another process holding a lock, for the tests that
// need one: LLCAST_TEST_HOLD=dir|file PATH takes the lock, says "locked"
// and holds it until its standard input closes or it is killed.
func TestMain(m *testing.M) {
	if hold := os.Getenv("LLCAST_TEST_HOLD"); hold != "" {
		os.Exit(holdLock(hold))
	}
	os.Exit(m.Run())
}

func holdLock(spec string) int {
	kind, path, _ := strings.Cut(spec, " ")
	var err error
	switch kind {
	case "dir":
		_, err = LockDataDir(path)
	case "file":
		_, err = LockFile(path)
	default:
		err = fmt.Errorf("unknown lock kind %q", kind)
	}
	if err != nil {
		fmt.Println(err)
		return 1
	}
	fmt.Println("locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

// otherProcess starts this test binary holding the lock of kind on path
// and returns once it holds it. The process is killed when the test ends.
func otherProcess(t *testing.T, kind, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LLCAST_TEST_HOLD="+kind+" "+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		t.Fatalf("the other process did not take the lock: %q, %v", line, err)
	}
	return cmd
}
