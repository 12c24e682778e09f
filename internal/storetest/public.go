package storetest

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"testing"

	"qalam/internal/news"
)

// Public reads: what readers may see at an instant, lists and their
// cursors, curation, translations and the content version.

func testVisibility(t *testing.T, s news.Store) {
	f := setup(t, s)
	now := at(10)
	for _, tc := range []struct {
		name    string
		put     func(st news.Story) // brings the story into the state
		visible bool
		gone    bool
	}{
		{"draft", func(news.Story) {}, false, false},
		{"scheduled in the future", func(st news.Story) { must(t, s.Schedule(ctx, st.ID, st.HeadRev, at(60))) }, false, false},
		{"published in the future", func(st news.Story) { must(t, s.Publish(ctx, st.ID, st.HeadRev, at(60))) }, false, false},
		{"unpublished", func(st news.Story) {
			must(t, s.Publish(ctx, st.ID, st.HeadRev, at(0)))
			must(t, s.Unpublish(ctx, st.ID, at(5)))
		}, false, true},
		{"published", func(st news.Story) { must(t, s.Publish(ctx, st.ID, st.HeadRev, at(0))) }, true, false},
		{"scheduled and due", func(st news.Story) { must(t, s.Schedule(ctx, st.ID, st.HeadRev, at(10))) }, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := f.asset(t, tc.name)
			st := f.create(t, f.sec, tc.name, func(n *news.NewStory) {
				n.Content.Lead = &news.Figure{AssetID: img.ID, Alt: "alt"}
			})
			partner := f.published(t, f.ruSec, "Partner "+tc.name, at(0))
			must(t, s.LinkTranslation(ctx, partner.ID, st.ID))
			must(t, s.SetCuration(ctx, "kk", []string{st.ID}))
			tc.put(st)

			want := error(news.ErrNotFound)
			if tc.visible {
				want = nil
			}
			_, err := s.PublishedStory(ctx, st.ID, now)
			wantErr(t, "PublishedStory", err, want)
			_, err = s.PublicAsset(ctx, img.ID, now)
			wantErr(t, "PublicAsset", err, want)
			if _, err := s.Asset(ctx, img.ID); err != nil {
				t.Errorf("Asset (newsroom) = %v, want the asset in any state", err)
			}

			page, err := s.ListPublished(ctx, news.ListQuery{Service: "kk"}, now)
			must(t, err)
			if got := contains(ids(page.Items), st.ID); got != tc.visible || (page.Total == 1) != tc.visible {
				t.Errorf("ListPublished lists it: %v (Total %d), want %v", got, page.Total, tc.visible)
			}
			cur, err := s.Curated(ctx, "kk", now)
			must(t, err)
			if got := contains(ids(cur), st.ID); got != tc.visible {
				t.Errorf("Curated has it: %v, want %v", got, tc.visible)
			}
			p, err := s.PublishedStory(ctx, partner.ID, now)
			must(t, err)
			var tr []string
			for _, x := range p.Translations {
				tr = append(tr, x.Summary.ID)
			}
			if got := contains(tr, st.ID); got != tc.visible {
				t.Errorf("partner's Translations have it: %v, want %v", got, tc.visible)
			}
			gone, err := s.StoryGone(ctx, st.ID, now)
			must(t, err)
			if gone != tc.gone {
				t.Errorf("StoryGone = %v, want %v", gone, tc.gone)
			}
			// Leave the list empty for the next case.
			must(t, s.Unpublish(ctx, st.ID, at(11)))
		})
	}
	_, err := s.PublicAsset(ctx, news.NewID(), now)
	wantErr(t, "PublicAsset(unknown)", err, news.ErrNotFound)
	_, err = s.PublishedStory(ctx, news.NewID(), now)
	wantErr(t, "PublishedStory(unknown)", err, news.ErrNotFound)
}

