package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"qalam/internal/news"
	"qalam/internal/sqlite"
)

// searchDir makes a data dir with a Kazakh service and three stories: one
// published, one unpublished, one draft. It returns the path and the
// published story.
func searchDir(t *testing.T) (string, news.Story, time.Time) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "qalam.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.PutService(ctx, news.Service{Code: "kk", Name: "Азаттық", Lang: "kk", Dir: "ltr", TimeZone: "UTC", Position: 1, Default: true}))
	sec := news.Section{Service: "kk", Slug: "news", Name: "Жаңалықтар", Position: 1}
	must(db.PutSection(ctx, &sec))
	mk := func(headline string) news.Story {
		st, err := db.CreateStory(ctx, news.NewStory{Service: "kk", SectionID: sec.ID, Slug: "s", Created: t0,
			Content: news.Content{Headline: news.Text(headline),
				Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Мәтін.")}}}}})
		must(err)
		return st
	}
	public := mk("Ауданда жиын өтті")
	must(db.Publish(ctx, public.ID, public.HeadRev, t0))
	gone := mk("Аудан: алынды")
	must(db.Publish(ctx, gone.ID, gone.HeadRev, t0))
	must(db.Unpublish(ctx, gone.ID, t0.Add(time.Minute)))
	mk("Аудан: жоба")
	must(db.Close())
	return path, public, t0.Add(time.Hour)
}

func rawExec(t *testing.T, path string, queries ...string) {
	t.Helper()
	raw := rawOpen(t, path)
	defer raw.Close()
	for _, q := range queries {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// searchOnly opens the data dir and checks that each query finds exactly
// the one story.
func searchOnly(t *testing.T, path string, id string, at time.Time, queries ...string) {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range queries {
		pg, err := db.Search(context.Background(), news.SearchQuery{Service: "kk", Text: q}, at)
		if err != nil {
			t.Fatal(err)
		}
		if pg.Total != 1 || len(pg.Hits) != 1 || pg.Hits[0].Summary.ID != id {
			t.Errorf("Search(%q): %+v, want only %s", q, pg, id)
		}
	}
}

func keysVersion(t *testing.T, path string) int {
	t.Helper()
	raw := rawOpen(t, path)
	defer raw.Close()
	var v int
	if err := raw.QueryRow(`SELECT v FROM search_fts_config WHERE k = 'qalam-keys'`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// A data dir whose stories were published before the search index existed
// (migration 0003 found it empty) gets its index filled when it is opened:
// stories published then are found, hidden ones are not.
func TestSearchBackfill(t *testing.T) {
	path, public, at := searchDir(t)
	rawExec(t, path, `DELETE FROM search_fts`, `DELETE FROM search_docs`, `DELETE FROM search_fts_config WHERE k = 'qalam-keys'`)
	searchOnly(t, path, public.ID, at, "аудан", "audan")
	if v := keysVersion(t, path); v != 2 {
		t.Errorf("keys version %d after the backfill, want 2", v)
	}
}

// An index built with older keys (version 1: Cyrillic only, аудан keyed
// ау) is rebuilt once when the data dir is opened, in place.
func TestSearchKeysVersion(t *testing.T) {
	path, public, at := searchDir(t)
	if v := keysVersion(t, path); v != 2 {
		t.Fatalf("a new data dir has keys version %d, want 2", v)
	}
	rows := func() string {
		raw := rawOpen(t, path)
		defer raw.Close()
		var ids string
		if err := raw.QueryRow(`SELECT group_concat(id || ':' || story_id, ',') FROM search_docs`).Scan(&ids); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	before := rows()
	// What qalam wrote before: no version, keys that no longer match.
	rawExec(t, path, `DELETE FROM search_fts_config WHERE k = 'qalam-keys'`,
		`UPDATE search_fts SET headline = 'kk_ау kk_old', deck = '', body = 'kk_old'`)
	searchOnly(t, path, public.ID, at, "аудан", "Audandağy", "жиын")
	if v := keysVersion(t, path); v != 2 {
		t.Errorf("keys version %d after the rebuild, want 2", v)
	}
	if after := rows(); after != before {
		t.Errorf("index rows %s after the rebuild, want the same as before: %s", after, before)
	}
	// Opened again: nothing to do, the index stays.
	searchOnly(t, path, public.ID, at, "аудан")
	raw := rawOpen(t, path)
	defer raw.Close()
	checkIntegrity(t, raw)
}

func checkIntegrity(t *testing.T, raw *sql.DB) {
	t.Helper()
	if _, err := raw.Exec(`INSERT INTO search_fts (search_fts) VALUES ('integrity-check')`); err != nil {
		t.Errorf("FTS5 integrity check: %v", err)
	}
}
