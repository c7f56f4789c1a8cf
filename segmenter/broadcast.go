package segmenter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/llcast/llcast/ingest"
)

// Broadcast is what goes on air under one stream name: an ingest.Pipeline
// feeding a Stream that is published in the Registry while live. It starts
// and stops the stream and switches inputs while live, which viewers see as
// a change of picture, not as an error: the tracks, the muxer and the
// timestamps carry on.
type Broadcast struct {
	// Name of the stream. It defaults to "main".
	Name string
	// Encoding of the pipeline (picture size, bitrates, codec).
	Encoding ingest.Encoding
	// Stream configures each Stream. Its AudioLanguage defaults to "und"
	// (undetermined).
	Stream StreamSettings
	// Selection is what the stream starts with. It defaults to the test
	// picture and tone.
	Selection ingest.Selection
	// Registry publishes the stream while live. Required without Sink.
	Registry *Registry
	// Sink, when set, takes the encoded samples instead of a Stream
	// served here: `llcast push` sends them to another server. It is
	// called each time the broadcast goes on air.
	Sink func(tracks []*ingest.Track) (Sink, error)
	// ListDevices lists the cameras and microphones to choose from. It
	// defaults to ingest.ListDevices.
	ListDevices func() []ingest.Device
	// Logger. It defaults to slog.Default().
	Logger *slog.Logger

	// mu serializes StartStream, StopStream and Select and guards sel and
	// air; it is never held by the media path.
	mu  sync.Mutex
	sel ingest.Selection
	air *onAir // nil while offline

	health healthMeter
}

// Sink takes what a Broadcast encodes.
type Sink interface {
	// Write takes a sample without blocking for long.
	Write(ingest.Sample) error
	// Dropped counts the samples it could not take.
	Dropped() uint64
	Close()
}

// registered is the default Sink: a Stream served from the Registry.
type registered struct {
	*Stream
	reg *Registry
}

// Close unpublishes the stream first, then ends it, which answers the
// requests waiting for parts: viewers learn at once.
func (r registered) Close() {
	r.reg.Remove(r.Stream)
	r.Stream.Close()
}

// onAir is one live period of the broadcast.
type onAir struct {
	pipeline *ingest.Pipeline
	sink     Sink
	since    time.Time
	cancel   context.CancelFunc
	done     chan struct{} // closed when the pipeline's Run returned
}

// Start fills in defaults and validates; the stream stays offline until
// StartStream.
func (b *Broadcast) Start() error {
	if b.Name == "" {
		b.Name = "main"
	}
	if b.Selection == (ingest.Selection{}) {
		b.Selection = ingest.Selection{Video: ingest.Choice{Kind: ingest.InputTest}, Audio: ingest.Choice{Kind: ingest.InputTest}}
	}
	if b.ListDevices == nil {
		b.ListDevices = ingest.ListDevices
	}
	if b.Logger == nil {
		b.Logger = slog.Default()
	}
	if b.Registry == nil && b.Sink == nil {
		return errors.New("broadcast needs a Registry or a Sink")
	}
	if b.Sink == nil {
		b.Sink = b.serveHere
	}
	if b.Stream.AudioLanguage == "" {
		b.Stream.AudioLanguage = "und"
	}
	if !isLanguageTag(b.Stream.AudioLanguage) {
		return fmt.Errorf("broadcast AudioLanguage %q is not a BCP 47 language tag such as \"en\" or \"pt-BR\"", b.Stream.AudioLanguage)
	}
	b.Encoding.SetDefaults()
	b.Logger = b.Logger.With("component", "broadcast", "stream", b.Name)
	b.sel = b.Selection
	return nil
}

// StartStream puts the stream on air with the current selection. It is a
// no-op when already live. A device that is not there is an error wrapping
// ingest.ErrNoDevice.
func (b *Broadcast) StartStream() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.air != nil {
		return nil
	}
	p := &ingest.Pipeline{Encoding: b.Encoding}
	p.Logger = b.Logger
	if err := p.Start(); err != nil {
		return err
	}
	video, audio, err := b.open(b.sel, true, true)
	if err != nil {
		p.Close()
		return err
	}
	p.SetVideo(video)
	p.SetAudio(audio)

	sink, err := b.Sink(p.Tracks())
	if err != nil {
		p.Close()
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	air := &onAir{pipeline: p, sink: sink, since: time.Now(), cancel: cancel, done: make(chan struct{})}
	b.air = air
	b.health.reset()
	go b.run(ctx, air)
	b.Logger.Info("stream is live", "video", describe(b.sel.Video), "audio", describe(b.sel.Audio))
	return nil
}