func testPublishedStory(t *testing.T, s news.Store) {
	f := setup(t, s)
	content := f.rich()
	st, err := s.CreateStory(ctx, news.NewStory{Service: "kk", SectionID: f.sec.ID, Slug: "story",
		TagIDs: []string{f.tag2.ID, f.tag.ID}, Content: content, CreatedBy: f.staff.ID, Created: t0})
	must(t, err)
	must(t, s.Publish(ctx, st.ID, st.HeadRev, at(0)))
	live, err := s.Revision(ctx, st.HeadRev)
	must(t, err)
	when := at(10).Add(123456789).In(almaty)
	c1, err := s.AddCorrection(ctx, st.ID, news.Inline{{Text: "Атауы түзетілді", Marks: []news.Mark{{Type: news.MarkEm}}}}, when)
	must(t, err)
	same(t, "AddCorrection", c1, news.Correction{ID: c1.ID, StoryID: st.ID, At: news.Time(when), Text: c1.Text})
	c2, err := s.AddCorrection(ctx, st.ID, news.Text("Second"), at(30))
	must(t, err)
	// An edit that is saved but not published must not leak.
	_, err = s.SaveRevision(ctx, st.ID, st.HeadRev, f.plain("kk", "Unpublished edit"), f.staff.ID, at(40))
	must(t, err)

	p, err := s.PublishedStory(ctx, st.ID, at(60))
	must(t, err)
	same(t, "Published", p, news.Published{
		Story:       f.story(t, st.ID),
		Rev:         live,
		Section:     f.sec,
		Authors:     []news.Author{f.author2, f.author}, // byline order, not name order
		Tags:        []news.Tag{f.tag2, f.tag},
		Corrections: []news.Correction{c1, c2},
		Assets:      map[string]news.Asset{f.img.ID: f.img, f.img2.ID: f.img2},
	})

	// Corrections are public from their time on.
	p, err = s.PublishedStory(ctx, st.ID, at(20))
	must(t, err)
	same(t, "Corrections at an earlier instant", p.Corrections, []news.Correction{c1})

	_, err = s.AddCorrection(ctx, news.NewID(), news.Text("x"), at(1))
	wantErr(t, "AddCorrection unknown story", err, news.ErrNotFound)
	_, err = s.AddCorrection(ctx, st.ID, nil, at(1))
	wantErr(t, "AddCorrection without text", err, news.ErrInvalid)
}

// publishAll publishes one story per ID, all at when.
func publishAll(t *testing.T, f *fixture, when int, ids ...string) {
	t.Helper()
	for _, id := range ids {
		f.published(t, f.sec, "Story "+id, at(when), func(n *news.NewStory) { n.ID = id })
	}
}

// fetchAll pages through a list and returns every ID in order.
func fetchAll(t *testing.T, s news.Store, q news.ListQuery, now int, wantTotal int) []string {
	t.Helper()
	var all []string
	for range 100 {
		page, err := s.ListPublished(ctx, q, at(now))
		must(t, err)
		if page.Total != wantTotal {
			t.Errorf("Total = %d, want %d", page.Total, wantTotal)
		}
		if len(page.Items) > q.Limit {
			t.Fatalf("page of %d items, limit %d", len(page.Items), q.Limit)
		}
		all = append(all, ids(page.Items)...)
		if page.Next == "" {
			return all
		}
		q.Cursor = page.Next
	}
	t.Fatal("ListPublished never ended")
	return nil
}

// sid returns a valid story ID ending in suffix, so tests control the order
// of stories published at the same instant.
func sid(suffix string) string { return strings.Repeat("a", 12-len(suffix)) + suffix }

