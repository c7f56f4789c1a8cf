package main

import (
	"testing"

	"github.com/llcast/llcast/cmd/internal/nginxproc"
)

// nginxConfig is the shipped config as the tests run it: two workers, and
// the error log at info for a failing test to show.
func nginxConfig(listen, upstream, blocking string) nginxproc.Config {
	return nginxproc.Config{
		Template: "../../configs/nginx/llcast.conf",
		Listen:   listen, Upstream: upstream, Blocking: blocking,
		Workers: "2", WorkerConnections: 1024, LogLevel: "info",
	}
}

// nginxPath finds nginx. Missing nginx fails the test: CI installs it.
func nginxPath(t *testing.T) string {
	t.Helper()
	p, err := nginxproc.Path()
	if err != nil {
		t.Fatalf("%v (CI does)", err)
	}
	return p
}

// startNginx starts Debian's nginx with the shipped config in front of
// upstream (HOST:PORT) on a free 127.0.0.1 port, blocking playlist
// requests handled the way blocking names ("pass" or "lock"), and waits
// until it answers /healthz through to llcast. It stops when the test
// ends.
func startNginx(t *testing.T, upstream, blocking string) *nginxproc.Proxy {
	t.Helper()
	ng := &nginxproc.Proxy{Bin: nginxPath(t), Config: nginxConfig("", upstream, blocking), Dir: t.TempDir()}
	if err := ng.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ng.Close(); err != nil {
			t.Error(err)
		}
	})
	return ng
}
