package stem

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"

	"qalam/internal/fixtures"
	"qalam/internal/translit"
)

// sameKey asserts that all words of a group share one key, and returns it.
func sameKey(t *testing.T, lang string, words ...string) string {
	t.Helper()
	want := Key(lang, words[0])
	if want == "" {
		t.Errorf("Key(%q, %q) is empty", lang, words[0])
	}
	for _, w := range words[1:] {
		if got := Key(lang, w); got != want {
			t.Errorf("Key(%q, %q) = %q, want %q (the key of %q)", lang, w, got, want, words[0])
		}
	}
	return want
}

func differentKeys(t *testing.T, lang string, pairs [][2]string) {
	t.Helper()
	for _, p := range pairs {
		if a, b := Key(lang, p[0]), Key(lang, p[1]); a == b {
			t.Errorf("%q and %q share the key %q; they are unrelated words", p[0], p[1], a)
		}
	}
}

func TestKeyKazakh(t *testing.T) {
	groups := [][]string{
		// The example: every case of a city name.
		{"Алматы", "Алматыда", "Алматыға", "Алматыдан", "Алматының", "Алматыны", "Алматымен", "Алматыдағы"},
		{"Астана", "Астанада", "Астанаға", "Астанадан", "Астананың"},
		{"Қазақстан", "Қазақстанның", "Қазақстанда", "Қазақстанға", "Қазақстаннан", "Қазақстанды"},
		{"Шымкент", "Шымкентте", "Шымкентке", "Шымкенттен", "Шымкенттің"},
		// Plural, possessive and case in their fixed order.
		{"депутат", "депутаттар", "депутаттардың", "депутаттарға", "депутаты"},
		{"мәселе", "мәселесі", "мәселелер", "мәселені", "мәселелерін", "мәселесінде"},
		{"ел", "елдің", "елдер", "елдердің", "елімізде", "еліміздің", "елінің"},
		{"үкімет", "үкіметі", "үкіметтің", "үкіметке", "үкіметін"},
		{"облыс", "облысы", "облыстың", "облысында", "облыстар"},
		{"жұмыс", "жұмысы", "жұмыстар", "жұмыстың"},
		// ғ/қ, б/п between vowels.
		{"бастық", "бастығы", "бастықтар"},
		{"кітап", "кітабы", "кітаптар", "кітапты"},
		// Russian surnames take the т-forms after в.
		{"Тоқаев", "Тоқаевтың", "Тоқаевқа", "Тоқаевты"},
		// Verbs: past, present, participle, verbal noun, converb, passive.
		{"жаса", "жасайды", "жасаған", "жасау", "жасап", "жасалады", "жасалған"},
		{"бол", "болады", "болды", "болған", "болып"},
		{"қолда", "қолдайды", "қолдаған", "қолдау", "қолдап"},
		// Soft sign and double consonants of loanwords.
		{"модель", "моделі", "моделін"},
		{"процесс", "процеске", "процесте"},
		// Latin look-alike capitals and edge punctuation do not matter.
		{"«Алматы»", "АЛМАТЫДА,", "(Алматыға)"},
	}
	for _, g := range groups {
		sameKey(t, "kk", g...)
	}
	differentKeys(t, "kk", [][2]string{
		{"қала", "қал"},        // city, stay
		{"ата", "ат"},          // grandfather, horse
		{"бала", "бал"},        // child, honey
		{"алма", "ал"},         // apple, take
		{"Ақтөбе", "ақ"},       // a city, white
		{"Семей", "сем"},       // a city
		{"теңіз", "тең"},       // sea, equal
		{"үкімет", "үкім"},     // government, verdict
		{"қызмет", "қыз"},      // service, girl
		{"заң", "за"},          // law
		{"мектеп", "мекен"},    // school, dwelling
		{"Алматы", "алма"},     // a city, apple
		{"жер", "жел"},         // earth, wind
		{"Қазақстан", "қазақ"}, // the country, the people
	})
}

func TestKeyRussian(t *testing.T) {
	sameKey(t, "ru", "Москва", "Москве", "Москвой", "Москвы", "Москву", "«Москве»,")
	sameKey(t, "ru", "протест", "протесты", "протестов", "протестами")
	sameKey(t, "ru", "выборы", "выборов", "выборах")
	// ё is folded to е before stemming (the Snowball stemmer does not).
	sameKey(t, "ru", "Ёлка", "елка", "ёлки")
	sameKey(t, "ru", "всё", "все")
	differentKeys(t, "ru", [][2]string{{"Москва", "мост"}, {"протест", "протез"}})
}

func TestKeyEnglish(t *testing.T) {
	// Porter2 maps protesters to protest on its own (-er lies in R2): no
	// post-rule is needed.
	sameKey(t, "en", "protest", "protests", "protesters", "protester", "protesting", "protested", "Protesters,")
	sameKey(t, "en", "election", "elections")
	differentKeys(t, "en", [][2]string{{"protest", "protect"}, {"news", "new"}})
}

