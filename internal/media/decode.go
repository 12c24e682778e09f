package media

import (
	"bytes"
	"errors"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

type format int

const (
	fmtJPEG format = iota + 1
	fmtPNG
	fmtGIF
	fmtWebP
)

func (f format) String() string {
	return [...]string{"", "JPEG", "PNG", "GIF", "WebP"}[f]
}

// sniff recognises a format by its magic bytes only; the file name and the
// uploader's Content-Type are never trusted.
func sniff(b []byte) format {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return fmtJPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return fmtPNG
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return fmtGIF
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return fmtWebP
	}
	return 0
}

// probe checks an upload's size, format and dimensions without decoding its
// pixels: DecodeConfig reads only the header.
func probe(data []byte) (format, error) {
	if len(data) == 0 {
		return 0, refuse(ErrUnsupported, "the file is empty")
	}
	if len(data) > MaxBytes {
		return 0, refuse(ErrTooLarge, "the file has %d bytes; the limit is %d MB", len(data), MaxBytes>>20)
	}
	f := sniff(data)
	if f == 0 {
		return 0, refuse(ErrUnsupported, "%s", notAnImage(data))
	}
	if f == fmtWebP && animatedWebP(data) {
		return 0, refuse(ErrUnsupported, "animated WebP images are not accepted; upload a still image")
	}
	var cfg image.Config
	var err error
	r := bytes.NewReader(data)
	switch f {
	case fmtJPEG:
		cfg, err = jpeg.DecodeConfig(r)
	case fmtPNG:
		cfg, err = png.DecodeConfig(r)
	case fmtGIF:
		cfg, err = gif.DecodeConfig(r)
	case fmtWebP:
		cfg, err = webp.DecodeConfig(r)
	}
	if err != nil {
		return 0, decodeErr(f, err)
	}
	if err := checkSize(cfg.Width, cfg.Height); err != nil {
		return 0, err
	}
	return f, nil
}

func checkSize(w, h int) error {
	switch {
	case w <= 0 || h <= 0:
		return refuse(ErrCorrupt, "the image claims a size of %dx%d pixels", w, h)
	case int64(w)*int64(h) > MaxPixels:
		return refuse(ErrTooLarge, "%dx%d pixels is %.1f megapixels; the limit is %d", w, h, float64(w)*float64(h)/1e6, MaxPixels/1_000_000)
	case w > MaxDimension || h > MaxDimension:
		return refuse(ErrTooLarge, "%dx%d pixels; neither side may exceed %d", w, h, MaxDimension)
	}
	return nil
}

func decodeErr(f format, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return refuse(ErrCorrupt, "the %s file is truncated", f)
	}
	var unsup jpeg.UnsupportedError
	if errors.As(err, &unsup) {
		return refuse(ErrUnsupported, "this kind of %s is not supported (%v)", f, err)
	}
	var unsupPNG png.UnsupportedError
	if errors.As(err, &unsupPNG) {
		return refuse(ErrUnsupported, "this kind of %s is not supported (%v)", f, err)
	}
	return refuse(ErrCorrupt, "the %s file cannot be read (%v)", f, err)
}

// decode decodes the pixels (a GIF's first frame), applies the EXIF
// orientation and returns them upright as RGBA, with whether every pixel is
// opaque. Nothing but pixels survives.
func decode(f format, data []byte) (*image.RGBA, bool, error) {
	var src image.Image
	var err error
	r := bytes.NewReader(data)
	switch f {
	case fmtJPEG:
		src, err = jpeg.Decode(r)
	case fmtPNG:
		src, err = png.Decode(r)
	case fmtGIF:
		src, err = gif.Decode(r)
	case fmtWebP:
		src, err = webp.Decode(r)
	default:
		return nil, false, refuse(ErrUnsupported, "not a JPEG, PNG, GIF or WebP image")
	}
	if err != nil {
		return nil, false, decodeErr(f, err)
	}
	b := src.Bounds()
	if err := checkSize(b.Dx(), b.Dy()); err != nil {
		return nil, false, err
	}
	img := orient(src, orientation(f, data))
	opaque := f == fmtJPEG || isOpaque(img)
	return img, opaque, nil
}

// orient draws src into a new RGBA image turned upright according to an
// EXIF orientation (1..8), converting one row at a time so that only one
// full-size copy of the pixels exists besides src.
func orient(src image.Image, o int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if o < 2 || o > 8 {
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(dst, dst.Rect, src, b.Min, draw.Src)
		return dst
	}
	dw, dh := w, h
	if o >= 5 { // the four orientations that swap width and height
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	row := image.NewRGBA(image.Rect(0, 0, w, 1))
	for y := 0; y < h; y++ {
		draw.Draw(row, row.Rect, src, image.Pt(b.Min.X, b.Min.Y+y), draw.Src)
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2: // mirrored horizontally
				dx, dy = w-1-x, y
			case 3: // rotated 180°
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored vertically
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // needs a 90° clockwise turn
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // needs a 90° counter-clockwise turn
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dy*dst.Stride+dx*4:dy*dst.Stride+dx*4+4], row.Pix[x*4:x*4+4])
		}
	}
	return dst
}

func isOpaque(m *image.RGBA) bool {
	for i := 3; i < len(m.Pix); i += 4 {
		if m.Pix[i] != 0xFF {
			return false
		}
	}
	return true
}

// encodeOriginal encodes the stripped original: JPEG for opaque images,
// PNG when transparency must be kept.
func encodeOriginal(m *image.RGBA, opaque bool) ([]byte, string, error) {
	if opaque {
		b, err := EncodeJPEG(m, origQuality)
		return b, "image/jpeg", err
	}
	b, err := EncodePNG(m)
	return b, "image/png", err
}

func encodeVariant(m *image.RGBA, mime string) ([]byte, error) {
	if mime == "image/png" {
		return EncodePNG(m)
	}
	return EncodeJPEG(m, variantQuality)
}

// EncodeJPEG encodes m as a baseline JPEG with no metadata segments.
func EncodeJPEG(m image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// EncodePNG encodes m as a PNG with no ancillary chunks.
func EncodePNG(m image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
