package file

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxMoov bounds the movie header read into memory; a two-day file at
// 60 fps needs far less.
const maxMoov = 256 << 20

var errBox = errors.New("invalid box")

// editShifts reads each track's edit list (which the MP4 index reader
// leaves out), checks that the sample tables are plausible, and returns, per track ID, the shift from the media time to
// the presentation time in the track's timescale: an empty edit delays a
// track, a media time skips its start (the B-frame delay of video, the
// priming samples of AAC). Only the first edit of each kind counts: llcast
// plays files, it does not edit them.
func editShifts(r io.ReaderAt, size int64) (map[int]int64, error) {
	moov, err := findBox(r, 0, size, "moov")
	if err != nil {
		return nil, err
	}
	if moov == nil {
		return map[int]int64{}, nil
	}
	movieScale := uint32(0)
	shifts := map[int]int64{}
	err = eachBox(moov, func(typ string, body []byte) error {
		switch typ {
		case "mvhd":
			movieScale = headerTimescale(body)
		case "trak":
			id, shift, err := trackShift(body, movieScale, size)
			if err != nil {
				return err
			}
			shifts[id] = shift
		}
		return nil
	})
	return shifts, err
}

// findBox returns the body of the first top-level box of type typ.
func findBox(r io.ReaderAt, off, end int64, typ string) ([]byte, error) {
	var h [16]byte
	for off+8 <= end {
		if _, err := r.ReadAt(h[:8], off); err != nil {
			return nil, err
		}
		size, hdr := int64(binary.BigEndian.Uint32(h[:4])), int64(8)
		switch size {
		case 0:
			size = end - off
		case 1:
			if _, err := r.ReadAt(h[8:16], off+8); err != nil {
				return nil, err
			}
			size, hdr = int64(binary.BigEndian.Uint64(h[8:16])), 16
		}
		if size < hdr || size > end-off {
			return nil, fmt.Errorf("%w: %q at %d has size %d", errBox, h[4:8], off, size)
		}
		if string(h[4:8]) == typ {
			if size-hdr > maxMoov {
				return nil, fmt.Errorf("%w: %q of %d bytes", errBox, typ, size)
			}
			body := make([]byte, size-hdr)
			if _, err := r.ReadAt(body, off+hdr); err != nil {
				return nil, err
			}
			return body, nil
		}
		off += size
	}
	return nil, nil
}

// eachBox calls fn with every box directly inside b.
func eachBox(b []byte, fn func(typ string, body []byte) error) error {
	for len(b) >= 8 {
		size, hdr := uint64(binary.BigEndian.Uint32(b)), uint64(8)
		switch size {
		case 0:
			size = uint64(len(b))
		case 1:
			if len(b) < 16 {
				return errBox
			}
			size, hdr = binary.BigEndian.Uint64(b[8:]), 16
		}
		if size < hdr || size > uint64(len(b)) {
			return fmt.Errorf("%w: %q has size %d", errBox, b[4:8], size)
		}
		if err := fn(string(b[4:8]), b[hdr:size]); err != nil {
			return err
		}
		b = b[size:]
	}
	return nil
}

// headerTimescale reads the timescale of an mvhd or mdhd box.
func headerTimescale(b []byte) uint32 {
	switch {
	case len(b) >= 24 && b[0] == 1:
		return binary.BigEndian.Uint32(b[20:])
	case len(b) >= 16 && b[0] == 0:
		return binary.BigEndian.Uint32(b[12:])
	}
	return 0
}

// trackShift reads a trak box's ID and its edit list's shift.
func trackShift(trak []byte, movieScale uint32, fileSize int64) (id int, shift int64, err error) {
	var elst []byte
	var scale uint32
	err = eachBox(trak, func(typ string, body []byte) error {
		switch typ {
		case "tkhd":
			switch {
			case len(body) >= 24 && body[0] == 1:
				id = int(binary.BigEndian.Uint32(body[20:]))
			case len(body) >= 16:
				id = int(binary.BigEndian.Uint32(body[12:]))
			}
		case "edts":
			return eachBox(body, func(typ string, body []byte) error {
				if typ == "elst" {
					elst = body
				}
				return nil
			})
		case "mdia":
			return eachBox(body, func(typ string, body []byte) error {
				switch typ {
				case "mdhd":
					scale = headerTimescale(body)
				case "minf":
					return checkSampleCount(body, fileSize)
				}
				return nil
			})
		}
		return nil
	})
	if err != nil || elst == nil || scale == 0 || movieScale == 0 {
		return id, 0, err
	}
	empty, media, ok := firstEdits(elst)
	if !ok || empty/int64(movieScale) > maxSeconds || media/int64(scale) > maxSeconds {
		return id, 0, nil
	}
	return id, rescale(empty, int64(movieScale), int64(scale)) - media, nil
}

// firstEdits returns the length of the leading empty edits (movie
// timescale) and the media time of the first real edit.
func firstEdits(b []byte) (empty, media int64, ok bool) {
	if len(b) < 8 {
		return 0, 0, false
	}
	v1 := b[0] == 1
	n := int(binary.BigEndian.Uint32(b[4:]))
	b = b[8:]
	entry := 12
	if v1 {
		entry = 20
	}
	for i := 0; i < n && len(b) >= entry; i++ {
		var dur, mt int64
		if v1 {
			dur, mt = int64(binary.BigEndian.Uint64(b)), int64(binary.BigEndian.Uint64(b[8:]))
		} else {
			dur, mt = int64(binary.BigEndian.Uint32(b)), int64(int32(binary.BigEndian.Uint32(b[4:])))
		}
		b = b[entry:]
		if mt == -1 {
			if dur < 0 || dur > 1<<40 {
				return 0, 0, false
			}
			empty += dur
			continue
		}
		if mt < 0 || mt > 1<<40 {
			return 0, 0, false
		}
		return empty, mt, true
	}
	return empty, 0, empty > 0
}

// checkSampleCount refuses a sample table that lists more samples than
// the file has bytes (every sample has one at least), before the index
// reader allocates them all, and one that the index reader would misread.
func checkSampleCount(minf []byte, fileSize int64) error {
	return eachBox(minf, func(typ string, body []byte) error {
		if typ != "stbl" {
			return nil
		}
		return eachBox(body, func(typ string, body []byte) error {
			if typ == "co64" {
				// The index reader knows 32-bit chunk offsets only.
				return errors.New("files of more than 4 GiB (64-bit chunk offsets) are not supported")
			}
			if typ != "stts" || len(body) < 8 {
				return nil
			}
			n := int64(0)
			entries := body[8:]
			for i := uint32(0); i < binary.BigEndian.Uint32(body[4:]) && len(entries) >= 8; i++ {
				n += int64(binary.BigEndian.Uint32(entries))
				entries = entries[8:]
			}
			if n > fileSize {
				return fmt.Errorf("%w: %d samples in a file of %d bytes", errBox, n, fileSize)
			}
			return nil
		})
	})
}
