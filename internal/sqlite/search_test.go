package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"qalam/internal/news"
	"qalam/internal/sqlite"
)

// A data dir written before the search index existed gets its index filled
// when it is opened: stories published then are found, hidden ones are not.
func TestSearchBackfill(t *testing.T) {
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
	must(db.PutService(ctx, news.Service{Code: "ru", Name: "Азаттык", Lang: "ru", Dir: "ltr", TimeZone: "UTC", Position: 1, Default: true}))
	sec := news.Section{Service: "ru", Slug: "news", Name: "Новости", Position: 1}
	must(db.PutSection(ctx, &sec))
	mk := func(headline string) news.Story {
		st, err := db.CreateStory(ctx, news.NewStory{Service: "ru", SectionID: sec.ID, Slug: "s", Created: t0,
			Content: news.Content{Headline: news.Text(headline),
				Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Текст.")}}}}})
		must(err)
		return st
	}
	public := mk("Митинг в Москве")
	must(db.Publish(ctx, public.ID, public.HeadRev, t0))
	gone := mk("Москва: снято")
	must(db.Publish(ctx, gone.ID, gone.HeadRev, t0))
	must(db.Unpublish(ctx, gone.ID, t0.Add(time.Minute)))
	mk("Москва: черновик")
	must(db.Close())

	// Undo migration 0003, as if an older qalam had written the file.
	raw := rawOpen(t, path)
	for _, q := range []string{`DROP TABLE search_fts`, `DROP TABLE search_docs`, `DELETE FROM schema_migrations WHERE version = 3`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	db, err = sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pg, err := db.Search(ctx, news.SearchQuery{Service: "ru", Text: "москва"}, t0.Add(time.Hour))
	must(err)
	if pg.Total != 1 || len(pg.Hits) != 1 || pg.Hits[0].Summary.ID != public.ID {
		t.Fatalf("after the backfill: %+v", pg)
	}
}
