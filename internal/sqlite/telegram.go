package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"qalam/internal/news"
)

var _ news.TelegramStore = (*DB)(nil)

// Nothing here bumps the content version: channel posts change no page.

const telegramCols = `service, story, chat, message_id, kind, state, claimed, posted, corrections, updated, edited, ended`

func scanTelegramPost(sc rowScanner) (news.TelegramPost, error) {
	var p news.TelegramPost
	var kind, state string
	err := sc.Scan(&p.Service, &p.StoryID, &p.Chat, &p.MessageID, &kind, &state, timeCol(&p.Claimed),
		timeCol(&p.Posted), &p.Corrections, timeCol(&p.Updated), timeCol(&p.Edited), timeCol(&p.Ended))
	p.Kind, p.State = news.TelegramKind(kind), news.TelegramState(state)
	return p, err
}

func (db *DB) TelegramWatermark(ctx context.Context, service string, at time.Time) (time.Time, error) {
	var wm time.Time
	err := db.write(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM services WHERE code = ?`, service).Scan(&one); err != nil {
			return dbErr(err, fmt.Sprintf("service %q", service))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO telegram_services (service, watermark) VALUES (?, ?)
			ON CONFLICT (service) DO NOTHING`, service, timeArg(news.Time(at))); err != nil {
			return dbErr(err, "telegram watermark")
		}
		return dbErr(tx.QueryRowContext(ctx, `SELECT watermark FROM telegram_services WHERE service = ?`, service).
			Scan(timeCol(&wm)), "telegram watermark")
	})
	return wm, err
}

func (db *DB) ClaimTelegramPost(ctx context.Context, service, storyID, chat string, at time.Time) error {
	if strings.TrimSpace(chat) == "" {
		return news.Invalidf("a telegram post needs a chat")
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		var svc string
		if err := tx.QueryRowContext(ctx, `SELECT service FROM stories WHERE id = ?`, storyID).Scan(&svc); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return news.Invalidf("story %q does not exist", storyID)
			}
			return dbErr(err, "story")
		}
		if svc != service {
			return news.Invalidf("story %q is not in service %q", storyID, service)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO telegram_posts (service, story, chat, state, claimed)
			VALUES (?, ?, ?, 'sending', ?)
			ON CONFLICT (service, story) DO UPDATE SET chat = excluded.chat, message_id = 0, kind = '',
				state = 'sending', claimed = excluded.claimed, posted = NULL, corrections = 0,
				updated = NULL, edited = NULL, ended = NULL
			WHERE telegram_posts.state = 'deleted'`,
			service, storyID, chat, timeArg(news.Time(at)))
		if err != nil {
			return dbErr(err, "telegram post")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("story %q already has a telegram post: %w", storyID, news.ErrConflict)
		}
		return nil
	})
}

func (db *DB) ReleaseTelegramPost(ctx context.Context, service, storyID string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM telegram_posts WHERE service = ? AND story = ? AND state = 'sending'`,
			service, storyID)
		if err != nil {
			return dbErr(err, "telegram post")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("telegram post of story %q being sent: %w", storyID, news.ErrNotFound)
		}
		return nil
	})
}

func (db *DB) RecordTelegramPost(ctx context.Context, p news.TelegramPost) error {
	if p.MessageID <= 0 {
		return news.Invalidf("a telegram message id is positive")
	}
	if p.Kind != news.TelegramPhoto && p.Kind != news.TelegramText {
		return news.Invalidf("telegram post kind %q: want photo or text", p.Kind)
	}
	if p.Corrections < 0 {
		return news.Invalidf("a negative number of corrections")
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE telegram_posts SET message_id = ?, kind = ?, state = 'posted',
			posted = ?, corrections = ?, updated = ? WHERE service = ? AND story = ? AND state = 'sending'`,
			p.MessageID, string(p.Kind), timeArg(news.Time(p.Posted)), p.Corrections, timeArg(news.Time(p.Updated)),
			p.Service, p.StoryID)
		if err != nil {
			return dbErr(err, "telegram post")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("telegram post of story %q being sent: %w", p.StoryID, news.ErrNotFound)
		}
		return nil
	})
}

func (db *DB) RecordTelegramEdit(ctx context.Context, service, storyID string, corrections int, updated, at time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE telegram_posts SET corrections = ?, updated = ?, edited = ?
			WHERE service = ? AND story = ? AND state = 'posted'`,
			corrections, timeArg(news.Time(updated)), timeArg(news.Time(at)), service, storyID)
		if err != nil {
			return dbErr(err, "telegram post")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("posted telegram message of story %q: %w", storyID, news.ErrNotFound)
		}
		return nil
	})
}

