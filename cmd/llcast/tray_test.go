package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image/png"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/segmenter"
)

// fakeTrayControl is a server that goes live and offline on request.
type fakeTrayControl struct {
	mu      sync.Mutex // guards the fields below
	live    bool
	viewers int
	starts  int
	stops   int
}

func (c *fakeTrayControl) Status() segmenter.BroadcastStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	return segmenter.BroadcastStatus{Live: c.live, Stream: "main"}
}

func (c *fakeTrayControl) Audience() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return plural(c.viewers, "viewer")
}

func (c *fakeTrayControl) StartStream() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.live = true
	c.starts++
	return nil
}

func (c *fakeTrayControl) StopStream() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.live = false
	c.stops++
	return nil
}

// menuEntry is one item of the menu as a tray host sees it over D-Bus.
type menuEntry struct {
	id      int32
	enabled bool
}

// trayMenu reads the item's menu the way a tray host does.
func trayMenu(t *testing.T, obj dbus.BusObject) map[string]menuEntry {
	t.Helper()
	var rev uint32
	var root struct {
		V0 int32
		V1 map[string]dbus.Variant
		V2 []dbus.Variant
	}
	if err := obj.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &root); err != nil {
		t.Fatalf("GetLayout: %v", err)
	}
	menu := map[string]menuEntry{}
	for _, v := range root.V2 {
		fields, ok := v.Value().([]any)
		if !ok || len(fields) != 3 {
			t.Fatalf("odd menu entry %#v", v.Value())
		}
		props := fields[1].(map[string]dbus.Variant)
		label, _ := props["label"].Value().(string)
		enabled, _ := props["enabled"].Value().(bool)
		if label != "" {
			menu[label] = menuEntry{id: fields[0].(int32), enabled: enabled}
		}
	}
	return menu
}

// waitForMenu polls the menu until it has every label in want.
func waitForMenu(t *testing.T, obj dbus.BusObject, want ...string) map[string]menuEntry {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		menu := trayMenu(t, obj)
		missing := ""
		for _, w := range want {
			if _, ok := menu[w]; !ok {
				missing = w
			}
		}
		if missing == "" {
			return menu
		}
		if time.Now().After(deadline) {
			t.Fatalf("the menu never showed %q: %v", missing, menu)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func click(t *testing.T, obj dbus.BusObject, menu map[string]menuEntry, label string) {
	t.Helper()
	e, ok := menu[label]
	if !ok {
		t.Fatalf("no %q in the menu %v", label, menu)
	}
	if err := obj.Call("com.canonical.dbusmenu.Event", 0, e.id, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
		t.Fatalf("clicking %q: %v", label, err)
	}
}

func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not happen", what)
		var zero T
		return zero
	}
}

// TestTrayMenu runs the real tray against a private session bus with a
// fake tray host and clicks through its menu over D-Bus. fyne.io/systray
// keeps package state, so this is the only test that starts it.
func TestTrayMenu(t *testing.T) {
	addr := startSessionBus(t)
	watcher := newFakeWatcher(t, addr)

	control := &fakeTrayControl{viewers: 2}
	opened := make(chan string, 4)
	copied := make(chan string, 4)
	quit := make(chan struct{}, 4)
	var logs syncBuffer
	tr := &tray{
		Control: control,
		URLs:    trayURLs{Studio: "http://localhost:8080/studio", ViewerLink: "http://192.168.1.5:8080/?invite=x"},
		Quit:    func() { quit <- struct{}{} },
		Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
		Open:    func(_ context.Context, url string) error { opened <- url; return nil },
		Copy: func(_ context.Context, text string) error {
			copied <- text
			return errNoClipboard
		},
		Refresh: 50 * time.Millisecond,
	}
	if err := tr.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			tr.Close()
		}
	}()

	item := receive(t, watcher.registered, "registering with the tray host")
	obj := watcher.conn.Object(item, "/StatusNotifierMenu")
	menu := waitForMenu(t, obj, "Offline", "Open studio", "Open watch page", "Copy viewer link", "Start stream", "Quit")
	for label, enabled := range map[string]bool{"Offline": false, "Open studio": true, "Open watch page": false, "Copy viewer link": true, "Start stream": true, "Quit": true} {
		if menu[label].enabled != enabled {
			t.Errorf("%q enabled = %v, want %v", label, menu[label].enabled, enabled)
		}
	}

	click(t, obj, menu, "Start stream")
	menu = waitForMenu(t, obj, "● Live — 2 viewers", "Stop stream")
	click(t, obj, menu, "Stop stream")
	menu = waitForMenu(t, obj, "Offline", "Start stream")
	control.mu.Lock()
	if control.starts != 1 || control.stops != 1 {
		t.Errorf("%d starts and %d stops, want 1 and 1", control.starts, control.stops)
	}
	control.viewers = 1
	control.live = true // started elsewhere, e.g. in the studio
	control.mu.Unlock()
	menu = waitForMenu(t, obj, "● Live — 1 viewer", "Stop stream")

	click(t, obj, menu, "Open studio")
	if got := receive(t, opened, "opening the studio"); got != tr.URLs.Studio {
		t.Errorf("opened %q, want %q", got, tr.URLs.Studio)
	}
	click(t, obj, menu, "Copy viewer link")
	if got := receive(t, copied, "copying the link"); got != tr.URLs.ViewerLink {
		t.Errorf("copied %q, want %q", got, tr.URLs.ViewerLink)
	}
	click(t, obj, menu, "Quit")
	receive(t, quit, "quit")

	tr.Close()
	stopped = true
	tr.Close() // a second Close is harmless
	var owned bool
	if err := watcher.conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, item).Store(&owned); err != nil || owned {
		t.Errorf("the tray's bus connection outlived Close (owned %v, %v)", owned, err)
	}
	if l := logs.String(); !strings.Contains(l, "no clipboard tool found") || !strings.Contains(l, tr.URLs.ViewerLink) {
		t.Errorf("the log does not give the link nor say why it was not copied:\n%s", l)
	}
}

