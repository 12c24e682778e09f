package sqlite

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"qalam/internal/news"
)

var _ news.CommentStore = (*DB)(nil)

const commentCols = `id, story, service, COALESCE(parent, ''), name, COALESCE(email, ''), body, state, reports, held, created`

func scanComment(sc rowScanner) (news.Comment, error) {
	var c news.Comment
	var state string
	err := sc.Scan(&c.ID, &c.Story, &c.Service, &c.Parent, &c.Name, &c.Email, &c.Body, &state, &c.Reports, &c.Held, timeCol(&c.Created))
	c.State = news.CommentState(state)
	return c, err
}

// bodyKey is what duplicates are found by: the text with case, spaces and
// punctuation folded away, hashed.
func bodyKey(body string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(body) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:16])
}

// emailBanKey is the HMAC of an address under the database's comment
// secret: the ban list names nobody, yet the same address matches.
func emailBanKey(ctx context.Context, q querier, email string) (string, error) {
	var key []byte
	if err := q.QueryRowContext(ctx, `SELECT key FROM comment_secret WHERE id = 1`).Scan(&key); err != nil {
		return "", dbErr(err, "comment secret")
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("email:" + email))
	return hex.EncodeToString(m.Sum(nil)), nil
}

func (db *DB) CommentSettings(ctx context.Context, service string) (news.CommentSettings, error) {
	return commentSettings(ctx, db.r, service)
}

func commentSettings(ctx context.Context, q querier, service string) (news.CommentSettings, error) {
	s := news.CommentSettings{Service: service, Moderation: news.PreModeration, ReportThreshold: news.DefaultReportThreshold}
	var one int
	if err := q.QueryRowContext(ctx, `SELECT 1 FROM services WHERE code = ?`, service).Scan(&one); err != nil {
		return s, dbErr(err, fmt.Sprintf("service %q", service))
	}
	var mod string
	err := q.QueryRowContext(ctx, `SELECT enabled, moderation, threshold FROM comment_settings WHERE service = ?`, service).
		Scan(&s.Enabled, &mod, &s.ReportThreshold)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	s.Moderation = news.Moderation(mod)
	return s, dbErr(err, "comment settings")
}

func (db *DB) SetCommentSettings(ctx context.Context, s news.CommentSettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM services WHERE code = ?`, s.Service).Scan(&one); err != nil {
			return dbErr(err, fmt.Sprintf("service %q", s.Service))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO comment_settings (service, enabled, moderation, threshold) VALUES (?, ?, ?, ?)
			ON CONFLICT (service) DO UPDATE SET enabled = excluded.enabled, moderation = excluded.moderation, threshold = excluded.threshold`,
			s.Service, s.Enabled, string(s.Moderation), s.ReportThreshold); err != nil {
			return dbErr(err, "comment settings")
		}
		// Story pages show or drop their comments section; every thread's
		// shown comments may change too (post-moderation's pending ones
		// are never shown, so only the section matters).
		return bump(ctx, tx)
	})
}

func (db *DB) SetStoryComments(ctx context.Context, storyID string, open bool) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM stories WHERE id = ?`, storyID).Scan(&one); err != nil {
			return dbErr(err, "story")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO comment_threads (story, closed) VALUES (?, ?)
			ON CONFLICT (story) DO UPDATE SET closed = excluded.closed, version = version + 1`, storyID, !open); err != nil {
			return dbErr(err, "comment thread")
		}
		return bump(ctx, tx)
	})
}

func (db *DB) CommentThread(ctx context.Context, storyID string) (news.CommentThread, error) {
	// One query: readers' comment pages ask it on every request, cache
	// hits included.
	t := news.CommentThread{Story: storyID}
	var closed, version, enabled, threshold sql.NullInt64
	var mod sql.NullString
	err := db.r.QueryRowContext(ctx, `SELECT s.service, t.closed, t.version, c.enabled, c.moderation, c.threshold FROM stories s
		LEFT JOIN comment_threads t ON t.story = s.id LEFT JOIN comment_settings c ON c.service = s.service
		WHERE s.id = ?`, storyID).Scan(&t.Service, &closed, &version, &enabled, &mod, &threshold)
	if err != nil {
		return t, dbErr(err, "story")
	}
	t.Closed, t.Version = closed.Int64 != 0, version.Int64
	t.Settings = news.CommentSettings{Service: t.Service, Moderation: news.PreModeration, ReportThreshold: news.DefaultReportThreshold}
	if mod.Valid {
		t.Settings.Enabled, t.Settings.Moderation, t.Settings.ReportThreshold = enabled.Int64 != 0, news.Moderation(mod.String), int(threshold.Int64)
	}
	return t, nil
}

