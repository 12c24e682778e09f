package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"qalam/internal/news"
)

var _ news.LiveBlogStore = (*DB)(nil)

func (db *DB) SetLiveBlog(ctx context.Context, storyID string, open bool, at time.Time) error {
	at = news.Time(at)
	return db.write(ctx, func(tx *sql.Tx) error {
		if svc, err := ownedBy(ctx, tx, "stories", storyID); err != nil {
			return err
		} else if svc == "" {
			return fmt.Errorf("story %q: %w", storyID, news.ErrNotFound)
		}
		var closed any
		if !open {
			closed = timeArg(at)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO live_blogs (story_id, open, started, closed) VALUES (?, ?, ?, ?)
			ON CONFLICT (story_id) DO UPDATE SET open = excluded.open, closed = excluded.closed`,
			storyID, boolArg(open), timeArg(at), closed)
		if err != nil {
			return dbErr(err, "live blog")
		}
		return bump(ctx, tx)
	})
}

func (db *DB) LiveBlog(ctx context.Context, storyID string) (news.LiveBlog, error) {
	var b news.LiveBlog
	err := db.r.QueryRowContext(ctx, `SELECT story_id, open, started, closed FROM live_blogs WHERE story_id = ?`, storyID).
		Scan(&b.StoryID, &b.Open, timeCol(&b.Started), timeCol(&b.Closed))
	return b, dbErr(err, fmt.Sprintf("live blog %q", storyID))
}

func (db *DB) PostLiveEntry(ctx context.Context, e *news.LiveEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	v := *e
	if v.ID == "" {
		v.ID = news.NewID()
	}
	v.Posted = news.Time(v.Posted)
	if len(v.Body.Blocks) > 0 && v.Body.Version == 0 {
		v.Body.Version = news.DocVersion
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		var open bool
		err := tx.QueryRowContext(ctx, `SELECT open FROM live_blogs WHERE story_id = ?`, v.StoryID).Scan(&open)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("story %q is not a live blog: %w", v.StoryID, news.ErrNotFound)
		}
		if err != nil {
			return dbErr(err, "live blog")
		}
		if !open {
			return fmt.Errorf("the live blog is closed: %w", news.ErrConflict)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM live_entries WHERE story_id = ?`, v.StoryID).Scan(&v.Seq); err != nil {
			return dbErr(err, "live entry")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO live_entries (id, story_id, seq, title, body, posted, by_staff) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			v.ID, v.StoryID, v.Seq, jsonArg(v.Title), jsonArg(v.Body), timeArg(v.Posted), v.By)
		if err != nil {
			return dbErr(err, "live entry")
		}
		return bump(ctx, tx)
	})
	if err == nil {
		*e = v
	}
	return err
}

func (db *DB) DeleteLiveEntry(ctx context.Context, id string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM live_entries WHERE id = ?`, id)
		if err != nil {
			return dbErr(err, "live entry")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("live entry %q: %w", id, news.ErrNotFound)
		}
		return bump(ctx, tx)
	})
}

func scanLiveEntry(sc rowScanner) (news.LiveEntry, error) {
	var e news.LiveEntry
	err := sc.Scan(&e.ID, &e.StoryID, &e.Seq, jsonCol(&e.Title), jsonCol(&e.Body), timeCol(&e.Posted), &e.By)
	return e, err
}

func (db *DB) LiveEntries(ctx context.Context, storyID string, after int64, at time.Time, limit int) ([]news.LiveEntry, error) {
	if limit < 1 || limit > 500 {
		return nil, news.Invalidf("live entries: limit %d out of 1..500", limit)
	}
	return queryAll(ctx, db.r, "live entries", scanLiveEntry, `SELECT id, story_id, seq, title, body, posted, by_staff
		FROM live_entries WHERE story_id = ? AND seq > ? AND posted <= ? ORDER BY seq LIMIT ?`,
		storyID, after, timeArg(news.Time(at)), limit)
}
