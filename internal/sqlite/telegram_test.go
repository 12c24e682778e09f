package sqlite_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"qalam/internal/news"
	"qalam/internal/sqlite"
)

func tgStory(t *testing.T, db *sqlite.DB, service string) news.Story {
	t.Helper()
	ctx := context.Background()
	secs, err := db.Sections(ctx, service)
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) == 0 {
		sec := news.Section{Service: service, Slug: "news", Name: "News", Position: 1}
		if err := db.PutSection(ctx, &sec); err != nil {
			t.Fatal(err)
		}
		secs = append(secs, sec)
	}
	st, err := db.CreateStory(ctx, news.NewStory{Service: service, SectionID: secs[0].ID, Slug: "s", Created: nlNow,
		Content: news.Content{Headline: news.Text("Headline"),
			Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Text.")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestTelegramStore(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	nlService(t, db, "en")
	nlService(t, db, "ru")
	st := tgStory(t, db, "en")

	// The watermark is set once: the first caller's time holds.
	if _, err := db.TelegramWatermark(ctx, "xx", nlNow); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("watermark of an unknown service: %v, want ErrNotFound", err)
	}
	wm, err := db.TelegramWatermark(ctx, "en", nlNow)
	if err != nil || !wm.Equal(nlNow) {
		t.Fatalf("watermark = %v, %v", wm, err)
	}
	if wm, err := db.TelegramWatermark(ctx, "en", nlNow.Add(time.Hour)); err != nil || !wm.Equal(nlNow) {
		t.Fatalf("second watermark = %v, %v; want the first", wm, err)
	}

	// Claims: one per story; bad references refused.
	if err := db.ClaimTelegramPost(ctx, "ru", st.ID, "@ch", nlNow); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("claim in another service: %v, want ErrInvalid", err)
	}
	if err := db.ClaimTelegramPost(ctx, "en", "nope", "@ch", nlNow); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("claim of an unknown story: %v, want ErrInvalid", err)
	}
	if err := db.ClaimTelegramPost(ctx, "en", st.ID, " ", nlNow); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("claim without chat: %v, want ErrInvalid", err)
	}
	if err := db.ClaimTelegramPost(ctx, "en", st.ID, "@ch", nlNow); err != nil {
		t.Fatal(err)
	}
	if err := db.ClaimTelegramPost(ctx, "en", st.ID, "@ch", nlNow); !errors.Is(err, news.ErrConflict) {
		t.Errorf("second claim: %v, want ErrConflict", err)
	}
	// Released (the API refused), it may be claimed again.
	if err := db.ReleaseTelegramPost(ctx, "en", st.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.ReleaseTelegramPost(ctx, "en", st.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("second release: %v, want ErrNotFound", err)
	}
	if err := db.ClaimTelegramPost(ctx, "en", st.ID, "@ch", nlNow); err != nil {
		t.Fatal(err)
	}

	p := news.TelegramPost{Service: "en", StoryID: st.ID, MessageID: 42, Kind: news.TelegramPhoto,
		Posted: nlNow.Add(time.Second), Corrections: 1, Updated: nlNow}
	if err := db.RecordTelegramPost(ctx, news.TelegramPost{Service: "en", StoryID: st.ID, Kind: news.TelegramPhoto}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("record without message id: %v, want ErrInvalid", err)
	}
	if err := db.RecordTelegramPost(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordTelegramPost(ctx, p); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("recording twice: %v, want ErrNotFound", err)
	}
	if err := db.ReleaseTelegramPost(ctx, "en", st.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("releasing a posted message: %v, want ErrNotFound", err)
	}
	if err := db.RecordTelegramEdit(ctx, "en", st.ID, 2, nlNow.Add(time.Hour), nlNow.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := db.TelegramPosts(ctx, news.TelegramFilter{StoryID: st.ID})
	if err != nil || len(got) != 1 {
		t.Fatalf("posts = %+v, %v", got, err)
	}
	g := got[0]
	if g.Chat != "@ch" || g.MessageID != 42 || g.Kind != news.TelegramPhoto || g.State != news.TelegramPosted ||
		!g.Posted.Equal(p.Posted) || g.Corrections != 2 || !g.Updated.Equal(nlNow.Add(time.Hour)) ||
		!g.Edited.Equal(nlNow.Add(2*time.Hour)) || !g.Ended.IsZero() {
		t.Fatalf("post = %+v", g)
	}
	if !g.Recallable(g.Posted.Add(47*time.Hour)) || g.Recallable(g.Posted.Add(48*time.Hour)) {
		t.Error("Recallable does not follow the 48-hour window")
	}

	// States: only from the state the caller saw.
	if err := db.SetTelegramState(ctx, "en", st.ID, news.TelegramDeleted, news.TelegramPosted, nlNow); !errors.Is(err, news.ErrConflict) {
		t.Errorf("from the wrong state: %v, want ErrConflict", err)
	}
	if err := db.SetTelegramState(ctx, "en", st.ID, news.TelegramPosted, news.TelegramSending, nlNow); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("to sending: %v, want ErrInvalid", err)
	}
	if err := db.SetTelegramState(ctx, "en", "nope", news.TelegramPosted, news.TelegramDeleted, nlNow); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown post: %v, want ErrNotFound", err)
	}
	end := nlNow.Add(3 * time.Hour)
	if err := db.SetTelegramState(ctx, "en", st.ID, news.TelegramPosted, news.TelegramUnrecallable, end); err != nil {
		t.Fatal(err)
	}
	un, err := db.TelegramPosts(ctx, news.TelegramFilter{Service: "en", State: news.TelegramUnrecallable})
	if err != nil || len(un) != 1 || !un[0].Ended.Equal(end) {
		t.Fatalf("unrecallable posts = %+v, %v", un, err)
	}
	if err := db.RecordTelegramEdit(ctx, "en", st.ID, 3, nlNow, nlNow); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("editing an unrecallable post: %v, want ErrNotFound", err)
	}
	if err := db.SetTelegramState(ctx, "en", st.ID, news.TelegramUnrecallable, news.TelegramPosted, end); err != nil {
		t.Fatal(err)
	}
	if err := db.SetTelegramState(ctx, "en", st.ID, news.TelegramPosted, news.TelegramDeleted, end); err != nil {
		t.Fatal(err)
	}
	// A deleted post may be claimed again: the story came back.
	if err := db.ClaimTelegramPost(ctx, "en", st.ID, "@other", end); err != nil {
		t.Fatal(err)
	}
	got, err = db.TelegramPosts(ctx, news.TelegramFilter{Service: "en"})
	if err != nil || len(got) != 1 || got[0].State != news.TelegramSending || got[0].Chat != "@other" ||
		got[0].MessageID != 0 || !got[0].Posted.IsZero() || got[0].Corrections != 0 {
		t.Fatalf("claimed again = %+v, %v", got, err)
	}

	if _, err := db.TelegramPosts(ctx, news.TelegramFilter{State: "lost"}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("unknown state filter: %v, want ErrInvalid", err)
	}
	if _, err := db.TelegramPosts(ctx, news.TelegramFilter{Limit: 10001}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("limit too large: %v, want ErrInvalid", err)
	}
	if got, err := db.TelegramPosts(ctx, news.TelegramFilter{Since: end.Add(time.Second)}); err != nil || len(got) != 0 {
		t.Errorf("since after the claim = %+v, %v", got, err)
	}
}

