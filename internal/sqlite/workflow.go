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

// The newsroom's workflow (news.WorkflowStore): story lists, edit locks
// and preview links.

var _ news.WorkflowStore = (*DB)(nil)

func (db *DB) StoryList(ctx context.Context, f news.StoryFilter) ([]news.StoryRow, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if len(f.Services) == 0 {
		return nil, nil
	}
	limit := f.Limit
	if limit == 0 {
		limit = 100
	}
	var (
		where []string
		args  []any
	)
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(f.Services)), ", ")
	where = append(where, "s.service IN ("+marks+")")
	for _, sv := range f.Services {
		args = append(args, sv)
	}
	if f.Status != "" {
		where, args = append(where, "s.status = ?"), append(args, string(f.Status))
	}
	if f.Pub != "" {
		where, args = append(where, "s.pub = ?"), append(args, string(f.Pub))
	}
	if f.CreatedBy != "" {
		where, args = append(where, "first.created_by = ?"), append(args, f.CreatedBy)
	}
	for _, w := range strings.Fields(strings.ToLower(f.Text)) {
		w = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(w)
		where, args = append(where, `h.search LIKE ? ESCAPE '\'`), append(args, "%"+w+"%")
	}
	args = append(args, limit)
	q := `SELECT s.id, s.service, s.section_id, s.slug, s.grp, s.status, s.pub, s.publish_at, s.updated_at, s.live_rev, s.head_rev, s.created, s.modified,
			h.headline, first.created_by, h.created_by, h.created, COALESCE(l.holder, ''), l.seen
		FROM stories s
		LEFT JOIN edit_locks l ON l.story_id = s.id
		JOIN revisions h ON h.id = s.head_rev
		JOIN revisions first ON first.story_id = s.id AND first.n = 1
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY s.modified DESC, s.id DESC LIMIT ?`
	return queryAll(ctx, db.r, "stories", func(sc rowScanner) (news.StoryRow, error) {
		var r news.StoryRow
		s := &r.Story
		err := sc.Scan(&s.ID, &s.Service, &s.SectionID, &s.Slug, &s.Group, &s.Status, &s.Pub,
			timeCol(&s.PublishAt), timeCol(&s.UpdatedAt), &s.LiveRev, &s.HeadRev, timeCol(&s.Created), timeCol(&s.Modified),
			jsonCol(&r.Headline), &r.CreatedBy, &r.EditedBy, timeCol(&r.Edited), &r.OpenBy, timeCol(&r.Seen))
		return r, err
	}, q, args...)
}

func (db *DB) StoryOwner(ctx context.Context, storyID string) (string, error) {
	var by string
	err := db.r.QueryRowContext(ctx, `SELECT created_by FROM revisions WHERE story_id = ? AND n = 1`, storyID).Scan(&by)
	return by, dbErr(err, fmt.Sprintf("story %q", storyID))
}

func scanLock(sc rowScanner) (news.EditLock, error) {
	var l news.EditLock
	err := sc.Scan(&l.StoryID, &l.Holder, timeCol(&l.Since), timeCol(&l.Seen), &l.Displaced, timeCol(&l.TakenAt))
	return l, err
}

const lockCols = `story_id, holder, since, seen, displaced, taken_at`

func (db *DB) Lock(ctx context.Context, storyID string) (news.EditLock, error) {
	l, err := scanLock(db.r.QueryRowContext(ctx, `SELECT `+lockCols+` FROM edit_locks WHERE story_id = ?`, storyID))
	return l, dbErr(err, "edit lock")
}

func (db *DB) AcquireLock(ctx context.Context, storyID, staff string, now time.Time, idle time.Duration, takeover bool) (news.EditLock, error) {
	return db.lock(ctx, storyID, staff, now, idle, takeover)
}

func (db *DB) TouchLock(ctx context.Context, storyID, staff string, now time.Time, idle time.Duration) (news.EditLock, error) {
	return db.lock(ctx, storyID, staff, now, idle, false)
}

