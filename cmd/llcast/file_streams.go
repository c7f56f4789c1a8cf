package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/file"
	"github.com/llcast/llcast/segmenter"
	"github.com/llcast/llcast/segmenter/vod"
)

// fileStreams keeps the file streams of the store on the air as the store
// changes: a live one loops its file through the hub, like a publisher
// that never leaves; an on-demand one is a VOD playlist in the registry.
// A stream removed from the store goes off the air, pushed ones too, and
// so does the local capture, which comes back when its stream does.
type fileStreams struct {
	Store    *auth.StreamStore
	Hub      *segmenter.Hub
	Registry *segmenter.Registry
	// Local names the stream of the local capture, and SetLocal starts or
	// stops it when the store gains or loses that stream as a local one.
	Local    string
	SetLocal func(on bool) error
	// Every is how often the store is looked at. It defaults to 1s.
	Every  time.Duration
	Logger *slog.Logger

	running map[string]*fileRun // owned by the run goroutine
	known   map[string]auth.Stream
	localOn bool // the store lists Local as local; set by the first sync
	synced  bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// fileRun is one file stream on the air.
type fileRun struct {
	stream auth.Stream
	cancel context.CancelFunc
	done   chan struct{}
	vod    *vod.Playlist
}

// Start looks at the store once, synchronously, then every Every.
func (f *fileStreams) Start(ctx context.Context) {
	if f.Every == 0 {
		f.Every = time.Second
	}
	f.running = make(map[string]*fileRun)
	f.known = make(map[string]auth.Stream)
	ctx, f.cancel = context.WithCancel(ctx)
	f.sync(ctx)
	f.wg.Go(func() {
		tick := time.NewTicker(f.Every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				f.sync(ctx)
			}
		}
	})
}

// Close takes the file streams off the air.
func (f *fileStreams) Close() {
	f.cancel()
	f.wg.Wait()
	for name, r := range f.running {
		f.stop(name, r)
	}
}

// sync starts what the store added and stops what it removed or changed.
func (f *fileStreams) sync(ctx context.Context) {
	streams, err := f.Store.List()
	if err != nil {
		f.Logger.Error("reading the streams", "error", err)
		return
	}
	want := make(map[string]auth.Stream, len(streams))
	for _, s := range streams {
		want[s.Name] = s
	}
	for name, old := range f.known {
		if s, ok := want[name]; !ok || s.Source != old.Source || s.File != old.File || s.VOD != old.VOD {
			if r := f.running[name]; r != nil {
				f.stop(name, r)
			} else if old.Source == auth.SourcePush {
				f.Hub.End(name)
			}
			delete(f.known, name)
			if !ok {
				f.Logger.Info("stream removed", "stream", name)
			}
		}
	}
	// serve started (or not) the local capture; from then on it follows
	// the store, and a failure to start is said once.
	on := want[f.Local].Source == auth.SourceLocal
	if f.synced && on != f.localOn && f.SetLocal != nil {
		if err := f.SetLocal(on); err != nil {
			f.Logger.Error("cannot start the local capture", "stream", f.Local, "error", err)
		} else if !on {
			f.Logger.Info("the local stream was removed: capture stopped", "stream", f.Local)
		}
	}
	f.localOn, f.synced = on, true
	for name, s := range want {
		if _, ok := f.known[name]; ok {
			continue
		}
		f.known[name] = s
		if s.Source == auth.SourceFile {
			f.start(ctx, s)
		}
	}
}

func (f *fileStreams) start(ctx context.Context, s auth.Stream) {
	log := f.Logger.With("stream", s.Name, "file", s.File)
	r := &fileRun{stream: s, done: make(chan struct{})}
	f.running[s.Name] = r
	if s.VOD {
		defer close(r.done)
		pl := &vod.Playlist{Path: s.File, Name: s.Name, Logger: log}
		if err := pl.Start(); err != nil {
			log.Error("cannot serve the file", "error", err)
			return
		}
		if err := f.Registry.AddHandler(s.Name, pl); err != nil {
			log.Error("cannot serve the file", "error", err)
			pl.Close()
			return
		}
		r.vod = pl
		log.Info("serving the file on demand")
		return
	}
	ctx, r.cancel = context.WithCancel(ctx)
	go func() {
		defer close(r.done)
		f.loop(ctx, s, log)
	}()
}

// loop plays the file as live until ctx ends, opening it again after a
// failure (a file being replaced, a disk hiccup), at most every 10 s.
func (f *fileStreams) loop(ctx context.Context, s auth.Stream, log *slog.Logger) {
	for {
		src := &file.Loop{Path: s.File, Logger: log}
		err := src.Start()
		if err == nil {
			info := ingest.Publication{Stream: s.Name, Protocol: "file", Remote: s.File, Since: time.Now()}
			err = f.Hub.Publish(ctx, info, src)
			src.Close()
		}
		if ctx.Err() != nil {
			return
		}
		log.Error("the file stream stopped; trying again in 10 s", "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(10 * time.Second):
		}
	}
}

func (f *fileStreams) stop(name string, r *fileRun) {
	if r.cancel != nil {
		r.cancel()
	}
	<-r.done
	if r.vod != nil {
		f.Registry.RemoveHandler(name, r.vod)
		r.vod.Close()
	} else {
		f.Hub.End(name)
	}
	delete(f.running, name)
}
