package translit

import (
	"strings"
	"testing"
	"unicode/utf8"

	"qalam/internal/fixtures"
)

func TestCyrillic(t *testing.T) {
	tests := []struct{ in, want string }{
		// The published sample comes back exactly.
		{"Būryñğy ötken bır danyşpan kısı şaharynyñ ülken qonypty jeñe Qazaqstan", "Бұрыңғы өткен бір данышпан кісі шахарының үлкен қоныпты жеңе Қазақстан"},
		{"ojyn", "ожын"},
		{"oiyn üiı ūiym kiım jiı biyl", "ойын үйі ұйым киім жиі биыл"}, // i after a vowel is й
		{"Aziia Aziiada aiu", "Азия Азияда аю"},                        // ia, iu are я, ю
		{"İurii Tsoi Tşehov aşşy", "Юрий Тсой Тшехов ашшы"},
		{"radio Piotr", "радио Пиотр"},                               // io is ио, never ё
		{"halyq şahar ekran", "халық шахар екран"},                   // h is х, e is е
		{"İSTANBUL ISTANBUL Istanbul", "ИСТАНБУЛ ІСТАНБУЛ Істанбул"}, // Turkish case
		{"AZİİA", "АЗИЯ"},
		{"Boeing-tyñ www Facebook-ta 2024 «iOS» FlaiArystan", "Боейнг-тың www Facebook-та 2024 «иОС» ФлайАрыстан"}, // words with c, w, x stay Latin
		{"Алматы almaty", "Алматы алматы"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Cyrillic(tt.in); got != tt.want {
			t.Errorf("Cyrillic(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Cyrillic undoes Latin where Latin leaves a choice, and Latin of what
// Cyrillic gives is always the text it was given: over the KazNERD corpus,
// Latin(Cyrillic(Latin(s))) == Latin(s) for every sentence, and most words
// come back spelled as they were.
func TestCyrillicKazNERD(t *testing.T) {
	var words, back int
	for _, sent := range fixtures.KazNERD(t) {
		for _, w := range sent {
			l := Latin(w)
			if got := Latin(Cyrillic(l)); got != l {
				t.Errorf("Latin(Cyrillic(%q)) = %q", l, got)
			}
			if strings.ContainsAny(w, kazakhLetters) {
				words++
				if Cyrillic(l) == w {
					back++
				}
			}
		}
	}
	t.Logf("Cyrillic(Latin(w)) == w for %d of %d Cyrillic words (%.1f%%)", back, words, 100*float64(back)/float64(words))
	if back < words*9/10 {
		t.Errorf("only %d of %d words come back as they were", back, words)
	}
}

// Whatever Latin produces, Cyrillic reads back into a text with the same
// Latin form, so Cyrillic(Latin(·)) is one spelling shared by a Cyrillic
// text and its Latin form (package stem keys words under it).
func FuzzCyrillic(f *testing.F) {
	for _, w := range words {
		f.Add(w.cyr + " " + w.title + " " + strings.ToUpper(w.cyr))
	}
	for _, s := range []string{"", "Aziia İurii Tsoi", "FlaiArystan", "Facebook-та exit", "бiр iшкi", "AZİİA ÜİDIÑ",
		"їжак є ў", "и\u0306 Е\u0308ЛКА", "2024-жылы", "ьа иьа ийа", "İA", "İaA", "ИА Я ЯА"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !utf8.ValidString(in) {
			return
		}
		l := Latin(in)
		if got := Latin(Cyrillic(l)); got != l {
			t.Errorf("Latin(Cyrillic(%+q)) = %+q", l, got)
		}
	})
}
