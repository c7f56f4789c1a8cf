package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runCLI(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"user", "add", "--help"}, {"devices", "--help"},
		{"tray", "--help"}, {"link", "--help"}, {"link", "revoke", "--help"}} {
		out, errOut, err := runCLI(t, "", args...)
		if err != nil {
			t.Errorf("%v: %v", args, err)
		}
		if !strings.Contains(out+errOut, "Usage:") {
			t.Errorf("%v printed no usage:\n%s%s", args, out, errOut)
		}
	}
	out, _, err := runCLI(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "llcast ") {
		t.Errorf("version: %q %v", out, err)
	}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"bogus"}, "unknown command"},
		{[]string{"user", "add", "bob", "--data", dir}, "--password-stdin"},
		{[]string{"user", "add", "--password-stdin", "--data", dir}, "missing user NAME"},
		{[]string{"serve", "--source", "webcam", "--data", dir}, "source"},
		{[]string{"serve", "--listen", "8080", "--data", dir}, "listen"},
		{[]string{"serve", "--bogus"}, "bogus"},
	}
	for _, c := range cases {
		_, _, err := runCLI(t, "", c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error about %q", c.args, err, c.want)
		}
	}
}

func TestUserAdd(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCLI(t, "a fine password\n", "user", "add", "bob", "--role", "admin", "--password-stdin", "--data", dir)
	if err != nil || !strings.Contains(out, `user "bob" (admin) saved`) {
		t.Fatalf("user add: %q %v", out, err)
	}
	if _, _, err := runCLI(t, "short\n", "user", "add", "bob", "--password-stdin", "--data", dir); err == nil {
		t.Fatal("a short password was accepted")
	}
	if _, _, err := runCLI(t, "", "user", "add", "bob", "--password-stdin", "--data", dir); err == nil {
		t.Fatal("an empty password was accepted")
	}
}

// TestE2EServeFirstStartAndStop covers the first start (admin password
// printed once, only its hash stored, key kept) and a clean, prompt stop.
func TestE2EServeFirstStartAndStop(t *testing.T) {
	dir := t.TempDir()
	probe := dnsResponder(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--data", dir, "--source", "test", "--probe", probe}, nil, out, &syncBuffer{})
	}()
	var base, password string
	deadline := time.Now().Add(30 * time.Second)
	for base == "" || password == "" {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no URL or password printed:\n%s", out)
		}
		for _, line := range strings.Split(out.String(), "\n") {
			if v, ok := strings.CutPrefix(line, "First start: created user \"admin\" with password "); ok {
				password = v
			}
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "http://"); ok {
				base = "http://" + strings.TrimSuffix(v, "/")
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "users.json"))
	if err != nil || strings.Contains(string(raw), password) {
		t.Fatalf("users.json must hold only the hash: %v", err)
	}
	if st, err := os.Stat(filepath.Join(dir, "jwt.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("signing key: %v", err)
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v", err)
	}
	resp.Body.Close()

	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
		t.Logf("stopped %v after cancel", time.Since(start))
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("still serving after stop")
	}
}
