package media

import (
	"image"
	"math"
	"math/rand/v2"
)

// Illustration draws an original abstract landscape, without text, for the
// demo newsroom and tests: a graded sky with a sun or moon (sometimes cut by
// retro stripes), thin cloud lines, layered ridges with snow like the Tian
// Shan seen from the steppe, and either a city skyline with lit windows, a
// river, or ploughed fields. The palette and composition depend on seed
// only, and every position is a fraction of the size, so one seed looks the
// same at every size. It returns a w×h RGBA image (at least 1×1).
func Illustration(seed int64, w, h int) image.Image {
	w, h = max(w, 1), max(h, 1)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	p := palettes[rng.IntN(len(palettes))]
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h)), W: float64(w), H: float64(h)}

	// Composition, drawn from the seed before any size is involved.
	horizon := 0.55 + 0.12*rng.Float64() // where the sky meets the farthest ridge's foot
	sunU := 0.15 + 0.7*rng.Float64()
	sunV := horizon - 0.14 - 0.22*rng.Float64()
	sunR := 0.07 + 0.07*rng.Float64() // of the smaller side
	stripes := rng.IntN(2) == 0
	type band struct{ v, u0, u1, t float64 }
	bands := make([]band, 2+rng.IntN(5))
	for i := range bands {
		u0 := rng.Float64()*0.8 - 0.1
		bands[i] = band{v: 0.06 + (horizon-0.16)*rng.Float64(), u0: u0, u1: u0 + 0.12 + 0.4*rng.Float64(), t: 0.004 + 0.009*rng.Float64()}
	}
	far := newRidge(rng, 5, 5, 1, 0.2+0.6*rng.Float64())
	mid := newRidge(rng, 4, 4, 0.5, -1)
	near := newRidge(rng, 2, 3, 0, -1)
	snowline := newRidge(rng, 8, 3, 0, -1)
	scene := rng.IntN(3) // 0 city, 1 river, 2 fields
	cityBase := 0.86 + 0.07*rng.Float64()
	type building struct{ u0, u1, top, step, stepW float64 }
	var city []building
	if scene == 0 {
		center := 0.2 + 0.6*rng.Float64()
		for u := -0.01; u < 1; {
			bw := 0.025 + 0.05*rng.Float64()
			closeness := math.Exp(-math.Pow((u-center)/0.22, 2))
			top := 0.05 + (0.08+0.2*closeness)*rng.Float64()
			b := building{u0: u, u1: u + bw, top: top}
			if rng.IntN(3) == 0 {
				b.step, b.stepW = 0.02+0.05*rng.Float64(), 0.3+0.4*rng.Float64()
			}
			city = append(city, b)
			u += bw + 0.004*float64(rng.IntN(3))
		}
	}
	riverU, riverPhase := 0.3+0.4*rng.Float64(), 2*math.Pi*rng.Float64()
	lit := rng.Uint64()

	W, H := c.W, c.H
	S := math.Min(W, H)
	hz := horizon * H

	// Sky with a glow around the sun.
	sx, sy, sr := sunU*W, sunV*H, math.Max(sunR*S, 1)
	for y := 0; y < h; y++ {
		t := clamp01((float64(y) + 0.5) / hz)
		var sky rgb
		if t < 0.55 {
			sky = mix(p.skyTop, p.skyMid, smooth(t/0.55))
		} else {
			sky = mix(p.skyMid, p.skyLow, smooth((t-0.55)/0.45))
		}
		for x := 0; x < w; x++ {
			dx, dy := (float64(x)+0.5-sx)/(4*sr), (float64(y)+0.5-sy)/(4*sr)
			c.set(x, y, mix(sky, p.sun, 0.45*math.Exp(-2*(dx*dx+dy*dy))))
		}
	}
	// Sun or moon, its lower half cut by widening gaps if striped.
	for y := int(sy - sr - 1); y <= int(sy+sr+1); y++ {
		for x := int(sx - sr - 1); x <= int(sx+sr+1); x++ {
			fx, fy := float64(x)+0.5-sx, float64(y)+0.5-sy
			cov := clamp01(sr - math.Hypot(fx, fy) + 0.5)
			if stripes && fy > 0 {
				s := fy / sr
				if f := s*5 - math.Floor(s*5); f < 0.15+0.45*s {
					continue
				}
			}
			c.blend(x, y, p.sun, cov)
		}
	}
	// Cloud lines: thin capsules a little lighter than the sky behind them.
	for _, b := range bands {
		x0, x1, yc, r := b.u0*W, b.u1*W, b.v*H, math.Max(b.t*H/2, 0.6)
		for y := int(yc - r - 1); y <= int(yc+r+1); y++ {
			for x := int(x0 - r - 1); x <= int(x1+r+1); x++ {
				fx := float64(x) + 0.5
				dx := math.Max(math.Max(x0-fx, fx-x1), 0)
				cov := clamp01(r - math.Hypot(dx, float64(y)+0.5-yc) + 0.5)
				c.blend(x, y, p.cloud, 0.55*cov)
			}
		}
	}
	// Ridges, far to near, each hazier at its foot; snow on the far one.
	c.ridge(far, hz, 0.38*H, mix(p.far, p.skyLow, 0.25), mix(p.far, p.skyLow, 0.55), func(x int, u float64) float64 {
		return hz - 0.38*H*(0.15+0.85*(0.42+0.1*snowline.at(u)))
	}, p.snow)
	c.ridge(mid, hz+0.05*H, 0.17*H, p.mid, mix(p.mid, p.skyLow, 0.3), nil, rgb{})
	nearTop := hz + 0.13*H
	c.ridge(near, nearTop, 0.08*H, p.near, mix(p.near, p.ground, 0.6), nil, rgb{})
	// Furrow lines on the plain, closer together towards the horizon.
	for i := 1; i < 9; i++ {
		y := nearTop + (H-nearTop)*math.Pow(float64(i)/9, 1.7)
		for x := 0; x < w; x++ {
			if near.y(float64(x)/W, nearTop, 0.08*H) < y-1 {
				c.blend(x, int(y), p.snow, 0.12)
			}
		}
	}

	switch scene {
	case 0: // city skyline standing on a dark foreground
		base := cityBase * H
		for bi, b := range city {
			x0, x1 := int(b.u0*W), int(b.u1*W)
			top := base - b.top*H
			c.rect(x0, int(top), x1, int(base)+1, p.city)
			if b.step > 0 {
				sw := float64(x1-x0) * b.stepW
				c.rect(x0+int((float64(x1-x0)-sw)/2), int(top-b.step*H), x0+int((float64(x1-x0)+sw)/2), int(top)+1, p.city)
			}
			// Windows on a grid; which are lit is a hash of the position.
			g := math.Max(3, S*0.018)
			for wy, row := top+g, 0; wy+g*0.6 < base-g; wy, row = wy+g, row+1 {
				for wx, col := float64(x0)+g*0.6, 0; wx+g*0.5 < float64(x1)-g*0.4; wx, col = wx+g, col+1 {
					if mixHash(lit, uint64(bi), uint64(row), uint64(col))%100 < 38 {
						c.rect(int(wx), int(wy), int(wx+g*0.5), int(wy+g*0.6), p.window)
					}
				}
			}
		}
		c.rect(0, int(base), w, h, mix(p.city, p.near, 0.35))
	case 1: // a river winding from the foot of the hills to the viewer
		for y := int(nearTop); y < h; y++ {
			t := clamp01((float64(y) - nearTop) / (H - nearTop))
			cx := (riverU + 0.18*t*math.Sin(riverPhase+5*t)) * W
			half := (0.004 + 0.16*t*t) * W
			for x := int(cx - half - 1); x <= int(cx+half+1); x++ {
				if near.y(float64(x)/W, nearTop, 0.08*H) > float64(y) {
					continue
				}
				cov := clamp01(half - math.Abs(float64(x)+0.5-cx) + 0.5)
				c.blend(x, y, mix(p.skyLow, p.skyMid, 0.35+0.4*t), cov)
			}
		}
	}
	return c.img
}

