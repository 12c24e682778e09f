package i18n

import (
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Almaty, Asia/Tehran even on hosts without zoneinfo
)

func TestFor(t *testing.T) {
	tests := map[string]string{
		"en": "en", "en-GB": "en", "EN-us": "en",
		"kk": "kk", "kk-Latn": "kk", "kk-Cyrl-KZ": "kk", "kk_KZ": "kk",
		"ru": "ru", "ru-RU": "ru", "RU": "ru",
		"fa": "fa", "fa-IR": "fa", "fa-AF": "fa", " fa ": "fa",
		"de": "en", "": "en", "x": "en", "kaz": "en", "-": "en",
	}
	for tag, want := range tests {
		if got := For(tag).Lang(); got != want {
			t.Errorf("For(%q).Lang() = %q, want %q", tag, got, want)
		}
	}
	if For("kk-Latn") != For("kk") {
		t.Error("For should return the shared catalog")
	}
}

func TestLanguages(t *testing.T) {
	got := Languages()
	if !slices.Equal(got, []string{"en", "kk", "ru", "fa"}) {
		t.Fatalf("Languages() = %v", got)
	}
	got[0] = "xx"
	if Languages()[0] != "en" {
		t.Fatal("Languages() exposes internal state")
	}
	for _, l := range Languages() {
		if For(l).Lang() != l {
			t.Errorf("For(%q).Lang() = %q", l, For(l).Lang())
		}
	}
	if For("fa").Dir() != "rtl" || For("ru").Dir() != "ltr" || For("en").Dir() != "ltr" || For("kk").Dir() != "ltr" {
		t.Error("wrong text direction")
	}
}

func TestT(t *testing.T) {
	tests := []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"en", "byline.by", []any{"Aigerim Sadykova"}, "By Aigerim Sadykova"},
		{"ru", "byline.by", []any{"Айгерим Садыкова"}, "Текст: Айгерим Садыкова"},
		{"en", "translations.read", []any{"Русский"}, "Read in Русский"},
		{"en", "skip.content", nil, "Skip to content"},
		{"kk", "nav.home", nil, "Басты бет"},
		{"fa", "nav.menu", nil, "منو"},
		{"en", "lang.name", nil, "English"},
		{"kk", "lang.name", nil, "Қазақша"},
		{"ru", "lang.name", nil, "Русский"},
		{"fa", "lang.name", nil, "فارسی"},
		// Numbers given to %d use the language's digits; %s text is untouched.
		{"fa", "list.count", []any{12}, "۱۲ مطلب"},
		{"fa", "tag.title", []any{"G20"}, "موضوع: G20"},
		{"en", "list.count", []any{12}, "12 stories"},
		// Unknown keys come back as the key.
		{"en", "no.such.key", nil, "no.such.key"},
		{"fa", "no.such.key", []any{1}, "no.such.key"},
	}
	for _, tt := range tests {
		if got := For(tt.lang).T(tt.key, tt.args...); got != tt.want {
			t.Errorf("%s T(%q, %v) = %q, want %q", tt.lang, tt.key, tt.args, got, tt.want)
		}
	}
}

func TestHas(t *testing.T) {
	for _, l := range Languages() {
		c := For(l)
		if !c.Has("skip.content") || !c.Has("list.count") || c.Has("no.such.key") || c.Has("") {
			t.Errorf("%s: Has is wrong", l)
		}
	}
}

func TestDigitsAndNumber(t *testing.T) {
	fa := For("fa")
	if got := fa.Digits("0123456789"); got != "۰۱۲۳۴۵۶۷۸۹" {
		t.Errorf("fa Digits = %q", got)
	}
	if got := fa.Digits("G20, 14:05"); got != "G۲۰, ۱۴:۰۵" {
		t.Errorf("fa Digits = %q", got)
	}
	if got := fa.Number(1405); got != "۱۴۰۵" {
		t.Errorf("fa Number = %q", got)
	}
	if got := fa.Number(-7); got != "-۷" {
		t.Errorf("fa Number(-7) = %q", got)
	}
	for _, l := range []string{"en", "kk", "ru"} {
		c := For(l)
		if got := c.Digits("a0123456789"); got != "a0123456789" {
			t.Errorf("%s Digits = %q", l, got)
		}
		if got := c.Number(1405); got != "1405" {
			t.Errorf("%s Number = %q", l, got)
		}
	}
	if got := fa.N("minutes.ago", 5); got != "۵ دقیقه پیش" {
		t.Errorf("fa N = %q", got)
	}
	// Every integer type is localised, not only int.
	if got := fa.T("photos.count", uint8(3)); got != "۳ عکس" {
		t.Errorf("fa T uint8 = %q", got)
	}
	if got := fa.T("photos.count", int64(30)); got != "۳۰ عکس" {
		t.Errorf("fa T int64 = %q", got)
	}
}

