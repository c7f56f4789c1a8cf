package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
)

// trayIconSize is the icon's width and height in pixels; tray hosts scale it.
const trayIconSize = 32

// trayIconPNG draws a dot: red while live, grey while offline.
func trayIconPNG(live bool) []byte {
	fill := color.NRGBA{R: 0x9e, G: 0x9e, B: 0x9e, A: 0xff}
	if live {
		fill = color.NRGBA{R: 0xe5, G: 0x39, B: 0x35, A: 0xff}
	}
	img := image.NewNRGBA(image.Rect(0, 0, trayIconSize, trayIconSize))
	c := float64(trayIconSize-1) / 2
	r := float64(trayIconSize)/2 - 2
	for y := range trayIconSize {
		for x := range trayIconSize {
			dx, dy := float64(x)-c, float64(y)-c
			if dx*dx+dy*dy <= r*r {
				img.SetNRGBA(x, y, fill)
			}
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // writing to memory cannot fail
	return b.Bytes()
}

// icoFromPNG wraps a square PNG in an .ico container (Windows Vista and
// later read PNG entries), which is what systray wants on Windows.
func icoFromPNG(p []byte, size int) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	b.Write(le.AppendUint16(nil, 0))                          // reserved
	b.Write(le.AppendUint16(nil, 1))                          // type: icon
	b.Write(le.AppendUint16(nil, 1))                          // one image
	b.Write([]byte{byte(size % 256), byte(size % 256), 0, 0}) // width, height (0 = 256), colours, reserved
	b.Write(le.AppendUint16(nil, 1))                          // colour planes
	b.Write(le.AppendUint16(nil, 32))                         // bits per pixel
	b.Write(le.AppendUint32(nil, uint32(len(p))))             // image size
	b.Write(le.AppendUint32(nil, 6+16))                       // image offset
	b.Write(p)
	return b.Bytes()
}
