package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// Illustration size: the 16:9 shape lead images have on the site.
const (
	illustrationW = 1600
	illustrationH = 900
)

// palettes are calm colour sets for the abstract illustrations: sky, land
// and an accent each, so every picture reads as a landscape or a poster
// without showing anything real.
var palettes = [][3]color.RGBA{
	{{0x1d, 0x3d, 0x5c, 0xff}, {0xd9, 0xa4, 0x41, 0xff}, {0xf2, 0xe8, 0xcf, 0xff}}, // steppe at dusk
	{{0x0f, 0x4c, 0x5c, 0xff}, {0x5f, 0x9e, 0xa0, 0xff}, {0xe3, 0x6c, 0x3d, 0xff}}, // sea and rust
	{{0x2b, 0x2d, 0x42, 0xff}, {0x8d, 0x99, 0xae, 0xff}, {0xef, 0x23, 0x3c, 0xff}}, // city night
	{{0x26, 0x46, 0x53, 0xff}, {0x2a, 0x9d, 0x8f, 0xff}, {0xe9, 0xc4, 0x6a, 0xff}}, // teal and sand
	{{0x3d, 0x1f, 0x4e, 0xff}, {0xb5, 0x65, 0x76, 0xff}, {0xf6, 0xbd, 0x60, 0xff}}, // plum and amber
	{{0x14, 0x21, 0x3d, 0xff}, {0x4a, 0x6f, 0xa5, 0xff}, {0xfc, 0xa3, 0x11, 0xff}}, // navy and gold
	{{0x33, 0x4d, 0x2e, 0xff}, {0x9c, 0xb3, 0x80, 0xff}, {0xf4, 0xf1, 0xde, 0xff}}, // spring grass
	{{0x5c, 0x2a, 0x1e, 0xff}, {0xc8, 0x7f, 0x4d, 0xff}, {0xe8, 0xdd, 0xb5, 0xff}}, // clay and dust
}

// illustration draws an abstract picture determined by seed: a sky
// gradient, a wavy horizon, a sun or moon and a few translucent shapes.
// No text and nothing recognisable, so it can stand beside any story.
func illustration(seed int64, w, h int) *image.RGBA {
	r := rand.New(rand.NewPCG(uint64(seed), 0x9a1a_2026))
	pal := palettes[r.IntN(len(palettes))]
	sky, land, accent := pal[0], pal[1], pal[2]
	img := image.NewRGBA(image.Rect(0, 0, w, h))

	// Sky: a vertical gradient from a darkened sky colour to the accent.
	horizon := float64(h) * (0.45 + 0.25*r.Float64())
	amp := float64(h) * (0.02 + 0.05*r.Float64())
	freq := (1 + 3*r.Float64()) * 2 * math.Pi / float64(w)
	phase := r.Float64() * 2 * math.Pi
	top := scale(sky, 0.7)
	for y := 0; y < h; y++ {
		t := float64(y) / horizon
		if t > 1 {
			t = 1
		}
		c := mix(top, mix(sky, accent, 0.35), t)
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < w; x++ {
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = c.R, c.G, c.B, 0xff
		}
	}

	// Sun: a soft disc above the horizon.
	sunR := float64(h) * (0.08 + 0.1*r.Float64())
	sunX := float64(w) * (0.15 + 0.7*r.Float64())
	sunY := horizon - sunR*(0.6+1.2*r.Float64())
	disc(img, sunX, sunY, sunR, accent, 0.85)

	// Land: two layers of rolling ground below a wavy horizon line.
	for layer := 0; layer < 2; layer++ {
		base := horizon + float64(layer)*float64(h)*0.12
		c := scale(land, 1-0.25*float64(layer))
		ph := phase + float64(layer)*1.7
		for x := 0; x < w; x++ {
			edge := base + amp*math.Sin(float64(x)*freq+ph) + amp*0.4*math.Sin(float64(x)*freq*2.3+ph*0.5)
			y0 := int(edge)
			if y0 < 0 {
				y0 = 0
			}
			for y := y0; y < h; y++ {
				shade := 1 - 0.3*float64(y-y0)/float64(h)
				o := y*img.Stride + 4*x
				img.Pix[o] = uint8(float64(c.R) * shade)
				img.Pix[o+1] = uint8(float64(c.G) * shade)
				img.Pix[o+2] = uint8(float64(c.B) * shade)
			}
		}
	}

	// A few translucent shapes scattered over the picture.
	for i, n := 0, 2+r.IntN(4); i < n; i++ {
		cx, cy := float64(w)*r.Float64(), float64(h)*r.Float64()
		size := float64(h) * (0.04 + 0.12*r.Float64())
		c := pal[r.IntN(3)]
		if r.IntN(2) == 0 {
			disc(img, cx, cy, size, c, 0.35)
		} else {
			rect(img, int(cx), int(cy), int(size*2.5), int(size*0.5), c, 0.3)
		}
	}
	return img
}

// illustrationJPEG encodes an illustration as the bytes an upload would carry.
func illustrationJPEG(seed int64) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(160 << 10)
	err := jpeg.Encode(&buf, illustration(seed, illustrationW, illustrationH), &jpeg.Options{Quality: 80})
	return buf.Bytes(), err
}

func disc(img *image.RGBA, cx, cy, radius float64, c color.RGBA, alpha float64) {
	b := img.Bounds().Intersect(image.Rect(int(cx-radius), int(cy-radius), int(cx+radius)+1, int(cy+radius)+1))
	r2 := radius * radius
	for y := b.Min.Y; y < b.Max.Y; y++ {
		dy := float64(y) - cy
		for x := b.Min.X; x < b.Max.X; x++ {
			dx := float64(x) - cx
			if d := dx*dx + dy*dy; d <= r2 {
				// Feather the last few pixels of the edge.
				a := alpha
				if edge := radius - math.Sqrt(d); edge < 2 {
					a *= edge / 2
				}
				blend(img, x, y, c, a)
			}
		}
	}
}

func rect(img *image.RGBA, x0, y0, w, h int, c color.RGBA, alpha float64) {
	b := img.Bounds().Intersect(image.Rect(x0, y0, x0+w, y0+h))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			blend(img, x, y, c, alpha)
		}
	}
}

func blend(img *image.RGBA, x, y int, c color.RGBA, a float64) {
	o := y*img.Stride + 4*x
	p := img.Pix[o : o+3 : o+3]
	p[0] = uint8(float64(p[0])*(1-a) + float64(c.R)*a)
	p[1] = uint8(float64(p[1])*(1-a) + float64(c.G)*a)
	p[2] = uint8(float64(p[2])*(1-a) + float64(c.B)*a)
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	return color.RGBA{
		R: uint8(float64(a.R)*(1-t) + float64(b.R)*t),
		G: uint8(float64(a.G)*(1-t) + float64(b.G)*t),
		B: uint8(float64(a.B)*(1-t) + float64(b.B)*t),
		A: 0xff,
	}
}

func scale(c color.RGBA, f float64) color.RGBA {
	return color.RGBA{R: uint8(float64(c.R) * f), G: uint8(float64(c.G) * f), B: uint8(float64(c.B) * f), A: 0xff}
}
