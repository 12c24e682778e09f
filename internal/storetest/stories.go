package storetest

import (
	"testing"
	"time"

	"qalam/internal/news"
)

// The newsroom's side of stories: creation, revisions, publication state.

func testCreateStory(t *testing.T, s news.Store) {
	f := setup(t, s)
	content := f.rich()
	st, err := s.CreateStory(ctx, news.NewStory{Service: "kk", SectionID: f.sec.ID, Slug: "сайлау-2025",
		TagIDs: []string{f.tag2.ID, f.tag.ID}, Content: content, CreatedBy: f.staff.ID, Created: odd})
	must(t, err)
	if !news.ValidID(st.ID) || !news.ValidID(st.HeadRev) {
		t.Fatalf("CreateStory assigned IDs %q / head %q", st.ID, st.HeadRev)
	}
	want := news.Story{ID: st.ID, Service: "kk", SectionID: f.sec.ID, Slug: "сайлау-2025", TagIDs: []string{f.tag2.ID, f.tag.ID},
		Status: news.StatusDraft, Pub: news.PubNone, HeadRev: st.HeadRev, Created: news.Time(odd), Modified: st.Modified}
	same(t, "CreateStory", st, want)
	same(t, "Story", f.story(t, st.ID), want)

	rev, err := s.Revision(ctx, st.HeadRev)
	must(t, err)
	same(t, "first Revision", rev, news.Revision{ID: st.HeadRev, StoryID: st.ID, Content: content, CreatedBy: f.staff.ID, Created: news.Time(odd)})
	revs, err := s.Revisions(ctx, st.ID)
	must(t, err)
	same(t, "Revisions", revs, []news.Revision{rev})

	// A caller may choose the ID (imports do); taking it twice conflicts.
	id := news.NewID()
	mine := f.create(t, f.sec, "Mine", func(n *news.NewStory) { n.ID = id })
	if mine.ID != id {
		t.Errorf("CreateStory with ID %q made %q", id, mine.ID)
	}
	_, err = s.CreateStory(ctx, news.NewStory{ID: id, Service: "kk", SectionID: f.sec.ID, Slug: "again",
		Content: f.plain("kk", "Again"), CreatedBy: f.staff.ID, Created: t0})
	wantErr(t, "CreateStory taken ID", err, news.ErrConflict)

	_, err = s.Story(ctx, news.NewID())
	wantErr(t, "Story(unknown)", err, news.ErrNotFound)
	_, err = s.Revision(ctx, news.NewID())
	wantErr(t, "Revision(unknown)", err, news.ErrNotFound)
	_, err = s.Revisions(ctx, news.NewID())
	wantErr(t, "Revisions(unknown)", err, news.ErrNotFound)
}

func testCreateStoryInvalid(t *testing.T, s news.Store) {
	f := setup(t, s)
	for _, tc := range []struct {
		name string
		edit func(*news.NewStory)
	}{
		{"unknown service", func(n *news.NewStory) { n.Service = "xx" }},
		{"no section", func(n *news.NewStory) { n.SectionID = "" }},
		{"section of another service", func(n *news.NewStory) { n.SectionID = f.ruSec.ID }},
		{"bad slug", func(n *news.NewStory) { n.Slug = "Bad Slug" }},
		{"tag of another service", func(n *news.NewStory) { n.TagIDs = []string{f.ruTag.ID} }},
		{"unknown tag", func(n *news.NewStory) { n.TagIDs = []string{news.NewID()} }},
		{"author of another service", func(n *news.NewStory) { n.Content.AuthorIDs = []string{f.ruAuth.ID} }},
		{"unknown author", func(n *news.NewStory) { n.Content.AuthorIDs = []string{news.NewID()} }},
		{"empty headline", func(n *news.NewStory) { n.Content.Headline = news.Text("  ") }},
		{"lead without alt", func(n *news.NewStory) { n.Content.Lead = &news.Figure{AssetID: f.img.ID} }},
		{"lead of an unknown asset", func(n *news.NewStory) { n.Content.Lead = &news.Figure{AssetID: news.NewID(), Alt: "x"} }},
		{"unknown block", func(n *news.NewStory) { n.Content.Body.Blocks = []news.Block{{Type: "script"}} }},
		{"unsafe link", func(n *news.NewStory) {
			n.Content.Headline = news.Inline{{Text: "x", Marks: []news.Mark{{Type: news.MarkLink, Href: "javascript:x"}}}}
		}},
	} {
		n := news.NewStory{Service: "kk", SectionID: f.sec.ID, Slug: "story", Content: f.plain("kk", "Headline"), CreatedBy: f.staff.ID, Created: t0}
		tc.edit(&n)
		_, err := s.CreateStory(ctx, n)
		wantErr(t, "CreateStory "+tc.name, err, news.ErrInvalid)
	}
}

