package vod

import (
	"time"

	"github.com/llcast/llcast/ingest/file"
)

// segment is a run of the file's samples that starts, for video, with a
// keyframe.
type segment struct {
	span     file.Span
	start    time.Duration // presentation time of its start
	duration time.Duration
}

// cut divides f into segments lasting at least least, each starting at a video
// keyframe (or, without video, every least of audio). Audio goes to the
// segment whose presentation time range holds it; whatever comes before
// the first keyframe goes to the first segment.
func cut(f *file.File, least time.Duration) []segment {
	tracks := f.Tracks()
	var bounds []time.Duration // segment starts; bounds[0] is 0
	video := -1
	for i, t := range tracks {
		if t.IsVideo() {
			video = i
			break
		}
	}
	var videoFrom []int // per segment, the video keyframe it starts with
	if video >= 0 {
		entries := f.Index(video)
		last := time.Duration(-1)
		for n, e := range entries {
			if !e.Key {
				continue
			}
			at := toDuration(e.PTS, tracks[video].ClockRate)
			if last >= 0 && at-last < least {
				continue
			}
			if last < 0 {
				at = 0
			}
			bounds, videoFrom, last = append(bounds, at), append(videoFrom, n), at
		}
	} else {
		for at := time.Duration(0); at < f.Duration(); at += least {
			bounds = append(bounds, at)
		}
	}
	if len(bounds) == 0 {
		return nil
	}
	segs := make([]segment, len(bounds))
	for s := range segs {
		segs[s].span = file.Span{From: make([]int, len(tracks)), To: make([]int, len(tracks))}
		segs[s].start = bounds[s]
		end := f.Duration()
		if s+1 < len(bounds) {
			end = bounds[s+1]
		}
		segs[s].duration = end - bounds[s]
	}
	for i, t := range tracks {
		entries := f.Index(i)
		for s := range segs {
			if i == video {
				segs[s].span.From[i] = videoFrom[s]
			} else if s > 0 {
				n := segs[s-1].span.From[i]
				for n < len(entries) && toDuration(entries[n].PTS, t.ClockRate) < bounds[s] {
					n++
				}
				segs[s].span.From[i] = n
			}
			if s > 0 {
				segs[s-1].span.To[i] = segs[s].span.From[i]
			}
		}
		segs[len(segs)-1].span.To[i] = len(entries)
	}
	return segs
}

// toDuration converts v ticks of clock to a duration.
func toDuration(v int64, clock int) time.Duration {
	c := int64(clock)
	return time.Duration(v/c)*time.Second + time.Duration(v%c)*time.Second/time.Duration(c)
}