// touchThread moves a story's thread version: what readers see of it
// changed.
func touchThread(ctx context.Context, tx *sql.Tx, storyID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO comment_threads (story, version) VALUES (?, 1)
		ON CONFLICT (story) DO UPDATE SET version = version + 1`, storyID)
	return dbErr(err, "comment thread")
}

func (db *DB) AddComment(ctx context.Context, n news.NewComment, now time.Time) (news.Comment, error) {
	now = news.Time(now)
	name, body, err := news.CleanCommentText(n.Name, n.Body)
	if err != nil {
		return news.Comment{}, err
	}
	email := ""
	if strings.TrimSpace(n.Email) != "" {
		if email, err = news.NormalizeEmail(n.Email); err != nil {
			return news.Comment{}, err
		}
	}
	c := news.Comment{ID: news.NewID(), Story: n.Story, Name: name, Email: email, Body: body, Held: n.Hold, Created: now}
	err = db.write(ctx, func(tx *sql.Tx) error {
		var closed sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT s.service, t.closed FROM stories s LEFT JOIN comment_threads t ON t.story = s.id
			WHERE s.id = ?`, n.Story).Scan(&c.Service, &closed); err != nil {
			return dbErr(err, "story")
		}
		set, err := commentSettings(ctx, tx, c.Service)
		if err != nil {
			return err
		}
		if !set.Enabled || closed.Int64 != 0 {
			return news.ErrCommentsClosed
		}
		// Client tags older than a day are erased as comments come in, so
		// none outlives ClientTagTTL by more than the quiet between two.
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET client_tag = NULL WHERE client_tag IS NOT NULL AND created < ?`,
			timeArg(now.Add(-news.ClientTagTTL))); err != nil {
			return dbErr(err, "client tags")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM comment_bans WHERE expires IS NOT NULL AND expires <= ?`, timeArg(now)); err != nil {
			return dbErr(err, "bans")
		}
		var banned int
		if n.ClientTag != "" {
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM comment_bans WHERE service = ? AND kind = 'client' AND key = ?`,
				c.Service, n.ClientTag).Scan(&banned); err != nil {
				return dbErr(err, "bans")
			}
		}
		if email != "" && banned == 0 {
			key, err := emailBanKey(ctx, tx, email)
			if err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM comment_bans WHERE service = ? AND kind = 'email' AND key = ?`,
				c.Service, key).Scan(&banned); err != nil {
				return dbErr(err, "bans")
			}
		}
		if banned > 0 {
			return news.ErrBanned
		}
		if n.Parent != "" {
			var parent, pstate, pparent string
			err := tx.QueryRowContext(ctx, `SELECT story, state, COALESCE(parent, '') FROM comments WHERE id = ?`, n.Parent).Scan(&parent, &pstate, &pparent)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && (parent != n.Story || pstate != string(news.CommentApproved))) {
				return news.Invalidf("the comment you reply to is not shown on this story")
			}
			if err != nil {
				return dbErr(err, "parent comment")
			}
			// One level: a reply to a reply joins its parent's replies.
			c.Parent = n.Parent
			if pparent != "" {
				c.Parent = pparent
			}
		}
		key := bodyKey(body)
		var dup int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE story = ? AND body_key = ? AND created > ?`,
			n.Story, key, timeArg(now.Add(-news.DuplicateWindow))).Scan(&dup); err != nil {
			return dbErr(err, "duplicates")
		}
		if dup > 0 {
			return news.ErrDuplicate
		}
		c.State = news.CommentPending
		if set.Moderation == news.PostModeration && n.Hold == "" {
			c.State = news.CommentApproved
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO comments (id, story, service, parent, name, email, body, body_key, state, held, client_tag, created)
			VALUES (?, ?, ?, NULLIF(?, ''), ?, NULLIF(?, ''), ?, ?, ?, ?, NULLIF(?, ''), ?)`,
			c.ID, c.Story, c.Service, c.Parent, c.Name, c.Email, c.Body, key, string(c.State), c.Held, n.ClientTag, timeArg(now)); err != nil {
			return dbErr(err, "comment")
		}
		if c.State == news.CommentApproved {
			return touchThread(ctx, tx, c.Story)
		}
		return nil
	})
	if err != nil {
		return news.Comment{}, err
	}
	return c, nil
}

func (db *DB) ShownComments(ctx context.Context, storyID string) ([]news.Comment, error) {
	cs, err := queryAll(ctx, db.r, "comments", scanComment, `SELECT `+commentCols+` FROM comments
		WHERE story = ? AND state = 'approved' ORDER BY created, id`, storyID)
	for i := range cs {
		cs[i].Email = ""
	}
	return cs, err
}