// ridge is a 1-D fractal profile in [0, 1]: value noise over octaves,
// partly "ridged" (1−|n|) for sharp peaks, plus one dominant summit.
type ridge struct {
	oct    [][]float64
	ridged float64 // 0 smooth hills .. 1 jagged peaks
	peakU  float64 // summit position, or <0 for none
}

func newRidge(rng *rand.Rand, base, octaves int, ridged, peakU float64) ridge {
	r := ridge{ridged: ridged, peakU: peakU}
	for o := 0; o < octaves; o++ {
		pts := make([]float64, base<<o+2)
		for i := range pts {
			pts[i] = 2*rng.Float64() - 1
		}
		r.oct = append(r.oct, pts)
	}
	return r
}

func (r ridge) at(u float64) float64 {
	u = clamp01(u)
	sum, norm, amp := 0.0, 0.0, 1.0
	for _, pts := range r.oct {
		x := u * float64(len(pts)-2)
		i := int(x)
		s := smooth(x - float64(i))
		v := pts[i]*(1-s) + pts[i+1]*s
		v = r.ridged*(1-math.Abs(v)) + (1-r.ridged)*(v+1)/2
		sum += amp * v
		norm += amp
		amp *= 0.5
	}
	f := sum / norm
	f = f * (1 - r.ridged*(1-f)) // jagged ranges: deeper valleys, prouder peaks
	if r.peakU >= 0 {
		f = (f + 0.5*math.Max(0, 1-math.Abs(u-r.peakU)/0.22)) / 1.5
	}
	return clamp01(f)
}

// y is the ridge's top at horizontal position u for a foot at base and a
// height of amp pixels.
func (r ridge) y(u, base, amp float64) float64 {
	return base - amp*(0.15+0.85*r.at(u))
}

type rgb struct{ r, g, b float64 }

func hexRGB(v uint32) rgb {
	return rgb{float64(v >> 16 & 0xff), float64(v >> 8 & 0xff), float64(v & 0xff)}
}

