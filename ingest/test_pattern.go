package ingest

import (
	"image"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Luma levels of the timestamp strip, in video range so that a browser
// shows them as pure white and pure black.
const (
	stripWhite = 235
	stripBlack = 16
	// StripSquares is the number of squares in the timestamp strip, one per
	// bit of the capture time in Unix milliseconds, most significant first.
	StripSquares = 44
	// StripSquareSize is the side of one strip square in pixels.
	StripSquareSize = 16
)

const (
	clockScale = 6
	barShift   = 4 // pixels per frame
)

// testPattern draws the test source's pictures: scrolling colour bars, a
// large wall clock and the timestamp strip (README "How it works"). It reuses one
// picture; callers must be done with a frame before asking for the next.
type testPattern struct {
	width, height int
	img           *image.YCbCr
	barY          []uint8 // one row of bars, twice the width, for scrolling
	barCb, barCr  []uint8
	text          *image.Alpha
	frame         int
}

// bars are 75% colour bars in video-range Y'CbCr (BT.601).
var bars = [][3]uint8{
	{180, 128, 128}, {168, 44, 136}, {145, 147, 44}, {133, 63, 52},
	{63, 193, 204}, {51, 109, 212}, {28, 212, 120}, {16, 128, 128},
}

func newTestPattern(width, height int) *testPattern {
	p := &testPattern{
		width:  width,
		height: height,
		img:    image.NewYCbCr(image.Rect(0, 0, width, height), image.YCbCrSubsampleRatio420),
		barY:   make([]uint8, 2*width),
		barCb:  make([]uint8, width),
		barCr:  make([]uint8, width),
		text:   image.NewAlpha(image.Rect(0, 0, 7*len("00:00:00.000"), 13)),
	}
	for x := range p.barY {
		p.barY[x] = bars[(x%width)*len(bars)/width][0]
	}
	for x := range p.barCb {
		b := bars[(2*x%width)*len(bars)/width]
		p.barCb[x], p.barCr[x] = b[1], b[2]
	}
	return p
}

// draw renders the picture for capture time t.
func (p *testPattern) draw(t time.Time) *image.YCbCr {
	p.drawBars()
	p.drawClock(t)
	p.drawStrip(t.UnixMilli())
	p.frame++
	return p.img
}

func (p *testPattern) drawBars() {
	off := (p.frame * barShift) % p.width
	row := p.barY[off : off+p.width]
	for y := 0; y < p.height; y++ {
		copy(p.img.Y[y*p.img.YStride:], row)
	}
	coff := off / 2
	for y := 0; y < p.height/2; y++ {
		line := p.img.Cb[y*p.img.CStride : y*p.img.CStride+p.width/2]
		n := copy(line, p.barCb[coff:])
		copy(line[n:], p.barCb)
		line = p.img.Cr[y*p.img.CStride : y*p.img.CStride+p.width/2]
		n = copy(line, p.barCr[coff:])
		copy(line[n:], p.barCr)
	}
}

// drawClock writes HH:MM:SS.mmm in UTC, white on a black box, in the middle.
func (p *testPattern) drawClock(t time.Time) {
	clear(p.text.Pix)
	d := font.Drawer{Dst: p.text, Src: image.Opaque, Face: basicfont.Face7x13, Dot: fixed.P(0, 11)}
	d.DrawString(t.UTC().Format("15:04:05.000"))

	tw, th := p.text.Rect.Dx()*clockScale, p.text.Rect.Dy()*clockScale
	x0, y0 := (p.width-tw)/2, (p.height-th)/2
	const pad = 16
	p.fill(x0-pad, y0-pad, tw+2*pad, th+2*pad, stripBlack)
	for y := 0; y < th; y++ {
		src := p.text.Pix[(y/clockScale)*p.text.Stride:]
		dst := p.img.Y[(y0+y)*p.img.YStride+x0:]
		for x := 0; x < tw; x++ {
			if src[x/clockScale] >= 128 {
				dst[x] = stripWhite
			}
		}
	}
}

func (p *testPattern) drawStrip(ms int64) {
	for i := 0; i < StripSquares; i++ {
		v := uint8(stripBlack)
		if ms>>(StripSquares-1-i)&1 == 1 {
			v = stripWhite
		}
		p.fill(i*StripSquareSize, 0, StripSquareSize, StripSquareSize, v)
	}
}

// fill paints a grey rectangle (neutral chroma) clipped to the picture.
func (p *testPattern) fill(x0, y0, w, h int, luma uint8) {
	r := image.Rect(x0, y0, x0+w, y0+h).Intersect(p.img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := p.img.Y[y*p.img.YStride:]
		for x := r.Min.X; x < r.Max.X; x++ {
			row[x] = luma
		}
	}
	for y := r.Min.Y / 2; y < (r.Max.Y+1)/2; y++ {
		for x := r.Min.X / 2; x < (r.Max.X+1)/2; x++ {
			p.img.Cb[y*p.img.CStride+x] = 128
			p.img.Cr[y*p.img.CStride+x] = 128
		}
	}
}

// readStrip decodes the capture time from a luma plane that carries the
// timestamp strip; ok is false when a square is neither white nor black.
// Tests and benchmarks use it to check what the encoder and players got.
func readStrip(luma func(x, y int) uint8) (ms int64, ok bool) {
	for i := 0; i < StripSquares; i++ {
		v := luma(i*StripSquareSize+StripSquareSize/2, StripSquareSize/2)
		switch {
		case v >= 200:
			ms |= 1 << (StripSquares - 1 - i)
		case v > 50:
			return 0, false
		}
	}
	return ms, true
}
