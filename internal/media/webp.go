package media

import (
	"bytes"
	"image"
	"image/draw"

	"github.com/gen2brain/webp"
)

// webpQuality is the lossy quality of WebP variants. At the same nominal
// quality WebP is ~25-35% smaller than the JPEG variant of the same width.
const webpQuality = 80

// webpMethod is libwebp's speed/size trade-off (0 fast … 6 slow). 2 keeps
// the encoder (libwebp compiled to WebAssembly, run by wazero, pure Go)
// at about the JPEG encoder's speed; see BenchmarkEncodeWebP.
const webpMethod = 2

// EncodeWebP encodes m as a lossy WebP (with an alpha channel when m has
// transparency) and no metadata chunks: the encoder writes only VP8/VP8L,
// ALPH and VP8X.
func EncodeWebP(m *image.RGBA, opaque bool) ([]byte, error) {
	var src image.Image = m
	if !opaque {
		// libwebp wants straight alpha; image.RGBA is premultiplied.
		n := image.NewNRGBA(m.Rect)
		draw.Draw(n, n.Rect, m, m.Rect.Min, draw.Src)
		src = n
	}
	var buf bytes.Buffer
	if err := webp.Encode(&buf, src, webp.Options{Quality: webpQuality, Method: webpMethod}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