func mix(a, b rgb, t float64) rgb {
	return rgb{a.r + (b.r-a.r)*t, a.g + (b.g-a.g)*t, a.b + (b.b-a.b)*t}
}

type palette struct {
	skyTop, skyMid, skyLow, sun, cloud rgb
	far, mid, near, snow, ground       rgb
	city, window                       rgb
}

func pal(v ...uint32) palette {
	c := make([]rgb, len(v))
	for i, x := range v {
		c[i] = hexRGB(x)
	}
	return palette{c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11]}
}

var palettes = []palette{
	// dawn over the mountains
	pal(0x1d2b53, 0x7e5a9b, 0xf4a582, 0xfff1c1, 0xffd7b5, 0x5b6c9a, 0x3c4a78, 0x26304f, 0xf7f2f0, 0x4a4e3f, 0x151a2e, 0xffd27a),
	// dusk on the steppe
	pal(0x2b1240, 0x9c3d54, 0xf08a4b, 0xffd166, 0xf9b47a, 0x7a3b5e, 0x4f2346, 0x2d1530, 0xf6d6c8, 0x6b4a2b, 0x1c0d1f, 0xffc857),
	// night city
	pal(0x0b1026, 0x1b2f5e, 0x3a6f8f, 0xf2efe0, 0x6d8fb0, 0x2c3f66, 0x1d2a4a, 0x121a30, 0xdfe8f2, 0x18223a, 0x080c1a, 0xf6c65b),
	// noon haze
	pal(0x4f8fc0, 0x9cc7e4, 0xe6eef2, 0xfffdf0, 0xffffff, 0x8aa3b8, 0x61788c, 0x6f7d4f, 0xffffff, 0xc2a05a, 0x3b4552, 0xfff3b0),
	// ink on paper, with a red seal of a sun
	pal(0xe9e2d0, 0xefe9da, 0xf5f0e3, 0xc8372d, 0xffffff, 0x9a9a94, 0x6b6b66, 0x3d3d3a, 0xfafaf5, 0x8d8676, 0x26261f, 0xe9c46a),
	// teal and coral
	pal(0x073b4c, 0x118ab2, 0x9ad1d4, 0xff6b6b, 0xd8f3f5, 0x0f6e7f, 0x0a4f5c, 0x06333b, 0xf1faee, 0x3d6b4f, 0x042029, 0xffd166),
}

type canvas struct {
	img  *image.RGBA
	W, H float64
}

func (c *canvas) set(x, y int, v rgb) {
	i := y*c.img.Stride + x*4
	c.img.Pix[i], c.img.Pix[i+1], c.img.Pix[i+2], c.img.Pix[i+3] = to8(v.r), to8(v.g), to8(v.b), 0xff
}

// blend paints v over pixel (x, y) with coverage a; outside pixels are ignored.
func (c *canvas) blend(x, y int, v rgb, a float64) {
	if a <= 0 || x < 0 || y < 0 || x >= c.img.Rect.Dx() || y >= c.img.Rect.Dy() {
		return
	}
	i := y*c.img.Stride + x*4
	p := c.img.Pix[i : i+3 : i+3]
	p[0] = to8(float64(p[0]) + (v.r-float64(p[0]))*a)
	p[1] = to8(float64(p[1]) + (v.g-float64(p[1]))*a)
	p[2] = to8(float64(p[2]) + (v.b-float64(p[2]))*a)
}

func (c *canvas) rect(x0, y0, x1, y1 int, v rgb) {
	x0, y0 = max(x0, 0), max(y0, 0)
	x1, y1 = min(x1, c.img.Rect.Dx()), min(y1, c.img.Rect.Dy())
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			c.set(x, y, v)
		}
	}
}

// ridge fills everything below profile r (foot at base, amp pixels high)
// with a gradient from top to foot, and with snow above the snow line.
func (c *canvas) ridge(r ridge, base, amp float64, top, foot rgb, snowY func(x int, u float64) float64, snow rgb) {
	w, h := c.img.Rect.Dx(), c.img.Rect.Dy()
	for x := 0; x < w; x++ {
		u := (float64(x) + 0.5) / c.W
		ty := r.y(u, base, amp)
		sy := math.Inf(-1)
		if snowY != nil {
			sy = snowY(x, u)
		}
		for y := max(int(ty), 0); y < h; y++ {
			fy := float64(y)
			v := mix(top, foot, clamp01((fy-ty)/(base-ty+amp*0.3)))
			if fy+0.5 < sy {
				v = mix(snow, v, clamp01((fy+0.5-(sy-2))/2))
			}
			c.blend(x, y, v, clamp01(fy+1-ty))
		}
	}
}

func to8(v float64) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + 0.5)
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

func smooth(t float64) float64 { return t * t * (3 - 2*t) }

func mixHash(vs ...uint64) uint64 {
	h := uint64(0xcbf29ce484222325)
	for _, v := range vs {
		h ^= v
		h *= 0x100000001b3
		h ^= h >> 29
	}
	return h
}
