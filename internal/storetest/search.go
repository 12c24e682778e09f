package storetest

import (
	"fmt"
	"strings"
	"testing"

	"qalam/internal/news"
)

var searchTests = []struct {
	name string
	fn   func(t *testing.T, s news.Store)
}{
	{"SearchStemming", testSearchStemming},
	{"SearchRanking", testSearchRanking},
	{"SearchVisibility", testSearchVisibility},
	{"SearchPagination", testSearchPagination},
	{"SearchErrors", testSearchErrors},
	{"SearchLatin", testSearchLatin},
	{"SearchASCII", testSearchASCII},
	{"SearchLanguageChange", testSearchLanguageChange},
}

// withText sets a story's headline, deck and one body paragraph.
func withText(headline, deck, body string) func(*news.NewStory) {
	return func(n *news.NewStory) {
		n.Content.Headline = news.Text(headline)
		n.Content.Deck = news.Text(deck)
		n.Content.Body.Blocks = []news.Block{{Type: news.BlockParagraph, Text: news.Text(body)}}
	}
}

// enSection adds an English service with a section and a byline.
func (f *fixture) enSection(t *testing.T) news.Section {
	t.Helper()
	must(t, f.s.PutService(ctx, news.Service{Code: "en", Name: "Free Europe", Lang: "en", Dir: "ltr", TimeZone: "UTC", Position: 3}))
	sec := news.Section{Service: "en", Slug: "world", Name: "World", Position: 1}
	must(t, f.s.PutSection(ctx, &sec))
	return sec
}

func search(t *testing.T, s news.Store, service, text string, now int) news.SearchPage {
	t.Helper()
	pg, err := s.Search(ctx, news.SearchQuery{Service: service, Text: text, Limit: 100}, at(now))
	if err != nil {
		t.Fatalf("Search(%s, %q): %v", service, text, err)
	}
	if pg.Total != len(pg.Hits) {
		t.Errorf("Search(%s, %q): Total %d, %d hits on a page of 100", service, text, pg.Total, len(pg.Hits))
	}
	return pg
}

func hitIDs(pg news.SearchPage) []string {
	var out []string
	for _, h := range pg.Hits {
		out = append(out, h.Summary.ID)
	}
	return out
}

// marked returns the snippet's words marked as hits.
func marked(in news.Inline) []string {
	var out []string
	for _, sp := range in {
		for _, m := range sp.Marks {
			if m.Type == news.MarkHit {
				out = append(out, sp.Text)
			}
		}
	}
	return out
}

func testSearchStemming(t *testing.T, s news.Store) {
	f := setup(t, s)
	en := f.enSection(t)
	quake := f.published(t, f.sec, "", at(1), withText("Алматыда жер сілкінді", "Магнитудасы бес", "Зардап шеккендер жоқ, деді әкімдік."))
	vote := f.published(t, f.sec2, "", at(2), withText("Астанада сайлау", "", "Алматы облысының әкімі дауыс берді."))
	moscow := f.published(t, f.ruSec, "", at(3), withText("Акция в Москве", "", "Задержаны десятки человек."))
	enAuthor := func(n *news.NewStory) { n.Content.AuthorIDs = nil }
	protest := f.published(t, en, "", at(4), enAuthor, withText("Police detain protesters", "", "Hundreds of protesters gathered downtown."))

	for _, tc := range []struct {
		service, text string
		want          []string
	}{
		{"kk", "Алматы", []string{quake.ID, vote.ID}},
		{"kk", "алматыдағы", []string{quake.ID, vote.ID}},
		{"kk", "Алматы сайлау", []string{vote.ID}}, // every word, in one story
		{"kk", "Алматы сайлауы жер", nil},
		{"kk", "магнитудасы", []string{quake.ID}}, // deck
		{"kk", "әкімі", []string{vote.ID}},
		{"ru", "Москва", []string{moscow.ID}},
		{"ru", "москвой задержан", []string{moscow.ID}},
		{"ru", "Алматы", nil}, // another service's stories are not searched
		{"en", "protest", []string{protest.ID}},
		{"en", "PROTESTING police", []string{protest.ID}},
		{"en", "Москва", nil},
	} {
		pg := search(t, s, tc.service, tc.text, 10)
		got := hitIDs(pg)
		if strings.Join(sortedCopy(got), ",") != strings.Join(sortedCopy(tc.want), ",") {
			t.Errorf("Search(%s, %q) = %v, want %v", tc.service, tc.text, got, tc.want)
		}
	}

	pg := search(t, s, "kk", "Алматы", 10)
	for _, h := range pg.Hits {
		switch h.Summary.ID {
		case quake.ID:
			// The headline is shown apart; the snippet is deck and body.
			same(t, "headline of the hit", h.Summary.Headline.Plain(), "Алматыда жер сілкінді")
			// The headline matched, not the text: the snippet starts the text.
			same(t, "snippet", h.Snippet.Plain(), "Магнитудасы бес Зардап шеккендер жоқ, деді әкімдік.")
			same(t, "marked words", marked(h.Snippet), []string(nil))
		case vote.ID:
			same(t, "snippet", h.Snippet.Plain(), "Алматы облысының әкімі дауыс берді.")
			same(t, "marked words", marked(h.Snippet), []string{"Алматы"})
		}
		if h.Score <= 0 {
			t.Errorf("hit %s: score %v, want > 0", h.Summary.ID, h.Score)
		}
	}
	pg = search(t, s, "en", "protest", 10)
	same(t, "marked English words", marked(pg.Hits[0].Snippet), []string{"protesters"})
	pg = search(t, s, "kk", "әкімдігі", 10) // the inflected form in the query, another in the text
	same(t, "hits for әкімдігі", hitIDs(pg), []string{quake.ID})
	same(t, "marked Kazakh words", marked(pg.Hits[0].Snippet), []string{"әкімдік"})
}

