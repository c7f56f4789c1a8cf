package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeConfig writes a YAML config into dir and returns its path.
func writeConfig(t *testing.T, dir, yml string) string {
	t.Helper()
	path := filepath.Join(dir, "llcast.yml")
	if err := os.WriteFile(path, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLinkBase: `llcast link` starts its URL with http.public_url when
// the config has one; else with the config's scheme and port on the
// preferred LAN address, an IPv4 one before a ULA; --base wins. The
// addresses only go into the printed URL: nothing dials them.
func TestLinkBase(t *testing.T) {
	lan := func() []string { return []string{"fd12:3456::7", "192.0.2.7"} }
	for _, c := range []struct {
		name, yml string
		args      []string
		want      string
	}{
		{"public URL", "http:\n  public_url: https://live.example/\n", nil, "https://live.example/live/main/index.m3u8?token="},
		{"public URL with a path", "http:\n  public_url: https://example.com/llcast\n", nil,
			"https://example.com/llcast/live/main/index.m3u8?token="},
		{"self-signed TLS and a port", "listen: \":8443\"\ntls:\n  self_signed: true\n", nil,
			"https://192.0.2.7:8443/live/main/index.m3u8?token="},
		{"defaults", "", nil, "http://192.0.2.7:8080/live/main/index.m3u8?token="},
		{"listen names the host", "listen: \"tv.example:9000\"\n", nil, "http://tv.example:9000/live/main/index.m3u8?token="},
		{"--base wins", "http:\n  public_url: https://live.example\n", []string{"--base", "http://tv.local:8080/"},
			"http://tv.local:8080/live/main/index.m3u8?token="},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"--config", writeConfig(t, dir, c.yml), "--data", dir}, c.args...)
			var out, errOut bytes.Buffer
			if err := runLink(args, linkOptions{lanIPs: lan}, &out, &errOut); err != nil {
				t.Fatalf("llcast link %q: %v\n%s", args, err, errOut.String())
			}
			if first, _, _ := strings.Cut(out.String(), "\n"); !strings.HasPrefix(first, c.want) {
				t.Fatalf("llcast link printed %q, want it to start with %q", first, c.want)
			}
		})
	}
}

// TestLinkConfig: through the command table, link reads --config, the
// data directory it names and LLCAST_* as serve does.
func TestLinkConfig(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "state")
	config := writeConfig(t, dir, "data: "+data+"\nhttp:\n  public_url: https://live.example\n")
	out, _, err := runCLI(t, "", "link", "--config", config, "--label", "from the config")
	if err != nil || !strings.HasPrefix(out, "https://live.example/live/main/index.m3u8?token=") {
		t.Fatalf("llcast link --config: %q %v", out, err)
	}
	out, _, err = runCLI(t, "", "link", "list", "--config", config)
	if err != nil || !strings.Contains(out, "from the config") {
		t.Fatalf("the link is not in the config's data directory: %q %v", out, err)
	}

	t.Setenv("LLCAST_HTTP_PUBLIC_URL", "https://env.example")
	out, _, err = runCLI(t, "", "link", "--data", data)
	if err != nil || !strings.HasPrefix(out, "https://env.example/live/main/index.m3u8?token=") {
		t.Fatalf("llcast link with LLCAST_HTTP_PUBLIC_URL: %q %v", out, err)
	}
}

func TestLinkUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"link", "--base", "tv.local:8080", "--data", dir}, "--base", 2},
		{[]string{"link", "--base", "ftp://tv.local", "--data", dir}, "--base", 2},
		{[]string{"link", "--config", writeConfig(t, dir, "http:\n  public_url: live.example\n"), "--data", dir}, "http.public_url", 1},
		{[]string{"link", "--config", filepath.Join(dir, "nosuch.yml"), "--data", dir}, "nosuch.yml", 1},
		{[]string{"link", "list", "--stream", "main", "--data", dir}, "-stream", 2},
	} {
		_, _, err := runCLI(t, "", c.args...)
		if err == nil || exitCode(err) != c.code || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want exit %d and an error about %q", c.args, err, c.code, c.want)
		}
	}
}
