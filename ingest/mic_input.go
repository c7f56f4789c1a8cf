package ingest

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
)

// micBacklog bounds the sound a MicInput keeps: when the pipeline takes
// less than the microphone gives (their clocks differ, or the machine was
// busy) the oldest is dropped rather than adding delay.
const micBacklog = 200 * time.Millisecond

// micJitter is how long after a frame's last sample was due the pipeline
// waits before taking it from a microphone, which delivers in periods of
// its own: the frame must be complete when asked for.
const micJitter = 40 * time.Millisecond

// MicInput delivers a microphone's sound, 48 kHz stereo. A microphone that
// fails or stops delivering is reopened every 2 s; meanwhile Status says
// StateLost and the pipeline sends silence.
type MicInput struct {
	loop deviceLoop

	mu      sync.Mutex // guards pending and primed
	pending []int16
	// primed is set once a frame plus some margin is buffered; it is
	// cleared when the buffer runs dry, so that one late period costs one
	// gap rather than a gap every frame.
	primed bool
}

// OpenMic starts recording dev. It returns at once; the microphone opens in
// the background.
func OpenMic(dev Device, log *slog.Logger) *MicInput {
	open := func(store func([]int16)) (deviceReader, error) { return openMiniaudio(dev, store) }
	return newMicInput(dev.Name, open, 0, 0, log)
}

// newMicInput records from a microphone opened by open; tests pass fakes.
func newMicInput(name string, open func(store func([]int16)) (deviceReader, error),
	retry, stall time.Duration, log *slog.Logger,
) *MicInput {
	m := &MicInput{}
	m.loop = deviceLoop{
		kind: KindMicrophone, name: name, log: log, retry: retry, stall: stall,
		open: func() (deviceReader, error) { return open(m.store) },
	}
	m.loop.start()
	return m
}

// store appends interleaved stereo samples, dropping the oldest beyond
// micBacklog.
func (m *MicInput) store(pcm []int16) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending = append(m.pending, pcm...)
	if limit := int(micBacklog.Seconds() * 48000 * 2); len(m.pending) > limit {
		m.pending = append(m.pending[:0], m.pending[len(m.pending)-limit:]...)
	}
}

// Read takes the oldest buffered sound.
// Margin is micJitter: the driver's periods come unevenly.
func (m *MicInput) Margin() time.Duration { return micJitter }

func (m *MicInput) Read(_ time.Time, pcm []int16) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	need := len(pcm)
	if !m.primed {
		need += int(micJitter.Seconds() * 48000 * 2)
	}
	if len(m.pending) < need {
		m.primed = false
		return false
	}
	m.primed = true
	copy(pcm, m.pending)
	m.pending = append(m.pending[:0], m.pending[len(pcm):]...)
	return true
}

// Status reports whether the microphone delivers.
func (m *MicInput) Status() InputStatus { return m.loop.status(InputDevice) }

// Close stops recording and releases the microphone.
func (m *MicInput) Close() { m.loop.stop() }

// miniaudioReader records a microphone through mediadevices.
type miniaudioReader struct {
	name   string
	drv    driver.Driver
	reader audio.Reader
	store  func([]int16)
}

func openMiniaudio(dev Device, store func([]int16)) (deviceReader, error) {
	d := dev.drv
	if d == nil {
		return nil, fmt.Errorf("microphone %q has no driver", dev.Name)
	}
	if err := d.Open(); err != nil {
		return nil, fmt.Errorf("opening microphone %q: %w", dev.Name, err)
	}
	// miniaudio converts to what we ask for: 48 kHz stereo 16-bit.
	r, err := d.(driver.AudioRecorder).AudioRecord(prop.Media{Audio: prop.Audio{
		ChannelCount: 2, SampleRate: 48000, SampleSize: 2, IsInterleaved: true, Latency: 20 * time.Millisecond,
	}})
	if err != nil {
		_ = d.Close()
		return nil, fmt.Errorf("starting microphone %q: %w", dev.Name, err)
	}
	return &miniaudioReader{name: dev.Name, drv: d, reader: r, store: store}, nil
}

func (m *miniaudioReader) read() error {
	chunk, release, err := m.reader.Read()
	if err != nil {
		return err
	}
	defer release()
	pcm, ok := chunk.(*wave.Int16Interleaved)
	if !ok || pcm.Size.Channels != 2 {
		return fmt.Errorf("microphone %q delivers %T with %d channels, want 16-bit stereo",
			m.name, chunk, chunk.ChunkInfo().Channels)
	}
	m.store(pcm.Data)
	return nil
}

func (m *miniaudioReader) close() error { return m.drv.Close() }
