package srt

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

type writeRecorder struct{ writes [][]byte }

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.writes = append(w.writes, bytes.Clone(p))
	return len(p), nil
}

func TestPacketWriter(t *testing.T) {
	var rec writeRecorder
	pw := packetWriter{w: &rec}
	data := make([]byte, 20*188)
	for i := range data {
		data[i] = byte(i)
	}
	// The TS writer hands over one 188-byte packet at a time.
	for i := 0; i < len(data); i += 188 {
		if _, err := pw.Write(data[i : i+188]); err != nil {
			t.Fatal(err)
		}
	}
	if err := pw.Flush(); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, w := range rec.writes {
		sizes = append(sizes, len(w))
	}
	if want := []int{1316, 1316, 6 * 188}; !slices.Equal(sizes, want) {
		t.Fatalf("datagrams of %v bytes, want %v", sizes, want)
	}
	if got := bytes.Join(rec.writes, nil); !bytes.Equal(got, data) {
		t.Fatal("datagrams do not carry the data in order")
	}
	if err := pw.Flush(); err != nil || len(rec.writes) != 3 {
		t.Fatalf("an empty Flush wrote: %v, %d writes", err, len(rec.writes))
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("gone") }

func TestPacketWriterFails(t *testing.T) {
	pw := packetWriter{w: failingWriter{}}
	if _, err := pw.Write(make([]byte, 1316)); err == nil {
		t.Fatal("Write succeeded on a failing connection")
	}
	if _, err := pw.Write(make([]byte, 188)); err != nil {
		t.Fatal(err)
	}
	if err := pw.Flush(); err == nil {
		t.Fatal("Flush succeeded on a failing connection")
	}
}
