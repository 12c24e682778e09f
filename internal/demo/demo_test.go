package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image/jpeg"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qalam/internal/i18n"
	"qalam/internal/news"
	"qalam/internal/sqlite"
)

var demoNow = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// testMedia stores an upload as it is: enough for Seed, without resizing.
type testMedia struct {
	store news.Store
	calls int
}

func (m *testMedia) Ingest(ctx context.Context, data []byte) (news.Asset, error) {
	m.calls++
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return news.Asset{}, err
	}
	sum := sha256.Sum256(data)
	a := news.Asset{
		Hash: hex.EncodeToString(sum[:]), MIME: "image/jpeg",
		Width: cfg.Width, Height: cfg.Height, Bytes: int64(len(data)), Created: demoNow,
	}
	err = m.store.PutAsset(ctx, &a)
	return a, err
}

// allStories walks the demo data with each story's service.
func allStories() (out []struct {
	svc news.Service
	st  storyData
}) {
	for _, sd := range newsroom() {
		for _, st := range sd.stories {
			out = append(out, struct {
				svc news.Service
				st  storyData
			}{sd.svc, st})
		}
	}
	return out
}

// texts returns every reader-visible string of a story's first revision.
func storyTexts(st storyData) []string {
	out := []string{st.headline.Plain(), st.deck.Plain(), st.dateline, st.lead.alt, st.lead.caption, st.lead.credit}
	for _, b := range st.body {
		out = append(out, b.Text.Plain(), b.Cite)
		for _, it := range b.Items {
			out = append(out, it.Plain())
		}
		if b.Figure != nil {
			out = append(out, b.Figure.Alt, b.Figure.Caption.Plain(), b.Figure.Credit)
		}
		if b.Embed != nil {
			out = append(out, b.Embed.Title)
		}
	}
	if u := st.update; u != nil {
		out = append(out, u.deck.Plain())
		for _, b := range u.add {
			out = append(out, b.Text.Plain())
		}
	}
	for _, c := range st.corrections {
		out = append(out, c.text.Plain())
	}
	return out
}

func TestStoriesAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	blockKinds := map[string]bool{}
	var ordered, bulleted, notranslit bool
	for _, x := range allStories() {
		st := x.st
		if !news.ValidID(st.id) || seen[st.id] {
			t.Errorf("story ID %q is invalid or repeated", st.id)
		}
		seen[st.id] = true
		if n := len(st.body); n < 4 || n > 8 {
			t.Errorf("%s: %d body blocks, want 4..8", st.id, n)
		}
		if st.headline.Plain() == "" || st.deck.Plain() == "" || st.dateline == "" || len(st.authors) == 0 {
			t.Errorf("%s: headline, deck, dateline or byline missing", st.id)
		}
		if st.lead.alt == "" || st.lead.caption == "" || st.lead.credit == "" {
			t.Errorf("%s: lead figure lacks alt, caption or credit", st.id)
		}
		c := news.Content{Headline: st.headline, Deck: st.deck, Dateline: st.dateline, Body: news.Doc{Version: news.DocVersion, Blocks: st.body},
			Lead: &news.Figure{AssetID: "x", Alt: st.lead.alt, Caption: news.Text(st.lead.caption), Credit: st.lead.credit}}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", st.id, err)
		}
		for _, b := range st.body {
			blockKinds[b.Type] = true
			if b.Type == news.BlockList {
				ordered = ordered || b.Ordered
				bulleted = bulleted || !b.Ordered
			}
			if b.Type == news.BlockQuote && b.Cite == "" {
				t.Errorf("%s: quote without cite", st.id)
			}
			for _, s := range b.Text {
				for _, m := range s.Marks {
					notranslit = notranslit || m.Type == news.MarkNoTranslit && x.svc.Code == "kk"
				}
			}
		}
		for _, cor := range st.corrections {
			if cor.fix[0] != "" && !strings.Contains(strings.Join(storyTexts(st), "\n"), cor.fix[0]) {
				t.Errorf("%s: correction fixes %q, which the story does not say", st.id, cor.fix[0])
			}
		}
		if x.svc.Code == "fa" && st.slug == "" {
			t.Errorf("%s: Persian stories need a written-out slug", st.id)
		}
	}
	for _, k := range []string{news.BlockParagraph, news.BlockHeading, news.BlockList, news.BlockQuote, news.BlockFigure, news.BlockEmbed} {
		if !blockKinds[k] {
			t.Errorf("no story uses a %s block", k)
		}
	}
	if !ordered || !bulleted || !notranslit {
		t.Errorf("ordered list %v, bulleted list %v, notranslit in Kazakh %v: want all", ordered, bulleted, notranslit)
	}
	if len(seen) < 48 {
		t.Errorf("%d stories, want at least 48", len(seen))
	}
}

