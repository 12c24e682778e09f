package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"qalam/internal/news"
	"qalam/internal/stem"
)

// Full-text search. The index (migration 0003) holds, per story with a live
// revision, the stem keys of that revision's headline, deck and body; the
// story's visibility is checked against stories at query time, so only a
// change of live revision (Publish, Schedule) touches the index, and a
// change of the keys themselves: of the service's language (PutService) or
// of package stem (searchKeys, on Open). Kazakh keys are shared by a
// Cyrillic word and its 2021 Latin form, so the Latin view's readers search
// the stored Cyrillic text in either script.

// Relevance weights of the indexed columns for bm25: headline, deck, body.
const searchWeights = `10.0, 4.0, 1.0`

// maxSearchKeys bounds the words of one query.
const maxSearchKeys = 16

// stemLang is the stem language of a service's language tag ("kk-KZ" → "kk").
func stemLang(tag string) string {
	tag, _, _ = strings.Cut(strings.ToLower(tag), "-")
	return tag
}

// joinKeys returns text's search keys as index terms of service, separated
// by spaces.
func joinKeys(service, lang, text string) string {
	keys := stem.Keys(lang, text)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(term(service, k))
	}
	return b.String()
}

// term is the index term of a search key in a service: "kk_алмат".
func term(service, key string) string { return service + "_" + key }