func TestKeyNormalization(t *testing.T) {
	tests := []struct{ lang, word, want string }{
		{"de", "Straße", "straße"},   // other languages: lowercase only
		{"de", "„Berlin“", "berlin"}, // punctuation at the edges goes
		// Turkish case for Latin Kazakh, which is keyed in Cyrillic.
		{"kk", "İSTANBUL", "истанбул"},
		{"kk", "QAZAQSTAN", Key("kk", "Қазақстан")},
		{"kk", "ISTANBUL", "істанбул"},                 // dotless I → ı → і
		{"en", "ISTANBUL", "istanbul"},                 // ordinary case elsewhere
		{"kk", "Семе\u0438\u0306", Key("kk", "Семей")}, // decomposed й
		{"ru", "е\u0308лка", Key("ru", "ёлка")},        // decomposed ё
		{"kk", "—", ""},
		{"ru", "...", ""},
		{"kk", "2024", "2024"},
		{"kk", "iPhone", "ипхоне"}, // any Latin word: read as 2021 Latin
	}
	for _, tt := range tests {
		if got := Key(tt.lang, tt.word); got != tt.want {
			t.Errorf("Key(%q, %q) = %q, want %q", tt.lang, tt.word, got, tt.want)
		}
	}
}

func TestKeys(t *testing.T) {
	got := Keys("kk", "Алматыда «Қазақстан» — 2024 жылы!")
	want := []string{Key("kk", "Алматы"), Key("kk", "Қазақстан"), "2024", Key("kk", "жыл")}
	if !slices.Equal(got, want) {
		t.Errorf("Keys = %q, want %q", got, want)
	}
	// The Kazakh letters are letters: no word is split at ә ғ қ ң ө ұ ү һ і.
	text := "әңгіме ғылым қаңтар өнер ұлт үй һәм ілім"
	if got := Keys("xx", text); !slices.Equal(got, strings.Fields(text)) {
		t.Errorf("Keys(%q) = %q: a Kazakh letter split a word", text, got)
	}
	if got := Keys("ru", "Протесты в Москве; protesters в центре."); !slices.Equal(got, []string{
		Key("ru", "протест"), Key("ru", "в"), Key("ru", "Москва"), Key("en", "protest"), Key("ru", "в"), Key("ru", "центр"),
	}) {
		t.Errorf("Keys(ru) = %q", got)
	}
	if got := Keys("en", " \t—, "); len(got) != 0 {
		t.Errorf("Keys of punctuation = %q, want none", got)
	}
	// Keys and Key agree word by word.
	for _, w := range strings.Fields("Елбасы Астанаға келді және депутаттармен кездесті") {
		if k := Keys("kk", w); len(k) != 1 || k[0] != Key("kk", w) {
			t.Errorf("Keys(%q) = %q, Key = %q", w, k, Key("kk", w))
		}
	}
}

// BenchmarkKeysKazNERD indexes the KazNERD test sentences (punctuation
// included in the text, not in the count); words/s is the figure
// STEMMING.md records.
func BenchmarkKeysKazNERD(b *testing.B) {
	var texts []string
	words := 0
	for _, s := range fixtures.KazNERD(b) {
		texts = append(texts, strings.Join(s, " "))
		for _, tok := range s {
			if strings.ContainsFunc(tok, isWordRune) {
				words++
			}
		}
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, s := range texts {
			n += len(Keys("kk", s))
		}
	}
	b.ReportMetric(float64(words)*float64(b.N)/b.Elapsed().Seconds(), "words/s")
	_ = n
}

func BenchmarkKeyKazakh(b *testing.B) {
	for b.Loop() {
		Key("kk", "депутаттарымыздың")
	}
}

// A Kazakh word and its 2021 Latin form (what the Latin view shows) have
// one key, in every inflection; so do the spellings the Latin form merges.
// аудан ("district") is a root, not ау ("net") with the ablative -дан; су
// ("water") still takes it.
func TestKeyAudan(t *testing.T) {
	audan := sameKey(t, "kk", "аудан", "ауданда", "аудандар", "ауданның", "аудандағы", "Audandağy")
	if audan != "аудан" {
		t.Errorf("Key(аудан) = %q", audan)
	}
	sameKey(t, "kk", "су", "судан", "судың")
	differentKeys(t, "kk", [][2]string{{"аудан", "ау"}})
}

