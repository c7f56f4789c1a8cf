package srt

import "io"

// tsPacketsPerDatagram is how many 188-byte TS packets one SRT packet
// carries: 1316 bytes, the payload every SRT implementation accepts.
const tsPacketsPerDatagram = 7

const datagramSize = tsPacketsPerDatagram * 188

// packetWriter gathers the TS packets of one sample into 1316-byte SRT
// payloads. A gosrt connection turns each Write into packets of its own
// payload size, which could split TS packets; writing whole datagrams
// keeps them intact. Not safe for concurrent use.
type packetWriter struct {
	w   io.Writer
	buf []byte
}

// Write implements io.Writer: it sends every full datagram and keeps the
// rest for the next Write or Flush.
func (p *packetWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	sent := 0
	for len(p.buf)-sent >= datagramSize {
		if _, err := p.w.Write(p.buf[sent : sent+datagramSize]); err != nil {
			p.buf = p.buf[:0]
			return 0, err
		}
		sent += datagramSize
	}
	p.buf = p.buf[:copy(p.buf, p.buf[sent:])]
	return len(b), nil
}

// Flush sends what is left as one shorter datagram, so that a sample does
// not wait for the next one to fill its last packet.
func (p *packetWriter) Flush() error {
	if len(p.buf) == 0 {
		return nil
	}
	_, err := p.w.Write(p.buf)
	p.buf = p.buf[:0]
	return err
}
