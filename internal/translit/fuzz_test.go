package translit

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"qalam/internal/news"
)

func FuzzLatin(f *testing.F) {
	for _, w := range words {
		f.Add(w.cyr + " " + title(w.cyr) + " " + strings.ToUpper(w.cyr))
	}
	for _, s := range []string{
		"", "Бұрыңғы өткен заманда, бір данышпан кісі", "ҚАЗАҚСТАН", "ЦСКА Цой ПЛАЩ Ю. Гагарин",
		"бiр iшкi кардиоxирургиялық Sonyға Boxқа", "и\u0306 Е\u0308ЛКА \u0306", "бір\xffқ\xd0", "\xd0\xd1\x8a\xb0",
		"їжак є ў", "سلام دنیا", "Qazaq TV iOS-қа 2024", "қазақстан-жаңалықтары", "a-ь-b", strings.Repeat("щ", 60),
	} {
		f.Add(s)
	}
	alphabet := map[rune]bool{}
	for _, r := range latin2021 {
		alphabet[r] = true
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Latin(in)

		// Cut after an ASCII non-letter, the conversion does not depend on
		// the other side: the command converts long input in such pieces.
		if k := strings.IndexFunc(in, func(r rune) bool { return r < utf8.RuneSelf && !isASCIILetter(byte(r)) }); k >= 0 {
			if got := Latin(in[:k+1]) + Latin(in[k+1:]); got != out {
				t.Errorf("Latin(%+q) = %+q, but cut after byte %d: %+q", in, out, k, got)
			}
		}
		if news.ValidSlug(in) && !news.ValidSlug(LatinSlug(in)) {
			t.Errorf("LatinSlug(%q) = %q is not a valid slug", in, LatinSlug(in))
		}
		if !utf8.ValidString(in) {
			return // invalid bytes are copied; the rest holds for text only
		}
		if !utf8.ValidString(out) {
			t.Fatalf("Latin(%+q) = %+q is not UTF-8", in, out)
		}
		inputLetters := map[rune]bool{}
		for _, r := range in {
			inputLetters[r] = true
		}
		for _, r := range out {
			if strings.ContainsRune(kazakhLetters, r) {
				t.Fatalf("Latin(%+q) = %+q keeps the Kazakh letter %c", in, out, r)
			}
			if unicode.IsLetter(r) && !alphabet[r] && !inputLetters[r] {
				t.Fatalf("Latin(%+q) = %+q has %c, neither a 2021 letter nor from the input", in, out, r)
			}
		}
		if again := Latin(out); again != out {
			t.Fatalf("Latin is not idempotent: Latin(%+q) = %+q, again %+q", in, out, again)
		}
	})
}
