// Package demo fills an empty store with a demo newsroom: four language
// services (Kazakh, Russian, English, Persian) with sections, tags, bylines,
// notices, banners, curation and about fifty original, fictional stories,
// some translated, corrected, updated, moved, drafted, embargoed or taken
// down, so every surface of qalam has something realistic to show and test.
//
// Everything in it is invented: the people, the events and the quotes.
package demo

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/fnv"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gosimple/slug"

	"qalam/internal/news"
)

// Media is what Seed needs from the media library: it stores an uploaded
// image and returns its asset ((*media.Library).Ingest implements it).
type Media interface {
	Ingest(ctx context.Context, data []byte) (news.Asset, error)
}

// The staff account that writes every demo revision. It is private: tests
// check that neither the email nor the name ever reaches a public page.
const (
	StaffEmail = "desk@qalam.example"
	StaffName  = "Demo Editor"
	StaffID    = "demodeskstaf"
)

// Stories that tests look for by ID.
const (
	// LeadStoryKK is the lead of the Kazakh service's curation.
	LeadStoryKK = kkVerdict
	// TranslatedStoryID has translations in all four services.
	TranslatedStoryID = kkAral
	// CorrectedStoryID carries two corrections.
	CorrectedStoryID = kkTariffs
	// MovedStoryID had its slug changed after publishing: its first URL
	// must redirect to the current one.
	MovedStoryID = ruRenamed
	// SectionMovedStoryID was moved to another section after publishing.
	SectionMovedStoryID = enMoved
	// DraftStoryID was never published.
	DraftStoryID = "kkdraftstory"
	// ScheduledStoryID is embargoed until 48 hours after the demo's now.
	ScheduledStoryID = "ruscheduledz"
	// UnpublishedStoryID was published and then taken down (410 Gone).
	UnpublishedStoryID = "enwithdrawnz"
)

// Marker words carried by the headline and body of the stories readers
// must never see, so a test can search any public output for them.
const (
	DraftMarker       = "zzdraftmarkerqq"
	ScheduledMarker   = "zzschedmarkerqq"
	UnpublishedMarker = "zzgonemarkerqq"
)

// ErrNotEmpty is returned by Seed when the store already holds a newsroom.
var ErrNotEmpty = errors.New("demo: the store already has services; the demo only fills an empty store")

