package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"fyne.io/systray"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/segmenter"
)

// trayControl is what the tray needs of the running server.
type trayControl interface {
	Status() segmenter.BroadcastStatus
	// Audience says who gets the stream: "2 viewers", or for a push,
	// the connection's state.
	Audience() string
	StartStream() error
	StopStream() error
}

// trayURLs are the pages the tray opens or copies; an empty one disables
// its menu item.
type trayURLs struct {
	Studio, Watch, ViewerLink string
}

// runTray shows llcast's icon and menu in the system tray until stop is
// called. Quit in the menu calls quit. When no tray host is there it
// returns an error wrapping errNoTray before showing anything, and the
// caller carries on in the terminal. Run one tray per process:
// fyne.io/systray keeps its menu in package state.
func runTray(ctx context.Context, c trayControl, urls trayURLs, quit func(), log *slog.Logger) (stop func(), err error) {
	t := &tray{Control: c, URLs: urls, Quit: quit, Logger: log}
	if err := t.Start(ctx); err != nil {
		return nil, err
	}
	return t.Close, nil
}

// tray is the tray icon and its menu.
type tray struct {
	Control trayControl
	URLs    trayURLs
	// Quit is called when Quit is chosen in the menu.
	Quit func()
	// Logger defaults to discarding.
	Logger *slog.Logger
	// Open opens a URL in the browser. It defaults to an opener's Open.
	Open func(ctx context.Context, url string) error
	// Copy puts text on the clipboard. It defaults to a clipboard's Copy.
	Copy func(ctx context.Context, text string) error
	// Refresh is how often the status item is redrawn. It defaults to 1 s.
	Refresh time.Duration

	log     *slog.Logger
	opener  opener
	end     func() // ends systray's loop
	cancel  context.CancelFunc
	done    chan struct{}
	closing sync.Once
	// clicks carries menu clicks to run. systray drops a click when nobody
	// is receiving on the item's channel at that instant, so one goroutine
	// per item (in listeners) always is.
	clicks    chan *systray.MenuItem
	listeners sync.WaitGroup

	// Owned by the run goroutine once Start returns.
	status, studio, watch, link, toggle, quitItem *systray.MenuItem
	shown                                         trayState
}

// trayState is what the menu shows; it is redrawn when it changes.
type trayState struct {
	live  bool
	title string
}

// Start checks for a tray host, shows the icon and serves the menu.
func (t *tray) Start(ctx context.Context) error {
	if t.Control == nil {
		return errors.New("tray.Control is nil: pass the server the tray controls")
	}
	if t.Quit == nil {
		return errors.New("tray.Quit is nil: pass the function that stops llcast")
	}
	t.log = t.Logger
	if t.log == nil {
		t.log = slog.New(slog.DiscardHandler)
	}
	t.log = t.log.With("component", "tray")
	if t.Open == nil {
		t.Open = t.opener.Open
	}
	if t.Copy == nil {
		t.Copy = (&clipboard{}).Copy
	}
	if t.Refresh <= 0 {
		t.Refresh = time.Second
	}
	if err := findTrayHost(ctx); err != nil {
		return err
	}

	// No onReady: start connects to the bus synchronously, and adding the
	// menu after it returns keeps systray's own goroutines race-free.
	start, end := systray.RunWithExternalLoop(nil, nil)
	start()
	t.end = end
	t.buildMenu()
	t.redraw()

	ctx, t.cancel = context.WithCancel(ctx)
	t.done = make(chan struct{})
	t.clicks = make(chan *systray.MenuItem, 8)
	for _, item := range []*systray.MenuItem{t.studio, t.watch, t.link, t.toggle, t.quitItem} {
		t.listeners.Go(func() { t.listen(ctx, item) })
	}
	go t.run(ctx)
	return nil
}

// listen forwards item's clicks to run until ctx ends.
func (t *tray) listen(ctx context.Context, item *systray.MenuItem) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-item.ClickedCh:
			select {
			case t.clicks <- item:
			case <-ctx.Done():
				return
			}
		}
	}
}

// Close removes the icon and waits for the menu's goroutine and any
// browser opener it started.
func (t *tray) Close() {
	if t.done == nil {
		return // not started
	}
	t.closing.Do(func() {
		t.cancel()
		<-t.done
		t.listeners.Wait()
		t.opener.Wait()
		t.endSystray()
	})
}

