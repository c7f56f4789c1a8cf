package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/godbus/dbus/v5"
)

// errNoTray: nothing on this desktop shows tray icons.
var errNoTray = errors.New("no system tray found")

// statusNotifierWatcher is the D-Bus name of the tray host that
// StatusNotifierItems (fyne.io/systray's Linux backend) register with.
const statusNotifierWatcher = "org.kde.StatusNotifierWatcher"

// findTrayHost returns nil when a tray host can show an icon. On Linux and
// the BSDs, systray talks D-Bus and, without a StatusNotifierWatcher, logs
// an error and shows nothing; on macOS and Windows the tray is always there.
func findTrayHost(ctx context.Context) error {
	switch runtime.GOOS {
	case "darwin", "windows":
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	// NoAutoStartup: never spawn a bus (dbus-launch) just to look.
	conn, err := dbus.SessionBusPrivateNoAutoStartup(dbus.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("%w (no D-Bus session bus: %v)", errNoTray, err)
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return fmt.Errorf("%w (cannot log in to the D-Bus session bus: %v)", errNoTray, err)
	}
	if err := conn.Hello(); err != nil {
		return fmt.Errorf("%w (the D-Bus session bus does not answer: %v)", errNoTray, err)
	}
	var owned bool
	err = conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, statusNotifierWatcher).Store(&owned)
	if err != nil {
		return fmt.Errorf("%w (cannot ask the D-Bus session bus for %s: %v)", errNoTray, statusNotifierWatcher, err)
	}
	if !owned {
		return fmt.Errorf("%w (no StatusNotifierWatcher on the session bus)", errNoTray)
	}
	return nil
}
