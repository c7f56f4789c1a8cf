package file

import (
	"fmt"

	"github.com/llcast/llcast/ingest"
)

// trackChoice picks a file's first usable video track and its first
// usable audio track (T is the demuxer's own track type) and remembers why
// it passed over others, to say so when it finds none of a kind.
type trackChoice[T any] struct {
	video, audio           T
	videoTrack, audioTrack *ingest.Track // describe video and audio; nil: none chosen yet
	badVideo, badAudio     error         // why a track of the kind cannot be played
}

// take chooses t, which it describes, unless a track of its kind was
// chosen before.
func (c *trackChoice[T]) take(t T, it *ingest.Track) {
	switch {
	case it.IsVideo() && c.videoTrack == nil:
		c.video, c.videoTrack = t, it
	case !it.IsVideo() && c.audioTrack == nil:
		c.audio, c.audioTrack = t, it
	}
}

// refuse remembers why a video or audio track cannot be played.
func (c *trackChoice[T]) refuse(video bool, err error) {
	if video {
		c.badVideo = err
	} else {
		c.badAudio = err
	}
}

// result returns the chosen tracks, video first, or why there are none:
// a refusal of a kind none was chosen of, else that the file has neither.
func (c *trackChoice[T]) result(path string) ([]T, []*ingest.Track, error) {
	switch {
	case c.videoTrack == nil && c.badVideo != nil:
		return nil, nil, c.badVideo
	case c.audioTrack == nil && c.badAudio != nil:
		return nil, nil, c.badAudio
	case c.videoTrack == nil && c.audioTrack == nil:
		return nil, nil, fmt.Errorf("%s: the file has no video or audio track", path)
	}
	var chosen []T
	var tracks []*ingest.Track
	if c.videoTrack != nil {
		chosen, tracks = append(chosen, c.video), append(tracks, c.videoTrack)
	}
	if c.audioTrack != nil {
		chosen, tracks = append(chosen, c.audio), append(tracks, c.audioTrack)
	}
	return chosen, tracks, nil
}