func testSaveRevision(t *testing.T, s news.Store) {
	f := setup(t, s)
	st := f.create(t, f.sec, "First")
	first := st.HeadRev

	mine := f.plain("kk", "Mine")
	theirs := f.plain("kk", "Theirs")
	r2, err := s.SaveRevision(ctx, st.ID, first, mine, f.staff.ID, odd)
	must(t, err)
	same(t, "SaveRevision", r2, news.Revision{ID: r2.ID, StoryID: st.ID, ParentID: first, Content: mine, CreatedBy: f.staff.ID, Created: news.Time(odd)})

	// A second editor who also started from the first revision loses.
	_, err = s.SaveRevision(ctx, st.ID, first, theirs, f.staff.ID, odd.Add(time.Second))
	wantErr(t, "SaveRevision from a stale base", err, news.ErrConflict)
	after := f.story(t, st.ID)
	if after.HeadRev != r2.ID {
		t.Errorf("HeadRev = %q after a conflict, want the first save %q", after.HeadRev, r2.ID)
	}
	revs, err := s.Revisions(ctx, st.ID)
	must(t, err)
	first1, err := s.Revision(ctx, first)
	must(t, err)
	same(t, "Revisions newest first", revs, []news.Revision{r2, first1})

	r3, err := s.SaveRevision(ctx, st.ID, r2.ID, theirs, f.staff.ID, odd.Add(time.Second))
	must(t, err)
	if r3.ParentID != r2.ID {
		t.Errorf("ParentID = %q, want %q", r3.ParentID, r2.ID)
	}

	_, err = s.SaveRevision(ctx, st.ID, r3.ID, news.Content{}, f.staff.ID, odd)
	wantErr(t, "SaveRevision invalid content", err, news.ErrInvalid)
	_, err = s.SaveRevision(ctx, news.NewID(), r3.ID, mine, f.staff.ID, odd)
	wantErr(t, "SaveRevision unknown story", err, news.ErrNotFound)
	if got := f.story(t, st.ID).HeadRev; got != r3.ID {
		t.Errorf("HeadRev = %q after refused saves, want %q", got, r3.ID)
	}
}

func testPublish(t *testing.T, s news.Store) {
	f := setup(t, s)
	st := f.create(t, f.sec, "Story")
	must(t, s.Publish(ctx, st.ID, st.HeadRev, odd))
	got := f.story(t, st.ID)
	if got.Pub != news.PubPublished || got.LiveRev != st.HeadRev {
		t.Errorf("after Publish: Pub %q LiveRev %q, want published %q", got.Pub, got.LiveRev, st.HeadRev)
	}
	same(t, "first PublishAt", got.PublishAt, news.Time(odd))
	same(t, "UpdatedAt before any update", got.UpdatedAt, time.Time{})

	// Publishing again is an update: PublishAt stays, UpdatedAt moves.
	r2, err := s.SaveRevision(ctx, st.ID, st.HeadRev, f.plain("kk", "Updated"), f.staff.ID, at(120))
	must(t, err)
	must(t, s.Publish(ctx, st.ID, r2.ID, at(121)))
	got = f.story(t, st.ID)
	same(t, "PublishAt after update", got.PublishAt, news.Time(odd))
	same(t, "UpdatedAt after update", got.UpdatedAt, at(121))
	if got.LiveRev != r2.ID {
		t.Errorf("LiveRev = %q, want %q", got.LiveRev, r2.ID)
	}
	p, err := s.PublishedStory(ctx, st.ID, at(121))
	must(t, err)
	same(t, "live revision", p.Rev, r2)

	// Taken down and put back: still the same first publication.
	must(t, s.Unpublish(ctx, st.ID, at(130)))
	must(t, s.Publish(ctx, st.ID, r2.ID, at(140)))
	got = f.story(t, st.ID)
	same(t, "PublishAt after republishing", got.PublishAt, news.Time(odd))
	same(t, "UpdatedAt after republishing", got.UpdatedAt, at(140))

	other := f.create(t, f.sec, "Other")
	wantErr(t, "Publish another story's revision", s.Publish(ctx, st.ID, other.HeadRev, at(90)), news.ErrInvalid)
	wantErr(t, "Publish an unknown revision", s.Publish(ctx, st.ID, news.NewID(), at(90)), news.ErrInvalid)
	wantErr(t, "Publish an unknown story", s.Publish(ctx, news.NewID(), st.HeadRev, at(90)), news.ErrNotFound)
}

