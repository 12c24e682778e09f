package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qalam/internal/news"
	"qalam/internal/sqlite"
	"qalam/internal/storetest"
)

func open(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) news.Store { return open(t) })
}

func TestReopenKeepsSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qalam.db")
	for range 2 {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if db.SchemaVersion() < 1 || db.Path() != path {
			t.Errorf("SchemaVersion %d, Path %q", db.SchemaVersion(), db.Path())
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qalam.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	future := db.SchemaVersion() + 1
	db.Close()

	// Pretend a newer qalam migrated the file.
	raw := rawOpen(t, path)
	if _, err := raw.Exec(`INSERT INTO schema_migrations (version, name, applied) VALUES (?, 'from_the_future.sql', 0)`, future); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	_, err = sqlite.Open(path)
	if !errors.Is(err, sqlite.ErrSchemaTooNew) || !strings.Contains(err.Error(), "newer qalam") {
		t.Fatalf("Open of a newer schema: %v, want ErrSchemaTooNew saying a newer qalam wrote it", err)
	}
}

// Serving processes poll ContentVersion; a change made by another process
// on the same file must reach them.
func TestContentVersionAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	writer, reader := openTwo(t)

	before, err := reader.ContentVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := writer.PutService(ctx, kk); err != nil {
		t.Fatal(err)
	}
	after, err := reader.ContentVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after <= before {
		t.Errorf("second DB sees version %d after a write, %d before", after, before)
	}
	// And the other way round, with both writing.
	if err := reader.PutService(ctx, news.Service{Code: "ru", Name: "Азаттык", Lang: "ru", Dir: "ltr", TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	v, err := writer.ContentVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v <= after {
		t.Errorf("first DB sees version %d, want more than %d", v, after)
	}
}

var kk = news.Service{Code: "kk", Name: "Азаттық", Lang: "kk", Dir: "ltr", TimeZone: "Asia/Almaty", Default: true}

// Readers must never see a story half-written: a published story always
// comes with its live revision, and the list agrees with its total.
func TestConcurrentReadersAndWriter(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	defer db.Close()
	if err := db.PutService(ctx, kk); err != nil {
		t.Fatal(err)
	}
	sec := news.Section{Service: "kk", Slug: "news", Name: "Жаңалықтар"}
	if err := db.PutSection(ctx, &sec); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	const stories = 40

	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 16)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for i := range stories {
			st, err := db.CreateStory(ctx, news.NewStory{Service: "kk", SectionID: sec.ID, Slug: "s",
				Content: news.Content{Headline: news.Text("Story")}, CreatedBy: "x", Created: t0})
			if err != nil {
				errs <- err
				return
			}
			rev, err := db.SaveRevision(ctx, st.ID, st.HeadRev, news.Content{Headline: news.Text("Edited")}, "x", t0)
			if err != nil {
				errs <- err
				return
			}
			if err := db.Publish(ctx, st.ID, rev.ID, t0.Add(time.Duration(i)*time.Second)); err != nil {
				errs <- err
				return
			}
		}
	}()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			at := t0.Add(time.Hour)
			for {
				select {
				case <-done:
					return
				default:
				}
				page, err := db.ListPublished(ctx, news.ListQuery{Service: "kk", Limit: 100}, at)
				if err != nil {
					errs <- err
					return
				}
				if len(page.Items) != page.Total {
					errs <- errors.New("list and total disagree")
					return
				}
				for _, it := range page.Items {
					if it.Headline.Plain() != "Edited" {
						errs <- errors.New("a published story showed the wrong revision")
						return
					}
					p, err := db.PublishedStory(ctx, it.ID, at)
					if err != nil {
						errs <- err
						return
					}
					if p.Rev.ID != p.Story.LiveRev {
						errs <- errors.New("published story without its live revision")
						return
					}
				}
				if _, err := db.ContentVersion(ctx); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	page, err := db.ListPublished(ctx, news.ListQuery{Service: "kk", Limit: 100}, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != stories {
		t.Errorf("Total %d, want %d", page.Total, stories)
	}
}

// Two processes writing one file wait for each other (BEGIN IMMEDIATE plus
// busy_timeout) instead of failing with "database is locked".
func TestTwoWritersOnOneFile(t *testing.T) {
	ctx := context.Background()
	a, b := openTwo(t)
	if err := a.PutService(ctx, kk); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for i, db := range []*sqlite.DB{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 25 {
				tag := news.Tag{Service: "kk", Slug: fmt.Sprintf("t%d-%d", i, j), Name: "Tag"}
				if err := db.PutTag(ctx, &tag); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	tags, err := a.Tags(ctx, "kk")
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) != 50 {
		t.Errorf("%d tags, want 50", len(tags))
	}
}

// openTwo opens two stores on one new file: they stand in for two qalam
// processes sharing a data dir, each with its own connections.
func openTwo(t *testing.T) (*sqlite.DB, *sqlite.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "qalam.db")
	var dbs [2]*sqlite.DB
	for i := range dbs {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}
