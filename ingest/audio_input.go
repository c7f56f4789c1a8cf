package ingest

import "time"

// AudioInput is what a Pipeline takes sound from: 48 kHz interleaved
// stereo. Its methods must not block.
type AudioInput interface {
	// Read fills pcm with the next sound, which was captured from t on,
	// and reports false when the input cannot fill it yet (the pipeline
	// sends silence instead).
	Read(t time.Time, pcm []int16) bool
	// Margin is how long after a frame's last sample was due the input
	// has it for Read: a microphone delivers in periods of its own, a
	// computed sound at once. The pipeline waits that long, so it is
	// latency every viewer has.
	Margin() time.Duration
	Status() InputStatus
	// Close releases the input; Read may still be called and return false.
	Close()
}

// TestAudio is the built-in test sound: a quiet 440 Hz tone with a beep on
// every wall-clock second, computed for the time it was "captured".
type TestAudio struct {
	tone tone
}

// NewTestAudio returns the test sound for the pipeline's 48 kHz stereo.
func NewTestAudio() *TestAudio {
	return &TestAudio{tone: tone{sampleRate: 48000, channels: 2}}
}

// Read synthesizes the sound captured from t on.
// Margin is zero: the tone is computed for any time asked.
func (a *TestAudio) Margin() time.Duration { return 0 }

func (a *TestAudio) Read(t time.Time, pcm []int16) bool {
	a.tone.fill(pcm, t)
	return true
}

// Status is always ok.
func (a *TestAudio) Status() InputStatus {
	return InputStatus{Kind: InputTest, Name: "test tone", State: StateOK}
}

// Close does nothing: the test sound holds no resources.
func (a *TestAudio) Close() {}