func TestKeyLatin(t *testing.T) {
	for _, group := range [][]string{
		{"Алматы", "Almaty", "Алматыда", "Almatyda", "ALMATYDAĞY", "алматыдағы"},
		{"Қазақстан", "Qazaqstan", "Qazaqstannyñ", "Қазақстанға", "qazaqstanğa"},
		{"үкімет", "ükımet", "Үкіметтің", "ükımettıñ"},
		{"үй", "üi", "үйдің", "üidıñ", "ÜİDIÑ"},               // i after a vowel is й
		{"киім", "kiım", "киімдер", "kiımder"},                // and и elsewhere
		{"Азия", "Aziia", "Азиядағы", "Aziiadağy"},            // ia is я
		{"шаһар", "şahar", "шахар", "шаһарының", "şaharynyñ"}, // һ and х meet
		{"экономика", "ekonomika", "экономикасы", "ekonomikasy"},
		{"мәслихат", "mäslihat", "мәслихатының", "mäslihatynyñ"},
		{"Цой", "Tsoi", "Тсой"},
		{"ащы", "aşşy"},
		{"объект", "obekt", "объектілер", "obektıler"},
		{"радио", "radio", "радиода", "radioda"},
		{"бiр", "бір", "bır"}, // a Latin look-alike inside a Cyrillic word
	} {
		sameKey(t, "kk", group...)
	}
	differentKeys(t, "kk", [][2]string{
		{"bır", "bir"}, // ı is і, i is и
		{"qol", "kol"}, // қол, кол
		{"tūr", "tür"}, // тұр, түр
	})
}

func TestQueryKeys(t *testing.T) {
	got := QueryKeys("kk", "Volontiorler, «радио» — 2024!")
	want := [][]string{{Key("kk", "волонтиорлер"), Key("kk", "волонтёр")}, {Key("kk", "радио")}, {"2024"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("QueryKeys = %q, want %q", got, want)
	}
	if got := QueryKeys("ru", "Москве"); fmt.Sprint(got) != fmt.Sprint([][]string{{Key("ru", "Москва")}}) {
		t.Errorf("QueryKeys(ru) = %q", got)
	}
	if got := QueryKeys("kk", " — «» "); got != nil {
		t.Errorf("QueryKeys of punctuation = %q", got)
	}
}

// cyrillicSpelling takes a short way to translit.Cyrillic(translit.Latin(w));
// it must arrive at the same place for every word.
func TestCyrillicSpelling(t *testing.T) {
	words := []string{"ия", "ию", "иа", "иу", "йа", "ойын", "киім", "ьа", "иьа", "айьи", "ёлка", "пётр", "мирзиёев",
		"цой", "чехов", "ащы", "шаһар", "экран", "съезд", "объект", "raiса", "2-інші", "є", "иє", "аи", "ии", "ий", "ййй"}
	for _, s := range fixtures.KazNERD(t) {
		for _, tok := range s {
			words = append(words, lower("kk", tok))
		}
	}
	n := 0
	for _, w := range words {
		if strings.ContainsFunc(w, func(r rune) bool { return r < 0x400 && unicode.IsLetter(r) }) {
			continue
		}
		n++
		if got, want := kazakhSpelling(w), translit.Cyrillic(translit.Latin(w)); got != want {
			t.Errorf("kazakhSpelling(%q) = %q, want %q", w, got, want)
		}
	}
	if n < 10000 {
		t.Errorf("only %d words checked", n)
	}
}

func TestLooseKeys(t *testing.T) {
	for _, tc := range []struct{ typed, meant string }{
		{"ulken", "үлкен"},
		{"Ulkendigi", "үлкендігі"},
		{"sharuashylygy", "шаруашылығы"},
		{"kisiler", "кісілер"},
		{"qazaqstannyn", "Қазақстанның"},
		{"ogan", "оған"},
		{"koshe", "көше"},
	} {
		if k := LooseKeys("kk", tc.typed); !slices.Contains(k, Key("kk", tc.meant)) {
			t.Errorf("LooseKeys(%q) = %q, without the key %q of %s", tc.typed, k, Key("kk", tc.meant), tc.meant)
		}
	}
	if k := LooseKeys("kk", "almaty"); slices.Contains(k, Key("kk", "almaty")) {
		t.Errorf("LooseKeys(almaty) = %q holds the word's own key", k)
	}
	for _, w := range []string{"ülken", "үлкен", "2024", "", strings.Repeat("a", 25)} {
		if k := LooseKeys("kk", w); k != nil {
			t.Errorf("LooseKeys(%q) = %q, want none: not plain ASCII letters", w, k)
		}
	}
	if k := LooseKeys("ru", "moskve"); k != nil {
		t.Errorf("LooseKeys(ru) = %q", k)
	}
	if k := LooseKeys("kk", "sasasasasasasasasasasasa"); len(k) > maxLooseKeys {
		t.Errorf("%d keys for one word", len(k))
	}
	got := LooseQueryKeys("kk", "ulken Алматы")
	if len(got) != 2 || got[0][0] != Key("kk", "ulken") || !slices.Contains(got[0], Key("kk", "үлкен")) || len(got[1]) != 1 {
		t.Errorf("LooseQueryKeys = %q", got)
	}
}
