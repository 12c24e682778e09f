package translit

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"qalam/internal/news"
)

// cyrBase is the first code point of the Cyrillic block; every letter of the
// Kazakh alphabet lies in U+0400..U+04FF, so one array indexed by the code
// point's offset replaces a map on the hot path.
const cyrBase = 0x400

// letter is the Latin form of one Cyrillic letter.
type letter struct {
	lat   string // a lowercase letter's form; a capital's form in a Title-case word
	caps  string // a capital's form in an ALL-CAPS word (differs from lat for two-letter forms)
	upper bool   // the Cyrillic letter is a capital
	pair  bool   // a capital whose two-letter form depends on the word's case
	kk    bool   // one of the 42 letters of the Kazakh Cyrillic alphabet
}

var cyr [0x100]letter

// lowercase lists every lowercase letter of the Kazakh Cyrillic alphabet
// with its Latin form (package doc); capitals are derived with Turkish case.
var lowercase = [...]struct {
	c   rune
	lat string
}{
	{'а', "a"}, {'ә', "ä"}, {'б', "b"}, {'в', "v"}, {'г', "g"}, {'ғ', "ğ"},
	{'д', "d"}, {'е', "e"}, {'ё', "io"}, {'ж', "j"}, {'з', "z"}, {'и', "i"},
	{'й', "i"}, {'к', "k"}, {'қ', "q"}, {'л', "l"}, {'м', "m"}, {'н', "n"},
	{'ң', "ñ"}, {'о', "o"}, {'ө', "ö"}, {'п', "p"}, {'р', "r"}, {'с', "s"},
	{'т', "t"}, {'у', "u"}, {'ұ', "ū"}, {'ү', "ü"}, {'ф', "f"}, {'х', "h"},
	{'һ', "h"}, {'ц', "ts"}, {'ч', "tş"}, {'ш', "ş"}, {'щ', "şş"}, {'ъ', ""},
	{'ы', "y"}, {'і', "ı"}, {'ь', ""}, {'э', "e"}, {'ю', "iu"}, {'я', "ia"},
}

// lookalike maps the ASCII letters that look like a Kazakh Cyrillic letter
// to that letter (package doc: Look-alikes).
var lookalike = [utf8.RuneSelf]rune{
	'a': 'а', 'c': 'с', 'e': 'е', 'h': 'һ', 'i': 'і', 'k': 'к', 'o': 'о', 'p': 'р', 'x': 'х', 'y': 'у',
	'A': 'А', 'B': 'В', 'C': 'С', 'E': 'Е', 'H': 'Н', 'I': 'І', 'K': 'К', 'M': 'М', 'O': 'О', 'P': 'Р', 'T': 'Т', 'X': 'Х', 'Y': 'У',
}

func init() {
	for _, l := range lowercase {
		cyr[l.c-cyrBase] = letter{lat: l.lat, caps: l.lat, kk: true}
		caps := strings.ToUpperSpecial(unicode.TurkishCase, l.lat)
		title := caps
		if r, n := utf8.DecodeRuneInString(l.lat); n < len(l.lat) {
			title = string(unicode.TurkishCase.ToUpper(r)) + l.lat[n:]
		}
		cyr[unicode.ToUpper(l.c)-cyrBase] = letter{lat: title, caps: caps, upper: true, pair: title != caps, kk: true}
	}
}

// Latin converts Cyrillic Kazakh to the 2021 Latin alphabet. Text that is
// not Cyrillic (Latin words, digits, punctuation, other scripts) passes
// through unchanged, apart from Latin look-alikes typed inside Cyrillic
// words; the package doc lists every rule.
func Latin(s string) string {
	return latin(s, 0, 0)
}

// latin converts s as if it stood between the runes before and after (0 for
// none), so that a word split across spans converts as a whole.
func latin(s string, before, after rune) string {
	if !hasCyrillic(s) && !isKazakh(before) && !isKazakh(after) {
		return s
	}
	var b strings.Builder
	// Almost every Kazakh letter is two bytes in Cyrillic and one or two in
	// Latin, so the output rarely outgrows the input.
	b.Grow(len(s))
	prevKk, prevUp := isKazakh(before), unicode.IsUpper(before)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			j := i + 1
			if !isASCIILetter(c) {
				for j < len(s) && s[j] < utf8.RuneSelf && !isASCIILetter(s[j]) {
					j++
				}
				b.WriteString(s[i:j])
				prevKk, prevUp = false, false
				i = j
				continue
			}
			for j < len(s) && isASCIILetter(s[j]) {
				j++
			}
			if readAsCyrillic(s[i:j], prevKk, isKazakh(runeAt(s, j, after))) {
				for k := i; k < j; k++ {
					b.WriteString(cyr[lookalike[s[k]]-cyrBase].lat) // no look-alike has a two-letter form
				}
				prevKk = true
			} else {
				b.WriteString(s[i:j])
				prevKk = false
			}
			prevUp = 'A' <= s[j-1] && s[j-1] <= 'Z'
			i = j
			continue
		}
		var r rune
		var n int
		if c-0xD0 < 4 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			r, n = rune(c&0x1F)<<6|rune(s[i+1]&0x3F), 2 // Cyrillic: decoded inline, the common case
		} else {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if uint32(r-cyrBase) >= uint32(len(cyr)) || !cyr[r-cyrBase].kk {
			b.WriteString(s[i : i+n]) // also an invalid byte, as it is
			prevKk, prevUp = false, unicode.IsUpper(r)
			i += n
			continue
		}
		// A decomposed й or ё: the base letter takes its mark along.
		switch {
		case (r == 'и' || r == 'И') && strings.HasPrefix(s[i+n:], "\u0306"):
			r, n = r+1, n+len("\u0306") // й follows и, Й follows И
		case r == 'е' && strings.HasPrefix(s[i+n:], "\u0308"):
			r, n = 'ё', n+len("\u0308")
		case r == 'Е' && strings.HasPrefix(s[i+n:], "\u0308"):
			r, n = 'Ё', n+len("\u0308")
		}
		l := &cyr[r-cyrBase]
		out := l.lat
		if l.pair {
			if next := runeAt(s, i+n, after); unicode.IsLetter(next) {
				if unicode.IsUpper(next) {
					out = l.caps
				}
			} else if prevUp {
				out = l.caps
			}
		}
		b.WriteString(out)
		prevKk, prevUp = true, l.upper
		i += n
	}
	return b.String()
}