func testListOrderEqualTimes(t *testing.T, s news.Store) {
	f := setup(t, s)
	var same10, same5 []string
	for range 7 {
		same10 = append(same10, news.NewID())
	}
	for range 3 {
		same5 = append(same5, news.NewID())
	}
	publishAll(t, f, 10, same10...)
	publishAll(t, f, 5, same5...)
	// Newest first; equal PublishAt broken by ID, descending.
	sort.Sort(sort.Reverse(sort.StringSlice(same10)))
	sort.Sort(sort.Reverse(sort.StringSlice(same5)))
	want := append(append([]string{}, same10...), same5...)

	for _, limit := range []int{1, 3, 7, 10} {
		got := fetchAll(t, s, news.ListQuery{Service: "kk", Limit: limit}, 20, 10)
		same(t, fmt.Sprintf("order with limit %d", limit), got, want)
	}
	page, err := s.ListPublished(ctx, news.ListQuery{Service: "kk", Limit: 10}, at(20))
	must(t, err)
	if page.Next != "" {
		t.Errorf("a page holding the whole list has Next %q", page.Next)
	}
}

func testListCursorStable(t *testing.T, s news.Store) {
	f := setup(t, s)
	publishAll(t, f, 10, sid("m"), sid("n"), sid("o"), sid("p"), sid("q"), sid("r"))
	publishAll(t, f, 5, sid("e"), sid("f"), sid("g"), sid("h"))
	q := news.ListQuery{Service: "kk", Limit: 4}
	page, err := s.ListPublished(ctx, q, at(30))
	must(t, err)
	same(t, "first page", ids(page.Items), []string{sid("r"), sid("q"), sid("p"), sid("o")})

	// While the reader looks at page one, the newsroom publishes: a newer
	// story, one at the same instant sorting before the cursor, one at the
	// same instant sorting after it, and a backdated one.
	publishAll(t, f, 20, sid("newer"))
	publishAll(t, f, 10, sid("z"), sid("b"))
	publishAll(t, f, 1, sid("old"))

	q.Cursor = page.Next
	rest := fetchAll(t, s, q, 30, 14)
	same(t, "following pages", rest, []string{sid("n"), sid("m"), sid("b"), sid("h"), sid("g"), sid("f"), sid("e"), sid("old")})
}

func testListLimitsAndErrors(t *testing.T, s news.Store) {
	f := setup(t, s)
	for i := range 101 {
		f.published(t, f.sec, fmt.Sprint("Story ", i), at(i))
	}
	for _, tc := range []struct {
		limit, items int
	}{
		{0, 20}, // the default
		{1, 1},
		{100, 100},
		{1000, 100}, // clamped, not refused
	} {
		page, err := s.ListPublished(ctx, news.ListQuery{Service: "kk", Limit: tc.limit}, at(200))
		must(t, err)
		if len(page.Items) != tc.items || page.Next == "" || page.Total != 101 {
			t.Errorf("Limit %d: %d items, Next %q, Total %d; want %d items, a Next, Total 101", tc.limit, len(page.Items), page.Next, page.Total, tc.items)
		}
	}

	for _, tc := range []struct {
		name string
		q    news.ListQuery
	}{
		{"no service", news.ListQuery{}},
		{"negative limit", news.ListQuery{Service: "kk", Limit: -1}},
		{"cursor not base64", news.ListQuery{Service: "kk", Cursor: "!!!"}},
		{"cursor of nonsense", news.ListQuery{Service: "kk", Cursor: base64.RawURLEncoding.EncodeToString([]byte("nonsense"))}},
	} {
		_, err := s.ListPublished(ctx, tc.q, at(200))
		wantErr(t, "ListPublished "+tc.name, err, news.ErrInvalid)
	}
}

