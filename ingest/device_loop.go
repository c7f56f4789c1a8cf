package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// deviceReader is one opened device. read blocks until the next chunk has
// been handed on; close releases the device and must unblock read.
type deviceReader interface {
	read() error
	close() error
}

// Defaults of deviceLoop.
const (
	defaultRetryInterval = 2 * time.Second
	defaultStallTimeout  = 2 * time.Second
	// closeWait bounds how long a stuck driver read may take to return
	// after its device was closed.
	closeWait = 2 * time.Second
)

// errStalled is what a device that stops delivering without an error gets.
var errStalled = errors.New("no data")

// deviceLoop keeps a device open and read in its own goroutine. When the
// device fails to open, returns an error or delivers nothing for
// StallTimeout, it is closed and opened again every RetryInterval until it
// works or the loop is closed. It is shared by the camera and microphone
// inputs; tests give it fake devices.
type deviceLoop struct {
	// What the log and the status call the device.
	kind DeviceKind
	name string
	// open opens the device. Required.
	open func() (deviceReader, error)
	// retry and stall default to 2 s.
	retry, stall time.Duration
	log          *slog.Logger

	mu      sync.Mutex // guards state and lastErr
	state   InputState
	lastErr error
	// lastRead is the UnixNano time of the last successful read.
	lastRead atomic.Int64

	cancel context.CancelFunc
	done   chan struct{}
}

func (d *deviceLoop) start() {
	if d.retry == 0 {
		d.retry = defaultRetryInterval
	}
	if d.stall == 0 {
		d.stall = defaultStallTimeout
	}
	d.state = StateStarting
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel, d.done = cancel, make(chan struct{})
	go d.run(ctx)
}

func (d *deviceLoop) run(ctx context.Context) {
	defer close(d.done)
	for {
		err := d.session(ctx)
		if ctx.Err() != nil {
			return
		}
		d.setLost(err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(d.retry):
		}
	}
}

// session opens the device and reads it until it fails, stalls or ctx ends.
func (d *deviceLoop) session(ctx context.Context) error {
	r, err := d.open()
	if err != nil {
		return err
	}
	d.lastRead.Store(time.Now().UnixNano())
	// The reading goroutine sends exactly one value when it ends: the read
	// error, or nil once quit is closed.
	readErr := make(chan error, 1)
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case <-quit:
				readErr <- nil
				return
			default:
			}
			if err := r.read(); err != nil {
				readErr <- err
				return
			}
			d.lastRead.Store(time.Now().UnixNano())
			d.setOK()
		}
	}()
	tick := time.NewTicker(d.stall / 8)
	defer tick.Stop()
	for {
		select {
		case err := <-readErr:
			_ = r.close()
			return fmt.Errorf("read: %w", err)
		case <-ctx.Done():
			d.closeReader(r, quit, readErr, true)
			return nil
		case now := <-tick.C:
			if idle := now.Sub(time.Unix(0, d.lastRead.Load())); idle > d.stall {
				d.closeReader(r, quit, readErr, false)
				return fmt.Errorf("%w for %v", errStalled, idle.Round(100*time.Millisecond))
			}
		}
	}
}

// closeReader stops the reading goroutine and closes the device. A device
// that still delivers is let finish its read first (closing mediadevices'
// microphone during a read races inside the driver); a stalled one is
// closed at once to unblock the read, which is then waited for, bounded.
func (d *deviceLoop) closeReader(r deviceReader, quit chan struct{}, readErr <-chan error, graceful bool) {
	close(quit)
	if graceful {
		select {
		case <-readErr:
			_ = r.close()
			return
		case <-time.After(d.stall / 4):
		}
	}
	_ = r.close()
	select {
	case <-readErr:
	case <-time.After(closeWait):
		// The driver ignores close; its goroutine ends whenever the
		// read does and only holds the closed device.
		d.log.Error("device read did not return after close", "kind", d.kind, "name", d.name)
	}
}

func (d *deviceLoop) setOK() {
	d.mu.Lock()
	was := d.state
	d.state, d.lastErr = StateOK, nil
	d.mu.Unlock()
	switch was {
	case StateLost:
		d.log.Info(string(d.kind)+" is back", "name", d.name)
	case StateStarting:
		d.log.Info(string(d.kind)+" delivers", "name", d.name)
	}
}

func (d *deviceLoop) setLost(err error) {
	d.mu.Lock()
	was := d.state
	d.state, d.lastErr = StateLost, err
	d.mu.Unlock()
	if was != StateLost {
		d.log.Warn(string(d.kind)+" lost, retrying every "+d.retry.String(), "name", d.name, "error", err)
	}
}

// status reports the device's state.
func (d *deviceLoop) status(kind InputKind) InputStatus {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := InputStatus{Kind: kind, Name: d.name, State: d.state}
	if d.state == StateLost && d.lastErr != nil {
		st.Error = d.lastErr.Error()
	}
	return st
}

// stop ends the loop and waits for it; the device is closed.
func (d *deviceLoop) stop() {
	if d.cancel != nil {
		d.cancel()
		<-d.done
	}
}
