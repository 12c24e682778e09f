package translit

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"qalam/internal/news"
)

// kazakhLetters is the Kazakh Cyrillic alphabet, 42 letters in both cases,
// written out here rather than taken from the table under test.
const kazakhLetters = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ" +
	"аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"

// latin2021 is the 2021 alphabet, 31 letters in both cases.
const latin2021 = "AÄBDEFGĞHIİJKLMNÑOÖPQRSŞTUŪÜVYZ" + "aäbdefgğhıijklmnñoöpqrsştuūüvyz"

// One word for each letter, in lower, Title and UPPER case. Where Kazakh has
// words starting with the letter, the word does, so that Title case tests
// the capital; ң, ъ and ь never start a word.
var words = []struct{ cyr, lower, title, upper string }{
	{"ана", "ana", "Ana", "ANA"},
	{"әке", "äke", "Äke", "ÄKE"},
	{"бала", "bala", "Bala", "BALA"},
	{"вагон", "vagon", "Vagon", "VAGON"},
	{"гүл", "gül", "Gül", "GÜL"},
	{"ғалым", "ğalym", "Ğalym", "ĞALYM"},
	{"дала", "dala", "Dala", "DALA"},
	{"ел", "el", "El", "EL"},
	{"ёлка", "iolka", "İolka", "İOLKA"},
	{"жер", "jer", "Jer", "JER"},
	{"заң", "zañ", "Zañ", "ZAÑ"},
	{"ине", "ine", "İne", "İNE"},
	{"йод", "iod", "İod", "İOD"},
	{"кітап", "kıtap", "Kıtap", "KITAP"},
	{"қала", "qala", "Qala", "QALA"},
	{"лақ", "laq", "Laq", "LAQ"},
	{"мектеп", "mektep", "Mektep", "MEKTEP"},
	{"нан", "nan", "Nan", "NAN"},
	{"жеңіс", "jeñıs", "Jeñıs", "JEÑIS"},
	{"орман", "orman", "Orman", "ORMAN"},
	{"өзен", "özen", "Özen", "ÖZEN"},
	{"піл", "pıl", "Pıl", "PIL"},
	{"рахмет", "rahmet", "Rahmet", "RAHMET"},
	{"су", "su", "Su", "SU"},
	{"тау", "tau", "Tau", "TAU"},
	{"уақыт", "uaqyt", "Uaqyt", "UAQYT"},
	{"ұшақ", "ūşaq", "Ūşaq", "ŪŞAQ"},
	{"үй", "üi", "Üi", "Üİ"},
	{"футбол", "futbol", "Futbol", "FUTBOL"},
	{"хат", "hat", "Hat", "HAT"},
	{"һәм", "häm", "Häm", "HÄM"},
	{"цирк", "tsirk", "Tsirk", "TSİRK"},
	{"чемпион", "tşempion", "Tşempion", "TŞEMPİON"},
	{"шай", "şai", "Şai", "ŞAİ"},
	{"щетка", "şşetka", "Şşetka", "ŞŞETKA"},
	{"съезд", "sezd", "Sezd", "SEZD"},
	{"ыстық", "ystyq", "Ystyq", "YSTYQ"},
	{"іні", "ını", "Inı", "INI"},
	{"пьеса", "pesa", "Pesa", "PESA"},
	{"экран", "ekran", "Ekran", "EKRAN"},
	{"юрист", "iurist", "İurist", "İURİST"},
	{"яхта", "iahta", "İahta", "İAHTA"},
}