func testListFilters(t *testing.T, s news.Store) {
	f := setup(t, s)
	a := f.published(t, f.sec, "A", at(1), func(n *news.NewStory) { n.TagIDs = []string{f.tag.ID} })
	b := f.published(t, f.sec2, "B", at(2), func(n *news.NewStory) {
		n.TagIDs = []string{f.tag2.ID}
		n.Content.AuthorIDs = []string{f.author2.ID}
	})
	c := f.published(t, f.sec, "C", at(3))
	// C's newest revision names author2, but readers still see the live one.
	content := f.plain("kk", "C edited")
	content.AuthorIDs = []string{f.author2.ID}
	_, err := s.SaveRevision(ctx, c.ID, c.HeadRev, content, f.staff.ID, at(4))
	must(t, err)
	f.published(t, f.ruSec, "R", at(3))

	for _, tc := range []struct {
		name string
		q    news.ListQuery
		want []string
	}{
		{"service", news.ListQuery{Service: "kk"}, []string{c.ID, b.ID, a.ID}},
		{"section", news.ListQuery{Service: "kk", SectionID: f.sec.ID}, []string{c.ID, a.ID}},
		{"tag", news.ListQuery{Service: "kk", TagID: f.tag.ID}, []string{a.ID}},
		{"author", news.ListQuery{Service: "kk", AuthorID: f.author.ID}, []string{c.ID, a.ID}},
		{"author of the live revision only", news.ListQuery{Service: "kk", AuthorID: f.author2.ID}, []string{b.ID}},
		{"another service's section", news.ListQuery{Service: "ru", SectionID: f.sec.ID}, nil},
		{"section and tag", news.ListQuery{Service: "kk", SectionID: f.sec.ID, TagID: f.tag.ID}, []string{a.ID}},
		{"section and author", news.ListQuery{Service: "kk", SectionID: f.sec2.ID, AuthorID: f.author2.ID}, []string{b.ID}},
		{"section and another section's author", news.ListQuery{Service: "kk", SectionID: f.sec.ID, AuthorID: f.author2.ID}, nil},
		{"tag and author", news.ListQuery{Service: "kk", TagID: f.tag.ID, AuthorID: f.author.ID}, []string{a.ID}},
	} {
		page, err := s.ListPublished(ctx, tc.q, at(10))
		must(t, err)
		same(t, tc.name, ids(page.Items), tc.want)
		if page.Total != len(tc.want) {
			t.Errorf("%s: Total %d, want %d", tc.name, page.Total, len(tc.want))
		}
	}
}

// Text narrows a list to stories whose live headline, deck or body hold
// every word, ignoring case (in any script).
func testListText(t *testing.T, s news.Store) {
	f := setup(t, s)
	withText := func(headline, deck, body string) func(*news.NewStory) {
		return func(n *news.NewStory) {
			n.Content.Headline = news.Text(headline)
			n.Content.Deck = news.Text(deck)
			n.Content.Body.Blocks = []news.Block{
				{Type: news.BlockParagraph, Text: news.Text("Кіріспе.")},
				{Type: news.BlockList, Items: []news.Inline{news.Text(body)}},
			}
		}
	}
	x := f.published(t, f.sec, "", at(1), withText("Алматыда жер сілкінді", "Магнитудасы бес", "Зардап шеккендер жоқ"))
	y := f.published(t, f.sec2, "", at(2), withText("Астанада сайлау", "", "Облыс әкімі дауыс берді"))
	z := f.published(t, f.sec, "", at(3), withText("Weather today", "", "Sunny"))
	_, err := s.SaveRevision(ctx, z.ID, z.HeadRev, f.plain("kk", "Weather forecast"), f.staff.ID, at(4))
	must(t, err)

	for _, tc := range []struct {
		text string
		q    news.ListQuery
		want []string
	}{
		{text: "алматыда", want: []string{x.ID}},
		{text: "АЛМАТЫДА  жер", want: []string{x.ID}},
		{text: "магнитудасы", want: []string{x.ID}},    // deck
		{text: "Облыс әкімі", want: []string{y.ID}},    // body
		{text: "WEATHER", want: []string{z.ID}},        // ASCII case too
		{text: "алматыда сайлау", want: nil},           // every word, in one story
		{text: "forecast", want: nil},                  // only the live revision counts
		{text: "  ", want: []string{z.ID, y.ID, x.ID}}, // no words, no narrowing
		{text: "сайлау", q: news.ListQuery{SectionID: f.sec.ID}, want: nil},
		{text: "сайлау", q: news.ListQuery{SectionID: f.sec2.ID}, want: []string{y.ID}},
	} {
		q := tc.q
		q.Service, q.Text = "kk", tc.text
		page, err := s.ListPublished(ctx, q, at(10))
		must(t, err)
		same(t, fmt.Sprintf("Text %q", tc.text), ids(page.Items), tc.want)
		if page.Total != len(tc.want) {
			t.Errorf("Text %q: Total %d, want %d", tc.text, page.Total, len(tc.want))
		}
	}
}

