package translit

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Cyrillic reads Kazakh typed in the 2021 Latin alphabet back into Cyrillic,
// for search: a word a reader types in the Latin view is looked up under
// the key of its Cyrillic form. Latin is the lossy side, so where one Latin
// spelling stands for several Cyrillic ones Cyrillic picks one, the same
// every time:
//
//	Latin   Cyrillic  the other readings it gives up
//	i       и         й after a vowel (ai, ei, oi, ūi, üi, ii): ойын, үйі, ий
//	ia iu   я ю       иа, иу, йа, йу (Азия ← Aziia, аю ← aiu)
//	io      ио        ё (радио ← radio; Пётр ← Piotr does not come back)
//	h       х         һ (халық ← halyq; шаһар ← şahar comes back as шахар)
//	e       е         э
//	ts tş   тс тш     ц, ч (айтсын ← aitsyn)
//	şş      шш        щ
//
// ъ and ь, which the Latin form drops, do not come back. Capitals follow
// Turkish case as in Latin: İ → И, I → І. Everything that is not a letter
// of the 2021 alphabet (Cyrillic, digits, punctuation) is copied unchanged,
// and so is a whole word with a Latin letter the 2021 alphabet lacks (c, w,
// x, é ...): Facebook, Scriptum and exit are not Kazakh.
//
// The choices are made so that Cyrillic(Latin(w)) spells w again for most
// Kazakh words; where it does not, both spellings still meet once each
// side is read through Latin: Latin(Cyrillic(l)) == l for every l that
// Latin produces, so Cyrillic(Latin(·)) is one canonical spelling shared
// by a Cyrillic word and its Latin form (package stem indexes under it).
func Cyrillic(s string) string {
	if !hasLatinLetter(s) {
		return s
	}
	var b strings.Builder
	b.Grow(2 * len(s))
	for i := 0; i < len(s); {
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
				break
			}
			j += n
		}
		if j == i {
			_, n := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		cyrillicWord(&b, s[i:j])
		i = j
	}
	return b.String()
}

// cyrillicWord writes one word (a run of letters and marks). A word with a
// Latin letter the 2021 alphabet lacks (c, w, x, é ...) is not Kazakh and
// is written as it is: Facebook stays Facebook.
func cyrillicWord(b *strings.Builder, w string) {
	for _, r := range w {
		if unicode.Is(unicode.Latin, r) && r != 'İ' && r != 'I' && fromLatin(unicode.ToLower(r)) == 0 {
			b.WriteString(w)
			return
		}
	}
	prevVowel := false
	for i := 0; i < len(w); {
		r, n := utf8.DecodeRuneInString(w[i:])
		next, m := utf8.DecodeRuneInString(w[i+n:])
		up := unicode.IsUpper(r)
		lr := r
		switch r {
		case 'I':
			lr = 'ı'
		case 'İ':
			lr = 'i'
		default:
			lr = unicode.ToLower(r)
		}
		ln := unicode.ToLower(next)
		var out rune
		switch {
		// я and ю are ia and iu in Latin, İa and İu or, inside an ALL-CAPS
		// word, İA and İU (Latin's rule for two-letter capitals); never iA.
		case lr == 'i' && (ln == 'a' || ln == 'u') && pairCase(w, i, n+m, up, unicode.IsUpper(next)):
			out = 'я'
			if ln == 'u' {
				out = 'ю'
			}
			n += m
		case lr == 'i' && prevVowel:
			out = 'й'
		default:
			out = fromLatin(lr)
		}
		if out == 0 {
			b.WriteString(w[i : i+n])
			prevVowel = false
			i += n
			continue
		}
		writeCase(b, out, up)
		prevVowel = isKazakhVowel(out)
		i += n
	}
}

// pairCase reports whether the i at w[i:] and the letter after it, ending
// at w[i+n], are cased as Latin writes я or ю: both lowercase, or a
// capital in the form Latin gives it there: İA and İU when the next letter
// is a capital, or when no letter follows and the one before is (an
// ALL-CAPS word), İa and İu otherwise.
func pairCase(w string, i, n int, upI, upNext bool) bool {
	if !upI {
		return !upNext
	}
	caps := false
	if after, _ := utf8.DecodeRuneInString(w[i+n:]); i+n < len(w) && unicode.IsLetter(after) {
		caps = unicode.IsUpper(after)
	} else if before, _ := utf8.DecodeLastRuneInString(w[:i]); i > 0 {
		caps = unicode.IsUpper(before)
	}
	return upNext == caps
}

// latinLetters maps the lowercase letters of the 2021 alphabet to Cyrillic
// (i, and the pairs Cyrillic reads, are handled there).
var latinLetters = map[rune]rune{
	'a': 'а', 'ä': 'ә', 'b': 'б', 'v': 'в', 'g': 'г', 'ğ': 'ғ', 'd': 'д', 'e': 'е',
	'j': 'ж', 'z': 'з', 'i': 'и', 'k': 'к', 'q': 'қ', 'l': 'л', 'm': 'м', 'n': 'н',
	'ñ': 'ң', 'o': 'о', 'ö': 'ө', 'p': 'п', 'r': 'р', 's': 'с', 't': 'т', 'u': 'у',
	'ū': 'ұ', 'ü': 'ү', 'f': 'ф', 'h': 'х', 'ş': 'ш', 'y': 'ы', 'ı': 'і',
}

// fromLatin returns the Cyrillic letter of a lowercase 2021 letter, or 0.
func fromLatin(r rune) rune { return latinLetters[r] }

func writeCase(b *strings.Builder, r rune, upper bool) {
	if upper {
		r = unicode.ToUpper(r)
	}
	b.WriteRune(r)
}

func isKazakhVowel(r rune) bool {
	return strings.ContainsRune("аәеиоөуұүыіэюяАӘЕИОӨУҰҮЫІЭЮЯ", r)
}

// hasLatinLetter reports whether s holds a letter Cyrillic would convert:
// an ASCII letter or one of the 2021 alphabet's own (ä ğ ñ ö ş ū ü ı İ).
func hasLatinLetter(s string) bool {
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'a' <= r|0x20 && r|0x20 <= 'z' {
				return true
			}
			continue
		}
		if r == 'İ' || fromLatin(unicode.ToLower(r)) != 0 {
			return true
		}
	}
	return false
}
