package media

import (
	"bytes"
	"image"
	"testing"
)

func TestIllustration(t *testing.T) {
	a := Illustration(1, 320, 200).(*image.RGBA)
	b := Illustration(1, 320, 200).(*image.RGBA)
	if !bytes.Equal(a.Pix, b.Pix) {
		t.Fatal("not deterministic")
	}
	if a.Rect != image.Rect(0, 0, 320, 200) {
		t.Fatalf("bounds %v", a.Rect)
	}
	distinct := map[[4]byte]bool{}
	for i := 0; i < len(a.Pix); i += 4 {
		distinct[[4]byte(a.Pix[i:i+4])] = true
		if a.Pix[i+3] != 255 {
			t.Fatal("not opaque")
		}
	}
	if len(distinct) < 200 {
		t.Errorf("only %d colours: hardly an illustration", len(distinct))
	}
	for seed := int64(2); seed < 12; seed++ {
		if c := Illustration(seed, 320, 200).(*image.RGBA); bytes.Equal(c.Pix, a.Pix) {
			t.Errorf("seed %d draws the same as seed 1", seed)
		}
	}
	for _, s := range []image.Point{{1, 1}, {2, 3}, {7, 1}, {1, 9}, {0, 0}, {-5, 10}} {
		m := Illustration(9, s.X, s.Y)
		if m.Bounds().Dx() != max(s.X, 1) || m.Bounds().Dy() != max(s.Y, 1) {
			t.Errorf("%v: %v", s, m.Bounds())
		}
	}
}