func sortedCopy(list []string) []string {
	out := append([]string(nil), list...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func testSearchRanking(t *testing.T, s news.Store) {
	f := setup(t, s)
	// Filler stories keep the word rare, as in a real newsroom.
	for i := range 6 {
		f.published(t, f.sec, "", at(i), withText(fmt.Sprintf("Ауа райы %d", i), "", "Күн ашық болады."))
	}
	body := f.published(t, f.sec, "", at(20), withText("Үкімет отырысы", "", "Министр бюджет туралы баяндады."))
	head := f.published(t, f.sec, "", at(10), withText("Бюджет қабылданды", "", "Депутаттар дауыс берді."))
	deck := f.published(t, f.sec, "", at(15), withText("Мәжіліс отырысы", "Бюджеттің жобасы талқыланды", "Депутаттар дауыс берді."))
	pg := search(t, s, "kk", "бюджет", 30)
	same(t, "ranking: headline, deck, body", hitIDs(pg), []string{head.ID, deck.ID, body.ID})
	if !(pg.Hits[0].Score > pg.Hits[1].Score && pg.Hits[1].Score > pg.Hits[2].Score) {
		t.Errorf("scores not decreasing: %v %v %v", pg.Hits[0].Score, pg.Hits[1].Score, pg.Hits[2].Score)
	}
	// Equal relevance: newest first.
	a := f.published(t, f.sec2, "", at(21), withText("Сот шешімі", "", "Сот үкім шығарды."))
	b := f.published(t, f.sec2, "", at(22), withText("Сот шешімі", "", "Сот үкім шығарды."))
	pg = search(t, s, "kk", "сот шешімі", 30)
	same(t, "equal scores, newest first", hitIDs(pg), []string{b.ID, a.ID})
}

func testSearchVisibility(t *testing.T, s news.Store) {
	f := setup(t, s)
	public := f.published(t, f.sec, "", at(1), withText("Қарағанды кеніші", "", "Шахтерлер ереуілге шықты."))
	f.create(t, f.sec, "", withText("Қарағандыда жоба", "", "Әлі жарияланбаған."))
	sched := f.create(t, f.sec, "", withText("Қарағандыға эмбарго", "", "Кейін жарияланады."))
	must(t, s.Schedule(ctx, sched.ID, sched.HeadRev, at(50)))
	gone := f.published(t, f.sec, "", at(2), withText("Қарағандыдан кетті", "", "Алынып тасталды."))
	must(t, s.Unpublish(ctx, gone.ID, at(3)))

	same(t, "hits before the embargo", hitIDs(search(t, s, "kk", "Қарағанды", 10)), []string{public.ID})
	same(t, "hits after the embargo", hitIDs(search(t, s, "kk", "Қарағанды", 60)), []string{sched.ID, public.ID})
	// The scheduler recording the publication changes nothing for search.
	if jq, ok := s.(news.JobQueue); ok {
		if _, err := jq.GoLive(ctx, sched.ID, sched.HeadRev, at(60)); err != nil {
			t.Fatal(err)
		}
		same(t, "hits after going live", hitIDs(search(t, s, "kk", "Қарағанды", 60)), []string{sched.ID, public.ID})
	}
	// Only the live revision counts: a saved edit is not searched until it
	// is published, and then the old words are gone.
	rev, err := s.SaveRevision(ctx, public.ID, public.HeadRev, func() news.Content {
		c := f.plain("kk", "Теміртау зауыты")
		return c
	}(), f.staff.ID, at(61))
	must(t, err)
	same(t, "unpublished edit", hitIDs(search(t, s, "kk", "Теміртау", 62)), []string(nil))
	must(t, s.Publish(ctx, public.ID, rev.ID, at(63)))
	same(t, "published edit", hitIDs(search(t, s, "kk", "Теміртау", 64)), []string{public.ID})
	same(t, "old words", hitIDs(search(t, s, "kk", "шахтерлер", 64)), []string(nil))
	// Moving a story keeps it found, under its new place.
	must(t, s.MoveStory(ctx, public.ID, f.sec2.ID, "moved"))
	pg := search(t, s, "kk", "Теміртау", 64)
	if len(pg.Hits) != 1 || pg.Hits[0].Summary.Section.ID != f.sec2.ID || pg.Hits[0].Summary.Slug != "moved" {
		t.Errorf("moved story: %+v", pg.Hits)
	}
	must(t, s.Unpublish(ctx, public.ID, at(65)))
	same(t, "unpublished", hitIDs(search(t, s, "kk", "Теміртау", 66)), []string(nil))
	// Republished: found again.
	must(t, s.Publish(ctx, public.ID, rev.ID, at(67)))
	same(t, "republished", hitIDs(search(t, s, "kk", "Теміртау", 68)), []string{public.ID})
}

func testSearchPagination(t *testing.T, s news.Store) {
	f := setup(t, s)
	for i := range 5 {
		f.published(t, f.sec, "", at(i), withText(fmt.Sprintf("Жаңалық %d", i), "", strings.Repeat("Парламент ", i+1)+"жиналды."))
		f.published(t, f.sec, "", at(i), withText("Парламент отырысы", "", fmt.Sprintf("Жаңалық %d.", i)))
		f.published(t, f.sec, "", at(i), withText("Басқа тақырып", "", "Ештеңе жоқ."))
	}
	all := search(t, s, "kk", "парламент", 10)
	if all.Total != 10 || all.Next != "" {
		t.Fatalf("Total %d, Next %q; want 10 and none", all.Total, all.Next)
	}
	var paged []string
	q := news.SearchQuery{Service: "kk", Text: "парламент", Limit: 3}
	for range 10 {
		pg, err := s.Search(ctx, q, at(10))
		must(t, err)
		if pg.Total != 10 {
			t.Errorf("page total %d, want 10", pg.Total)
		}
		if len(pg.Hits) > 3 {
			t.Fatalf("%d hits on a page of 3", len(pg.Hits))
		}
		paged = append(paged, hitIDs(pg)...)
		if pg.Next == "" {
			break
		}
		q.Cursor = pg.Next
	}
	same(t, "paged hits", paged, hitIDs(all))
	// Past the end: no hits, the same total.
	pg, err := s.Search(ctx, news.SearchQuery{Service: "kk", Text: "парламент", Limit: 20, Cursor: q.Cursor}, at(10))
	must(t, err)
	if len(pg.Hits) != 1 || pg.Total != 10 {
		t.Errorf("last page: %d hits, total %d", len(pg.Hits), pg.Total)
	}
	// The default limit is 20, and more than 100 is clamped.
	pg, err = s.Search(ctx, news.SearchQuery{Service: "kk", Text: "парламент", Limit: 1000}, at(10))
	must(t, err)
	if len(pg.Hits) != 10 {
		t.Errorf("clamped limit: %d hits", len(pg.Hits))
	}
}

func testSearchErrors(t *testing.T, s news.Store) {
	f := setup(t, s)
	f.published(t, f.sec, "", at(1), withText("Сайлау", "", "Сайлау өтті."))
	for _, q := range []news.SearchQuery{
		{Service: "kk", Text: ""},
		{Service: "kk", Text: " ,.— «» "},
		{Service: "", Text: "сайлау"},
		{Service: "kk", Text: "сайлау", Limit: -1},
		{Service: "kk", Text: "сайлау", Cursor: "!!"},
		{Service: "kk", Text: "сайлау", Cursor: "Zm9v"},
	} {
		_, err := s.Search(ctx, q, at(2))
		wantErr(t, fmt.Sprintf("Search(%+v)", q), err, news.ErrInvalid)
	}
	_, err := s.Search(ctx, news.SearchQuery{Service: "xx", Text: "сайлау"}, at(2))
	wantErr(t, "unknown service", err, news.ErrNotFound)
	// Words FTS5 would read as operators or syntax are only words here.
	for _, text := range []string{`сайлау OR жоқ`, `"сайлау`, `сайлау*`, `NEAR(сайлау)`, `body:сайлау`, `-сайлау`} {
		if _, err := s.Search(ctx, news.SearchQuery{Service: "kk", Text: text}, at(2)); err != nil {
			t.Errorf("Search(%q): %v", text, err)
		}
	}
	pg := search(t, s, "kk", "сайлау OR", 2)
	if len(pg.Hits) != 0 {
		t.Errorf(`"сайлау OR" found %d stories; OR is a word that must appear`, len(pg.Hits))
	}
}

// A Kazakh word typed in the 2021 Latin alphabet (what the Latin view shows)
// finds the stored Cyrillic text in any inflection, ranked as the Cyrillic
// word is; Cyrillic and mixed queries work too.
func testSearchLatin(t *testing.T, s news.Store) {
	f := setup(t, s)
	quake := f.published(t, f.sec, "", at(1), withText("Алматыда жер сілкінді", "Магнитудасы бес", "Зардап шеккендер жоқ, деді әкімдік."))
	vote := f.published(t, f.sec2, "", at(2), withText("Астанада сайлау", "", "Алматы облысының әкімі дауыс берді."))
	city := f.published(t, f.sec, "", at(3), withText("Шаһардағы ойын", "", "Волонтёрлер Азияның түкпір-түкпірінен келді."))
	f.published(t, f.ruSec, "", at(4), withText("Алматы", "", "Алматы."))

	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Almaty", []string{quake.ID, vote.ID}},
		{"almatydağy", []string{quake.ID, vote.ID}}, // an inflection the text does not have
		{"ALMATYDA", []string{quake.ID, vote.ID}},
		{"Almaty sailau", []string{vote.ID}},
		{"Алматы sailauy", []string{vote.ID}}, // mixed scripts
		{"Almaty сайлау", []string{vote.ID}},
		{"äkımdıgı", []string{quake.ID}},
		{"Almaty jer sılkındı", []string{quake.ID}},
		{"şahar", []string{city.ID}},        // һ, typed as h
		{"шахар", []string{city.ID}},        // and х in Cyrillic meet it
		{"Oiyn", []string{city.ID}},         // й, typed as i
		{"Aziia", []string{city.ID}},        // я, typed as ia
		{"volontiorler", []string{city.ID}}, // ё, typed as io
		{"волонтер", []string{city.ID}},     // and е in Cyrillic
		{"Almat sailau jer", nil},           // every word, in one story
		{"Qazaqstan", nil},
	} {
		pg := search(t, s, "kk", tc.text, 10)
		if got := hitIDs(pg); strings.Join(sortedCopy(got), ",") != strings.Join(sortedCopy(tc.want), ",") {
			t.Errorf("Search(kk, %q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	// The same ranking and scores as the Cyrillic query, and the Cyrillic
	// words that matched are marked.
	cyr, lat := search(t, s, "kk", "Алматы", 10), search(t, s, "kk", "almatynyñ", 10)
	same(t, "Latin ranking", hitIDs(lat), hitIDs(cyr))
	for i := range cyr.Hits {
		if cyr.Hits[i].Score != lat.Hits[i].Score {
			t.Errorf("hit %d: score %v for the Latin query, %v for the Cyrillic one", i, lat.Hits[i].Score, cyr.Hits[i].Score)
		}
		if h := lat.Hits[i]; h.Summary.ID == vote.ID {
			same(t, "marked words for a Latin query", marked(h.Snippet), []string{"Алматы"})
		}
	}
	pg := search(t, s, "kk", "volontior", 10)
	same(t, "marked ё word", marked(pg.Hits[0].Snippet), []string{"Волонтёрлер"})
}

// A service's search keys follow its language: changing the language
// re-indexes its stories at once, and no other service's.
func testSearchLanguageChange(t *testing.T, s news.Store) {
	f := setup(t, s)
	en := f.enSection(t)
	enAuthor := func(n *news.NewStory) { n.Content.AuthorIDs = nil }
	protest := f.published(t, en, "", at(1), enAuthor, withText("Police detain protesters", "", "Hundreds gathered downtown."))
	kk := f.published(t, f.sec, "", at(2), withText("Protesters Алматыда", "", "Мәтін."))
	find := func(service, text string) []string { return hitIDs(search(t, s, service, text, 10)) }
	same(t, "English stems", find("en", "protest"), []string{protest.ID})

	svc, err := s.Service(ctx, "en")
	must(t, err)
	v0, err := s.ContentVersion(ctx)
	must(t, err)
	svc.Lang = "de" // no stemmer: words are only lowercased
	must(t, s.PutService(ctx, svc))
	if v, err := s.ContentVersion(ctx); err != nil || v <= v0 {
		t.Errorf("content version %d after the language change (before %d, %v)", v, v0, err)
	}
	same(t, "lowercased only: the stem", find("en", "protest"), []string(nil))
	same(t, "lowercased only: the word", find("en", "PROTESTERS"), []string{protest.ID})
	same(t, "another service", find("kk", "Almaty"), []string{kk.ID})

	svc.Lang = "en-GB" // English again, under another tag
	must(t, s.PutService(ctx, svc))
	same(t, "English again", find("en", "protesting"), []string{protest.ID})
	svc.Name = "Free Europe (UK)" // the same language: nothing to re-index
	must(t, s.PutService(ctx, svc))
	same(t, "renamed", find("en", "protesting"), []string{protest.ID})

	// A Kazakh service turned Russian: Latin words no longer cross scripts.
	kkSvc, err := s.Service(ctx, "kk")
	must(t, err)
	kkSvc.Lang = "ru"
	must(t, s.PutService(ctx, kkSvc))
	same(t, "Russian keys", find("kk", "Almaty"), []string(nil))
	same(t, "Russian keys, Cyrillic", find("kk", "Алматыда"), []string{kk.ID})
	kkSvc.Lang = "kk"
	must(t, s.PutService(ctx, kkSvc))
	same(t, "Kazakh keys again", find("kk", "Almaty"), []string{kk.ID})
}

// A Kazakh word typed in plain ASCII (ü as u, ş as s or sh) finds its
// stories when the words as typed find nothing public; when they do find
// something, nothing else is added.
func testSearchASCII(t *testing.T, s news.Store) {
	f := setup(t, s)
	big := f.published(t, f.sec, "", at(1), withText("Үлкен жиын өтті", "", "Ауыл шаруашылығы туралы сөз болды."))
	tour := f.published(t, f.sec2, "", at(2), withText("Туристік тур басталды", "", "Тур үш күнге созылады."))
	// A draft with the ASCII spelling read as it is: it must not keep the
	// other readings from being tried (nor show that it exists).
	f.create(t, f.sec, "", withText("Улкен жоба", "", "Жарияланбаған."))

	for _, tc := range []struct {
		text string
		want []string
	}{
		{"ulken", []string{big.ID}},
		{"Ulken jiyn", []string{big.ID}},
		{"ulken jiyn otti", []string{big.ID}},
		{"sharuashylygy", []string{big.ID}}, // sh for ş
		{"tur", []string{tour.ID}},          // тур is there: түр is not tried
		{"ülken", []string{big.ID}},         // the 2021 letters, as before
		{"ulken tur", nil},                  // every word, in one story
		{"zzzz", nil},
	} {
		pg := search(t, s, "kk", tc.text, 10)
		if got := hitIDs(pg); strings.Join(sortedCopy(got), ",") != strings.Join(sortedCopy(tc.want), ",") {
			t.Errorf("Search(kk, %q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	pg := search(t, s, "kk", "ulken", 10)
	same(t, "marked ASCII word", marked(pg.Hits[0].Snippet), []string(nil)) // the headline matched
	pg = search(t, s, "kk", "sharuashylygy", 10)
	same(t, "marked ASCII word in the body", marked(pg.Hits[0].Snippet), []string{"шаруашылығы"})
	// Other languages read words as typed only.
	f.published(t, f.ruSec, "", at(3), withText("Акция в Москве", "", "Текст."))
	same(t, "Russian in Latin", hitIDs(search(t, s, "ru", "moskve", 10)), []string(nil))
}