// syncSearch copies a story's service and visibility into its search_docs
// row (if it has one). It runs inside every transaction that changes the
// story's publication state, after the change.
func syncSearch(ctx context.Context, tx *sql.Tx, storyID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE search_docs SET
		visible_from = CASE WHEN s.pub IN ('published', 'scheduled') AND s.live_rev != '' THEN s.publish_at END
		FROM stories s WHERE s.id = search_docs.story_id AND search_docs.story_id = ?`, storyID)
	return dbErr(err, "search index")
}

// indexStory makes the search index hold revision rev as storyID's live
// content, and its visibility as the story's now. It runs inside the
// transaction that changes the live revision, after the change.
func indexStory(ctx context.Context, tx *sql.Tx, storyID, rev string) error {
	if err := indexContent(ctx, tx, storyID, rev); err != nil {
		return err
	}
	return syncSearch(ctx, tx, storyID)
}

func indexContent(ctx context.Context, tx *sql.Tx, storyID, rev string) error {
	return writeContent(ctx, tx, storyID, rev, false)
}

// writeContent writes the index terms of revision rev as storyID's live
// content; unless force, it does nothing when they are already there.
func writeContent(ctx context.Context, tx *sql.Tx, storyID, rev string, force bool) error {
	var (
		lang, docRev   string
		service        string
		docID          sql.NullInt64
		headline, deck news.Inline
		body           string
	)
	err := tx.QueryRowContext(ctx, `SELECT s.service, sv.lang, r.headline, r.deck, r.body, d.id, COALESCE(d.rev_id, '')
		FROM stories s JOIN services sv ON sv.code = s.service JOIN revisions r ON r.id = ?
		LEFT JOIN search_docs d ON d.story_id = s.id
		WHERE s.id = ?`, rev, storyID).Scan(&service, &lang, jsonCol(&headline), jsonCol(&deck), &body, &docID, &docRev)
	if err != nil {
		return dbErr(err, "search index")
	}
	if docID.Valid && docRev == rev && !force {
		return nil
	}
	doc, err := news.DecodeDoc([]byte(body))
	if err != nil {
		return fmt.Errorf("sqlite: search index: revision %s body: %v", rev, err)
	}
	lang = stemLang(lang)
	h, d, b := joinKeys(service, lang, headline.Plain()), joinKeys(service, lang, deck.Plain()), joinKeys(service, lang, doc.PlainText())
	if docID.Valid {
		if _, err := tx.ExecContext(ctx, `UPDATE search_docs SET rev_id = ? WHERE id = ?`, rev, docID.Int64); err != nil {
			return dbErr(err, "search index")
		}
		_, err = tx.ExecContext(ctx, `UPDATE search_fts SET headline = ?, deck = ?, body = ? WHERE rowid = ?`, h, d, b, docID.Int64)
		return dbErr(err, "search index")
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO search_docs (story_id, rev_id) VALUES (?, ?) RETURNING id`, storyID, rev).Scan(&id); err != nil {
		return dbErr(err, "search index")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO search_fts (rowid, headline, deck, body) VALUES (?, ?, ?, ?)`, id, h, d, b)
	return dbErr(err, "search index")
}

// reindex rewrites the index terms of every indexed story (of one service,
// or of all when service is ""), keeping each story's row and so its place
// in the newest-first order. It runs when the keys of those stories change:
// their service's language changed (PutService), or package stem's keys did
// (searchKeys).
func reindex(ctx context.Context, tx *sql.Tx, service string) error {
	type pair struct{ id, rev string }
	pairs, err := queryAll(ctx, tx, "search index", func(sc rowScanner) (pair, error) {
		var p pair
		return p, sc.Scan(&p.id, &p.rev)
	}, `SELECT d.story_id, d.rev_id FROM search_docs d JOIN stories s ON s.id = d.story_id
		WHERE ? = '' OR s.service = ? ORDER BY d.id`, service, service)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if err := writeContent(ctx, tx, p.id, p.rev, true); err != nil {
			return err
		}
	}
	return nil
}

// searchKeys is the version of the index terms: package stem's keys as this
// binary makes them. Raise it whenever a change to package stem changes the
// key of any word, so that Open re-indexes every data dir once.
//
//	1  the keys of migration 0003 (Cyrillic only for Kazakh)
//	2  Kazakh keys shared by a Cyrillic word and its 2021 Latin form;
//	   аудан no longer stems to ау
//
// The version an index was built with is kept in the FTS5 table's own
// key-value table search_fts_config under searchKeysName (FTS5 reads only
// its own keys there and leaves others alone), so it needs no migration and
// goes wherever the index goes. An index with no version there was built
// with version 1.
const (
	searchKeys     = 2
	searchKeysName = "qalam-keys"
)

// backfillSearch brings the search index up to date on Open, in one
// transaction: it fills an empty index from the live revisions of the
// stories (a data dir written before migration 0003), and re-indexes every
// story once when the index was built with other keys (searchKeys).
func (db *DB) backfillSearch(ctx context.Context) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var built int
		err := tx.QueryRowContext(ctx, `SELECT v FROM search_fts_config WHERE k = ?`, searchKeysName).Scan(&built)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			built = 1
		case err != nil:
			return dbErr(err, "search index")
		}
		var indexed, live bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM search_docs),
			EXISTS (SELECT 1 FROM stories WHERE live_rev != '')`).Scan(&indexed, &live); err != nil {
			return dbErr(err, "search index")
		}
		if built == searchKeys && (indexed || !live) {
			return nil
		}
		if built != searchKeys {
			if err := reindex(ctx, tx, ""); err != nil {
				return err
			}
		}
		if !indexed {
			type pair struct{ id, rev string }
			pairs, err := queryAll(ctx, tx, "search index", func(sc rowScanner) (pair, error) {
				var p pair
				return p, sc.Scan(&p.id, &p.rev)
			}, `SELECT id, live_rev FROM stories WHERE live_rev != '' ORDER BY publish_at, id`)
			if err != nil {
				return err
			}
			for _, p := range pairs {
				if err := indexStory(ctx, tx, p.id, p.rev); err != nil {
					return err
				}
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO search_fts_config (k, v) VALUES (?, ?)
			ON CONFLICT (k) DO UPDATE SET v = excluded.v`, searchKeysName, searchKeys)
		return dbErr(err, "search index")
	})
}

// A search cursor is base64url("s" + offset into the ranked results).
func encodeSearchCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("s" + strconv.Itoa(offset)))
}

func decodeSearchCursor(c string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && len(b) > 1 && b[0] == 's' {
		if n, err := strconv.Atoi(string(b[1:])); err == nil && n > 0 {
			return n, nil
		}
	}
	return 0, news.Invalidf("malformed search cursor %q", c)
}

// matchExpr returns the FTS5 query for a service's stories holding every
// word: each word's keys (stem.QueryKeys) as quoted strings (so no key is
// read as an operator or a column), joined by OR when a word has several
// readings, and the words joined by AND.
func matchExpr(service string, words [][]string) string {
	parts := make([]string, len(words))
	for i, keys := range words {
		alts := make([]string, len(keys))
		for j, k := range keys {
			alts[j] = `"` + strings.ReplaceAll(term(service, k), `"`, `""`) + `"`
		}
		parts[i] = alts[0]
		if len(alts) > 1 {
			parts[i] = "(" + strings.Join(alts, " OR ") + ")"
		}
	}
	return strings.Join(parts, " AND ")
}

