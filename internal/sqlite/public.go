package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"qalam/internal/news"
)

// Public reads. Each applies the same rule as news.Story.PublicAt; the SQL
// form below takes the instant (Unix microseconds) as its one argument.
const publicAt = `s.pub IN ('published', 'scheduled') AND s.live_rev != '' AND s.publish_at <= ?`

// summarySelect yields what scanSummary reads: a story, its section and its
// live revision's teaser, with the lead image's asset when it has one.
const summarySelect = `SELECT s.id, s.service, s.slug, s.publish_at, s.updated_at,
	sec.id, sec.service, sec.slug, sec.name, sec.position,
	r.headline, r.deck, r.dateline, r.lead,
	a.id, a.hash, a.mime, a.width, a.height, a.bytes, a.created
FROM stories s
JOIN sections sec ON sec.id = s.section_id
JOIN revisions r ON r.id = s.live_rev
LEFT JOIN assets a ON a.id = r.lead_asset`

func scanSummary(sc rowScanner) (news.Summary, error) {
	var (
		s                       news.Summary
		aID, aHash, aMIME       sql.NullString
		aWidth, aHeight, aBytes sql.NullInt64
		aCreated                time.Time
	)
	err := sc.Scan(&s.ID, &s.Service, &s.Slug, timeCol(&s.PublishAt), timeCol(&s.UpdatedAt),
		&s.Section.ID, &s.Section.Service, &s.Section.Slug, &s.Section.Name, &s.Section.Position,
		jsonCol(&s.Headline), jsonCol(&s.Deck), &s.Dateline, jsonCol(&s.Lead),
		&aID, &aHash, &aMIME, &aWidth, &aHeight, &aBytes, timeCol(&aCreated))
	if err != nil {
		return news.Summary{}, err
	}
	if aID.Valid {
		s.LeadAsset = &news.Asset{ID: aID.String, Hash: aHash.String, MIME: aMIME.String,
			Width: int(aWidth.Int64), Height: int(aHeight.Int64), Bytes: aBytes.Int64, Created: aCreated}
	}
	return s, nil
}

func querySummaries(ctx context.Context, q querier, query string, args ...any) ([]news.Summary, error) {
	return queryAll(ctx, q, "stories", scanSummary, query, args...)
}

func (db *DB) PublishedStory(ctx context.Context, id string, at time.Time) (news.Published, error) {
	var p news.Published
	err := db.read(ctx, func(tx *sql.Tx) error {
		st, err := loadStory(ctx, tx, id)
		if err != nil {
			return err
		}
		if !st.PublicAt(at) {
			return fmt.Errorf("story %q: %w", id, news.ErrNotFound)
		}
		p.Story = st
		if p.Rev, err = loadRevision(ctx, tx, st.LiveRev); err != nil {
			return err
		}
		if p.Section, err = scanSection(tx.QueryRowContext(ctx, `SELECT `+sectionCols+` FROM sections WHERE id = ?`, st.SectionID)); err != nil {
			return dbErr(err, "section")
		}
		if p.Authors, err = revisionAuthors(ctx, tx, st.LiveRev); err != nil {
			return err
		}
		if p.Tags, err = queryTags(ctx, tx, `SELECT t.id, t.service, t.slug, t.name FROM story_tags st
			JOIN tags t ON t.id = st.tag_id WHERE st.story_id = ? ORDER BY st.position`, id); err != nil {
			return err
		}
		if p.Corrections, err = corrections(ctx, tx, id, at); err != nil {
			return err
		}
		if p.Assets, err = revisionAssets(ctx, tx, st.LiveRev); err != nil {
			return err
		}
		p.Translations, err = translations(ctx, tx, st, at)
		return err
	})
	if err != nil {
		return news.Published{}, err
	}
	return p, nil
}

// revisionAuthors returns a revision's byline in order.
func revisionAuthors(ctx context.Context, tx *sql.Tx, rev string) ([]news.Author, error) {
	return queryAll(ctx, tx, "authors", scanAuthor, `SELECT a.id, a.service, a.slug, a.name, a.bio, a.collective
		FROM revision_authors ra JOIN authors a ON a.id = ra.author_id
		WHERE ra.rev_id = ? ORDER BY ra.position`, rev)
}

func scanCorrection(sc rowScanner) (news.Correction, error) {
	var c news.Correction
	err := sc.Scan(&c.ID, &c.StoryID, timeCol(&c.At), jsonCol(&c.Text))
	return c, err
}

// corrections returns the corrections made by instant at, oldest first.
func corrections(ctx context.Context, tx *sql.Tx, storyID string, at time.Time) ([]news.Correction, error) {
	return queryAll(ctx, tx, "corrections", scanCorrection, `SELECT id, story_id, at, text FROM corrections
		WHERE story_id = ? AND at <= ? ORDER BY at, n`, storyID, at.UnixMicro())
}

func revisionAssets(ctx context.Context, tx *sql.Tx, rev string) (map[string]news.Asset, error) {
	rows, err := tx.QueryContext(ctx, `SELECT a.id, a.hash, a.mime, a.width, a.height, a.bytes, a.created
		FROM revision_assets ra JOIN assets a ON a.id = ra.asset_id WHERE ra.rev_id = ?`, rev)
	if err != nil {
		return nil, dbErr(err, "assets")
	}
	defer rows.Close()
	out := map[string]news.Asset{}
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, dbErr(err, "assets")
		}
		out[a.ID] = a
	}
	return out, dbErr(rows.Err(), "assets")
}

