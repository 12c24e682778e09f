// Package stem turns words into search keys: the form under which a word is
// indexed and looked up, so that the inflected forms of one word meet.
//
//   - Russian ("ru") and English ("en") use the Snowball stemmers
//     (github.com/kljensen/snowball; English is Porter2). Latin-script words
//     in Russian text are stemmed as English.
//   - Kazakh ("kk") uses the light suffix-stripping stemmer of this package
//     (kazakh.go): no stemmer for Kazakh exists in Snowball, PostgreSQL or
//     bleve. A word is stemmed in one spelling shared by its Cyrillic and
//     2021 Latin forms, so both have one key (Key("kk", "Almatyda") ==
//     Key("kk", "Алматы")); LooseKeys reads words typed in plain ASCII.
//   - Any other language is lowercased only.
//
// Every key is lowercase (Turkish-style for Kazakh, whose 2021 Latin
// alphabet uses dotted İ i and dotless I ı), has ё folded to е and carries no
// punctuation at its edges. The rules, the measured quality of the Kazakh
// stemmer and its limits are in STEMMING.md at the repository root.
package stem

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
)

// Key returns the search key of one word for a language ("kk", "ru", "en";
// anything else: the lowercased word). It lowercases (Kazakh/Turkish-aware),
// folds ё→е and strips punctuation at the edges. A word with no letter or
// digit has the empty key.
func Key(lang, word string) string {
	w := normalize(lang, word)
	if w == "" {
		return ""
	}
	return stemNormalized(lang, w)
}

// Keys splits text into words (runs of Unicode letters, marks and digits;
// everything else separates) and returns their keys in order.
func Keys(lang, text string) []string {
	var keys []string
	start := -1
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			keys = appendKey(keys, lang, text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		keys = appendKey(keys, lang, text[start:])
	}
	return keys
}

// QueryKeys splits a search query into words as Keys does and returns, for
// each word with a key, the keys it is looked up under: its own key first,
// then any other reading the word may stand for. Today the only other
// reading is ё in a Kazakh word typed in Latin letters: the Latin view writes
// ё as io, which Key reads as ио (радио), so "volontior" is also looked up
// as волонтёр, whose key (ё folds to е) is волонтер.
func QueryKeys(lang, text string) [][]string {
	var out [][]string
	start := -1
	add := func(word string) {
		if alts := queryKeys(lang, word); alts != nil {
			out = append(out, alts)
		}
	}
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			add(text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		add(text[start:])
	}
	return out
}

func queryKeys(lang, word string) []string {
	w := lower(lang, word)
	k := stemNormalized(lang, w)
	if k == "" {
		return nil
	}
	alts := []string{k}
	if lang == "kk" && strings.Contains(w, "io") {
		sp := kazakhSpelling(w)
		yo := strings.NewReplacer("ио", "е", "йо", "е").Replace(sp)
		if y := kazakhStem(yo); y != "" && y != k {
			alts = append(alts, y)
		}
	}
	return alts
}

func appendKey(keys []string, lang, word string) []string {
	if k := stemNormalized(lang, lower(lang, word)); k != "" {
		keys = append(keys, k)
	}
	return keys
}

// isWordRune reports whether r belongs to a word: a letter, a digit, or a
// combining mark (so that a decomposed й or ё stays inside its word).
func isWordRune(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case 0x400 <= r && r <= 0x4ff:
		return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// normalize trims everything but letters, digits and marks from both ends of
// word and lowercases the rest.
func normalize(lang, word string) string {
	word = strings.TrimFunc(word, func(r rune) bool { return !isWordRune(r) })
	return lower(lang, word)
}

// lower lowercases w for lang and folds ё to е. Kazakh (and Turkish) use
// Turkish case so that Latin-script Kazakh keeps its two i's apart: I→ı
// (İ→i holds in every language). The decomposed forms of й (и + U+0306) and
// ё (е + U+0308) are composed, since Kazakh text typed on some keyboards
// carries them.
func lower(lang, w string) string {
	turkish := lang == "kk" || lang == "tr"
	if isLowerPlain(w) {
		return w
	}
	var b strings.Builder
	b.Grow(len(w))
	var prev rune = -1
	for _, r := range w {
		switch {
		case r == 'I' && turkish:
			r = 'ı'
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r >= utf8.RuneSelf:
			r = unicode.ToLower(r)
		}
		switch {
		case r == 'ё':
			r = 'е'
		case r == '\u0306' && prev == 'и':
			trimLast(&b)
			r = 'й'
		case r == '\u0308' && prev == 'е':
			trimLast(&b)
			r = 'е'
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// isLowerPlain reports whether lower would return w unchanged: no capital,
// no ё, no combining mark.
func isLowerPlain(w string) bool {
	for _, r := range w {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				return false
			}
		case 0x430 <= r && r <= 0x44f: // а..я
		case r == 'ё' || unicode.IsUpper(r) || unicode.Is(unicode.Mn, r):
			return false
		}
	}
	return true
}

// trimLast drops the last rune written to b (a two-byte Cyrillic letter
// about to be replaced by its composed form).
func trimLast(b *strings.Builder) {
	s := b.String()
	_, n := utf8.DecodeLastRuneInString(s)
	rest := s[:len(s)-n]
	b.Reset()
	b.WriteString(rest)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// stemNormalized stems a word that is already trimmed and lowercased.
func stemNormalized(lang, w string) string {
	if w == "" {
		return ""
	}
	switch lang {
	case "kk":
		return kazakhStem(kazakhSpelling(w))
	case "ru":
		if isASCII(w) {
			return english.Stem(w, true) // Latin words inside Russian text
		}
		return russian.Stem(w, true)
	case "en":
		if isASCII(w) {
			return english.Stem(w, true)
		}
		return w
	}
	return w
}
