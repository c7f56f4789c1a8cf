package ingest

import (
	"log/slog"
	"testing"
	"time"
)

func TestMicInputBuffers(t *testing.T) {
	m := &MicInput{}
	frame := make([]int16, 2048)  // one AAC frame, stereo
	chunk := make([]int16, 960*2) // one 20 ms period
	for i := range chunk {
		chunk[i] = int16(i)
	}
	m.store(chunk)
	if m.Read(time.Time{}, frame) {
		t.Fatal("read a frame before the jitter margin was buffered")
	}
	m.store(chunk)
	m.store(chunk)
	m.store(chunk)
	if !m.Read(time.Time{}, frame) {
		t.Fatal("no frame from 80 ms of sound")
	}
	if frame[0] != 0 || frame[1920] != 0 || frame[1921] != 1 {
		t.Fatalf("frame does not carry the periods in order: %d %d %d", frame[0], frame[1920], frame[1921])
	}
	// Once primed, one frame is enough.
	for range 2 {
		if !m.Read(time.Time{}, frame) {
			t.Fatal("primed input did not hand out what it had")
		}
	}
	if m.Read(time.Time{}, frame) {
		t.Fatal("read more than was stored")
	}
	// A pipeline that stalls does not make the microphone fall behind.
	for range 100 {
		m.store(chunk)
	}
	if got, limit := len(m.pending), int(micBacklog.Seconds()*48000*2); got != limit {
		t.Fatalf("backlog %d samples, want it capped at %d", got, limit)
	}
}

func TestMicInputLossAndReturn(t *testing.T) {
	dev := &fakeDevice{}
	chunk := make([]int16, 960*2)
	open := func(store func([]int16)) (deviceReader, error) {
		return dev.open(func() error { store(chunk); return nil })
	}
	m := newMicInput("Fake Mic", open, 50*time.Millisecond, 300*time.Millisecond, slog.New(slog.DiscardHandler))
	defer m.Close()
	waitState(t, m, StateOK)
	dev.set(func(d *fakeDevice) { d.failNext, d.gone = true, true })
	if st := waitState(t, m, StateLost); st.Error == "" || st.Kind != InputDevice {
		t.Fatalf("lost status %+v", st)
	}
	dev.set(func(d *fakeDevice) { d.gone = false })
	waitState(t, m, StateOK)
}