// serveHere is the default Sink: a Stream in the Registry.
func (b *Broadcast) serveHere(tracks []*ingest.Track) (Sink, error) {
	stream, err := b.Stream.start(b.Name, tracks, b.Logger)
	if err != nil {
		return nil, err
	}
	if err := b.Registry.Add(stream); err != nil {
		stream.Close()
		return nil, err
	}
	return registered{stream, b.Registry}, nil
}

// run feeds the stream until ctx ends. An encoder failure takes the stream
// off the air (the server keeps running) and is logged.
func (b *Broadcast) run(ctx context.Context, air *onAir) {
	defer close(air.done)
	errc := make(chan error, 1)
	go func() { errc <- air.pipeline.Run(ctx, b.feed(air.sink)) }()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case err := <-errc:
			if err != nil {
				b.Logger.Error("stream stopped", "error", err)
				go b.offAir(air)
			}
			return
		case now := <-tick.C:
			b.health.sample(now, air.pipeline.Stats(), air.sink.Dropped())
		}
	}
}

// feed writes samples to the stream and reports drops now and then.
func (b *Broadcast) feed(sink Sink) ingest.Emit {
	return func(s ingest.Sample) {
		if err := sink.Write(s); err != nil {
			if n := sink.Dropped(); n == 1 || n%100 == 0 {
				b.Logger.Warn("dropping samples", "dropped", n, "error", err)
			}
		}
	}
}

// StopStream takes the stream off the air and releases the devices;
// viewers see the stream go offline. It is a no-op when offline.
func (b *Broadcast) StopStream() error {
	b.mu.Lock()
	air := b.air
	b.mu.Unlock()
	if air != nil {
		b.offAir(air)
	}
	return nil
}

// offAir ends air if it is still the current live period.
func (b *Broadcast) offAir(air *onAir) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.air != air {
		return
	}
	b.air = nil
	air.sink.Close()
	air.cancel()
	<-air.done
	air.pipeline.Close()
	b.Logger.Info("stream is offline")
}

// Select switches to sel. While live, the new inputs are opened first and
// then swapped in, so a device that is not there leaves the stream as it
// was. Offline, the selection is checked and kept for StartStream.
func (b *Broadcast) Select(sel ingest.Selection) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.air == nil {
		if err := check(sel, b.ListDevices(), b.Encoding); err != nil {
			return err
		}
	} else {
		newVideo, newAudio := sel.Video != b.sel.Video, sel.Audio != b.sel.Audio
		video, audio, err := b.open(sel, newVideo, newAudio)
		if err != nil {
			return err
		}
		if newVideo {
			b.air.pipeline.SetVideo(video)
		}
		if newAudio {
			b.air.pipeline.SetAudio(audio)
		}
	}
	if sel != b.sel {
		b.Logger.Info("source switched", "video", describe(sel.Video), "audio", describe(sel.Audio))
	}
	b.sel = sel
	return nil
}

// open opens the video and/or the audio input of sel.
func (b *Broadcast) open(sel ingest.Selection, video, audio bool) (ingest.VideoInput, ingest.AudioInput, error) {
	devices := b.ListDevices()
	var vin ingest.VideoInput
	var ain ingest.AudioInput
	var err error
	if video {
		vin, err = ingest.OpenVideo(sel.Video, devices, b.Encoding.Width, b.Encoding.Height, b.Encoding.FPS, b.Logger)
		if err != nil {
			return nil, nil, fmt.Errorf("video: %w", err)
		}
	}
	if audio {
		ain, err = ingest.OpenAudio(sel.Audio, devices, b.Logger)
		if err != nil {
			if vin != nil {
				vin.Close()
			}
			return nil, nil, fmt.Errorf("audio: %w", err)
		}
	}
	return vin, ain, nil
}

// Devices lists the cameras and microphones there are.
func (b *Broadcast) Devices() []ingest.Device { return b.ListDevices() }

// Status returns a snapshot.
func (b *Broadcast) Status() BroadcastStatus {
	b.mu.Lock()
	air, sel := b.air, b.sel
	b.mu.Unlock()
	st := BroadcastStatus{Stream: b.Name, Selection: sel}
	if air == nil {
		st.Video = ingest.InputStatus{Kind: sel.Video.Kind, Name: sel.Video.Name, State: ingest.StateOff}
		st.Audio = ingest.InputStatus{Kind: sel.Audio.Kind, Name: sel.Audio.Name, State: ingest.StateOff}
		return st
	}
	st.Live, st.Since = true, air.since
	st.Video, st.Audio = air.pipeline.Status()
	st.Health = b.health.get()
	return st
}

// Close takes the stream off the air.
func (b *Broadcast) Close() { _ = b.StopStream() }

// describe names a choice for the log.
func describe(c ingest.Choice) string {
	if c.Kind == ingest.InputDevice {
		return fmt.Sprintf("device %q", c.Name)
	}
	return string(c.Kind)
}
