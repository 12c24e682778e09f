// Package storetest is the conformance suite every news.Store must pass.
// A backend's test calls Run with a function that opens a fresh, empty
// store; the suite pins down the contract written on news.Store, plus the
// details readers and editors depend on that the interface comments only
// sketch: round trips of every field, time normalization, list order and
// cursor stability, visibility at an instant, and the content version.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"qalam/internal/news"
)

// Run runs the suite. open must return a new, empty, migrated store for
// each call; the suite closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) news.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s news.Store)
	}{
		{"Services", testServices},
		{"FirstServiceIsDefault", testFirstServiceIsDefault},
		{"Sections", testSections},
		{"Tags", testTags},
		{"Authors", testAuthors},
		{"Notices", testNotices},
		{"Banner", testBanner},
		{"Staff", testStaff},
		{"Assets", testAssets},
		{"CreateStory", testCreateStory},
		{"CreateStoryInvalid", testCreateStoryInvalid},
		{"SaveRevision", testSaveRevision},
		{"Publish", testPublish},
		{"Schedule", testSchedule},
		{"Visibility", testVisibility},
		{"StoryGone", testStoryGone},
		{"PublishedStory", testPublishedStory},
		{"ListOrderEqualTimes", testListOrderEqualTimes},
		{"ListCursorStable", testListCursorStable},
		{"ListLimitsAndErrors", testListLimitsAndErrors},
		{"ListFilters", testListFilters},
		{"ListText", testListText},
		{"Summary", testSummary},
		{"MoveStory", testMoveStory},
		{"StoryTagsAndStatus", testStoryTagsAndStatus},
		{"Curation", testCuration},
		{"Translations", testTranslations},
		{"ContentVersion", testContentVersion},
	}
	tests = append(tests, jobTests...)
	tests = append(tests, mirrorTests...)
	tests = append(tests, liveBlogTests...)
	tests = append(tests, searchTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

// Instants used throughout. odd has nanoseconds and a non-UTC zone: every
// store must hand it back as news.Time(odd), UTC and truncated to µs.
var (
	almaty = mustZone("Asia/Almaty")
	t0     = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	odd    = time.Date(2025, 3, 1, 15, 4, 5, 123456789, almaty)
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("storetest: time zone data missing: " + err.Error())
	}
	return loc
}

func at(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }

var ctx = context.Background()

// fixture is a store with two services and everything stories need.
type fixture struct {
	s       news.Store
	kk, ru  news.Service
	sec     news.Section // kk/politics
	sec2    news.Section // kk/economy
	ruSec   news.Section // ru/politics
	author  news.Author  // kk, "Aigerim"
	author2 news.Author  // kk, "Bolat"
	ruAuth  news.Author
	tag     news.Tag // kk/almaty
	tag2    news.Tag // kk/elections
	ruTag   news.Tag
	img     news.Asset
	img2    news.Asset
	staff   news.Staff
}

func setup(t *testing.T, s news.Store) *fixture {
	t.Helper()
	f := &fixture{s: s}
	f.kk = news.Service{Code: "kk", Name: "Азаттық", Lang: "kk", Dir: "ltr", TimeZone: "Asia/Almaty",
		Tagline: "Тәуелсіз ақпарат", Promo: news.Inline{{Text: "Біз туралы", Marks: []news.Mark{{Type: news.MarkStrong}}}},
		Position: 1, Default: true}
	f.ru = news.Service{Code: "ru", Name: "Азаттык", Lang: "ru", Dir: "ltr", TimeZone: "Asia/Almaty", Position: 2}
	must(t, s.PutService(ctx, f.kk))
	must(t, s.PutService(ctx, f.ru))
	f.sec = news.Section{Service: "kk", Slug: "politics", Name: "Саясат", Position: 1}
	f.sec2 = news.Section{Service: "kk", Slug: "economy", Name: "Экономика", Position: 2}
	f.ruSec = news.Section{Service: "ru", Slug: "politics", Name: "Политика", Position: 1}
	for _, sec := range []*news.Section{&f.sec, &f.sec2, &f.ruSec} {
		must(t, s.PutSection(ctx, sec))
	}
	f.author = news.Author{Service: "kk", Slug: "aigerim", Name: "Aigerim", Bio: "Алматыдағы тілші"}
	f.author2 = news.Author{Service: "kk", Slug: "bolat", Name: "Bolat"}
	f.ruAuth = news.Author{Service: "ru", Slug: "anna", Name: "Anna"}
	for _, a := range []*news.Author{&f.author, &f.author2, &f.ruAuth} {
		must(t, s.PutAuthor(ctx, a))
	}
	f.tag = news.Tag{Service: "kk", Slug: "almaty", Name: "Almaty"}
	f.tag2 = news.Tag{Service: "kk", Slug: "elections", Name: "Elections"}
	f.ruTag = news.Tag{Service: "ru", Slug: "almaty", Name: "Алматы"}
	for _, tg := range []*news.Tag{&f.tag, &f.tag2, &f.ruTag} {
		must(t, s.PutTag(ctx, tg))
	}
	f.img = f.asset(t, "lead")
	f.img2 = f.asset(t, "body")
	f.staff = news.Staff{Email: "editor@example.org", Name: "Editor", Created: t0}
	must(t, s.PutStaff(ctx, &f.staff))
	return f
}