func testSchedule(t *testing.T, s news.Store) {
	f := setup(t, s)
	st := f.create(t, f.sec, "Embargoed")
	_, ok, err := s.NextScheduled(ctx, t0)
	must(t, err)
	if ok {
		t.Error("NextScheduled found something in a store without schedules")
	}

	must(t, s.Schedule(ctx, st.ID, st.HeadRev, at(60)))
	later := f.create(t, f.sec, "Later")
	must(t, s.Schedule(ctx, later.ID, later.HeadRev, at(120)))
	got := f.story(t, st.ID)
	if got.Pub != news.PubScheduled || got.LiveRev != st.HeadRev {
		t.Errorf("after Schedule: Pub %q LiveRev %q", got.Pub, got.LiveRev)
	}
	same(t, "scheduled PublishAt", got.PublishAt, at(60))

	for _, tc := range []struct {
		after time.Time
		want  time.Time
		ok    bool
	}{
		{t0, at(60), true},
		{at(59), at(60), true},
		{at(60), at(120), true}, // strictly after
		{at(120), time.Time{}, false},
	} {
		next, ok, err := s.NextScheduled(ctx, tc.after)
		must(t, err)
		if ok != tc.ok {
			t.Errorf("NextScheduled(%v) ok = %v, want %v", tc.after, ok, tc.ok)
		}
		same(t, "NextScheduled", next, tc.want)
	}

	_, err = s.PublishedStory(ctx, st.ID, at(59))
	wantErr(t, "before its time", err, news.ErrNotFound)
	p, err := s.PublishedStory(ctx, st.ID, at(60))
	must(t, err)
	same(t, "PublishAt seen by readers", p.Story.PublishAt, at(60))
	page, err := s.ListPublished(ctx, news.ListQuery{Service: "kk"}, at(60))
	must(t, err)
	same(t, "list at its time", ids(page.Items), []string{st.ID})

	// Publishing a scheduled story early makes it public now.
	must(t, s.Publish(ctx, later.ID, later.HeadRev, at(30)))
	got = f.story(t, later.ID)
	same(t, "PublishAt of an embargo lifted early", got.PublishAt, at(30))
	_, ok, err = s.NextScheduled(ctx, at(60))
	must(t, err)
	if ok {
		t.Error("NextScheduled still reports a story published early")
	}

	wantErr(t, "Schedule an unknown story", s.Schedule(ctx, news.NewID(), st.HeadRev, at(60)), news.ErrNotFound)
	other := f.create(t, f.sec, "Other")
	wantErr(t, "Schedule another story's revision", s.Schedule(ctx, st.ID, other.HeadRev, at(200)), news.ErrInvalid)
}