// readAsCyrillic reports whether a run of ASCII letters is look-alikes typed
// for Cyrillic letters: a lone i next to a Kazakh letter, or only
// look-alikes with Kazakh letters on both sides.
func readAsCyrillic(run string, kazakhBefore, kazakhAfter bool) bool {
	if run == "i" {
		return kazakhBefore || kazakhAfter
	}
	if !kazakhBefore || !kazakhAfter {
		return false
	}
	for i := 0; i < len(run); i++ {
		if lookalike[run[i]] == 0 {
			return false
		}
	}
	return true
}

// hasCyrillic reports whether s holds a byte that starts a code point of
// U+0400..U+04FF (lead bytes 0xD0..0xD3 start nothing else).
func hasCyrillic(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i]-0xD0 < 4 {
			return true
		}
	}
	return false
}

func isKazakh(r rune) bool {
	return uint32(r-cyrBase) < uint32(len(cyr)) && cyr[r-cyrBase].kk
}

func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// runeAt returns the rune starting at s[i], or after at the end of s.
func runeAt(s string, i int, after rune) rune {
	if i >= len(s) {
		return after
	}
	if s[i] < utf8.RuneSelf {
		return rune(s[i])
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

// LatinInline converts rich text span by span, leaving spans marked
// news.MarkNoTranslit unchanged. Each span is read in the context of its
// neighbours, so a word split across spans (a bold first letter) converts
// as a whole. The result shares the spans' Marks with the input.
func LatinInline(in news.Inline) news.Inline {
	if in == nil {
		return nil
	}
	out := make(news.Inline, len(in))
	var before rune
	for i, sp := range in {
		out[i] = sp
		if !noTranslit(sp) {
			var after rune
			for _, next := range in[i+1:] {
				if next.Text != "" {
					after, _ = utf8.DecodeRuneInString(next.Text)
					break
				}
			}
			out[i].Text = latin(sp.Text, before, after)
		}
		if sp.Text != "" {
			before, _ = utf8.DecodeLastRuneInString(sp.Text)
		}
	}
	return out
}

func noTranslit(sp news.Span) bool {
	for _, m := range sp.Marks {
		if m.Type == news.MarkNoTranslit {
			return true
		}
	}
	return false
}

// LatinDoc converts every text of a body document the same way: paragraphs,
// headings, list items, quotes and their cites, figure alt text, captions
// and credits, embed titles. URLs, asset ids and kinds stay as they are.
// The input is not modified.
func LatinDoc(d news.Doc) news.Doc {
	out := news.Doc{Version: d.Version}
	if d.Blocks == nil {
		return out
	}
	out.Blocks = make([]news.Block, len(d.Blocks))
	for i, b := range d.Blocks {
		b.Text = LatinInline(b.Text)
		b.Cite = Latin(b.Cite)
		if b.Items != nil {
			items := make([]news.Inline, len(b.Items))
			for j, it := range b.Items {
				items[j] = LatinInline(it)
			}
			b.Items = items
		}
		if b.Figure != nil {
			f := *b.Figure
			f.Alt, f.Caption, f.Credit = Latin(f.Alt), LatinInline(f.Caption), Latin(f.Credit)
			b.Figure = &f
		}
		if b.Embed != nil {
			e := *b.Embed
			e.Title = Latin(e.Title)
			b.Embed = &e
		}
		out.Blocks[i] = b
	}
	return out
}

// maxSlug is news.ValidSlug's length limit in bytes.
const maxSlug = 120

// LatinSlug converts a slug (lowercase, hyphens). A slug valid per
// news.ValidSlug stays valid: hyphens left around a dropped ъ or ь are
// merged, and ч and щ, which grow in Latin, are cut back to 120 bytes. A
// slug of nothing but ъ and ь comes back unchanged.
func LatinSlug(s string) string {
	l := Latin(s)
	if l == s {
		return s
	}
	b := make([]byte, 0, len(l))
	for i := 0; i < len(l); i++ {
		if l[i] == '-' && (len(b) == 0 || b[len(b)-1] == '-') {
			continue
		}
		b = append(b, l[i])
	}
	if len(b) > maxSlug {
		n := maxSlug
		for n > 0 && !utf8.RuneStart(b[n]) {
			n--
		}
		b = b[:n]
	}
	for len(b) > 0 && b[len(b)-1] == '-' {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return s
	}
	return string(b)
}