func (db *DB) Comment(ctx context.Context, id string) (news.Comment, error) {
	c, err := scanComment(db.r.QueryRowContext(ctx, `SELECT `+commentCols+` FROM comments WHERE id = ?`, id))
	return c, dbErr(err, "comment")
}

func (db *DB) ReportComment(ctx context.Context, id string, now time.Time) (news.Comment, error) {
	var c news.Comment
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = scanComment(tx.QueryRowContext(ctx, `SELECT `+commentCols+` FROM comments WHERE id = ? AND state = 'approved'`, id))
		if err != nil {
			return dbErr(err, "comment")
		}
		set, err := commentSettings(ctx, tx, c.Service)
		if err != nil {
			return err
		}
		c.Reports++
		if c.Reports >= set.ReportThreshold {
			c.State = news.CommentPending
		}
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET reports = ?, state = ? WHERE id = ?`, c.Reports, string(c.State), id); err != nil {
			return dbErr(err, "comment")
		}
		if c.State != news.CommentApproved {
			return touchThread(ctx, tx, c.Story)
		}
		return nil
	})
	return c, err
}

func (db *DB) ModerationQueue(ctx context.Context, service string, limit int) ([]news.Comment, error) {
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, db.r, "comments", scanComment, `SELECT `+commentCols+` FROM comments
		WHERE service = ? AND (state = 'pending' OR (state = 'approved' AND reports > 0))
		ORDER BY created DESC, id DESC LIMIT ?`, service, limit)
}

func (db *DB) SetCommentState(ctx context.Context, id string, st news.CommentState) (news.Comment, error) {
	if !st.Valid() {
		return news.Comment{}, news.Invalidf("unknown comment state %q", st)
	}
	var c news.Comment
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = setCommentState(ctx, tx, id, st)
		return err
	})
	return c, err
}

func setCommentState(ctx context.Context, tx *sql.Tx, id string, st news.CommentState) (news.Comment, error) {
	c, err := scanComment(tx.QueryRowContext(ctx, `SELECT `+commentCols+` FROM comments WHERE id = ?`, id))
	if err != nil {
		return c, dbErr(err, "comment")
	}
	was := c.State
	c.State = st
	if st == news.CommentApproved {
		c.Reports, c.Held = 0, ""
	}
	if _, err := tx.ExecContext(ctx, `UPDATE comments SET state = ?, reports = ?, held = ? WHERE id = ?`, string(st), c.Reports, c.Held, id); err != nil {
		return c, dbErr(err, "comment")
	}
	if (was == news.CommentApproved) != (st == news.CommentApproved) {
		return c, touchThread(ctx, tx, c.Story)
	}
	return c, nil
}

func (db *DB) BanCommenter(ctx context.Context, id string, now time.Time) (news.Comment, error) {
	now = news.Time(now)
	var c news.Comment
	err := db.write(ctx, func(tx *sql.Tx) error {
		var tag sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT client_tag FROM comments WHERE id = ?`, id).Scan(&tag); err != nil {
			return dbErr(err, "comment")
		}
		var err error
		if c, err = setCommentState(ctx, tx, id, news.CommentSpam); err != nil {
			return err
		}
		if c.Email != "" {
			key, err := emailBanKey(ctx, tx, c.Email)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO comment_bans (service, kind, key, created) VALUES (?, 'email', ?, ?)`,
				c.Service, key, timeArg(now)); err != nil {
				return dbErr(err, "ban")
			}
		}
		if tag.Valid && tag.String != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO comment_bans (service, kind, key, created, expires) VALUES (?, 'client', ?, ?, ?)
				ON CONFLICT DO UPDATE SET expires = excluded.expires`,
				c.Service, tag.String, timeArg(now), timeArg(now.Add(news.ClientTagTTL))); err != nil {
				return dbErr(err, "ban")
			}
		}
		return nil
	})
	return c, err
}

func (db *DB) CommenterEmails(ctx context.Context, service, storyID string) ([]news.CommenterEmail, error) {
	q := `SELECT email, COUNT(*), MIN(created), MAX(created),
		(SELECT name FROM comments c2 WHERE c2.service = c.service AND c2.email = c.email ORDER BY created DESC LIMIT 1)
		FROM comments c WHERE service = ? AND email IS NOT NULL`
	args := []any{service}
	if storyID != "" {
		q += ` AND story = ?`
		args = append(args, storyID)
	}
	q += ` GROUP BY email ORDER BY MIN(created), email`
	return queryAll(ctx, db.r, "commenter emails", func(sc rowScanner) (news.CommenterEmail, error) {
		var e news.CommenterEmail
		err := sc.Scan(&e.Email, &e.Comments, timeCol(&e.First), timeCol(&e.Last), &e.Name)
		return e, err
	}, q, args...)
}
