package media

import (
	"bytes"
	"errors"
	"fmt"

	"qalam/internal/news"
)

// Uploads through the admin (internal/admin/media.go) take JPEG, PNG, WebP
// and GIF. A GIF is taken as its first frame only (an animation becomes a
// still image); an animated WebP is refused. Everything is recognised by
// its bytes, never by its name or the browser's Content-Type; SVG is
// refused rather than sanitized (it is a document that can carry scripts
// and links to other sites), and so are HEIC/HEIF and AVIF photos, which
// the standard library cannot decode: the refusal says how to convert.

// MaxUploadBody bounds an upload request's body: one file of MaxBytes and
// a few small form fields.
const MaxUploadBody = MaxBytes + 1<<20

// Refusal is the error Ingest returns for an upload it will not take. It
// wraps news.ErrInvalid and its Kind (ErrUnsupported, ErrTooLarge or
// ErrCorrupt); Reason is a sentence for the uploader.
type Refusal struct {
	Kind   error
	Reason string
}

func (e *Refusal) Error() string {
	return fmt.Sprintf("media: %v: %v: %s", news.ErrInvalid, e.Kind, e.Reason)
}

// Unwrap lets errors.Is find news.ErrInvalid and the kind.
func (e *Refusal) Unwrap() []error { return []error{news.ErrInvalid, e.Kind} }

func refuse(kind error, format string, args ...any) error {
	return &Refusal{Kind: kind, Reason: fmt.Sprintf(format, args...)}
}

// Reason returns the uploader's sentence of a refusal, or "" for any other
// error.
func Reason(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	return ""
}

// notAnImage says what an upload sniff does not accept is, as well as its
// first bytes tell, and what to do instead.
func notAnImage(b []byte) string {
	head := b[:min(len(b), 4096)]
	text := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n\f"))
	ftyp := func(brands ...string) bool {
		if len(b) < 12 || string(b[4:8]) != "ftyp" {
			return false
		}
		for _, br := range brands {
			if string(b[8:12]) == br {
				return true
			}
		}
		return false
	}
	switch {
	case bytes.HasPrefix(text, []byte("<")) && bytes.Contains(text, []byte("<svg")):
		return "SVG drawings are not accepted: they can carry scripts and links to other sites. Export it as PNG and upload that."
	case bytes.HasPrefix(text, []byte("<!doctype html")), bytes.HasPrefix(text, []byte("<html")), bytes.HasPrefix(text, []byte("<script")),
		bytes.HasPrefix(text, []byte("<")) && (bytes.Contains(text, []byte("<html")) || bytes.Contains(text, []byte("<script"))):
		return "this is a web page (HTML), not an image, whatever its name says."
	case bytes.HasPrefix(text, []byte("<?xml")):
		return "this is an XML document, not an image."
	case ftyp("heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"):
		return "HEIC/HEIF photos (the iPhone's default) are not accepted. Upload it as JPEG: on the iPhone, Settings → Camera → Formats → Most Compatible, or export or share it as JPEG."
	case ftyp("avif", "avis"):
		return "AVIF images are not accepted. Convert it to JPEG, PNG or WebP and upload that."
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "this is a PDF document, not an image. Export the page you need as PNG or JPEG."
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "TIFF and camera raw files are not accepted. Export it as JPEG."
	case bytes.HasPrefix(b, []byte("BM")):
		return "BMP images are not accepted. Convert it to PNG."
	case bytes.HasPrefix(b, []byte("8BPS")):
		return "Photoshop files are not accepted. Export it as JPEG or PNG."
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "this is an archive or office document, not an image."
	}
	return "this is not a JPEG, PNG, GIF or WebP image, whatever its name says."
}

// animatedWebP reports whether a WebP file's VP8X header announces an
// animation.
func animatedWebP(b []byte) bool {
	return len(b) >= 21 && string(b[12:16]) == "VP8X" && b[20]&0x02 != 0
}