// queryKeys returns the distinct words of a query, in order, each as the
// keys it is looked up under (stem.QueryKeys, or stem.LooseQueryKeys when
// loose).
func queryKeys(lang, text string, loose bool) [][]string {
	words := stem.QueryKeys(lang, text)
	if loose {
		words = stem.LooseQueryKeys(lang, text)
	}
	var out [][]string
	seen := map[string]bool{}
	for _, keys := range words {
		id := strings.Join(keys, " ")
		if !seen[id] {
			seen[id] = true
			out = append(out, keys)
		}
	}
	return out
}

// maxRanked bounds the work of one search: when more stories match, only
// the newest maxRanked of them (by index rowid, which grows as stories are
// first published or scheduled) are ranked, and paging ends there. Total
// still counts every match. Ranking costs about a microsecond a match.
const maxRanked = 10000

// The queries of a search. Their first argument is the FTS5 query
// (matchExpr); bm25 may only run in a plain scan of the FTS table, so the
// matches are ranked there and joined to search_docs for visibility after.
const (
	// searchMatches counts every match, visible or not (the index answers
	// that from its doclists alone).
	searchMatches = `SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH ?`
	// searchHidden counts the matches readers cannot see at an instant (the
	// second argument): few, reached through search_docs_visible.
	searchHidden = `SELECT COUNT(*) FROM search_docs d CROSS JOIN search_fts ON search_fts.rowid = d.id
		WHERE (d.visible_from IS NULL OR d.visible_from > ?) AND search_fts MATCH ?`
)

var (
	// searchRanked takes the instant, a limit and an offset after the FTS5
	// query, and orders by bm25 (negated: higher is better), then newest.
	searchRanked = `WITH m AS MATERIALIZED (SELECT rowid AS rid, -bm25(search_fts, ` + searchWeights + `) AS score
			FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT ` + strconv.Itoa(maxRanked) + `)
		SELECT d.story_id, m.score FROM m JOIN search_docs d ON d.id = m.rid
		WHERE d.visible_from <= ?
		ORDER BY m.score DESC, d.visible_from DESC, d.story_id DESC LIMIT ? OFFSET ?`
)

func (db *DB) Search(ctx context.Context, q news.SearchQuery, at time.Time) (news.SearchPage, error) {
	if q.Service == "" {
		return news.SearchPage{}, news.Invalidf("a search needs a service")
	}
	limit, err := pageLimit("search", q.Limit)
	if err != nil {
		return news.SearchPage{}, err
	}
	offset := 0
	if q.Cursor != "" {
		if offset, err = decodeSearchCursor(q.Cursor); err != nil {
			return news.SearchPage{}, err
		}
	}
	var page news.SearchPage
	err = db.read(ctx, func(tx *sql.Tx) error {
		var lang string
		if err := tx.QueryRowContext(ctx, `SELECT lang FROM services WHERE code = ?`, q.Service).Scan(&lang); err != nil {
			return dbErr(err, fmt.Sprintf("service %q", q.Service))
		}
		lang = stemLang(lang)
		keys := queryKeys(lang, q.Text, false)
		if len(keys) == 0 {
			return news.Invalidf("a search needs at least one word")
		}
		if len(keys) > maxSearchKeys {
			return news.Invalidf("a search takes at most %d words", maxSearchKeys)
		}
		match := matchExpr(q.Service, keys)
		total, err := countVisible(ctx, tx, match, at)
		if err != nil {
			return err
		}
		if total == 0 {
			// Nothing public for the words as typed: read Kazakh words typed
			// in plain ASCII every way they may be meant (stem.LooseKeys).
			// Only public stories decide, so hidden ones cannot be probed.
			if loose := queryKeys(lang, q.Text, true); fmt.Sprint(loose) != fmt.Sprint(keys) {
				keys, match = loose, matchExpr(q.Service, loose)
				if total, err = countVisible(ctx, tx, match, at); err != nil {
					return err
				}
			}
		}
		page.Total = total
		if offset >= page.Total {
			return nil
		}
		type hit struct {
			id    string
			score float64
		}
		hits, err := queryAll(ctx, tx, "search", func(sc rowScanner) (hit, error) {
			var h hit
			return h, sc.Scan(&h.id, &h.score)
		}, searchRanked, match, at.UnixMicro(), limit+1, offset)
		if err != nil {
			return err
		}
		if len(hits) > limit {
			hits = hits[:limit]
			page.Next = encodeSearchCursor(offset + limit)
		}
		if len(hits) == 0 {
			return nil
		}
		args := make([]any, len(hits))
		for i, h := range hits {
			args[i] = h.id
		}
		// publicAt again: the index's copy of visibility is never trusted alone.
		sums, err := querySummaries(ctx, tx, summarySelect+` WHERE s.id IN (`+placeholders(len(hits))+`) AND `+publicAt,
			append(args, at.UnixMicro())...)
		if err != nil {
			return err
		}
		byID := map[string]news.Summary{}
		for _, s := range sums {
			byID[s.ID] = s
		}
		bodies := map[string]string{}
		rows, err := tx.QueryContext(ctx, `SELECT s.id, r.body FROM stories s JOIN revisions r ON r.id = s.live_rev
			WHERE s.id IN (`+placeholders(len(hits))+`)`, args...)
		if err != nil {
			return dbErr(err, "search")
		}
		for rows.Next() {
			var id, body string
			if err := rows.Scan(&id, &body); err != nil {
				rows.Close()
				return dbErr(err, "search")
			}
			bodies[id] = body
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbErr(err, "search")
		}
		want := map[string]bool{}
		for _, alts := range keys {
			for _, k := range alts {
				want[k] = true
			}
		}
		for _, h := range hits {
			sum, ok := byID[h.id]
			if !ok {
				continue // cannot happen inside one snapshot
			}
			doc, err := news.DecodeDoc([]byte(bodies[h.id]))
			if err != nil {
				return fmt.Errorf("sqlite: search: story %s body: %v", h.id, err)
			}
			text := sum.Deck.Plain() + "\n" + doc.PlainText()
			page.Hits = append(page.Hits, news.SearchHit{Summary: sum, Snippet: Snippet(lang, text, want), Score: h.score})
		}
		return nil
	})
	if err != nil {
		return news.SearchPage{}, err
	}
	return page, nil
}

