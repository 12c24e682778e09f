package storetest

import (
	"testing"

	"qalam/internal/news"
)

var liveBlogTests = []struct {
	name string
	fn   func(t *testing.T, s news.Store)
}{
	{"LiveBlog", testLiveBlog},
}

func liveStore(t *testing.T, s news.Store) news.LiveBlogStore {
	t.Helper()
	l, ok := s.(news.LiveBlogStore)
	if !ok {
		t.Fatalf("%T does not implement news.LiveBlogStore", s)
	}
	return l
}

func testLiveBlog(t *testing.T, s news.Store) {
	f := setup(t, s)
	l := liveStore(t, s)
	st := f.published(t, f.sec, "Сайлау түні", at(0))
	para := func(text string) news.Doc {
		return news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text(text)}}}
	}
	_, err := l.LiveBlog(ctx, st.ID)
	wantErr(t, "not yet a live blog", err, news.ErrNotFound)
	e := news.LiveEntry{StoryID: st.ID, Body: para("ерте"), Posted: at(1), By: f.staff.ID}
	wantErr(t, "entry before the live blog", l.PostLiveEntry(ctx, &e), news.ErrNotFound)
	wantErr(t, "unknown story", l.SetLiveBlog(ctx, "nosuchstoryx", true, at(1)), news.ErrNotFound)

	v0, _ := s.ContentVersion(ctx)
	must(t, l.SetLiveBlog(ctx, st.ID, true, odd))
	if v, _ := s.ContentVersion(ctx); v <= v0 {
		t.Error("opening a live blog did not bump the content version")
	}
	b, err := l.LiveBlog(ctx, st.ID)
	must(t, err)
	same(t, "live blog", b, news.LiveBlog{StoryID: st.ID, Open: true, Started: news.Time(odd)})

	var posted []news.LiveEntry
	for i, text := range []string{"Учаскелер ашылды", "Алғашқы нәтижелер", "Қорытынды"} {
		e := news.LiveEntry{StoryID: st.ID, Title: news.Text("Жаңарту"), Body: para(text), Posted: at(10 + i), By: f.staff.ID}
		v0, _ := s.ContentVersion(ctx)
		must(t, l.PostLiveEntry(ctx, &e))
		if e.ID == "" || e.Seq != int64(i+1) {
			t.Fatalf("entry %d: id %q seq %d", i, e.ID, e.Seq)
		}
		if v, _ := s.ContentVersion(ctx); v <= v0 {
			t.Error("an entry did not bump the content version")
		}
		posted = append(posted, e)
	}
	bad := news.LiveEntry{StoryID: st.ID, Posted: at(20)}
	wantErr(t, "empty entry", l.PostLiveEntry(ctx, &bad), news.ErrInvalid)

	all, err := l.LiveEntries(ctx, st.ID, 0, at(100), 100)
	must(t, err)
	same(t, "all entries", all, posted)
	after, err := l.LiveEntries(ctx, st.ID, 1, at(100), 100)
	must(t, err)
	if len(after) != 2 || after[0].Seq != 2 {
		t.Errorf("entries after 1: %+v", after)
	}
	// An entry is not shown before its time.
	early, err := l.LiveEntries(ctx, st.ID, 0, at(10), 100)
	must(t, err)
	if len(early) != 1 {
		t.Errorf("entries at minute 10: %d, want 1", len(early))
	}
	_, err = l.LiveEntries(ctx, st.ID, 0, at(100), 0)
	wantErr(t, "limit 0", err, news.ErrInvalid)

	must(t, l.DeleteLiveEntry(ctx, posted[1].ID))
	wantErr(t, "delete twice", l.DeleteLiveEntry(ctx, posted[1].ID), news.ErrNotFound)
	left, _ := l.LiveEntries(ctx, st.ID, 0, at(100), 100)
	if len(left) != 2 || left[1].Seq != 3 {
		t.Errorf("after delete: %+v", left)
	}
	// A new entry never reuses a number readers may have seen.
	e4 := news.LiveEntry{StoryID: st.ID, Body: para("Тағы бір"), Posted: at(30)}
	must(t, l.PostLiveEntry(ctx, &e4))
	if e4.Seq != 4 {
		t.Errorf("seq after a delete: %d, want 4", e4.Seq)
	}

	// Closed: no more entries; reopening keeps the start.
	must(t, l.SetLiveBlog(ctx, st.ID, false, at(40)))
	e5 := news.LiveEntry{StoryID: st.ID, Body: para("кеш"), Posted: at(41)}
	wantErr(t, "closed", l.PostLiveEntry(ctx, &e5), news.ErrConflict)
	b, _ = l.LiveBlog(ctx, st.ID)
	if b.Open || !b.Closed.Equal(news.Time(at(40))) || !b.Started.Equal(news.Time(odd)) {
		t.Errorf("closed live blog %+v", b)
	}
	must(t, l.SetLiveBlog(ctx, st.ID, true, at(50)))
	if b, _ = l.LiveBlog(ctx, st.ID); !b.Open || !b.Closed.IsZero() || !b.Started.Equal(news.Time(odd)) {
		t.Errorf("reopened live blog %+v", b)
	}
}
