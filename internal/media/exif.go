package media

import (
	"bytes"
	"encoding/binary"
)

// orientation returns the EXIF orientation (1..8) an image file carries, or
// 1 when it has none or it cannot be read. It reads only the orientation
// tag; the rest of the metadata is never interpreted and never kept.
func orientation(f format, data []byte) int {
	var tiff []byte
	switch f {
	case fmtJPEG:
		tiff = jpegExif(data)
	case fmtPNG:
		tiff = pngExif(data)
	case fmtWebP:
		tiff = webpExif(data)
	}
	return tiffOrientation(tiff)
}

var exifHeader = []byte("Exif\x00\x00")

// jpegExif returns the TIFF structure inside the first Exif APP1 segment.
func jpegExif(b []byte) []byte {
	i := 2 // after SOI
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return nil
		}
		m := b[i+1]
		switch {
		case m == 0xFF: // fill byte
			i++
			continue
		case m == 0x01 || m >= 0xD0 && m <= 0xD8: // markers without a length
			i += 2
			continue
		case m == 0xDA || m == 0xD9: // start of scan, end of image
			return nil
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return nil
		}
		seg := b[i+4 : i+2+n]
		if m == 0xE1 && bytes.HasPrefix(seg, exifHeader) {
			return seg[len(exifHeader):]
		}
		i += 2 + n
	}
	return nil
}

// pngExif returns the contents of a PNG eXIf chunk.
func pngExif(b []byte) []byte {
	i := 8 // after the signature
	for i+12 <= len(b) {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		if n < 0 || n > len(b)-i-12 {
			return nil
		}
		switch typ {
		case "eXIf":
			return bytes.TrimPrefix(b[i+8:i+8+n], exifHeader)
		case "IEND":
			return nil
		}
		i += 12 + n
	}
	return nil
}

// webpExif returns the contents of a WebP EXIF chunk.
func webpExif(b []byte) []byte {
	i := 12 // after "RIFF" size "WEBP"
	for i+8 <= len(b) {
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		if n < 0 || n > len(b)-i-8 {
			return nil
		}
		if string(b[i:i+4]) == "EXIF" {
			return bytes.TrimPrefix(b[i+8:i+8+n], exifHeader)
		}
		i += 8 + n + n&1 // chunks are padded to an even size
	}
	return nil
}

// tiffOrientation reads tag 0x0112 (Orientation) from IFD0 of a TIFF
// structure in either byte order. Every offset is bounds-checked: the bytes
// come from an untrusted upload.
func tiffOrientation(b []byte) int {
	if len(b) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(b[2:]) != 42 {
		return 1
	}
	off := uint64(bo.Uint32(b[4:]))
	if off < 8 || off+2 > uint64(len(b)) {
		return 1
	}
	count := int(bo.Uint16(b[off:]))
	for i := 0; i < count; i++ {
		e := int(off) + 2 + 12*i
		if e+12 > len(b) {
			return 1
		}
		if bo.Uint16(b[e:]) != 0x0112 {
			continue
		}
		var v uint32
		switch typ, n := bo.Uint16(b[e+2:]), bo.Uint32(b[e+4:]); {
		case n != 1:
			return 1
		case typ == 3: // SHORT, stored in the first two bytes of the value
			v = uint32(bo.Uint16(b[e+8:]))
		case typ == 4: // LONG, seen from some writers
			v = bo.Uint32(b[e+8:])
		default:
			return 1
		}
		if v >= 1 && v <= 8 {
			return int(v)
		}
		return 1
	}
	return 1
}