// Reference plural rules, written from the CLDR tables as lists of endings.
func wantPlural(lang string, n int) string {
	switch lang {
	case "ru":
		last, lastTwo := n%10, n%100
		if lastTwo >= 11 && lastTwo <= 14 {
			return "many"
		}
		switch last {
		case 1:
			return "one"
		case 2, 3, 4:
			return "few"
		}
		return "many"
	case "fa":
		if n <= 1 {
			return "one"
		}
		return "other"
	default: // en, kk
		if n == 1 {
			return "one"
		}
		return "other"
	}
}

func TestPluralRules(t *testing.T) {
	for _, l := range Languages() {
		c := For(l)
		for n := 0; n <= 200; n++ {
			if got, want := c.PluralForm(n), wantPlural(l, n); got != want {
				t.Errorf("%s PluralForm(%d) = %q, want %q", l, n, got, want)
			}
			if got, want := c.PluralForm(-n), wantPlural(l, n); got != want {
				t.Errorf("%s PluralForm(%d) = %q, want %q", l, -n, got, want)
			}
			// N must use exactly the form of that category.
			form := enForm(c, "list.count", wantPlural(l, n))
			if got, want := c.N("list.count", n), c.Digits(sprintfASCII(form, n)); got != want {
				t.Errorf("%s N(list.count, %d) = %q, want %q", l, n, got, want)
			}
		}
	}
}

func enForm(c *Catalog, key, form string) string { return c.plurals[key][form] }

func TestPluralSpotChecks(t *testing.T) {
	tests := []struct {
		lang, key string
		n         int
		want      string
	}{
		{"ru", "list.count", 0, "0 материалов"},
		{"ru", "list.count", 1, "1 материал"},
		{"ru", "list.count", 2, "2 материала"},
		{"ru", "list.count", 3, "3 материала"},
		{"ru", "list.count", 4, "4 материала"},
		{"ru", "list.count", 5, "5 материалов"},
		{"ru", "list.count", 11, "11 материалов"},
		{"ru", "list.count", 12, "12 материалов"},
		{"ru", "list.count", 14, "14 материалов"},
		{"ru", "list.count", 20, "20 материалов"},
		{"ru", "list.count", 21, "21 материал"},
		{"ru", "list.count", 22, "22 материала"},
		{"ru", "list.count", 25, "25 материалов"},
		{"ru", "list.count", 101, "101 материал"},
		{"ru", "list.count", 111, "111 материалов"},
		{"ru", "list.count", 112, "112 материалов"},
		{"ru", "list.count", 122, "122 материала"},
		{"ru", "minutes.ago", 1, "1 минуту назад"},
		{"ru", "minutes.ago", 3, "3 минуты назад"},
		{"ru", "minutes.ago", 11, "11 минут назад"},
		{"ru", "minutes.ago", 21, "21 минуту назад"},
		{"ru", "hours.ago", 1, "1 час назад"},
		{"ru", "hours.ago", 2, "2 часа назад"},
		{"ru", "hours.ago", 5, "5 часов назад"},
		{"ru", "photos.count", 1, "1 фотография"},
		{"ru", "photos.count", 24, "24 фотографии"},
		{"ru", "photos.count", 111, "111 фотографий"},
		{"en", "list.count", 0, "0 stories"},
		{"en", "list.count", 1, "1 story"},
		{"en", "list.count", 2, "2 stories"},
		{"en", "list.count", 21, "21 stories"},
		{"en", "minutes.ago", 1, "1 minute ago"},
		{"en", "hours.ago", 3, "3 hours ago"},
		{"en", "photos.count", 1, "1 photo"},
		{"kk", "list.count", 1, "1 материал"},
		{"kk", "list.count", 5, "5 материал"},
		{"kk", "minutes.ago", 21, "21 минут бұрын"},
		{"kk", "hours.ago", 2, "2 сағат бұрын"},
		{"fa", "list.count", 0, "۰ مطلب"},
		{"fa", "list.count", 1, "۱ مطلب"},
		{"fa", "hours.ago", 25, "۲۵ ساعت پیش"},
		{"fa", "photos.count", 111, "۱۱۱ عکس"},
		// Unknown keys come back as the key.
		{"ru", "no.such.key", 3, "no.such.key"},
	}
	for _, tt := range tests {
		if got := For(tt.lang).N(tt.key, tt.n); got != tt.want {
			t.Errorf("%s N(%q, %d) = %q, want %q", tt.lang, tt.key, tt.n, got, tt.want)
		}
	}
}

