package main

import (
	"bufio"
	"errors"
	"net"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// startSessionBus runs a private dbus-daemon for the test, points
// DBUS_SESSION_BUS_ADDRESS at it and returns its address. Without
// dbus-daemon it fails (.ci/run installs it).
func startSessionBus(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("the tray does not use D-Bus here")
	}
	daemon, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Fatal("dbus-daemon is not installed: apt-get install dbus-daemon (the tray tests run a private session bus)")
	}
	cmd := exec.Command(daemon, "--session", "--nofork", "--nopidfile",
		"--address=unix:path="+filepath.Join(t.TempDir(), "bus"), "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	// The daemon prints its address once it listens.
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	addr = strings.TrimSpace(addr)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	return addr
}

func TestFindTrayHostWithoutHost(t *testing.T) {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("the tray does not use D-Bus here")
	}
	// A bus that accepts connections and never answers.
	silent := filepath.Join(t.TempDir(), "silent")
	l, err := net.Listen("unix", silent)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	defer func() {
		l.Close()
		for c := range accepted {
			c.Close()
		}
	}()

	cases := []struct {
		name string
		bus  func(t *testing.T) string // the address; empty for a private dbus-daemon
		want string
	}{
		{
			name: "no session bus",
			bus:  func(t *testing.T) string { return "unix:path=" + filepath.Join(t.TempDir(), "missing") },
			want: "no system tray found (no D-Bus session bus: ",
		},
		{
			name: "a session bus that does not answer",
			bus:  func(*testing.T) string { return "unix:path=" + silent },
			want: "no system tray found (cannot log in to the D-Bus session bus: ",
		},
		{
			name: "a session bus without a tray host",
			bus:  startSessionBus,
			want: "no system tray found (no StatusNotifierWatcher on the session bus)",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", c.bus(t))
			quit := func() { t.Error("quit called") }
			start := time.Now()
			stop, err := runTray(t.Context(), &fakeTrayControl{}, trayURLs{}, quit, nil)
			if err == nil {
				stop()
				t.Fatal("runTray started without a tray host")
			}
			if !errors.Is(err, errNoTray) || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %q, want errNoTray starting %q", err, c.want)
			}
			// The check's own timeout is 2 s; this only catches a hang.
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("runTray took %v to give up", d)
			}
		})
	}
}

func TestFindTrayHostWithHost(t *testing.T) {
	addr := startSessionBus(t)
	newFakeWatcher(t, addr)
	if err := findTrayHost(t.Context()); err != nil {
		t.Fatalf("a StatusNotifierWatcher is on the bus, yet: %v", err)
	}
}

// fakeWatcher stands in for the desktop's tray host.
type fakeWatcher struct {
	conn       *dbus.Conn
	registered chan string // the bus names of items that registered
}

func newFakeWatcher(t *testing.T, addr string) *fakeWatcher {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	w := &fakeWatcher{conn: conn, registered: make(chan string, 4)}
	if err := conn.Export(w, "/StatusNotifierWatcher", statusNotifierWatcher); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(statusNotifierWatcher, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("cannot own %s: %v %v", statusNotifierWatcher, reply, err)
	}
	return w
}

// RegisterStatusNotifierItem is the watcher's D-Bus method.
func (w *fakeWatcher) RegisterStatusNotifierItem(sender dbus.Sender, _ string) *dbus.Error {
	select {
	case w.registered <- string(sender):
	default:
	}
	return nil
}
