package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"qalam/internal/fixtures"
	"qalam/internal/news"
)

// The search latency benchmark: 100,000 public stories in one service made
// of real Kazakh news sentences (KazNERD), then ~50 fixed queries. It takes
// a minute or two, so it runs only when asked:
//
//	QALAM_SEARCH_BENCH=1 go test -run TestSearchLatency -v -timeout 20m ./internal/sqlite/
//
// (QALAM_SEARCH_STORIES overrides the number of stories.) BENCHMARKS.md
// records the figures.

var benchQueries = []string{
	"Алматы", "Астана", "Қазақстан", "президент", "облыс", "мемлекет", "министрлік", "университет",
	"сайлау", "парламент", "экономика", "бюджет", "банк", "мұнай", "газ", "білім", "денсаулық",
	"ауыл", "қала", "жол", "су", "жер", "халық", "жастар", "спорт", "футбол", "мектеп", "ғылым",
	"Ресей", "Қытай", "Америка", "Тоқаев", "Назарбаев", "сот", "полиция", "заң", "шекара",
	"компания", "инвестиция", "өнер", "театр", "кітап", "тарих", "мәдениет",
	"Алматы облысы", "Қазақстан Республикасы", "мемлекеттік бағдарлама", "білім беру",
	"ауыл шаруашылығы", "Президент Тоқаев",
}

// seedSearchBench fills a new store with n public stories in one
// transaction, through the same revision and index code the Store uses.
func seedSearchBench(t testing.TB, n int) *DB {
	t.Helper()
	sentences := fixtures.KazNERDSentences(t)
	db, err := Open(filepath.Join(t.TempDir(), "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if err := db.PutService(ctx, news.Service{Code: "kk", Name: "Qalam", Lang: "kk", Dir: "ltr", TimeZone: "Asia/Almaty", Position: 1, Default: true}); err != nil {
		t.Fatal(err)
	}
	sec := news.Section{Service: "kk", Slug: "news", Name: "Жаңалықтар", Position: 1}
	if err := db.PutSection(ctx, &sec); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	err = db.write(ctx, func(tx *sql.Tx) error {
		for i := range n {
			id := fmt.Sprintf("b%011d", i)
			rev := news.Revision{ID: fmt.Sprintf("r%011d", i), StoryID: id, Created: t0}
			blocks := make([]news.Block, 8)
			for j := range blocks {
				blocks[j] = news.Block{Type: news.BlockParagraph, Text: news.Text(sentences[rng.IntN(len(sentences))])}
			}
			rev.Content = news.Content{Headline: news.Text(sentences[rng.IntN(len(sentences))]),
				Deck: news.Text(sentences[rng.IntN(len(sentences))]), Body: news.Doc{Version: news.DocVersion, Blocks: blocks}}
			pub := t0.Add(time.Duration(i) * time.Minute).UnixMicro()
			if _, err := tx.ExecContext(ctx, `INSERT INTO stories (id, service, section_id, slug, grp, status, pub, publish_at,
				first_public, live_rev, head_rev, created, modified) VALUES (?, 'kk', ?, 'story', '', 'approved', 'published', ?, ?, ?, ?, ?, ?)`,
				id, sec.ID, pub, pub, rev.ID, rev.ID, pub, pub); err != nil {
				return err
			}
			if err := insertRevision(ctx, tx, rev, 1); err != nil {
				return err
			}
			if err := indexStory(ctx, tx, id, rev.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO search_fts (search_fts) VALUES ('optimize')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d stories in %v", n, time.Since(start).Round(time.Millisecond))
	return db
}

func TestSearchLatency(t *testing.T) {
	if os.Getenv("QALAM_SEARCH_BENCH") != "1" {
		t.Skip("set QALAM_SEARCH_BENCH=1 to run the search latency benchmark")
	}
	n := 100_000
	if s := os.Getenv("QALAM_SEARCH_STORIES"); s != "" {
		fmt.Sscan(s, &n)
	}
	db := seedSearchBench(t, n)
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	// One warm-up pass, then five timed passes over every query.
	var lat []time.Duration
	var slowest string
	var worst time.Duration
	per := map[string][]time.Duration{}
	hits := map[string]int{}
	for pass := range 6 {
		for _, q := range benchQueries {
			begin := time.Now()
			pg, err := db.Search(ctx, news.SearchQuery{Service: "kk", Text: q, Limit: 12}, now)
			d := time.Since(begin)
			if err != nil {
				t.Fatal(err)
			}
			hits[q] = pg.Total
			if pass == 0 {
				continue
			}
			lat = append(lat, d)
			per[q] = append(per[q], d)
			if d > worst {
				worst, slowest = d, q
			}
		}
	}
	for _, q := range benchQueries {
		slices.Sort(per[q])
		t.Logf("%-28s %6d hits  median %v", q, hits[q], per[q][len(per[q])/2].Round(10*time.Microsecond))
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	t.Logf("%d stories, %d queries × 5: p50 %v, p95 %v, p99 %v, max %v (%q)",
		n, len(benchQueries), pct(0.50).Round(10*time.Microsecond), pct(0.95).Round(10*time.Microsecond),
		pct(0.99).Round(10*time.Microsecond), worst.Round(10*time.Microsecond), slowest)
}
