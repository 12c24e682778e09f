package media

import (
	"image"
	"math"
	"runtime"
	"sync"

	"golang.org/x/image/draw"
)

// resize scales src (whose pixels start at Pix[0]) down to dw×dh with the
// Catmull-Rom kernel of golang.org/x/image/draw, placing the kernel exactly
// as draw.CatmullRom.Scale does, so the result matches it to within a level.
//
// draw.CatmullRom.Scale itself is not used: it keeps a float64 buffer of
// dw×sh×32 bytes (1.8 GB for the 1920px variant of an allowed 2000×30000
// upload) and was several times slower. This separable resampler filters
// rows horizontally on demand into a small ring, then columns vertically;
// it needs memory for a few dozen rows beyond the result.
func resize(src *image.RGBA, dw, dh int) *image.RGBA {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	if dw <= 0 || dh <= 0 || sw <= 0 || sh <= 0 {
		return dst
	}
	xs := newTaps(draw.CatmullRom, dw, sw)
	ys := newTaps(draw.CatmullRom, dh, sh)
	// Bands of rows in parallel; each filters the few source rows it shares
	// with its neighbours again.
	n := min(runtime.GOMAXPROCS(0), 4, max(1, dw*dh/(1<<18)))
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { resizeRows(dst, src, xs, ys, dh*i/n, dh*(i+1)/n) })
	}
	wg.Wait()
	return dst
}

// resizeRows computes destination rows [y0, y1).
func resizeRows(dst, src *image.RGBA, xs, ys taps, y0, y1 int) {
	sw, dw := src.Rect.Dx(), dst.Rect.Dx()
	ring := make([][]float32, ys.span)
	for i := range ring {
		ring[i] = make([]float32, dw*4)
	}
	acc := make([]float32, dw*4)
	tmp := make([]float32, sw*4)
	next := ys.first[y0] // the next source row to filter horizontally
	for y := y0; y < y1; y++ {
		next = min(next, ys.first[y])
	}
	for y := y0; y < y1; y++ {
		first, ws := ys.at(y)
		for ; next < first+len(ws); next++ {
			hfilter(ring[next%len(ring)], tmp, src.Pix[next*src.Stride:next*src.Stride+sw*4], xs)
		}
		clear(acc)
		k := 0
		for ; k+1 < len(ws); k += 2 { // two rows per pass: half the loads and stores of acc
			w0, w1 := ws[k], ws[k+1]
			r0 := ring[(first+k)%len(ring)]
			r1 := ring[(first+k+1)%len(ring)]
			acc := acc[:len(r0)]
			r1 = r1[:len(r0)]
			for i, v := range r0 {
				acc[i] += w0*v + w1*r1[i]
			}
		}
		if k < len(ws) {
			w := ws[k]
			row := ring[(first+k)%len(ring)]
			acc := acc[:len(row)]
			for i, v := range row {
				acc[i] += w * v
			}
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+dw*4]
		for i := 0; i+3 < len(out); i += 4 {
			a := clamp8(acc[i+3], 255)
			out[i+0] = clamp8(acc[i+0], a) // premultiplied: colour never exceeds alpha
			out[i+1] = clamp8(acc[i+1], a)
			out[i+2] = clamp8(acc[i+2], a)
			out[i+3] = a
		}
	}
}

// hfilter filters one source row (converted to float32 in tmp) into dst.
func hfilter(dst, tmp []float32, row []uint8, xs taps) {
	tmp = tmp[:len(row)]
	for i, v := range row {
		tmp[i] = float32(v)
	}
	for x := 0; x < len(dst)/4; x++ {
		first, ws := xs.at(x)
		p := tmp[first*4 : first*4+len(ws)*4]
		var r, g, b, a float32
		for k, w := range ws {
			q := p[k*4 : k*4+4 : k*4+4]
			r += w * q[0]
			g += w * q[1]
			b += w * q[2]
			a += w * q[3]
		}
		d := dst[x*4 : x*4+4 : x*4+4]
		d[0], d[1], d[2], d[3] = r, g, b, a
	}
}

func clamp8(v float32, hi uint8) uint8 {
	v += 0.5
	if v <= 0 {
		return 0
	}
	if v >= float32(hi) {
		return hi
	}
	return uint8(v)
}

// taps holds, for each destination column (or row), the first source
// column it reads and the normalised weights of consecutive columns.
type taps struct {
	first []int
	off   []int // weights of i are w[off[i]:off[i+1]]
	w     []float32
	// span is the widest untrimmed window [lo, hi); windows' ends only move
	// forward, so a ring of span rows holds every row a window needs.
	span int
}

func (t taps) at(i int) (int, []float32) {
	return t.first[i], t.w[t.off[i]:t.off[i+1]]
}

// newTaps distributes sn source columns over dn destination columns the way
// x/image/draw's kernel scaler does: centres at (i+0.5)·scale−0.5, the
// kernel widened by the scale when shrinking, weights normalised to 1.
func newTaps(q *draw.Kernel, dn, sn int) taps {
	scale := float64(sn) / float64(dn)
	half, argScale := q.Support, 1.0
	if scale > 1 {
		half *= scale
		argScale = 1 / scale
	}
	t := taps{first: make([]int, dn), off: make([]int, dn+1)}
	ws := make([]float64, 0, int(2*half)+3)
	for i := 0; i < dn; i++ {
		center := (float64(i)+0.5)*scale - 0.5
		lo := max(int(math.Floor(center-half)), 0)
		hi := min(int(math.Ceil(center+half)), sn)
		lo0 := lo
		ws = ws[:0]
		total := 0.0
		for c := lo; c < hi; c++ {
			d := math.Abs((center - float64(c)) * argScale)
			v := 0.0
			if d < q.Support {
				v = q.At(d)
			}
			ws = append(ws, v)
			total += v
		}
		// Trim zero weights at both ends.
		for len(ws) > 1 && ws[0] == 0 {
			ws = ws[1:]
			lo++
		}
		for len(ws) > 1 && ws[len(ws)-1] == 0 {
			ws = ws[:len(ws)-1]
		}
		if len(ws) == 0 || total == 0 { // cannot happen for sane sizes; fall back to nearest
			lo, ws, total = min(max(int(center+0.5), 0), sn-1), append(ws[:0], 1), 1
		}
		t.first[i] = lo
		for _, v := range ws {
			t.w = append(t.w, float32(v/total))
		}
		t.off[i+1] = len(t.w)
		t.span = max(t.span, hi-lo0, len(ws))
	}
	return t
}
