package file

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"time"

	"github.com/llcast/llcast/ingest"
)

// File is an open video file: its tracks and sample index in memory, its
// payloads on disk. Its methods may be called from several goroutines.
type File struct {
	path   string
	f      *os.File
	tracks []*ingest.Track
	index  [][]Entry
	dem    demuxer
	length time.Duration
}

// layout is what a demuxer learns from a file's index.
type layout struct {
	tracks []*ingest.Track
	index  [][]Entry
}

// demuxer reads payloads of one container format.
type demuxer interface {
	// reader prepares to read the samples of s, in increasing order per
	// track.
	reader(s Span) (payloadReader, error)
	close()
}

// payloadReader returns the NAL units (or the one audio frame) of sample
// n of a track.
type payloadReader interface {
	units(track, n int) ([][]byte, error)
	close()
}

// startTime is a time of t/scale seconds.
type startTime struct{ t, scale int64 }

// earliest returns the smallest of ts.
func earliest(ts []startTime) startTime {
	best := ts[0]
	for _, t := range ts[1:] {
		if t.t*best.scale < best.t*t.scale {
			best = t
		}
	}
	return best
}

// Open reads the file's index (not its payloads): the tracks and, per
// track, the samples' times, sizes and sync flags. The format comes from
// the content, not from the name.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	l, dem, err := open(path, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	for i, t := range l.tracks {
		if t.IsVideo() {
			t.FPS = constantFPS(l.index[i], t.ClockRate)
		}
	}
	return &File{path: path, f: f, tracks: l.tracks, index: l.index, dem: dem, length: length(l)}, nil
}

// constantFPS returns the frame rate, rounded, when every frame lasts
// the same, else 0.
func constantFPS(entries []Entry, clock int) int {
	d := entries[0].Duration
	for _, e := range entries[:len(entries)-1] {
		if e.Duration != d {
			return 0
		}
	}
	if d <= 0 {
		return 0
	}
	return int((int64(clock) + d/2) / d)
}

func open(path string, f *os.File) (*layout, demuxer, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := st.Size()
	if size == 0 {
		return nil, nil, fmt.Errorf("%s: the file is empty", path)
	}
	head := make([]byte, tsPacket+1)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, err
	}
	head = head[:n]
	switch {
	case len(head) >= 8 && string(head[4:8]) == "ftyp":
		return openMP4(path, f, f, size)
	case head[0] == tsSync && (len(head) <= tsPacket || head[tsPacket] == tsSync):
		return openTS(path, f, size)
	}
	return nil, nil, fmt.Errorf("%s: not an MP4 or MPEG-TS file", path)
}

// Tracks returns the file's tracks: at most one H.264 video track, first,
// and one AAC or Opus audio track.
func (f *File) Tracks() []*ingest.Track { return f.tracks }

// Index returns the samples of track i, in decoding order.
func (f *File) Index(i int) []Entry { return f.index[i] }

// Duration is the time from the file's start to the end of the sample
// presented last.
func (f *File) Duration() time.Duration { return f.length }

func length(l *layout) time.Duration {
	var d time.Duration
	for i, entries := range l.index {
		end := int64(0)
		for _, e := range entries {
			end = max(end, e.DTS+e.Duration, e.PTS+e.Duration)
		}
		d = max(d, toDuration(end, l.tracks[i].ClockRate))
	}
	return d
}

// Keyframes returns the presentation times of the video sync samples,
// where a player can start decoding.
func (f *File) Keyframes() []time.Duration {
	var out []time.Duration
	for i, t := range f.tracks {
		if !t.IsVideo() {
			continue
		}
		for _, e := range f.index[i] {
			if e.Key {
				out = append(out, toDuration(e.PTS, t.ClockRate))
			}
		}
	}
	return out
}

// Samples iterates all samples of the file; see Range.
func (f *File) Samples() iter.Seq2[ingest.Sample, error] {
	s := Span{From: make([]int, len(f.index)), To: make([]int, len(f.index))}
	for i, entries := range f.index {
		s.To[i] = len(entries)
	}
	return f.Range(s)
}

// Range iterates the samples of s, merging the tracks by decoding time,
// reading each payload from disk when its turn comes. The samples' NTP is
// left zero. An error ends the iteration.
func (f *File) Range(s Span) iter.Seq2[ingest.Sample, error] {
	return func(yield func(ingest.Sample, error) bool) {
		if len(s.From) != len(f.index) || len(s.To) != len(f.index) {
			yield(ingest.Sample{}, fmt.Errorf("%s: a span needs %d tracks", f.path, len(f.index)))
			return
		}
		next, to := slices.Clone(s.From), slices.Clone(s.To)
		for i := range next {
			to[i] = min(max(to[i], 0), len(f.index[i]))
			next[i] = min(max(next[i], 0), to[i])
		}
		r, err := f.dem.reader(Span{From: next, To: to})
		if err != nil {
			yield(ingest.Sample{}, fmt.Errorf("%s: %w", f.path, err))
			return
		}
		defer r.close()
		for {
			best := -1
			for i := range next {
				if next[i] < to[i] && (best < 0 || f.before(i, next[i], best, next[best])) {
					best = i
				}
			}
			if best < 0 {
				return
			}
			units, err := r.units(best, next[best])
			if err != nil {
				yield(ingest.Sample{}, fmt.Errorf("%s: reading sample %d of track %d: %w", f.path, next[best], best, err))
				return
			}
			e := f.index[best][next[best]]
			next[best]++
			if !yield(ingest.Sample{Track: f.tracks[best], PTS: e.PTS, DTS: e.DTS, Units: units}, nil) {
				return
			}
		}
	}
}

// before reports whether sample n of track a decodes before sample m of
// track b (video first on a tie).
func (f *File) before(a, n, b, m int) bool {
	da := f.index[a][n].DTS * int64(f.tracks[b].ClockRate)
	db := f.index[b][m].DTS * int64(f.tracks[a].ClockRate)
	return da < db || (da == db && a < b)
}

// Close closes the file.
func (f *File) Close() error {
	f.dem.close()
	return f.f.Close()
}

// toDuration converts v ticks of clock to a duration.
func toDuration(v int64, clock int) time.Duration {
	return time.Duration(rescale(v, int64(clock), int64(time.Second)))
}