func testStoryGone(t *testing.T, s news.Store) {
	f := setup(t, s)
	gone := f.published(t, f.sec, "Gone", at(0))
	must(t, s.Unpublish(ctx, gone.ID, at(10)))
	cancelled := f.create(t, f.sec, "Cancelled embargo")
	must(t, s.Schedule(ctx, cancelled.ID, cancelled.HeadRev, at(60)))
	must(t, s.Unpublish(ctx, cancelled.ID, at(10)))
	lapsed := f.create(t, f.sec, "Embargo lapsed, then taken down")
	must(t, s.Schedule(ctx, lapsed.ID, lapsed.HeadRev, at(5)))
	must(t, s.Unpublish(ctx, lapsed.ID, at(10)))
	live := f.published(t, f.sec, "Live", at(0))
	draft := f.create(t, f.sec, "Draft")

	for _, tc := range []struct {
		name string
		id   string
		want bool
	}{
		{"unpublished", gone.ID, true},
		{"unpublished after its embargo passed", lapsed.ID, true},
		{"embargo cancelled before its time", cancelled.ID, false},
		{"published", live.ID, false},
		{"draft", draft.ID, false},
		{"unknown", news.NewID(), false},
	} {
		got, err := s.StoryGone(ctx, tc.id, at(20))
		must(t, err)
		if got != tc.want {
			t.Errorf("StoryGone(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := f.story(t, gone.ID); got.Pub != news.PubUnpublished || got.LiveRev == "" {
		t.Errorf("after Unpublish: Pub %q LiveRev %q, want unpublished with LiveRev kept", got.Pub, got.LiveRev)
	}
	wantErr(t, "Unpublish an unknown story", s.Unpublish(ctx, news.NewID(), at(20)), news.ErrNotFound)
}

func testMoveStory(t *testing.T, s news.Store) {
	f := setup(t, s)
	st := f.published(t, f.sec, "Story", at(0))
	must(t, s.MoveStory(ctx, st.ID, f.sec2.ID, "жаңа-атау"))
	got := f.story(t, st.ID)
	if got.SectionID != f.sec2.ID || got.Slug != "жаңа-атау" {
		t.Errorf("after MoveStory: section %q slug %q", got.SectionID, got.Slug)
	}
	p, err := s.PublishedStory(ctx, st.ID, at(1))
	must(t, err)
	same(t, "Published.Section", p.Section, f.sec2)
	page, err := s.ListPublished(ctx, news.ListQuery{Service: "kk", SectionID: f.sec2.ID}, at(1))
	must(t, err)
	same(t, "new section's list", ids(page.Items), []string{st.ID})
	page, err = s.ListPublished(ctx, news.ListQuery{Service: "kk", SectionID: f.sec.ID}, at(1))
	must(t, err)
	same(t, "old section's list", ids(page.Items), []string(nil))

	wantErr(t, "move to another service's section", s.MoveStory(ctx, st.ID, f.ruSec.ID, "x"), news.ErrInvalid)
	wantErr(t, "move to a bad slug", s.MoveStory(ctx, st.ID, f.sec.ID, "Bad Slug"), news.ErrInvalid)
	wantErr(t, "move an unknown story", s.MoveStory(ctx, news.NewID(), f.sec.ID, "x"), news.ErrNotFound)
}

func testStoryTagsAndStatus(t *testing.T, s news.Store) {
	f := setup(t, s)
	st := f.published(t, f.sec, "Story", at(0), func(n *news.NewStory) { n.TagIDs = []string{f.tag.ID} })
	must(t, s.SetStoryTags(ctx, st.ID, []string{f.tag2.ID, f.tag.ID}))
	same(t, "TagIDs", f.story(t, st.ID).TagIDs, []string{f.tag2.ID, f.tag.ID})
	must(t, s.SetStoryTags(ctx, st.ID, []string{f.tag2.ID}))
	same(t, "TagIDs", f.story(t, st.ID).TagIDs, []string{f.tag2.ID})
	page, err := s.ListPublished(ctx, news.ListQuery{Service: "kk", TagID: f.tag.ID}, at(1))
	must(t, err)
	same(t, "list of a removed tag", ids(page.Items), []string(nil))
	wantErr(t, "tag of another service", s.SetStoryTags(ctx, st.ID, []string{f.ruTag.ID}), news.ErrInvalid)
	wantErr(t, "tags of an unknown story", s.SetStoryTags(ctx, news.NewID(), nil), news.ErrNotFound)
	same(t, "TagIDs after refused change", f.story(t, st.ID).TagIDs, []string{f.tag2.ID})

	must(t, s.SetStatus(ctx, st.ID, news.StatusReview))
	if got := f.story(t, st.ID).Status; got != news.StatusReview {
		t.Errorf("Status = %q, want review", got)
	}
	wantErr(t, "unknown status", s.SetStatus(ctx, st.ID, "bogus"), news.ErrInvalid)
	wantErr(t, "status of an unknown story", s.SetStatus(ctx, news.NewID(), news.StatusApproved), news.ErrNotFound)
}
