// Package mediatest makes images that carry what a source's phone would
// put in a photo — a GPS position in EXIF, the camera's software in XMP —
// so tests can prove none of it reaches readers.
package mediatest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// JPEG is a w×h JPEG of a simple gradient.
func JPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// WithGPS puts an EXIF block with a GPS IFD (GPSLatitudeRef "N" and a
// GPSProcessingMethod holding gps) and an XMP packet whose CreatorTool is
// xmp into a JPEG, right after its SOI marker.
func WithGPS(jpg []byte, gps, xmp string) []byte {
	secret := gps
	be := binary.BigEndian
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	// IFD0: one entry, GPSInfo (0x8825) → the GPS IFD at offset 26.
	ifd0 := make([]byte, 2+12+4)
	be.PutUint16(ifd0[0:], 1)
	be.PutUint16(ifd0[2:], 0x8825)
	be.PutUint16(ifd0[4:], 4)
	be.PutUint32(ifd0[6:], 1)
	be.PutUint32(ifd0[10:], 26)
	tiff = append(tiff, ifd0...)
	ifd := make([]byte, 2+2*12+4)
	be.PutUint16(ifd[0:], 2)
	be.PutUint16(ifd[2:], 0x0001) // GPSLatitudeRef
	be.PutUint16(ifd[4:], 2)
	be.PutUint32(ifd[6:], 2)
	copy(ifd[10:], "N\x00")
	be.PutUint16(ifd[14:], 0x001B) // GPSProcessingMethod
	be.PutUint16(ifd[16:], 7)
	be.PutUint32(ifd[18:], uint32(len(secret)))
	be.PutUint32(ifd[22:], uint32(26+len(ifd)))
	tiff = append(append(tiff, ifd...), secret...)
	out := append([]byte{0xFF, 0xD8}, app1(append([]byte("Exif\x00\x00"), tiff...))...)
	out = append(out, app1([]byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><xmp:CreatorTool>"+xmp+"</xmp:CreatorTool></x:xmpmeta>"))...)
	return append(out, jpg[2:]...)
}

func app1(payload []byte) []byte {
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}