// translations returns the public stories of st's group in other services,
// in service order.
func translations(ctx context.Context, tx *sql.Tx, st news.Story, at time.Time) ([]news.Translation, error) {
	if st.Group == "" {
		return nil, nil
	}
	services, err := queryAll(ctx, tx, "translations", scanService, `SELECT `+serviceCols+` FROM services WHERE code IN (
		SELECT s.service FROM stories s WHERE s.grp = ? AND s.service != ? AND `+publicAt+`)
		ORDER BY position, code`, st.Group, st.Service, at.UnixMicro())
	if err != nil {
		return nil, err
	}
	var out []news.Translation
	for _, svc := range services {
		sums, err := querySummaries(ctx, tx, summarySelect+` WHERE s.grp = ? AND s.service = ? AND `+publicAt,
			st.Group, svc.Code, at.UnixMicro())
		if err != nil {
			return nil, err
		}
		for _, sum := range sums {
			out = append(out, news.Translation{Service: svc, Summary: sum})
		}
	}
	return out, nil
}

// StoryGone is true for a story readers saw once that has been unpublished
// since. A story that never went public (a cancelled embargo) is not gone.
func (db *DB) StoryGone(ctx context.Context, id string, at time.Time) (bool, error) {
	var gone bool
	err := db.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM stories
		WHERE id = ? AND pub = 'unpublished' AND first_public IS NOT NULL AND first_public <= ?)`, id, at.UnixMicro()).Scan(&gone)
	return gone, dbErr(err, "story")
}

// List limits. A larger Limit is clamped to maxLimit rather than refused,
// so a hand-edited URL still gets a page.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// A cursor is the key of the last story on a page, base64url("µs.id"):
// keyset pagination, so stories published between two fetches never shift
// the next page.
func encodeCursor(s news.Summary) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(s.PublishAt.UnixMicro(), 10) + "." + s.ID))
}

func decodeCursor(c string) (int64, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		micros, id, ok := strings.Cut(string(b), ".")
		if n, err := strconv.ParseInt(micros, 10, 64); ok && err == nil && id != "" {
			return n, id, nil
		}
	}
	return 0, "", news.Invalidf("malformed list cursor %q", c)
}

// pageLimit applies the page size rules every list shares: 0 means the
// default, more than the maximum is clamped, negative is invalid.
func pageLimit(what string, limit int) (int, error) {
	switch {
	case limit < 0:
		return 0, news.Invalidf("%s limit %d is negative", what, limit)
	case limit == 0:
		return defaultLimit, nil
	case limit > maxLimit:
		return maxLimit, nil
	}
	return limit, nil
}

func (db *DB) ListPublished(ctx context.Context, q news.ListQuery, at time.Time) (news.Page, error) {
	if q.Service == "" {
		return news.Page{}, news.Invalidf("a story list needs a service")
	}
	limit, err := pageLimit("list", q.Limit)
	if err != nil {
		return news.Page{}, err
	}
	where := `s.service = ? AND ` + publicAt
	args := []any{q.Service, at.UnixMicro()}
	if q.SectionID != "" {
		where += ` AND s.section_id = ?`
		args = append(args, q.SectionID)
	}
	if q.TagID != "" {
		where += ` AND EXISTS (SELECT 1 FROM story_tags st WHERE st.story_id = s.id AND st.tag_id = ?)`
		args = append(args, q.TagID)
	}
	if q.AuthorID != "" {
		where += ` AND EXISTS (SELECT 1 FROM revision_authors ra WHERE ra.rev_id = s.live_rev AND ra.author_id = ?)`
		args = append(args, q.AuthorID)
	}
	// Text matches each word as a substring of the live revision's text, so
	// "алматы" also finds the inflected "Алматыда".
	for _, word := range strings.Fields(strings.ToLower(q.Text)) {
		where += ` AND instr((SELECT search FROM revisions WHERE id = s.live_rev), ?) > 0`
		args = append(args, word)
	}
	pageWhere, pageArgs := where, args
	if q.Cursor != "" {
		micros, id, err := decodeCursor(q.Cursor)
		if err != nil {
			return news.Page{}, err
		}
		pageWhere += ` AND (s.publish_at < ? OR s.publish_at = ? AND s.id < ?)`
		pageArgs = append(append([]any{}, args...), micros, micros, id)
	}
	var page news.Page
	err = db.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM stories s WHERE `+where, args...).Scan(&page.Total); err != nil {
			return dbErr(err, "stories")
		}
		items, err := querySummaries(ctx, tx, summarySelect+` WHERE `+pageWhere+` ORDER BY s.publish_at DESC, s.id DESC LIMIT ?`,
			append(pageArgs, limit+1)...)
		if err != nil {
			return err
		}
		if len(items) > limit {
			items = items[:limit]
			page.Next = encodeCursor(items[limit-1])
		}
		page.Items = items
		return nil
	})
	if err != nil {
		return news.Page{}, err
	}
	return page, nil
}

func (db *DB) Curated(ctx context.Context, service string, at time.Time) ([]news.Summary, error) {
	return querySummaries(ctx, db.r, summarySelect+` JOIN curation c ON c.story_id = s.id
		WHERE c.service = ? AND `+publicAt+` ORDER BY c.position`, service, at.UnixMicro())
}

func (db *DB) NextScheduled(ctx context.Context, after time.Time) (time.Time, bool, error) {
	var next sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT MIN(publish_at) FROM stories
		WHERE pub = 'scheduled' AND live_rev != '' AND publish_at > ?`, after.UnixMicro()).Scan(&next)
	if err != nil || !next.Valid {
		return time.Time{}, false, dbErr(err, "scheduled stories")
	}
	return time.UnixMicro(next.Int64).UTC(), true, nil
}