func testSummary(t *testing.T, s news.Store) {
	f := setup(t, s)
	content := f.rich()
	st := f.published(t, f.sec, "", odd, func(n *news.NewStory) { n.Content = content; n.Slug = "сайлау" })
	plain := f.published(t, f.sec2, "Plain", at(0))
	r2, err := s.SaveRevision(ctx, st.ID, st.HeadRev, f.plain("kk", "Жаңартылды"), f.staff.ID, at(100))
	must(t, err)
	r2.Content.Lead = content.Lead
	r2.Content.Dateline = "ASTANA"
	r3, err := s.SaveRevision(ctx, st.ID, r2.ID, r2.Content, f.staff.ID, at(101))
	must(t, err)
	must(t, s.Publish(ctx, st.ID, r3.ID, at(102)))

	page, err := s.ListPublished(ctx, news.ListQuery{Service: "kk"}, at(200))
	must(t, err)
	same(t, "Summaries", page.Items, []news.Summary{
		{ID: st.ID, Service: "kk", Section: f.sec, Slug: "сайлау", Headline: news.Text("Жаңартылды"), Dateline: "ASTANA",
			Lead: content.Lead, LeadAsset: &f.img, PublishAt: news.Time(odd), UpdatedAt: at(102)},
		{ID: plain.ID, Service: "kk", Section: f.sec2, Slug: "story", Headline: news.Text("Plain"), PublishAt: at(0)},
	})
	cur, err := s.Curated(ctx, "kk", at(200))
	must(t, err)
	same(t, "Curated of nothing", cur, []news.Summary(nil))
	must(t, s.SetCuration(ctx, "kk", []string{plain.ID, st.ID}))
	cur, err = s.Curated(ctx, "kk", at(200))
	must(t, err)
	same(t, "Curated summaries", cur, []news.Summary{page.Items[1], page.Items[0]})
}

func testCuration(t *testing.T, s news.Store) {
	f := setup(t, s)
	a := f.published(t, f.sec, "A", at(0))
	b := f.published(t, f.sec, "B", at(1))
	c := f.published(t, f.sec2, "C", at(2))
	d := f.create(t, f.sec, "D")
	must(t, s.Schedule(ctx, d.ID, d.HeadRev, at(60)))
	e := f.create(t, f.sec, "E")
	r := f.published(t, f.ruSec, "R", at(0))

	must(t, s.SetCuration(ctx, "kk", []string{c.ID, a.ID, d.ID, b.ID, e.ID}))
	curated := func(when int) []string {
		t.Helper()
		list, err := s.Curated(ctx, "kk", at(when))
		must(t, err)
		return ids(list)
	}
	same(t, "Curated, lead first", curated(10), []string{c.ID, a.ID, b.ID})
	same(t, "Curated when D is due", curated(60), []string{c.ID, a.ID, d.ID, b.ID})
	must(t, s.Unpublish(ctx, a.ID, at(70)))
	same(t, "Curated after unpublishing A", curated(80), []string{c.ID, d.ID, b.ID})

	wantErr(t, "another service's story", s.SetCuration(ctx, "kk", []string{b.ID, r.ID}), news.ErrInvalid)
	wantErr(t, "unknown story", s.SetCuration(ctx, "kk", []string{news.NewID()}), news.ErrInvalid)
	wantErr(t, "unknown service", s.SetCuration(ctx, "xx", nil), news.ErrInvalid)
	same(t, "Curated after refused changes", curated(80), []string{c.ID, d.ID, b.ID})
	ru, err := s.Curated(ctx, "ru", at(80))
	must(t, err)
	same(t, "another service's curation", ids(ru), []string(nil))

	must(t, s.SetCuration(ctx, "kk", nil))
	same(t, "Curated after clearing", curated(80), []string(nil))
}