// endSystray ends systray's loop. systray v1.11.0 dereferences its D-Bus
// connection on the way out even when connecting had failed (it only logs
// that); a failed tray must not take the server down with it.
func (t *tray) endSystray() {
	defer func() {
		if r := recover(); r != nil {
			t.log.Warn("the tray did not shut down cleanly", "panic", fmt.Sprint(r))
		}
	}()
	t.end()
}

func (t *tray) buildMenu() {
	systray.ResetMenu() // drops a previous tray's items in this process
	systray.SetIcon(trayIcon(false))
	systray.SetTitle("llcast")
	t.status = systray.AddMenuItem("Offline", "What is on air")
	t.status.Disable()
	systray.AddSeparator()
	t.studio = urlItem("Open studio", "Open the studio page in the browser", t.URLs.Studio)
	t.watch = urlItem("Open watch page", "Open the watch page in the browser", t.URLs.Watch)
	t.link = urlItem("Copy viewer link", "Copy the link viewers open", t.URLs.ViewerLink)
	t.toggle = systray.AddMenuItem("Start stream", "Start or stop the stream")
	systray.AddSeparator()
	t.quitItem = systray.AddMenuItem("Quit", "Stop streaming and quit llcast")
}

func urlItem(title, tooltip, url string) *systray.MenuItem {
	item := systray.AddMenuItem(title, tooltip)
	if url == "" {
		item.Disable()
	}
	return item
}

func (t *tray) run(ctx context.Context) {
	defer close(t.done)
	tick := time.NewTicker(t.Refresh)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case item := <-t.clicks:
			switch item {
			case t.studio:
				t.open(ctx, t.URLs.Studio)
			case t.watch:
				t.open(ctx, t.URLs.Watch)
			case t.link:
				t.copyLink(ctx)
			case t.toggle:
				t.startOrStop()
			case t.quitItem:
				t.log.Info("quit chosen in the tray")
				t.Quit()
			}
		}
		t.redraw()
	}
}

func (t *tray) open(ctx context.Context, url string) {
	if url == "" {
		return
	}
	if err := t.Open(ctx, url); err != nil {
		t.log.Warn(err.Error())
	}
}

func (t *tray) copyLink(ctx context.Context) {
	link := t.URLs.ViewerLink
	if link == "" {
		return
	}
	if err := t.Copy(ctx, link); err != nil {
		t.log.Warn("cannot copy the viewer link; copy it from here", "link", link, "error", err)
		return
	}
	t.log.Info("viewer link copied to the clipboard")
}

func (t *tray) startOrStop() {
	if t.Control.Status().Live {
		if err := t.Control.StopStream(); err != nil {
			t.log.Warn("cannot stop the stream", "error", err)
		}
		return
	}
	if err := t.Control.StartStream(); err != nil {
		t.log.Warn("cannot start the stream", "error", err)
	}
}

// redraw updates the menu when what it shows has changed; every change is
// a D-Bus signal, so unchanged seconds cost nothing.
func (t *tray) redraw() {
	st := t.Control.Status()
	now := trayState{live: st.Live, title: trayStatusTitle(st, t.Control.Audience())}
	if now == t.shown {
		return
	}
	if now.title != t.shown.title {
		t.status.SetTitle(now.title)
		systray.SetTooltip("llcast: " + now.title)
	}
	if now.live != t.shown.live || t.shown.title == "" {
		systray.SetIcon(trayIcon(now.live))
		t.toggle.SetTitle(toggleTitle(now.live))
	}
	t.shown = now
}

// trayStatusTitle is the status item's text: "● Live — 2 viewers" or
// "Offline".
func trayStatusTitle(st segmenter.BroadcastStatus, audience string) string {
	if !st.Live {
		return "Offline"
	}
	title := "● Live"
	if st.Video.State == ingest.StateLost {
		title += " — camera lost"
	}
	if st.Audio.State == ingest.StateLost {
		title += " — mic lost"
	}
	return title + " — " + audience
}

func toggleTitle(live bool) string {
	if live {
		return "Stop stream"
	}
	return "Start stream"
}

// trayIcon returns the icon in the format systray wants on this system.
func trayIcon(live bool) []byte {
	png := trayIconPNG(live)
	if runtime.GOOS == "windows" {
		return icoFromPNG(png, trayIconSize)
	}
	return png
}