// asset stores an image whose content hash is derived from name.
func (f *fixture) asset(t *testing.T, name string) news.Asset {
	t.Helper()
	a := news.Asset{Hash: hash(name), MIME: "image/jpeg", Width: 1600, Height: 900, Bytes: 123456, Created: t0}
	must(t, f.s.PutAsset(ctx, &a))
	return a
}

func hash(name string) string {
	h := sha256.Sum256([]byte(name))
	return hex.EncodeToString(h[:])
}

// byline returns an author of service.
func (f *fixture) byline(service string) news.Author {
	if service == "ru" {
		return f.ruAuth
	}
	return f.author
}

// plain is minimal valid content for a story of service.
func (f *fixture) plain(service, headline string) news.Content {
	return news.Content{
		Headline:  news.Text(headline),
		Body:      news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Text.")}}},
		AuthorIDs: []string{f.byline(service).ID},
	}
}

// rich is content using every block type, every mark and a lead figure.
func (f *fixture) rich() news.Content {
	return news.Content{
		Headline: news.Inline{{Text: "Сайлау: "}, {Text: "нәтиже", Marks: []news.Mark{{Type: news.MarkEm}}}},
		Deck:     news.Text("Орталық сайлау комиссиясы қорытынды жариялады"),
		Dateline: "ALMATY, Kazakhstan",
		Lead:     &news.Figure{AssetID: f.img.ID, Alt: "Сайлау учаскесі", Caption: news.Inline{{Text: "Учаске", Marks: []news.Mark{{Type: news.MarkEm}}}}, Credit: "Фото: Азаттық"},
		Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{
			{Type: news.BlockParagraph, Text: news.Inline{
				{Text: "Plain, "},
				{Text: "emphasis, ", Marks: []news.Mark{{Type: news.MarkEm}}},
				{Text: "strong link", Marks: []news.Mark{{Type: news.MarkStrong}, {Type: news.MarkLink, Href: "https://example.org/a?b=c&d=é"}}},
				{Text: " Qazaqstan", Marks: []news.Mark{{Type: news.MarkNoTranslit}}},
				{Text: " mail", Marks: []news.Mark{{Type: news.MarkLink, Href: "mailto:news@example.org"}}},
			}},
			{Type: news.BlockHeading, Level: 2, Text: news.Text("Екінші деңгей")},
			{Type: news.BlockHeading, Level: 4, Text: news.Text("Төртінші")},
			{Type: news.BlockList, Ordered: true, Items: []news.Inline{
				news.Text("бір"),
				{{Text: "екі", Marks: []news.Mark{{Type: news.MarkLink, Href: "/kk/tag/almaty"}}}},
			}},
			{Type: news.BlockList, Items: []news.Inline{news.Text("نقطة")}},
			{Type: news.BlockQuote, Text: news.Text("«Өнер алды — қызыл тіл»"), Cite: "Абай"},
			{Type: news.BlockFigure, Figure: &news.Figure{AssetID: f.img2.ID, Alt: "Карта", Caption: news.Text("Карта"), Credit: "AP"}},
			{Type: news.BlockEmbed, Embed: &news.Embed{URL: "https://www.youtube.com/watch?v=abc", Provider: "youtube", Title: "Видео"}},
		}},
		AuthorIDs: []string{f.author2.ID, f.author.ID},
	}
}

// create makes a draft story in sec with plain content.
func (f *fixture) create(t *testing.T, sec news.Section, headline string, edit ...func(*news.NewStory)) news.Story {
	t.Helper()
	n := news.NewStory{Service: sec.Service, SectionID: sec.ID, Slug: "story", Content: f.plain(sec.Service, headline),
		CreatedBy: f.staff.ID, Created: t0}
	for _, e := range edit {
		e(&n)
	}
	st, err := f.s.CreateStory(ctx, n)
	must(t, err)
	return st
}

// published makes a story in sec and publishes its first revision at when.
func (f *fixture) published(t *testing.T, sec news.Section, headline string, when time.Time, edit ...func(*news.NewStory)) news.Story {
	t.Helper()
	st := f.create(t, sec, headline, edit...)
	must(t, f.s.Publish(ctx, st.ID, st.HeadRev, when))
	return f.story(t, st.ID)
}

func (f *fixture) story(t *testing.T, id string) news.Story {
	t.Helper()
	st, err := f.s.Story(ctx, id)
	must(t, err)
	return st
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr fails unless err wraps target (nil target: unless err is nil).
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	switch {
	case target == nil && err != nil:
		t.Errorf("%s: unexpected error %v", what, err)
	case target != nil && !errors.Is(err, target):
		t.Errorf("%s: got error %v, want one wrapping %q", what, err, target)
	}
}

// same fails with the first difference between got and want.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := diff(got, want); d != "" {
		t.Errorf("%s: %s", what, d)
	}
}

func ids(items []news.Summary) []string {
	var out []string
	for _, s := range items {
		out = append(out, s.ID)
	}
	return out
}

func contains(list []string, id string) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}