func (db *DB) lock(ctx context.Context, storyID, staff string, now time.Time, idle time.Duration, takeover bool) (news.EditLock, error) {
	if staff == "" || now.IsZero() || idle <= 0 {
		return news.EditLock{}, news.Invalidf("a lock needs a person, a time and an idle limit")
	}
	now = news.Time(now)
	var out news.EditLock
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := loadStory(ctx, tx, storyID); err != nil {
			return err
		}
		cur, err := scanLock(tx.QueryRowContext(ctx, `SELECT `+lockCols+` FROM edit_locks WHERE story_id = ?`, storyID))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			out = news.EditLock{StoryID: storyID, Holder: staff, Since: now, Seen: now}
		case err != nil:
			return dbErr(err, "edit lock")
		case cur.Holder == staff:
			out = cur
			out.Seen = now
		case !cur.Held(now, idle):
			out = news.EditLock{StoryID: storyID, Holder: staff, Since: now, Seen: now}
		case takeover:
			out = news.EditLock{StoryID: storyID, Holder: staff, Since: now, Seen: now, Displaced: cur.Holder, TakenAt: now}
		default:
			out = cur
			return fmt.Errorf("story %s is open by someone else: %w", storyID, news.ErrConflict)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO edit_locks (`+lockCols+`) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (story_id) DO UPDATE SET holder = excluded.holder, since = excluded.since, seen = excluded.seen,
				displaced = excluded.displaced, taken_at = excluded.taken_at`,
			storyID, out.Holder, timeArg(out.Since), timeArg(out.Seen), out.Displaced, timeArg(out.TakenAt))
		return dbErr(err, "edit lock")
	})
	return out, err
}

func (db *DB) ReleaseLock(ctx context.Context, storyID, staff string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		// The row stays (with no holder) so a displaced person can still
		// be told who took the story over.
		_, err := tx.ExecContext(ctx, `UPDATE edit_locks SET holder = '', seen = since WHERE story_id = ? AND holder = ?`, storyID, staff)
		return dbErr(err, "edit lock")
	})
}

const previewCols = `id, story_id, rev_id, latin, created_by, created, expires, revoked`

func scanPreview(sc rowScanner) (news.PreviewLink, error) {
	var l news.PreviewLink
	err := sc.Scan(&l.ID, &l.StoryID, &l.RevisionID, &l.Latin, &l.CreatedBy, timeCol(&l.Created), timeCol(&l.Expires), timeCol(&l.Revoked))
	return l, err
}

func (db *DB) CreatePreviewLink(ctx context.Context, l *news.PreviewLink, tokenHash string) error {
	v := *l
	v.ID = news.NewID()
	v.Created, v.Expires, v.Revoked = news.Time(v.Created), news.Time(v.Expires), time.Time{}
	if len(tokenHash) != 64 || v.Created.IsZero() || !v.Expires.After(v.Created) {
		return news.Invalidf("a preview link needs a token hash, a creation time and a later expiry")
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		r, err := loadRevision(ctx, tx, v.RevisionID)
		if err != nil {
			return fmt.Errorf("preview link: %w", news.ErrInvalid)
		}
		if r.StoryID != v.StoryID {
			return news.Invalidf("revision %s is not of story %s", v.RevisionID, v.StoryID)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO preview_links (id, story_id, rev_id, latin, token_hash, created_by, created, expires, revoked)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)`, v.ID, v.StoryID, v.RevisionID, boolArg(v.Latin), tokenHash, v.CreatedBy,
			timeArg(v.Created), timeArg(v.Expires))
		if isUnique(err) {
			return fmt.Errorf("preview token: %w", news.ErrConflict)
		}
		return dbErr(err, "preview link")
	})
	if err == nil {
		*l = v
	}
	return err
}

func (db *DB) PreviewLinkByHash(ctx context.Context, tokenHash string) (news.PreviewLink, error) {
	l, err := scanPreview(db.r.QueryRowContext(ctx, `SELECT `+previewCols+` FROM preview_links WHERE token_hash = ?`, tokenHash))
	return l, dbErr(err, "preview link")
}

func (db *DB) PreviewLinks(ctx context.Context, storyID string) ([]news.PreviewLink, error) {
	return queryAll(ctx, db.r, "preview links", scanPreview, `SELECT `+previewCols+` FROM preview_links
		WHERE story_id = ? ORDER BY created DESC, id`, storyID)
}

func (db *DB) RevokePreviewLink(ctx context.Context, storyID, id string, at time.Time) error {
	if at.IsZero() {
		return news.Invalidf("revoking needs a time")
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE preview_links SET revoked = COALESCE(revoked, ?) WHERE id = ? AND story_id = ?`,
			timeArg(news.Time(at)), id, storyID)
		if err != nil {
			return dbErr(err, "preview link")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("preview link %q: %w", id, news.ErrNotFound)
		}
		return nil
	})
}