func TestLanguages(t *testing.T) {
	// Catalog strings of the English interface must not turn up on pages
	// in other languages, so the demo's own text avoids them too.
	var english []string
	for _, s := range i18n.For("en").Strings() {
		for _, part := range strings.Split(s, "%") {
			part = strings.TrimSpace(strings.TrimLeft(part, "sd"))
			if len([]rune(part)) >= 4 && part != i18n.For("en").T("lang.name") {
				english = append(english, part)
			}
		}
	}
	for _, sd := range newsroom() {
		code := sd.svc.Code
		var svcTexts []string
		svcTexts = append(svcTexts, sd.svc.Name, sd.svc.Tagline, sd.svc.Promo.Plain())
		for _, n := range sd.notices {
			svcTexts = append(svcTexts, n.title, n.body.Plain())
		}
		for _, a := range sd.authors {
			svcTexts = append(svcTexts, a.name, a.bio)
		}
		for _, s := range sd.sections {
			svcTexts = append(svcTexts, s.name)
		}
		for _, s := range sd.tags {
			svcTexts = append(svcTexts, s.name)
		}
		for _, st := range sd.stories {
			texts := storyTexts(st)
			all := strings.Join(texts, "\n")
			switch code {
			case "kk":
				if !strings.ContainsAny(all, "әғқңөұүһіӘҒҚҢӨҰҮҺІ") {
					t.Errorf("%s: no Kazakh letters", st.id)
				}
			case "fa":
				// Persian text uses Persian yeh and keheh, not the Arabic letters.
				if strings.ContainsAny(all, "يك") {
					t.Errorf("%s: Arabic yeh or kaf in Persian text", st.id)
				}
			}
			svcTexts = append(svcTexts, texts...)
		}
		if code == "en" {
			continue
		}
		all := strings.Join(svcTexts, "\n")
		for _, s := range english {
			if strings.Contains(all, s) {
				t.Errorf("%s: demo text carries the English interface string %q", code, s)
			}
		}
	}
}