func TestTelegramStale(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	nlService(t, db, "en")
	st := tgStory(t, db, "en")
	other := tgStory(t, db, "en") // never posted: never listed
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.Publish(ctx, st.ID, st.HeadRev, nlNow))
	must(db.Publish(ctx, other.ID, other.HeadRev, nlNow))
	must(db.ClaimTelegramPost(ctx, "en", st.ID, "@ch", nlNow))
	must(db.RecordTelegramPost(ctx, news.TelegramPost{Service: "en", StoryID: st.ID, MessageID: 7, Kind: news.TelegramText, Posted: nlNow}))
	stale := func(at time.Time, want bool) {
		t.Helper()
		got, err := db.TelegramStale(ctx, "en", nlNow.Add(-time.Hour), at)
		if err != nil {
			t.Fatal(err)
		}
		if (len(got) == 1 && got[0].StoryID == st.ID) != want || len(got) > 1 {
			t.Fatalf("stale at %v = %+v, want stale: %v", at.Sub(nlNow), got, want)
		}
	}
	stale(nlNow.Add(time.Minute), false)
	_, err := db.AddCorrection(ctx, st.ID, news.Text("Fixed."), nlNow.Add(2*time.Minute))
	must(err)
	stale(nlNow.Add(time.Minute), false) // not made yet at that instant
	stale(nlNow.Add(3*time.Minute), true)
	must(db.RecordTelegramEdit(ctx, "en", st.ID, 1, time.Time{}, nlNow.Add(3*time.Minute)))
	stale(nlNow.Add(3*time.Minute), false)

	cur, err := db.Story(ctx, st.ID)
	must(err)
	must(db.Publish(ctx, st.ID, cur.HeadRev, nlNow.Add(4*time.Minute)))
	stale(nlNow.Add(5*time.Minute), true)
	cur, err = db.Story(ctx, st.ID)
	must(err)
	must(db.RecordTelegramEdit(ctx, "en", st.ID, 1, cur.UpdatedAt, nlNow.Add(5*time.Minute)))
	stale(nlNow.Add(5*time.Minute), false)

	must(db.Unpublish(ctx, st.ID, nlNow.Add(6*time.Minute)))
	stale(nlNow.Add(7*time.Minute), true)
	must(db.SetTelegramState(ctx, "en", st.ID, news.TelegramPosted, news.TelegramUnrecallable, nlNow.Add(7*time.Minute)))
	stale(nlNow.Add(7*time.Minute), false)
	must(db.Publish(ctx, st.ID, cur.HeadRev, nlNow.Add(8*time.Minute)))
	stale(nlNow.Add(9*time.Minute), true) // public again

	if got, err := db.TelegramStale(ctx, "en", nlNow.Add(time.Second), nlNow.Add(9*time.Minute)); err != nil || len(got) != 0 {
		t.Fatalf("claimed before since = %+v, %v", got, err)
	}
}
