package ingest

import (
	"image"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// slate is the picture shown when there is no camera picture: a dark grey
// screen with a title, a line saying why, and a running clock so viewers
// can tell the stream is still alive.
type slate struct {
	img  *image.YCbCr
	text *image.Alpha
}

const slateGrey = 40

func newSlate(width, height int) *slate {
	return &slate{
		img:  image.NewYCbCr(image.Rect(0, 0, width, height), image.YCbCrSubsampleRatio420),
		text: image.NewAlpha(image.Rect(0, 0, 7*64, 13)),
	}
}

// draw renders the slate for time t.
func (s *slate) draw(t time.Time, title, detail string) *image.YCbCr {
	for i := range s.img.Y {
		s.img.Y[i] = slateGrey
	}
	for i := range s.img.Cb {
		s.img.Cb[i], s.img.Cr[i] = 128, 128
	}
	h := s.img.Rect.Dy()
	scale := max(1, s.img.Rect.Dx()/240)
	s.line(title, h/2-13*scale, scale)
	s.line(detail, h/2+13*scale/2, max(1, scale/2))
	s.line(t.UTC().Format("15:04:05"), h/2+13*scale*3/2, max(1, scale/2))
	return s.img
}

// line writes text centred at row y, scaled up scale times, clipped to the
// picture.
func (s *slate) line(text string, y0, scale int) {
	if len(text) > 64 {
		text = text[:61] + "..."
	}
	clear(s.text.Pix)
	d := font.Drawer{Dst: s.text, Src: image.Opaque, Face: basicfont.Face7x13, Dot: fixed.P(0, 11)}
	d.DrawString(text)
	tw, th := 7*len(text)*scale, 13*scale
	x0 := (s.img.Rect.Dx() - tw) / 2
	for y := 0; y < th; y++ {
		if y0+y < 0 || y0+y >= s.img.Rect.Dy() {
			continue
		}
		src := s.text.Pix[(y/scale)*s.text.Stride:]
		row := s.img.Y[(y0+y)*s.img.YStride:]
		for x := 0; x < tw; x++ {
			if px := x0 + x; px >= 0 && px < s.img.Rect.Dx() && src[x/scale] >= 128 {
				row[px] = stripWhite
			}
		}
	}
}