func title(s string) string {
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func TestEveryLetterEveryCase(t *testing.T) {
	seen := map[rune]bool{}
	for _, w := range words {
		cases := [][2]string{
			{w.cyr, w.lower},
			{title(w.cyr), w.title},
			{strings.ToUpper(w.cyr), w.upper},
		}
		for _, c := range cases {
			for _, r := range c[0] {
				seen[r] = true
			}
			if got := Latin(c[0]); got != c[1] {
				t.Errorf("Latin(%q) = %q, want %q", c[0], got, c[1])
			}
		}
	}
	for _, r := range kazakhLetters {
		if !seen[r] {
			t.Errorf("no test word has %c", r)
		}
	}
	// Ң, Ъ and Ь start no word; alone, a capital is a Title-case word.
	for in, want := range map[string]string{"Ң": "Ñ", "Ъ": "", "Ь": "", "ЖЕҢІС": "JEÑIS"} {
		if got := Latin(in); got != want {
			t.Errorf("Latin(%q) = %q, want %q", in, got, want)
		}
	}
}

// Sentences in every case, with the letters of Russian loanwords and names.
func TestSentences(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Цирк пен чемпионат: Щучинск, объект, Пётр, съезд, эфир, юрист, яхта, Хабар, фото, вагон.",
			"Tsirk pen tşempionat: Şşutşinsk, obekt, Piotr, sezd, efir, iurist, iahta, Habar, foto, vagon."},
		{"ҚАЗАҚСТАН РЕСПУБЛИКАСЫНЫҢ ЧЕМПИОНАТЫ ЕРТЕҢ БАСТАЛАДЫ",
			"QAZAQSTAN RESPUBLİKASYNYÑ TŞEMPİONATY ERTEÑ BASTALADY"},
		{"Әлем чемпионы Юлия Ильина мен Эдуард Щербаков Өскеменге келді.",
			"Älem tşempiony İuliia İlina men Eduard Şşerbakov Öskemenge keldı."},
		{"Ұлттық ұлан, Үкімет үйі, Ғылым академиясы, Һарун-ар-Рашид, Ыбырай, Іле өзені.",
			"Ūlttyq ūlan, Ükımet üiı, Ğylym akademiiasy, Harun-ar-Raşid, Ybyrai, Ile özenı."},
		{"ЁЖИК, ЦОЙ, ЧЕХОВ, ЩУКА, ЪЕЗД, ЭХО, ЮГ, ЯЛТА", "İOJİK, TSOİ, TŞEHOV, ŞŞUKA, EZD, EHO, İUG, İALTA"},
		{"Алматыда 2024 жылы 15 қазанда «Qazaq TV» арнасы iOS-қа арналған қосымша шығарды.",
			"Almatyda 2024 jyly 15 qazanda «Qazaq TV» arnasy iOS-qa arnalğan qosymşa şyğardy."},
	} {
		if got := Latin(tt.in); got != tt.want {
			t.Errorf("Latin(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestTwoLetterCase(t *testing.T) {
	for in, want := range map[string]string{
		"Цой": "Tsoi", "ЦОЙ": "TSOİ", "ЦСКА": "TSSKA", "ЦК": "TSK", "ПЛАЩ": "PLAŞŞ", "плащ": "plaşş",
		"Щ": "Şş", "Ю. Гагарин": "İu. Gagarin", "ЮЛИЯ": "İULİİA", "Юлия": "İuliia", "ЧЕХОВ,": "TŞEHOV,",
		"ЧЕХОВ-ЧЕХОВ": "TŞEHOV-TŞEHOV", "ЯЯ": "İAİA", "Я": "İa", "я": "ia", "ВЕЩЬ": "VEŞŞ", "(Ч)": "(Tş)",
		"ЧTV": "TŞTV", "Чtv": "Tştv", "ЁQ": "İOQ",
	} {
		if got := Latin(in); got != want {
			t.Errorf("Latin(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLookalikes(t *testing.T) {
	for in, want := range map[string]string{
		"бiр":               "bır",
		"iшкi":              "ışkı",
		"университетiнде":   "universitetınde",
		"кардиоxирургиялық": "kardiohirurgiialyq",
		"жаhан":             "jahan",
		"ҚАЗАҚCТАН":         "QAZAQSTAN", // Latin C
		"кHк":               "kNk",
		"кBк":               "kVk",
		"кpyк":              "kruk",
		"Sonyға":            "Sonyğa",
		"Boxқа":             "Boxqa",
		"Boeing-тың":        "Boeing-tyñ",
		"iPhone":            "iPhone",
		"i шкі":             "i şkı",
		"i":                 "i",
		"Wiкi":              "Wikı", // a lone i after a Cyrillic letter
		"кWiк":              "kWik", // W has no Cyrillic look-alike
	} {
		if got := Latin(in); got != want {
			t.Errorf("Latin(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecomposedLetters(t *testing.T) {
	for in, want := range map[string]string{
		"сы\u0438\u0306":    "syi",
		"И\u0306ОД":         "İOD",
		"е\u0308лка":        "iolka",
		"Е\u0308ЛКА":        "İOLKA",
		"Е\u0308лка":        "İolka",
		"а\u0306":           "a\u0306", // a mark on another letter stays
		"\u0306\u0308":      "\u0306\u0308",
		"қ\u0301ала\u0301р": "q\u0301ala\u0301r",
	} {
		if got := Latin(in); got != want {
			t.Errorf("Latin(%+q) = %+q, want %+q", in, got, want)
		}
	}
}

func TestPassThrough(t *testing.T) {
	for _, s := range []string{
		"", "Qazaqstan 2024!", "Hello, world", "سلام دنیا", "є ў ђ ї", "\xff\xfe\xd0", "日本語",
		"Būryñğy ötken", "e-mail: kk@example.org, https://example.org/kk/", "i", "ix", "\u0306",
	} {
		if got := Latin(s); got != s {
			t.Errorf("Latin(%q) = %q, want it unchanged", s, got)
		}
	}
	// Other Cyrillic letters stay as they are beside converted ones; so do
	// invalid bytes.
	for in, want := range map[string]string{
		"їжак":         "їjak",
		"бір\xffқ\xd0": "bır\xffq\xd0",
		"\xd0а\xd1":    "\xd0a\xd1",
		"ә\u200dә":     "ä\u200dä",
	} {
		if got := Latin(in); got != want {
			t.Errorf("Latin(%+q) = %+q, want %+q", in, got, want)
		}
	}
}

func TestAllocations(t *testing.T) {
	latinOnly := strings.Repeat("Qazaqstan Respublikasy 2024, ", 40)
	if n := testing.AllocsPerRun(100, func() { Latin(latinOnly) }); n != 0 {
		t.Errorf("Latin of text without Cyrillic allocates %v times, want 0", n)
	}
	cyrillic := strings.Repeat("Қазақстан Республикасы 2024, ", 40)
	if n := testing.AllocsPerRun(100, func() { Latin(cyrillic) }); n != 1 {
		t.Errorf("Latin of Cyrillic text allocates %v times, want 1 (the output)", n)
	}
}

func TestLatinInline(t *testing.T) {
	strong := []news.Mark{{Type: news.MarkStrong}}
	keep := []news.Mark{{Type: news.MarkNoTranslit}}
	link := []news.Mark{{Type: news.MarkLink, Href: "/kk/саясат/"}, {Type: news.MarkNoTranslit}}
	in := news.Inline{
		{Text: "Ақорда: "},
		{Text: "Қасым-Жомарт", Marks: keep},
		{Text: " мен "},
		{Text: "«Жасыл Алматы»", Marks: link},
		{Text: " туралы "},
		{Text: "жаңалық", Marks: strong},
		{Text: ". "},
		{Text: "Ц", Marks: strong}, // a bold first letter: the word is ЦОЙ
		{Text: "ОЙ "},
		{Text: "Ц", Marks: strong},
		{Text: "ой."},
	}
	orig := append(news.Inline(nil), in...)
	want := news.Inline{
		{Text: "Aqorda: "},
		{Text: "Қасым-Жомарт", Marks: keep},
		{Text: " men "},
		{Text: "«Жасыл Алматы»", Marks: link},
		{Text: " turaly "},
		{Text: "jañalyq", Marks: strong},
		{Text: ". "},
		{Text: "TS", Marks: strong},
		{Text: "Oİ "},
		{Text: "Ts", Marks: strong},
		{Text: "oi."},
	}
	got := LatinInline(in)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LatinInline\n got %q\nwant %q", got, want)
	}
	if !reflect.DeepEqual(in, orig) {
		t.Error("LatinInline changed its input")
	}
	if LatinInline(nil) != nil {
		t.Error("LatinInline(nil) is not nil")
	}
	// Marks that are not notranslit keep the span converted.
	if got := LatinInline(news.Inline{{Text: "бір", Marks: []news.Mark{{Type: news.MarkEm}, {Type: news.MarkLink, Href: "https://example.org"}}}}); got[0].Text != "bır" {
		t.Errorf("an em link span became %q", got[0].Text)
	}
}

func TestLatinDoc(t *testing.T) {
	doc := news.Doc{Version: news.DocVersion, Blocks: []news.Block{
		{Type: news.BlockParagraph, Text: news.Inline{{Text: "Бүгін "}, {Text: "Астана", Marks: []news.Mark{{Type: news.MarkNoTranslit}}}, {Text: " күн шуақты."}}},
		{Type: news.BlockHeading, Level: 2, Text: news.Text("Негізгі жаңалықтар")},
		{Type: news.BlockList, Ordered: true, Items: []news.Inline{news.Text("бірінші"), news.Text("екінші")}},
		{Type: news.BlockQuote, Text: news.Text("Білім — бақыт."), Cite: "Абай Құнанбайұлы"},
		{Type: news.BlockFigure, Figure: &news.Figure{AssetID: "a1", Alt: "Көкпар ойыны", Caption: news.Text("Шымкенттегі көкпар"), Credit: "Азаттық"}},
		{Type: news.BlockEmbed, Embed: &news.Embed{URL: "https://example.org/видео", Provider: "youtube", Title: "Сұхбат"}},
	}}
	before := string(doc.Encode())
	want := news.Doc{Version: news.DocVersion, Blocks: []news.Block{
		{Type: news.BlockParagraph, Text: news.Inline{{Text: "Bügın "}, {Text: "Астана", Marks: []news.Mark{{Type: news.MarkNoTranslit}}}, {Text: " kün şuaqty."}}},
		{Type: news.BlockHeading, Level: 2, Text: news.Text("Negızgı jañalyqtar")},
		{Type: news.BlockList, Ordered: true, Items: []news.Inline{news.Text("bırınşı"), news.Text("ekınşı")}},
		{Type: news.BlockQuote, Text: news.Text("Bılım — baqyt."), Cite: "Abai Qūnanbaiūly"},
		{Type: news.BlockFigure, Figure: &news.Figure{AssetID: "a1", Alt: "Kökpar oiyny", Caption: news.Text("Şymkenttegı kökpar"), Credit: "Azattyq"}},
		{Type: news.BlockEmbed, Embed: &news.Embed{URL: "https://example.org/видео", Provider: "youtube", Title: "Sūhbat"}},
	}}
	got := LatinDoc(doc)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LatinDoc\n got %s\nwant %s", got.Encode(), want.Encode())
	}
	if string(doc.Encode()) != before {
		t.Error("LatinDoc changed its input")
	}
	if err := got.Validate(); err != nil {
		t.Errorf("the Latin document is invalid: %v", err)
	}
	// Every block type is covered.
	types := map[string]bool{}
	for _, b := range doc.Blocks {
		types[b.Type] = true
	}
	for _, bt := range []string{news.BlockParagraph, news.BlockHeading, news.BlockList, news.BlockQuote, news.BlockFigure, news.BlockEmbed} {
		if !types[bt] {
			t.Errorf("the test document has no %s block", bt)
		}
	}
	if got := LatinDoc(news.Doc{}); got.Blocks != nil || got.Version != 0 {
		t.Errorf("LatinDoc of an empty document = %+v", got)
	}
}

func TestLatinSlug(t *testing.T) {
	for in, want := range map[string]string{
		"қазақстан-жаңалықтары": "qazaqstan-jañalyqtary",
		"2024-жылғы-сайлау":     "2024-jylğy-sailau",
		"already-latin":         "already-latin",
		"объект":                "obekt",
		"a-ь-b":                 "a-b",
		"ь-a":                   "a",
		"a-ъ":                   "a",
		"ъ-ь":                   "ъ-ь", // nothing Latin is left: unchanged
		"бiр-iшкi":              "bır-ışkı",
		"шаһарының-бір-үлкен":   "şaharynyñ-bır-ülken",
	} {
		got := LatinSlug(in)
		if got != want {
			t.Errorf("LatinSlug(%q) = %q, want %q", in, got, want)
		}
		if !news.ValidSlug(got) {
			t.Errorf("LatinSlug(%q) = %q is not a valid slug", in, got)
		}
	}
	long := strings.Repeat("щ", 60) // 120 bytes in Cyrillic, 240 in Latin
	if got := LatinSlug(long); !news.ValidSlug(got) || len(got) > 120 || !strings.HasPrefix(got, "şşşş") {
		t.Errorf("LatinSlug(60 × щ) = %q (%d bytes)", got, len(got))
	}
	long = strings.Repeat("ч-", 40) + "а" // cut after a hyphen: no trailing hyphen
	if got := LatinSlug(long); !news.ValidSlug(got) {
		t.Errorf("LatinSlug(%q) = %q is not a valid slug", long, got)
	}
}