func testTranslations(t *testing.T, s news.Store) {
	f := setup(t, s)
	en := news.Service{Code: "en", Name: "Azattyq", Lang: "en", Dir: "ltr", TimeZone: "UTC", Position: 0}
	uz := news.Service{Code: "uz", Name: "Ozodlik", Lang: "uz", Dir: "ltr", TimeZone: "Asia/Tashkent", Position: 9}
	must(t, s.PutService(ctx, en))
	must(t, s.PutService(ctx, uz))
	enSec := news.Section{Service: "en", Slug: "news", Name: "News"}
	uzSec := news.Section{Service: "uz", Slug: "news", Name: "Yangiliklar"}
	must(t, s.PutSection(ctx, &enSec))
	must(t, s.PutSection(ctx, &uzSec))
	noByline := func(n *news.NewStory) { n.Content.AuthorIDs = nil }

	k := f.published(t, f.sec, "K", at(0))
	r := f.published(t, f.ruSec, "R", at(1))
	e := f.published(t, enSec, "E", at(2), noByline)
	k2 := f.published(t, f.sec, "K2", at(3))
	must(t, s.LinkTranslation(ctx, k.ID, r.ID))
	must(t, s.LinkTranslation(ctx, e.ID, r.ID)) // merges E into K's group
	group := f.story(t, k.ID).Group
	if group == "" {
		t.Fatal("LinkTranslation left the story without a group")
	}
	for _, id := range []string{r.ID, e.ID} {
		if g := f.story(t, id).Group; g != group {
			t.Errorf("story %s in group %q, want %q", id, g, group)
		}
	}

	// A new story may join the group at creation.
	u := f.published(t, uzSec, "U", at(4), noByline, func(n *news.NewStory) { n.Group = group })
	if u.Group != group {
		t.Errorf("new story joined group %q, want %q", u.Group, group)
	}
	_, err := s.CreateStory(ctx, news.NewStory{Service: "kk", SectionID: f.sec.ID, Slug: "x", Group: group,
		Content: f.plain("kk", "Second kk"), CreatedBy: f.staff.ID, Created: t0})
	wantErr(t, "second story of a service in a group", err, news.ErrInvalid)

	summary := func(id string) news.Summary {
		t.Helper()
		st := f.story(t, id)
		page, err := s.ListPublished(ctx, news.ListQuery{Service: st.Service}, at(10))
		must(t, err)
		for _, it := range page.Items {
			if it.ID == id {
				return it
			}
		}
		t.Fatalf("story %s is not listed", id)
		return news.Summary{}
	}
	p, err := s.PublishedStory(ctx, k.ID, at(10))
	must(t, err)
	en, _ = s.Service(ctx, "en")
	uz, _ = s.Service(ctx, "uz")
	ru, _ := s.Service(ctx, "ru")
	same(t, "Translations in service order", p.Translations, []news.Translation{
		{Service: en, Summary: summary(e.ID)},
		{Service: ru, Summary: summary(r.ID)},
		{Service: uz, Summary: summary(u.ID)},
	})

	must(t, s.Unpublish(ctx, e.ID, at(20)))
	p, err = s.PublishedStory(ctx, r.ID, at(30))
	must(t, err)
	same(t, "Translations without the unpublished one", p.Translations, []news.Translation{
		{Service: f.kk, Summary: summary(k.ID)},
		{Service: uz, Summary: summary(u.ID)},
	})

	wantErr(t, "link two stories of one service", s.LinkTranslation(ctx, k.ID, k2.ID), news.ErrInvalid)
	wantErr(t, "link a story to itself", s.LinkTranslation(ctx, k.ID, k.ID), news.ErrInvalid)
	wantErr(t, "link an unknown story", s.LinkTranslation(ctx, k.ID, news.NewID()), news.ErrNotFound)
	if g := f.story(t, k2.ID).Group; g == group {
		t.Error("a refused link changed the group")
	}
}