func TestDates(t *testing.T) {
	afternoon := time.Date(2026, 11, 27, 14, 5, 0, 0, time.UTC)
	tests := []struct {
		lang           string
		date, datetime string
	}{
		{"en", "November 27, 2026", "November 27, 2026, 14:05"},
		{"ru", "27 ноября 2026", "27 ноября 2026, 14:05"},
		{"kk", "2026 жылғы 27 қараша", "2026 жылғы 27 қараша, 14:05"},
		{"fa", "۶ آذر ۱۴۰۵", "۶ آذر ۱۴۰۵، ساعت ۱۴:۰۵"},
	}
	for _, tt := range tests {
		c := For(tt.lang)
		if got := c.Date(afternoon, time.UTC); got != tt.date {
			t.Errorf("%s Date = %q, want %q", tt.lang, got, tt.date)
		}
		if got := c.DateTime(afternoon, time.UTC); got != tt.datetime {
			t.Errorf("%s DateTime = %q, want %q", tt.lang, got, tt.datetime)
		}
		if got := c.DateTime(afternoon, nil); got != tt.datetime {
			t.Errorf("%s DateTime(nil loc) = %q, want %q", tt.lang, got, tt.datetime)
		}
	}
}

func TestDatesInZone(t *testing.T) {
	almaty, err := time.LoadLocation("Asia/Almaty")
	if err != nil {
		t.Fatal(err)
	}
	tehran, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	evening := time.Date(2026, 11, 27, 20, 30, 0, 0, time.UTC)
	early := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		lang string
		t    time.Time
		loc  *time.Location
		want string
	}{
		// Almaty is UTC+5: 20:30Z is already 28 November.
		{"en", evening, almaty, "November 28, 2026, 01:30"},
		{"ru", evening, almaty, "28 ноября 2026, 01:30"},
		{"kk", evening, almaty, "2026 жылғы 28 қараша, 01:30"},
		{"fa", evening, almaty, "۷ آذر ۱۴۰۵، ساعت ۰۱:۳۰"},
		// Tehran is UTC+3:30: exactly midnight of 7 Azar.
		{"fa", evening, tehran, "۷ آذر ۱۴۰۵، ساعت ۰۰:۰۰"},
		{"fa", evening, time.UTC, "۶ آذر ۱۴۰۵، ساعت ۲۰:۳۰"},
		// A zone behind UTC moves the date back.
		{"en", early, newYork, "November 26, 2026, 22:00"},
		{"ru", early, newYork, "26 ноября 2026, 22:00"},
		{"kk", early, newYork, "2026 жылғы 26 қараша, 22:00"},
		{"fa", early, newYork, "۵ آذر ۱۴۰۵، ساعت ۲۲:۰۰"},
		{"kk", evening, time.FixedZone("UTC+5", 5*3600), "2026 жылғы 28 қараша, 01:30"},
	}
	for _, tt := range tests {
		if got := For(tt.lang).DateTime(tt.t, tt.loc); got != tt.want {
			t.Errorf("%s DateTime(%s in %s) = %q, want %q", tt.lang, tt.t.Format(time.RFC3339), tt.loc, got, tt.want)
		}
	}
	if got := For("ru").Date(evening, almaty); got != "28 ноября 2026" {
		t.Errorf("ru Date in Almaty = %q", got)
	}
	// Nowruz: 1 Farvardin 1405 begins at midnight Tehran time on 21 March 2026.
	nowruz := time.Date(2026, 3, 20, 21, 0, 0, 0, time.UTC) // 00:30 in Tehran
	if got := For("fa").Date(nowruz, tehran); got != "۱ فروردین ۱۴۰۵" {
		t.Errorf("fa Nowruz = %q", got)
	}
	if got := For("fa").Date(nowruz, time.UTC); got != "۲۹ اسفند ۱۴۰۴" {
		t.Errorf("fa eve of Nowruz = %q", got)
	}
}

func TestMonthNames(t *testing.T) {
	ru := []string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}
	kk := []string{"қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"}
	en := []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	for m := 1; m <= 12; m++ {
		d := time.Date(2026, time.Month(m), 5, 9, 7, 0, 0, time.UTC)
		if got, want := For("ru").Date(d, time.UTC), "5 "+ru[m-1]+" 2026"; got != want {
			t.Errorf("ru %q, want %q", got, want)
		}
		if got, want := For("kk").Date(d, time.UTC), "2026 жылғы 5 "+kk[m-1]; got != want {
			t.Errorf("kk %q, want %q", got, want)
		}
		if got, want := For("en").DateTime(d, time.UTC), en[m-1]+" 5, 2026, 09:07"; got != want {
			t.Errorf("en %q, want %q", got, want)
		}
	}
	// Each Persian month, on its first day in 1405.
	fa := []string{"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"}
	for m := 1; m <= 12; m++ {
		gy, gm, gd, ok := JalaliToGregorian(1405, m, 1)
		if !ok {
			t.Fatalf("1405/%d/1 not converted", m)
		}
		d := time.Date(gy, time.Month(gm), gd, 12, 0, 0, 0, time.UTC)
		if got, want := For("fa").Date(d, time.UTC), "۱ "+fa[m-1]+" ۱۴۰۵"; got != want {
			t.Errorf("fa %q, want %q", got, want)
		}
	}
}
