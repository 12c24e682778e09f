package media

import (
	"image"
	"testing"

	"golang.org/x/image/draw"
)

// resize must agree with draw.CatmullRom.Scale, whose kernel placement it
// copies, to within rounding.
func TestResizeMatchesXImage(t *testing.T) {
	src := Illustration(4, 901, 601).(*image.RGBA)
	// Transparent pixels too: a soft-edged hole.
	for y := 200; y < 400; y++ {
		for x := 300; x < 600; x++ {
			i := src.PixOffset(x, y)
			a := uint32(255 * (x - 300) / 300)
			for c := 0; c < 4; c++ {
				src.Pix[i+c] = uint8(uint32(src.Pix[i+c]) * a / 255)
			}
		}
	}
	for _, size := range []image.Point{{320, 213}, {640, 427}, {450, 300}, {900, 600}, {901, 601}, {17, 5}, {1, 1}, {901, 300}, {300, 601}, {890, 595}} {
		got := resize(src, size.X, size.Y)
		want := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
		draw.CatmullRom.Scale(want, want.Rect, src, src.Rect, draw.Src, nil)
		worst := 0
		for i := range got.Pix {
			d := int(got.Pix[i]) - int(want.Pix[i])
			worst = max(worst, d, -d)
		}
		if worst > 2 {
			t.Errorf("%v: differs from x/image by up to %d levels", size, worst)
		}
		for i := 0; i < len(got.Pix); i += 4 {
			if a := got.Pix[i+3]; got.Pix[i] > a || got.Pix[i+1] > a || got.Pix[i+2] > a {
				t.Fatalf("%v: pixel %d not premultiplied: %v", size, i/4, got.Pix[i:i+4])
			}
		}
	}
}

func TestResizeTall(t *testing.T) {
	// A narrow, very tall image: the resampler's memory does not grow with
	// the height beyond the result itself.
	src := image.NewRGBA(image.Rect(0, 0, 40, 20000))
	for i := range src.Pix {
		src.Pix[i] = 255
	}
	m := resize(src, 25, 12500)
	for i, v := range m.Pix {
		if v != 255 {
			t.Fatalf("pixel byte %d = %d", i, v)
		}
	}
}

func BenchmarkResize(b *testing.B) {
	src := Illustration(42, 3000, 2000).(*image.RGBA)
	b.ReportAllocs()
	for b.Loop() {
		resize(src, 1920, 1280)
	}
}