func TestSlugsAndTimes(t *testing.T) {
	for _, sd := range newsroom() {
		lang := sd.svc.Lang
		for _, s := range sd.sections {
			if !news.ValidSlug(slugOf(s.slug, s.name, lang)) {
				t.Errorf("%s section %s: bad slug", sd.svc.Code, s.key)
			}
		}
		for _, s := range sd.tags {
			if !news.ValidSlug(slugOf(s.slug, s.name, lang)) {
				t.Errorf("%s tag %s: bad slug", sd.svc.Code, s.key)
			}
		}
		for _, a := range sd.authors {
			if !news.ValidSlug(slugOf(a.slug, a.name, lang)) {
				t.Errorf("%s author %s: bad slug %q", sd.svc.Code, a.key, slugOf(a.slug, a.name, lang))
			}
		}
		// Publish times are distinct within a service but for a few
		// deliberate pairs; all fall within the ten days before now.
		at := map[time.Duration][]string{}
		for _, st := range sd.stories {
			if st.state == published {
				at[st.ago] = append(at[st.ago], st.id)
			}
			if st.ago <= 0 || st.ago > 10*24*time.Hour {
				t.Errorf("%s: publish time %v before now", st.id, st.ago)
			}
			if s := slugOf(st.slug, truncateWords(st.headline.Plain(), 70), lang); !news.ValidSlug(s) {
				t.Errorf("%s: bad slug %q", st.id, s)
			}
		}
		for _, ids := range at {
			if len(ids) > 2 {
				t.Errorf("%s: %d stories at one instant: %v", sd.svc.Code, len(ids), ids)
			}
		}
	}
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lib := &testMedia{store: db}
	start := time.Now()
	if err := Seed(ctx, db, lib, demoNow); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded in %v with %d images", time.Since(start), lib.calls)
	at := demoNow.Add(time.Hour)

	services, err := db.Services(ctx)
	if err != nil || len(services) != 4 {
		t.Fatalf("services: %d, %v", len(services), err)
	}
	var codes []string
	for _, s := range services {
		codes = append(codes, s.Code)
		if s.Default != (s.Code == "kk") {
			t.Errorf("%s: Default=%v", s.Code, s.Default)
		}
	}
	if strings.Join(codes, ",") != "kk,ru,en,fa" {
		t.Errorf("services in order %v", codes)
	}

	public := 0
	for _, s := range services {
		page, err := db.ListPublished(ctx, news.ListQuery{Service: s.Code, Limit: 100}, at)
		if err != nil {
			t.Fatal(err)
		}
		public += page.Total
		for _, sum := range page.Items {
			for _, m := range []string{DraftMarker, ScheduledMarker, UnpublishedMarker} {
				if strings.Contains(sum.Headline.Plain(), m) {
					t.Errorf("%s lists %s", s.Code, sum.ID)
				}
			}
		}
		// Curation: a lead and three or four more, not simply the newest.
		cur, err := db.Curated(ctx, s.Code, at)
		if err != nil || len(cur) < 4 || len(cur) > 5 {
			t.Errorf("%s curation: %d stories, %v", s.Code, len(cur), err)
		} else if same(cur, page.Items[:len(cur)]) {
			t.Errorf("%s curation is simply the newest stories", s.Code)
		}
		secs, _ := db.Sections(ctx, s.Code)
		authors, _ := db.Authors(ctx, s.Code)
		notices, _ := db.Notices(ctx, s.Code)
		if len(secs) < 4 || len(secs) > 6 || len(authors) < 3 || len(authors) > 5 || len(notices) == 0 {
			t.Errorf("%s: %d sections, %d authors, %d notices", s.Code, len(secs), len(authors), len(notices))
		}
		var collective bool
		for _, a := range authors {
			collective = collective || a.Collective
		}
		if !collective {
			t.Errorf("%s has no collective byline", s.Code)
		}
	}
	if public < 48 {
		t.Errorf("%d public stories, want at least 48", public)
	}
	if cur, _ := db.Curated(ctx, "kk", at); len(cur) == 0 || cur[0].ID != LeadStoryKK {
		t.Errorf("kk lead is not LeadStoryKK")
	}

	// The Russian warning for readers in Russia, and the Kazakh banner.
	notices, _ := db.Notices(ctx, "ru")
	var ruWarning bool
	for _, n := range notices {
		ruWarning = ruWarning || n.Active && len(n.Countries) == 1 && n.Countries[0] == "RU" && strings.Contains(n.Body.Plain(), "нежелательной")
	}
	if !ruWarning {
		t.Error("no active notice for readers in Russia")
	}
	if b, err := db.Banner(ctx, "kk"); err != nil || !b.Active || !strings.HasSuffix(b.Link, "-"+kkVerdict) {
		t.Errorf("kk banner %+v, %v", b, err)
	}
	if b, err := db.Banner(ctx, "ru"); err != nil || b.Active {
		t.Errorf("ru banner %+v, %v: want an inactive one", b, err)
	}

	// Translations, corrections, updates.
	p, err := db.PublishedStory(ctx, TranslatedStoryID, at)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Translations) != 3 {
		t.Errorf("TranslatedStoryID has %d translations, want 3", len(p.Translations))
	}
	translated := 0
	for _, x := range allStories() {
		if x.st.state != published {
			continue
		}
		p, err := db.PublishedStory(ctx, x.st.id, at)
		if err != nil {
			t.Errorf("%s: %v", x.st.id, err)
			continue
		}
		if len(p.Translations) > 0 {
			translated++
		}
		if err := p.Rev.Content.Validate(); err != nil {
			t.Errorf("%s: stored content: %v", x.st.id, err)
		}
		if (x.st.update != nil || x.st.corrections != nil) != !p.Story.UpdatedAt.IsZero() {
			t.Errorf("%s: UpdatedAt %v", x.st.id, p.Story.UpdatedAt)
		}
		if p.Rev.CreatedBy != StaffID || len(p.Authors) != len(x.st.authors) || p.Rev.Content.Lead == nil {
			t.Errorf("%s: revision by %q with %d authors", x.st.id, p.Rev.CreatedBy, len(p.Authors))
		}
	}
	if translated < 6 {
		t.Errorf("%d stories have translations, want at least 6", translated)
	}
	p, _ = db.PublishedStory(ctx, CorrectedStoryID, at)
	if len(p.Corrections) != 2 || strings.Contains(p.Rev.Content.Headline.Plain(), "18") {
		t.Errorf("CorrectedStoryID: %d corrections, headline %q", len(p.Corrections), p.Rev.Content.Headline.Plain())
	}

	// Moves.
	if st, _ := db.Story(ctx, MovedStoryID); st.Slug != MovedStoryNewSlug {
		t.Errorf("MovedStoryID slug %q", st.Slug)
	}
	if st, _ := db.Story(ctx, SectionMovedStoryID); st.SectionID != detID("section", "en", "environment") {
		t.Errorf("SectionMovedStoryID is in section %s", st.SectionID)
	}

	// The hidden stories stay hidden; the scheduled one goes live on time.
	for _, id := range []string{DraftStoryID, ScheduledStoryID, UnpublishedStoryID} {
		if _, err := db.PublishedStory(ctx, id, at); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("%s is public: %v", id, err)
		}
	}
	if gone, _ := db.StoryGone(ctx, UnpublishedStoryID, at); !gone {
		t.Error("UnpublishedStoryID is not gone")
	}
	if _, err := db.PublishedStory(ctx, ScheduledStoryID, demoNow.Add(49*time.Hour)); err != nil {
		t.Errorf("scheduled story not public after its time: %v", err)
	}
	if st, _ := db.Story(ctx, DraftStoryID); st.Pub != news.PubNone {
		t.Errorf("draft is %s", st.Pub)
	}

	// Staff.
	if s, err := db.Staff(ctx, StaffID); err != nil || s.Email != StaffEmail || s.Name != StaffName {
		t.Errorf("staff %+v, %v", s, err)
	}

	// Never over a real newsroom.
	if err := Seed(ctx, db, lib, demoNow); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("second Seed: %v, want ErrNotEmpty", err)
	}
}

func same(a, b []news.Summary) bool {
	for i := range a {
		if a[i].ID != b[i].ID {
			return false
		}
	}
	return true
}

// How fast is a benchmark's question (BenchmarkIllustration), not a test's.
func TestIllustrationIsDeterministic(t *testing.T) {
	a, err := illustrationJPEG(42)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := illustrationJPEG(42)
	if !bytes.Equal(a, b) {
		t.Error("the same seed drew two different pictures")
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(a))
	if err != nil || cfg.Width != illustrationW || cfg.Height != illustrationH {
		t.Errorf("illustration %dx%d, %v", cfg.Width, cfg.Height, err)
	}
}

func BenchmarkIllustration(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		if _, err := illustrationJPEG(int64(i)); err != nil {
			b.Fatal(err)
		}
	}
}