func TestTrayStartErrors(t *testing.T) {
	cases := []struct {
		name string
		tr   *tray
		want string
	}{
		{"no control", &tray{Quit: func() {}}, "tray.Control is nil"},
		{"no quit", &tray{Control: &fakeTrayControl{}}, "tray.Quit is nil"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.tr.Start(t.Context())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one about %q", err, c.want)
			}
			c.tr.Close() // harmless when Start failed
		})
	}
}

func TestTrayStatusTitle(t *testing.T) {
	lostCam := ingest.InputStatus{Kind: ingest.InputDevice, Name: "C920", State: ingest.StateLost}
	lostMic := ingest.InputStatus{Kind: ingest.InputDevice, Name: "USB Mic", State: ingest.StateLost}
	cases := []struct {
		st      segmenter.BroadcastStatus
		viewers int
		want    string
	}{
		{segmenter.BroadcastStatus{}, 3, "Offline"},
		{segmenter.BroadcastStatus{Live: true}, 0, "● Live — 0 viewers"},
		{segmenter.BroadcastStatus{Live: true}, 1, "● Live — 1 viewer"},
		{segmenter.BroadcastStatus{Live: true}, 2, "● Live — 2 viewers"},
		{segmenter.BroadcastStatus{Live: true, Video: lostCam}, 2, "● Live — camera lost — 2 viewers"},
		{segmenter.BroadcastStatus{Live: true, Video: lostCam, Audio: lostMic}, 2, "● Live — camera lost — mic lost — 2 viewers"},
	}
	for _, c := range cases {
		if got := trayStatusTitle(c.st, plural(c.viewers, "viewer")); got != c.want {
			t.Errorf("trayStatusTitle(%+v, %d) = %q, want %q", c.st, c.viewers, got, c.want)
		}
	}
	if toggleTitle(true) != "Stop stream" || toggleTitle(false) != "Start stream" {
		t.Error("the toggle does not say what it will do")
	}
}

func TestTrayIcon(t *testing.T) {
	for _, live := range []bool{false, true} {
		t.Run(fmt.Sprint("live=", live), func(t *testing.T) {
			p := trayIconPNG(live)
			img, err := png.Decode(bytes.NewReader(p))
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != trayIconSize || b.Dy() != trayIconSize {
				t.Errorf("icon is %v", b)
			}
			r, g, _, a := img.At(trayIconSize/2, trayIconSize/2).RGBA()
			if a == 0 || (live && r <= g) || (!live && r != g) {
				t.Errorf("centre colour r=%d g=%d a=%d: want red when live, grey when not", r, g, a)
			}
			if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
				t.Error("the corner is not transparent")
			}

			ico := icoFromPNG(p, trayIconSize)
			le := binary.LittleEndian
			if le.Uint16(ico[2:]) != 1 || le.Uint16(ico[4:]) != 1 || ico[6] != trayIconSize ||
				int(le.Uint32(ico[14:])) != len(p) || le.Uint32(ico[18:]) != 22 || !bytes.Equal(ico[22:], p) {
				t.Errorf("bad .ico header % x", ico[:22])
			}
		})
	}
}