func (db *DB) SetTelegramState(ctx context.Context, service, storyID string, from, to news.TelegramState, at time.Time) error {
	if !from.Valid() || !to.Valid() || from == news.TelegramSending || to == news.TelegramSending {
		return news.Invalidf("telegram post state %q → %q", from, to)
	}
	var ended any
	if to == news.TelegramDeleted || to == news.TelegramUnrecallable {
		ended = timeArg(news.Time(at))
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		var state string
		err := tx.QueryRowContext(ctx, `SELECT state FROM telegram_posts WHERE service = ? AND story = ?`, service, storyID).Scan(&state)
		if err != nil {
			return dbErr(err, fmt.Sprintf("telegram post of story %q", storyID))
		}
		if state != string(from) {
			return fmt.Errorf("telegram post of story %q is %s, not %s: %w", storyID, state, from, news.ErrConflict)
		}
		_, err = tx.ExecContext(ctx, `UPDATE telegram_posts SET state = ?, ended = ? WHERE service = ? AND story = ?`,
			string(to), ended, service, storyID)
		return dbErr(err, "telegram post")
	})
}

func (db *DB) TelegramPosts(ctx context.Context, f news.TelegramFilter) ([]news.TelegramPost, error) {
	if f.State != "" && !f.State.Valid() {
		return nil, news.Invalidf("telegram post state %q", f.State)
	}
	if f.Limit < 0 || f.Limit > 10000 {
		return nil, news.Invalidf("limit %d: want 1..10000", f.Limit)
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	q := `SELECT ` + telegramCols + ` FROM telegram_posts WHERE 1 = 1`
	var args []any
	if f.Service != "" {
		q += ` AND service = ?`
		args = append(args, f.Service)
	}
	if f.StoryID != "" {
		q += ` AND story = ?`
		args = append(args, f.StoryID)
	}
	if f.State != "" {
		q += ` AND state = ?`
		args = append(args, string(f.State))
	}
	if !f.Since.IsZero() {
		q += ` AND claimed >= ?`
		args = append(args, timeArg(news.Time(f.Since)))
	}
	q += ` ORDER BY claimed DESC, story LIMIT ?`
	args = append(args, f.Limit)
	return queryAll(ctx, db.r, "telegram posts", scanTelegramPost, q, args...)
}

func (db *DB) TelegramStale(ctx context.Context, service string, since, at time.Time) ([]news.TelegramPost, error) {
	atUs, sinceUs := news.Time(at).UnixMicro(), int64(0)
	if !since.IsZero() {
		sinceUs = news.Time(since).UnixMicro()
	}
	cols := strings.ReplaceAll(", "+telegramCols, ", ", ", p.")[2:]
	return queryAll(ctx, db.r, "telegram posts", scanTelegramPost, `SELECT `+cols+`
		FROM telegram_posts p JOIN stories s ON s.id = p.story
		WHERE p.service = ? AND p.state IN ('posted', 'unrecallable') AND p.claimed >= ? AND (
			(p.state = 'posted' AND NOT (`+publicAt+`))
			OR (p.state = 'unrecallable' AND `+publicAt+`)
			OR (p.state = 'posted' AND (COALESCE(s.updated_at, 0) != COALESCE(p.updated, 0)
				OR (SELECT COUNT(*) FROM corrections c WHERE c.story_id = s.id AND c.at <= ?) != p.corrections)))
		ORDER BY p.claimed, p.story`,
		service, sinceUs, atUs, atUs, atUs)
}