// Seed fills an EMPTY store with the demo newsroom. It returns ErrNotEmpty
// if the store already has services (it never overwrites a real newsroom).
// now is the instant the demo is built at; publish times are spread over
// the ten days before now, and one story is scheduled for now+48h. The
// result is the same for the same now, down to the IDs of stories,
// sections, tags, authors and notices. Seed is not atomic: if it fails
// part-way, the store keeps what was written and must be emptied before
// another try.
func Seed(ctx context.Context, store news.Store, lib Media, now time.Time) error {
	existing, err := store.Services(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(existing) > 0 {
		return ErrNotEmpty
	}
	rooms := newsroom()
	s := &seeder{
		rooms:   rooms,
		store:   store,
		lib:     lib,
		now:     news.Time(now),
		images:  map[int64]news.Asset{},
		paths:   map[string]string{},
		groups:  map[string][]string{},
		section: map[string]news.Section{},
		tag:     map[string]string{},
		author:  map[string]string{},
	}
	if err := s.run(ctx); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// newsroom lists the services in their order.
func newsroom() []serviceData {
	return []serviceData{kazakh(), russian(), english(), persian()}
}

type seeder struct {
	rooms []serviceData
	store news.Store
	lib   Media
	now   time.Time

	jpegs      map[int64][]byte     // illustration seed -> encoded picture
	images     map[int64]news.Asset // illustration seed -> ingested asset
	paths      map[string]string    // story ID -> current site path
	groups     map[string][]string  // translation group -> story IDs in service order
	groupOrder []string

	// The current service's sections (by key), tags and authors (key -> ID).
	section map[string]news.Section
	tag     map[string]string
	author  map[string]string
}

func (s *seeder) run(ctx context.Context) error {
	// Draw first: nothing is written if the pictures cannot be made.
	var err error
	if s.jpegs, err = drawAll(ctx, s.rooms); err != nil {
		return err
	}
	staff := news.Staff{ID: StaffID, Email: StaffEmail, Name: StaffName, Created: s.now.Add(-30 * 24 * time.Hour)}
	if err := s.store.PutStaff(ctx, &staff); err != nil {
		return fmt.Errorf("staff: %w", err)
	}
	for _, sd := range s.rooms {
		if err := s.service(ctx, sd); err != nil {
			return fmt.Errorf("service %s: %w", sd.svc.Code, err)
		}
	}
	for _, g := range s.groupOrder {
		ids := s.groups[g]
		for _, other := range ids[1:] {
			if err := s.store.LinkTranslation(ctx, ids[0], other); err != nil {
				return fmt.Errorf("translation %s: %w", g, err)
			}
		}
	}
	return nil
}

func (s *seeder) service(ctx context.Context, sd serviceData) error {
	code := sd.svc.Code
	if err := s.store.PutService(ctx, sd.svc); err != nil {
		return err
	}
	clear(s.section)
	clear(s.tag)
	clear(s.author)
	for i, d := range sd.sections {
		sec := news.Section{ID: detID("section", code, d.key), Service: code, Slug: slugOf(d.slug, d.name, sd.svc.Lang), Name: d.name, Position: i + 1}
		if err := s.store.PutSection(ctx, &sec); err != nil {
			return fmt.Errorf("section %s: %w", d.key, err)
		}
		s.section[d.key] = sec
	}
	for _, d := range sd.tags {
		t := news.Tag{ID: detID("tag", code, d.key), Service: code, Slug: slugOf(d.slug, d.name, sd.svc.Lang), Name: d.name}
		if err := s.store.PutTag(ctx, &t); err != nil {
			return fmt.Errorf("tag %s: %w", d.key, err)
		}
		s.tag[d.key] = t.ID
	}
	for _, d := range sd.authors {
		a := news.Author{ID: detID("author", code, d.key), Service: code, Slug: slugOf(d.slug, d.name, sd.svc.Lang), Name: d.name, Bio: d.bio, Collective: d.collective}
		if err := s.store.PutAuthor(ctx, &a); err != nil {
			return fmt.Errorf("author %s: %w", d.key, err)
		}
		s.author[d.key] = a.ID
	}
	for i, d := range sd.notices {
		n := news.Notice{ID: detID("notice", code, fmt.Sprint(i)), Service: code, Title: d.title, Body: d.body, Countries: d.countries, Position: i + 1, Active: d.active}
		if err := s.store.PutNotice(ctx, &n); err != nil {
			return fmt.Errorf("notice %d: %w", i+1, err)
		}
	}
	for _, st := range sd.stories {
		if err := s.story(ctx, sd.svc, st); err != nil {
			return fmt.Errorf("story %s: %w", st.id, err)
		}
	}
	if err := s.store.SetCuration(ctx, code, sd.curation); err != nil {
		return fmt.Errorf("curation: %w", err)
	}
	if b := sd.banner; b != nil {
		banner := news.Banner{Service: code, Label: b.label, Text: b.text, Active: b.active, Updated: s.now.Add(-b.ago)}
		if b.story != "" {
			banner.Link = s.paths[b.story]
		}
		if err := s.store.SetBanner(ctx, banner); err != nil {
			return fmt.Errorf("banner: %w", err)
		}
	}
	return nil
}

// story writes one story and replays its history: publication, later
// revisions, corrections and moves, each at its own instant.
func (s *seeder) story(ctx context.Context, svc news.Service, d storyData) error {
	sec, ok := s.section[d.section]
	if !ok {
		return fmt.Errorf("unknown section %q", d.section)
	}
	c, err := s.content(ctx, svc.Code, d)
	if err != nil {
		return err
	}
	tags := make([]string, len(d.tags))
	for i, k := range d.tags {
		if tags[i], ok = s.tag[k]; !ok {
			return fmt.Errorf("unknown tag %q", k)
		}
	}
	storySlug := slugOf(d.slug, truncateWords(d.headline.Plain(), 70), svc.Lang)
	if !news.ValidSlug(storySlug) {
		return fmt.Errorf("slug %q is not valid", storySlug)
	}

	publishAt := s.now.Add(-d.ago)
	created := publishAt.Add(-90 * time.Minute)
	st, err := s.store.CreateStory(ctx, news.NewStory{
		ID: d.id, Service: svc.Code, SectionID: sec.ID, Slug: storySlug, TagIDs: tags,
		Content: c, CreatedBy: StaffID, Created: created,
	})
	if err != nil {
		return err
	}
	head := st.HeadRev
	switch d.state {
	case draft:
		return nil // stays a draft, never public, never linked
	case scheduled:
		if err := s.store.SetStatus(ctx, st.ID, news.StatusApproved); err != nil {
			return err
		}
		return s.store.Schedule(ctx, st.ID, head, s.now.Add(48*time.Hour))
	}
	if err := s.store.SetStatus(ctx, st.ID, news.StatusApproved); err != nil {
		return err
	}
	if err := s.store.Publish(ctx, st.ID, head, publishAt); err != nil {
		return err
	}
	if d.state == unpublished {
		return s.store.Unpublish(ctx, st.ID, publishAt.Add(26*time.Hour))
	}

	// Later revisions and corrections, oldest first.
	type event struct {
		at  time.Time
		upd *updateData
		cor *correctionData
	}
	var events []event
	if d.update != nil {
		events = append(events, event{at: publishAt.Add(d.update.after), upd: d.update})
	}
	for i := range d.corrections {
		events = append(events, event{at: publishAt.Add(d.corrections[i].after), cor: &d.corrections[i]})
	}
	slices.SortStableFunc(events, func(a, b event) int { return a.at.Compare(b.at) })
	for _, e := range events {
		next := c
		switch {
		case e.upd != nil:
			if e.upd.deck != nil {
				next.Deck = e.upd.deck
			}
			add, err := s.resolve(ctx, e.upd.add)
			if err != nil {
				return err
			}
			next.Body.Blocks = append(slices.Clone(c.Body.Blocks), add...)
		case e.cor.fix[0] != "":
			next = replaceContent(c, e.cor.fix[0], e.cor.fix[1])
		}
		if e.upd != nil || e.cor.fix[0] != "" {
			rev, err := s.store.SaveRevision(ctx, st.ID, head, next, StaffID, e.at)
			if err != nil {
				return err
			}
			if err := s.store.Publish(ctx, st.ID, rev.ID, e.at); err != nil {
				return err
			}
			head, c = rev.ID, next
		}
		if e.cor != nil {
			if _, err := s.store.AddCorrection(ctx, st.ID, e.cor.text, e.at); err != nil {
				return err
			}
		}
	}

	if m := d.move; m != nil {
		if m.section != "" {
			if sec, ok = s.section[m.section]; !ok {
				return fmt.Errorf("unknown section %q", m.section)
			}
		}
		if m.slug != "" {
			storySlug = m.slug
		}
		if err := s.store.MoveStory(ctx, st.ID, sec.ID, storySlug); err != nil {
			return err
		}
	}
	s.paths[st.ID] = storyPath(svc.Code, sec.Slug, storySlug, st.ID)
	if d.group != "" {
		if _, ok := s.groups[d.group]; !ok {
			s.groupOrder = append(s.groupOrder, d.group)
		}
		s.groups[d.group] = append(s.groups[d.group], st.ID)
	}
	return nil
}

// content builds a story's first revision, making its pictures.
func (s *seeder) content(ctx context.Context, service string, d storyData) (news.Content, error) {
	lead, err := s.illustration(ctx, leadSeed(d))
	if err != nil {
		return news.Content{}, err
	}
	body, err := s.resolve(ctx, d.body)
	if err != nil {
		return news.Content{}, err
	}
	c := news.Content{
		Headline: d.headline,
		Deck:     d.deck,
		Dateline: d.dateline,
		Lead:     &news.Figure{AssetID: lead.ID, Alt: d.lead.alt, Caption: news.Text(d.lead.caption), Credit: d.lead.credit},
		Body:     news.Doc{Version: news.DocVersion, Blocks: body},
	}
	for _, k := range d.authors {
		id, ok := s.author[k]
		if !ok {
			return news.Content{}, fmt.Errorf("unknown author %q in service %s", k, service)
		}
		c.AuthorIDs = append(c.AuthorIDs, id)
	}
	return c, c.Validate()
}

// resolve returns blocks with every body figure's placeholder replaced by
// an ingested illustration.
func (s *seeder) resolve(ctx context.Context, blocks []news.Block) ([]news.Block, error) {
	out := slices.Clone(blocks)
	for i, b := range out {
		if b.Figure == nil {
			continue
		}
		seed, ok := bodySeed(b.Figure.AssetID)
		if !ok {
			continue
		}
		a, err := s.illustration(ctx, seed)
		if err != nil {
			return nil, err
		}
		f := *b.Figure
		f.AssetID = a.ID
		out[i].Figure = &f
	}
	return out, nil
}

// illustration draws, encodes and ingests the picture for seed, once.
func (s *seeder) illustration(ctx context.Context, seed int64) (news.Asset, error) {
	if a, ok := s.images[seed]; ok {
		return a, nil
	}
	data, ok := s.jpegs[seed]
	if !ok {
		return news.Asset{}, fmt.Errorf("illustration %d was not drawn", seed)
	}
	a, err := s.lib.Ingest(ctx, data)
	if err != nil {
		return news.Asset{}, fmt.Errorf("ingest illustration: %w", err)
	}
	s.images[seed] = a
	return a, nil
}

// drawAll draws and encodes every picture the newsroom uses, on all CPUs:
// encoding is most of the time Seed spends outside the store.
func drawAll(ctx context.Context, rooms []serviceData) (map[int64][]byte, error) {
	var seeds []int64
	add := func(blocks []news.Block) {
		for _, b := range blocks {
			if b.Figure != nil {
				if seed, ok := bodySeed(b.Figure.AssetID); ok {
					seeds = append(seeds, seed)
				}
			}
		}
	}
	for _, sd := range rooms {
		for _, st := range sd.stories {
			seeds = append(seeds, leadSeed(st))
			add(st.body)
			if st.update != nil {
				add(st.update.add)
			}
		}
	}
	slices.Sort(seeds)
	seeds = slices.Compact(seeds)

	out := make([][]byte, len(seeds))
	errs := make([]error, len(seeds))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				out[i], errs[i] = illustrationJPEG(seeds[i])
			}
		})
	}
	for i := range seeds {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := cmp.Or(ctx.Err(), errors.Join(errs...)); err != nil {
		return nil, err
	}
	m := make(map[int64][]byte, len(seeds))
	for i, seed := range seeds {
		m[seed] = out[i]
	}
	return m, nil
}