func testContentVersion(t *testing.T, s news.Store) {
	f := setup(t, s)
	var (
		st, ruSt, st2 news.Story
		notice        news.Notice
		err           error
	)
	for _, step := range []struct {
		name  string
		write func() error
	}{
		{"PutService", func() error {
			return s.PutService(ctx, news.Service{Code: "en", Name: "Azattyq", Lang: "en", Dir: "ltr", TimeZone: "UTC"})
		}},
		{"PutSection", func() error { return s.PutSection(ctx, &news.Section{Service: "kk", Slug: "world", Name: "Әлем"}) }},
		{"PutTag", func() error { return s.PutTag(ctx, &news.Tag{Service: "kk", Slug: "astana", Name: "Astana"}) }},
		{"PutAuthor", func() error { return s.PutAuthor(ctx, &news.Author{Service: "kk", Slug: "dana", Name: "Dana"}) }},
		{"PutNotice", func() error {
			notice = news.Notice{Service: "kk", Title: "Notice", Active: true}
			return s.PutNotice(ctx, &notice)
		}},
		{"DeleteNotice", func() error { return s.DeleteNotice(ctx, notice.ID) }},
		{"SetBanner", func() error {
			return s.SetBanner(ctx, news.Banner{Service: "kk", Text: "Breaking", Active: true, Updated: t0})
		}},
		{"PutAsset", func() error {
			return s.PutAsset(ctx, &news.Asset{Hash: hash("version"), MIME: "image/png", Created: t0})
		}},
		{"CreateStory", func() error {
			st, err = s.CreateStory(ctx, news.NewStory{Service: "kk", SectionID: f.sec.ID, Slug: "a", Content: f.plain("kk", "A"), CreatedBy: f.staff.ID, Created: t0})
			return err
		}},
		{"Publish", func() error { return s.Publish(ctx, st.ID, st.HeadRev, at(1)) }},
		{"AddCorrection", func() error { _, err := s.AddCorrection(ctx, st.ID, news.Text("Fixed"), at(2)); return err }},
		{"MoveStory", func() error { return s.MoveStory(ctx, st.ID, f.sec2.ID, "b") }},
		{"SetStoryTags", func() error { return s.SetStoryTags(ctx, st.ID, []string{f.tag.ID}) }},
		{"SetCuration", func() error { return s.SetCuration(ctx, "kk", []string{st.ID}) }},
		{"LinkTranslation", func() error {
			ruSt, err = s.CreateStory(ctx, news.NewStory{Service: "ru", SectionID: f.ruSec.ID, Slug: "a", Content: f.plain("ru", "A"), CreatedBy: f.staff.ID, Created: t0})
			if err != nil {
				return err
			}
			before, _ := s.ContentVersion(ctx)
			if err := s.LinkTranslation(ctx, st.ID, ruSt.ID); err != nil {
				return err
			}
			if after, _ := s.ContentVersion(ctx); after <= before {
				return fmt.Errorf("version %d after the link, %d before", after, before)
			}
			return nil
		}},
		{"Schedule", func() error {
			st2 = f.create(t, f.sec, "Scheduled")
			return s.Schedule(ctx, st2.ID, st2.HeadRev, at(60))
		}},
		{"Unpublish", func() error { return s.Unpublish(ctx, st.ID, at(3)) }},
	} {
		before, err := s.ContentVersion(ctx)
		must(t, err)
		if err := step.write(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		after, err := s.ContentVersion(ctx)
		must(t, err)
		if after <= before {
			t.Errorf("ContentVersion %d after %s, %d before: want an increase", after, step.name, before)
		}
	}
}
