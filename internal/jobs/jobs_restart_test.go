package jobs_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"qalam/internal/jobs"
	"qalam/internal/news"
	"qalam/internal/sqlite"
)

// newsroom fills a store with one service and what a story needs, and
// returns a function that creates draft stories in it.
func newsroom(t *testing.T, s news.Store) func(headline string) news.Story {
	t.Helper()
	ctx := context.Background()
	must(t, s.PutService(ctx, news.Service{Code: "kk", Name: "Азаттық", Lang: "kk", Dir: "ltr", TimeZone: "Asia/Almaty", Position: 1, Default: true}))
	sec := news.Section{Service: "kk", Slug: "politics", Name: "Саясат", Position: 1}
	must(t, s.PutSection(ctx, &sec))
	author := news.Author{Service: "kk", Slug: "aigerim", Name: "Aigerim"}
	must(t, s.PutAuthor(ctx, &author))
	staff := news.Staff{Email: "editor@example.org", Name: "Editor", Created: t0}
	must(t, s.PutStaff(ctx, &staff))
	return func(headline string) news.Story {
		t.Helper()
		st, err := s.CreateStory(ctx, news.NewStory{Service: "kk", SectionID: sec.ID, Slug: "story", CreatedBy: staff.ID, Created: t0,
			Content: news.Content{
				Headline:  news.Text(headline),
				Body:      news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Text.")}}},
				AuthorIDs: []string{author.ID},
			}})
		must(t, err)
		return st
	}
}

// publishRunner is the runner `qalam serve` starts, on a fake clock.
func publishRunner(db *sqlite.DB, clk *clock) *jobs.Runner {
	return &jobs.Runner{
		Queue:    db,
		Handlers: map[string]jobs.Handler{news.JobPublish: jobs.Publish(db, clk.Now)},
		Lease:    time.Minute,
		Now:      clk.Now,
		Log:      discard,
	}
}

// The promise: a scheduled story goes live on time even if the
// server restarted in between, and a claim whose process crashed is retried.
// Each sqlite.Open of the data dir stands for a new qalam process.
func TestScheduledStorySurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "qalam.db")
	embargo := t0.Add(time.Hour)

	// The first process: an editor schedules two stories, then the server stops.
	db := openAt(t, path)
	create := newsroom(t, db)
	story, second := create("Embargoed"), create("Also embargoed")
	must(t, db.Schedule(ctx, story.ID, story.HeadRev, embargo))
	must(t, db.Schedule(ctx, second.ID, second.HeadRev, embargo))
	must(t, db.Close())

	// A process that runs before the embargo does nothing.
	db = openAt(t, path)
	clk := &clock{t: embargo.Add(-time.Minute)}
	runDue(t, publishRunner(db, clk), 0)
	must(t, db.Close())

	// A process claims one job at the embargo time and dies holding it.
	db = openAt(t, path)
	lost, err := db.Claim(ctx, []string{news.JobPublish}, "crashed-worker", time.Minute, embargo)
	must(t, err)
	must(t, db.Close())

	// A new process after the embargo: the job it finds due runs, the
	// crashed one waits for its lease to run out.
	db = openAt(t, path)
	t.Cleanup(func() { db.Close() })
	clk.Set(embargo.Add(30 * time.Second))
	r := publishRunner(db, clk)
	runDue(t, r, 1)
	clk.Set(embargo.Add(time.Minute))
	runDue(t, r, 1)

	for _, st := range []news.Story{story, second} {
		got, err := db.Story(ctx, st.ID)
		must(t, err)
		if got.Pub != news.PubPublished || got.LiveRev != st.HeadRev {
			t.Errorf("%s: Pub %q LiveRev %q, want published %s", st.ID, got.Pub, got.LiveRev, st.HeadRev)
		}
		if !got.PublishAt.Equal(embargo) || !got.UpdatedAt.IsZero() {
			t.Errorf("%s: PublishAt %v UpdatedAt %v, want the embargo time and no update", st.ID, got.PublishAt, got.UpdatedAt)
		}
	}
	page, err := db.ListPublished(ctx, news.ListQuery{Service: "kk"}, clk.Now())
	must(t, err)
	if len(page.Items) != 2 {
		t.Errorf("ListPublished has %d stories, want both", len(page.Items))
	}
	if _, ok, err := db.NextScheduled(ctx, t0); err != nil || ok {
		t.Errorf("NextScheduled still reports a story (ok %v, err %v)", ok, err)
	}
	retried := job(t, db, lost.ID)
	if retried.State != news.JobDone || retried.Attempts != 2 || retried.Worker == "crashed-worker" {
		t.Errorf("crashed claim: %+v, want done on a second attempt by another worker", retried)
	}
	done, err := db.Jobs(ctx, news.JobFilter{Kind: news.JobPublish, State: news.JobDone})
	must(t, err)
	if len(done) != 2 {
		t.Errorf("%d publish jobs done, want 2", len(done))
	}
}

// A job for a schedule the editor changed in the meantime finds nothing to
// do and succeeds: the new schedule has its own job.
func TestPublishJobOfChangedSchedule(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	create := newsroom(t, db)
	st := create("Moved")
	must(t, db.Schedule(ctx, st.ID, st.HeadRev, t0.Add(time.Hour)))
	clk := &clock{t: t0.Add(time.Hour)}
	// The runner claims the old schedule's job; before it goes live, the
	// editor moves the embargo a day later.
	old, err := db.Claim(ctx, []string{news.JobPublish}, "w1", time.Minute, clk.Now())
	must(t, err)
	must(t, db.Schedule(ctx, st.ID, st.HeadRev, t0.Add(25*time.Hour)))
	live, err := db.GoLive(ctx, st.ID, st.HeadRev, clk.Now())
	must(t, err)
	if live {
		t.Fatal("the old schedule's job published the story a day early")
	}
	if err := db.Complete(ctx, old.ID, "w1", clk.Now()); err == nil {
		t.Error("Complete of a cancelled job succeeded")
	}

	r := publishRunner(db, clk)
	runDue(t, r, 0)
	clk.Set(t0.Add(25 * time.Hour))
	runDue(t, r, 1)
	got, err := db.Story(ctx, st.ID)
	must(t, err)
	if got.Pub != news.PubPublished || !got.PublishAt.Equal(t0.Add(25*time.Hour)) {
		t.Errorf("after the new schedule's job: Pub %q PublishAt %v", got.Pub, got.PublishAt)
	}
}
