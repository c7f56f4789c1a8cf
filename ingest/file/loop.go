package file

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"time"

	"github.com/llcast/llcast/ingest"
)

// Loop is an ingest.Source that plays a file as if it were live, paced by
// the wall clock (like ffmpeg -re), forever. At the end it starts again
// with the timestamps running on, so that players see one continuous
// stream: every loop lasts as long as the video track (the longest audio
// track without video), and audio that would run past it is dropped, so
// no track jumps back or leaves a gap longer than one of its frames.
type Loop struct {
	// Path is the file to play. It is required.
	Path string
	// Logger. It defaults to slog.Default(); the loop adds component=file.
	Logger *slog.Logger

	// now and after stand in for the wall clock in tests.
	now   func() time.Time
	after func(time.Duration) <-chan time.Time

	log    *slog.Logger
	f      *File
	span   Span
	period int64 // ticks of the reference clock
	clock  int64 // the reference clock
}

var _ ingest.Source = (*Loop)(nil)

// Start opens the file and checks that it can be played.
func (l *Loop) Start() error {
	if l.Path == "" {
		return errors.New("file loop: Path is empty")
	}
	if l.Logger == nil {
		l.Logger = slog.Default()
	}
	if l.now == nil {
		l.now = time.Now
	}
	if l.after == nil {
		l.after = time.After
	}
	l.log = l.Logger.With("component", "file", "path", l.Path)
	f, err := Open(l.Path)
	if err != nil {
		return err
	}
	if err := l.plan(f); err != nil {
		f.Close()
		return err
	}
	l.f = f
	l.log.Info("playing a file in a loop", "duration", toDuration(l.period, int(l.clock)), "tracks", len(f.Tracks()))
	return nil
}

// plan fixes the loop's period and, per track, the samples that fit in
// it.
func (l *Loop) plan(f *File) error {
	tracks := f.Tracks()
	length := func(i int) int64 {
		e := f.Index(i)
		return e[len(e)-1].DTS + e[len(e)-1].Duration - e[0].DTS
	}
	ref := 0
	for i, t := range tracks {
		if t.IsVideo() {
			ref = i
			break
		}
		if length(i)*int64(tracks[ref].ClockRate) > length(ref)*int64(t.ClockRate) {
			ref = i
		}
	}
	l.clock = int64(tracks[ref].ClockRate)
	l.period = length(ref)
	if l.period <= 0 {
		return fmt.Errorf("%s: the file is too short to loop", l.Path)
	}
	l.span = Span{From: make([]int, len(tracks)), To: make([]int, len(tracks))}
	for i, t := range tracks {
		entries := f.Index(i)
		end := entries[0].DTS + rescale(l.period, l.clock, int64(t.ClockRate))
		n := 0
		for n < len(entries) && entries[n].DTS+entries[n].Duration <= end {
			n++
		}
		l.span.To[i] = n
	}
	return nil
}

// Tracks returns the file's tracks, once Start has succeeded.
func (l *Loop) Tracks() []*ingest.Track { return l.f.Tracks() }

// Run emits the file's samples, each when the wall clock reaches its
// decoding time, until ctx is done (then it returns nil) or reading the
// file fails. Near the loop point the end of one pass and the start of the
// next are merged by time, since audio may run a little past the video.
func (l *Loop) Run(ctx context.Context, emit ingest.Emit) error {
	anchor := l.now()
	cur, next := l.pass(0), l.pass(1)
	defer func() {
		cur.stop()
		next.stop()
	}()
	for {
		s, ok, err := cur.peek()
		if err != nil {
			return err
		}
		if !ok {
			cur.stop()
			cur, next = next, l.pass(next.loop+1)
			l.log.Debug("the file starts again", "loop", cur.loop)
			continue
		}
		from := cur
		if n, ok, err := next.peek(); err != nil {
			return err
		} else if ok && n.at < s.at {
			s, from = n, next
		}
		from.take()
		s.NTP = anchor.Add(s.at)
		if !l.wait(ctx, s.NTP) {
			return nil
		}
		emit(s.Sample)
	}
}

// pass reads the file once, for loop number loop.
func (l *Loop) pass(loop int64) *loopPass {
	next, stop := iter.Pull2(l.f.Range(l.span))
	return &loopPass{loop: loop, period: l.period, clock: l.clock, next: next, stop: stop}
}

// wait returns when the wall clock reaches at (true) or ctx is done.
func (l *Loop) wait(ctx context.Context, at time.Time) bool {
	if d := at.Sub(l.now()); d > 0 {
		select {
		case <-ctx.Done():
			return false
		case <-l.after(d):
		}
	}
	return ctx.Err() == nil
}

// Close closes the file. Call it once Run has returned.
func (l *Loop) Close() {
	if l.f != nil {
		l.f.Close()
	}
}