// leadSeed picks a story's lead picture: translations share one.
func leadSeed(d storyData) int64 {
	h := fnv.New64a()
	h.Write([]byte(cmp.Or(d.group, d.id)))
	return int64(h.Sum64() >> 1)
}

// storyPath is the site path the demo links to a story by (the banner). The
// story ID in it lets the site redirect if the story moves.
func storyPath(service, section, slug, id string) string {
	return "/" + service + "/" + section + "/" + slug + "-" + id
}

// slugOf returns explicit if set, otherwise a slug made from name.
func slugOf(explicit, name, lang string) string {
	if explicit != "" {
		return explicit
	}
	return slug.MakeLang(name, lang)
}

// truncateWords cuts s to at most n bytes at a word boundary, so slugs
// made from long headlines stay readable.
func truncateWords(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut <= 0 {
		cut = n
	}
	return s[:cut]
}

// replaceContent returns c with old replaced by new in every text run of the
// headline, deck and body; blocks and spans are copied, never shared.
func replaceContent(c news.Content, old, new string) news.Content {
	repl := func(in news.Inline) news.Inline {
		if in == nil {
			return nil
		}
		out := slices.Clone(in)
		for i := range out {
			out[i].Text = strings.ReplaceAll(out[i].Text, old, new)
		}
		return out
	}
	c.Headline, c.Deck = repl(c.Headline), repl(c.Deck)
	blocks := slices.Clone(c.Body.Blocks)
	for i, b := range blocks {
		blocks[i].Text = repl(b.Text)
		if b.Items != nil {
			items := make([]news.Inline, len(b.Items))
			for j, it := range b.Items {
				items[j] = repl(it)
			}
			blocks[i].Items = items
		}
	}
	c.Body.Blocks = blocks
	return c
}

// detID derives a stable news.ValidID-shaped ID from a name, so a demo
// built twice has the same sections, tags, authors and notices.
func detID(parts ...string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	sum := sha256.Sum256([]byte("qalam-demo/" + strings.Join(parts, "/")))
	var b [12]byte
	for i := range b {
		b[i] = alphabet[sum[i]&31]
	}
	return string(b[:])
}
