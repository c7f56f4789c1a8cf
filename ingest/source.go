package ingest

import (
	"context"
	"errors"
	"time"
)

// Source delivers the samples of one stream: llcast's own capture, a
// publisher pushing over RTMP or SRT, or a file.
//
// Every H.264 sample that starts a picture group (an IDR) carries the SPS
// and PPS in front of it, whatever the wire had them in (RTMP and MP4 keep
// them in a configuration record): the segmenter takes the parameter sets
// from the samples. PTS and DTS of all tracks count from one instant;
// NTP is the wall-clock time of the picture or sound, as well as the
// source knows it.
type Source interface {
	// Tracks are the source's tracks. They do not change while it runs.
	Tracks() []*Track
	// Run calls emit with each sample, in decoding order per track, until
	// ctx is done (then it returns nil) or the source ends on its own: a
	// publisher hung up, a file ended (io.EOF), the input failed.
	Run(ctx context.Context, emit Emit) error
}

// Errors a push server turns into its protocol's refusal.
var (
	// ErrUnknownStream: no stream of that name takes publishers.
	ErrUnknownStream = errors.New("no such stream")
	// ErrBadKey: the publish key is missing or wrong.
	ErrBadKey = errors.New("wrong publish key")
	// ErrStreamBusy: the stream already has a publisher.
	ErrStreamBusy = errors.New("the stream already has a publisher")
	// ErrUnsupportedCodec: a track llcast cannot pass through. Wrapped
	// with the codec's name and what to choose instead.
	ErrUnsupportedCodec = errors.New("unsupported codec")
)

// Publication describes a publisher to the stream it pushes to, for the
// studio and the log. It never holds the key.
type Publication struct {
	// Stream is the name the publisher asked for.
	Stream string
	// Protocol is "rtmp", "rtmps" or "srt".
	Protocol string
	// Remote is the publisher's address.
	Remote string
	// Since is when the publisher connected.
	Since time.Time
	// Stats, when set, reports the connection's own counters (bytes
	// received, SRT's round trip and losses).
	Stats func() LinkStats
}

// LinkStats are counters of a network connection that carries media.
type LinkStats struct {
	// Bytes received (server) or sent (client).
	Bytes uint64
	// RTT is the round-trip time, when the protocol measures it (SRT).
	RTT time.Duration
	// Lost counts packets lost or dropped for lateness (SRT).
	Lost uint64
}

// Publishers is what a push server hands its publishers to. It is
// implemented by the layer above (segmenter); a push server only checks
// the publisher's credentials through it and runs its source.
type Publishers interface {
	// Authorize checks a publisher's stream name and key before any
	// media is read: ErrUnknownStream, ErrBadKey or ErrStreamBusy. Keys
	// are compared in constant time.
	Authorize(stream, key string) error
	// Publish runs src as the stream's source until src ends or ctx is
	// done, and returns Run's error. It returns ErrStreamBusy at once,
	// without running src, when another publisher got there first.
	Publish(ctx context.Context, p Publication, src Source) error
}

// Sender sends samples to a remote llcast (`llcast push`).
type Sender interface {
	// Write sends one sample. An error means the connection is gone: the
	// caller closes the Sender and dials again.
	Write(Sample) error
	// Stats reports what was sent so far.
	Stats() LinkStats
	// Close ends the connection.
	Close() error
}