// countVisible counts the stories matching an FTS5 query that readers may
// see at an instant.
func countVisible(ctx context.Context, tx *sql.Tx, match string, at time.Time) (int, error) {
	var all, hidden int
	if err := tx.QueryRowContext(ctx, searchMatches, match).Scan(&all); err != nil {
		return 0, dbErr(err, "search")
	}
	if all > 0 {
		if err := tx.QueryRowContext(ctx, searchHidden, at.UnixMicro(), match).Scan(&hidden); err != nil {
			return 0, dbErr(err, "search")
		}
	}
	return all - hidden, nil
}

// Snippet window: words shown before the first match, and in all.
const (
	snippetBefore = 8
	snippetWords  = 30
)

// Snippet returns about 30 words of text around the first word whose search
// key (in lang) is in keys, with every such word in the window marked
// news.MarkHit. Runs of white space become one space; "…" shows a cut. With
// no match it returns the first words, unmarked.
func Snippet(lang, text string, keys map[string]bool) news.Inline {
	text = strings.Join(strings.Fields(text), " ")
	type word struct{ start, end int }
	var words []word
	start := -1
	for i, r := range text {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			words = append(words, word{start, i})
			start = -1
		}
	}
	if start >= 0 {
		words = append(words, word{start, len(text)})
	}
	if len(words) == 0 {
		return nil
	}
	first := -1
	for i, w := range words {
		if keys[stem.Key(lang, text[w.start:w.end])] {
			first = i
			break
		}
	}
	from := 0
	if first > snippetBefore {
		from = first - snippetBefore
	}
	to := min(len(words), from+snippetWords)
	if to-from < snippetWords {
		from = max(0, to-snippetWords)
	}
	var out news.Inline
	var plain strings.Builder
	flush := func() {
		if plain.Len() > 0 {
			out = append(out, news.Span{Text: plain.String()})
			plain.Reset()
		}
	}
	if from > 0 {
		plain.WriteString("… ")
	}
	pos := words[from].start
	for i := from; i < to; i++ {
		w := words[i]
		plain.WriteString(text[pos:w.start])
		if first >= 0 && keys[stem.Key(lang, text[w.start:w.end])] {
			flush()
			out = append(out, news.Span{Text: text[w.start:w.end], Marks: []news.Mark{{Type: news.MarkHit}}})
		} else {
			plain.WriteString(text[w.start:w.end])
		}
		pos = w.end
	}
	if to < len(words) {
		plain.WriteString(" …")
	} else {
		plain.WriteString(text[pos:])
	}
	flush()
	return out
}
