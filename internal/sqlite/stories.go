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

// Stories: the newsroom's side. A story row holds where the story lives and
// its publication state; its content lives in immutable revisions.

const storyCols = `id, service, section_id, slug, grp, status, pub, publish_at, updated_at, live_rev, head_rev, created, modified`

func loadStory(ctx context.Context, q querier, id string) (news.Story, error) {
	var s news.Story
	err := q.QueryRowContext(ctx, `SELECT `+storyCols+` FROM stories WHERE id = ?`, id).Scan(
		&s.ID, &s.Service, &s.SectionID, &s.Slug, &s.Group, &s.Status, &s.Pub,
		timeCol(&s.PublishAt), timeCol(&s.UpdatedAt), &s.LiveRev, &s.HeadRev, timeCol(&s.Created), timeCol(&s.Modified))
	if err != nil {
		return news.Story{}, dbErr(err, fmt.Sprintf("story %q", id))
	}
	if s.TagIDs, err = queryAll(ctx, q, "story tags", scanString, `SELECT tag_id FROM story_tags WHERE story_id = ? ORDER BY position`, id); err != nil {
		return news.Story{}, err
	}
	return s, nil
}

func (db *DB) Story(ctx context.Context, id string) (news.Story, error) {
	var s news.Story
	err := db.read(ctx, func(tx *sql.Tx) (err error) {
		s, err = loadStory(ctx, tx, id)
		return err
	})
	return s, err
}

const revisionCols = `id, story_id, parent_id, headline, deck, dateline, lead, body, author_ids, created_by, created`

func scanRevision(sc rowScanner) (news.Revision, error) {
	var (
		r    news.Revision
		body string
	)
	err := sc.Scan(&r.ID, &r.StoryID, &r.ParentID, jsonCol(&r.Content.Headline), jsonCol(&r.Content.Deck),
		&r.Content.Dateline, jsonCol(&r.Content.Lead), &body, jsonCol(&r.Content.AuthorIDs), &r.CreatedBy, timeCol(&r.Created))
	if err != nil {
		return news.Revision{}, err
	}
	doc, err := news.DecodeDoc([]byte(body))
	if err != nil {
		// Stored bodies were valid when saved; failing now means a damaged
		// file or a newer format, which is not the caller's input error.
		return news.Revision{}, fmt.Errorf("revision %s body: %v", r.ID, err)
	}
	r.Content.Body = doc
	return r, nil
}

func loadRevision(ctx context.Context, q querier, id string) (news.Revision, error) {
	r, err := scanRevision(q.QueryRowContext(ctx, `SELECT `+revisionCols+` FROM revisions WHERE id = ?`, id))
	return r, dbErr(err, fmt.Sprintf("revision %q", id))
}

func (db *DB) Revision(ctx context.Context, id string) (news.Revision, error) {
	return loadRevision(ctx, db.r, id)
}

func (db *DB) Revisions(ctx context.Context, storyID string) ([]news.Revision, error) {
	var out []news.Revision
	err := db.read(ctx, func(tx *sql.Tx) error {
		if _, err := loadStory(ctx, tx, storyID); err != nil {
			return err
		}
		var err error
		out, err = queryAll(ctx, tx, "revisions", scanRevision, `SELECT `+revisionCols+` FROM revisions WHERE story_id = ? ORDER BY n DESC`, storyID)
		return err
	})
	return out, err
}

// checkContent validates content for a story of service: the rules of
// package news, then that every author profile and asset exists and the
// authors belong to the same service.
func checkContent(ctx context.Context, q querier, service string, c news.Content) error {
	if err := c.Validate(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, id := range c.AuthorIDs {
		if seen[id] {
			return news.Invalidf("author %s appears twice in the byline", id)
		}
		seen[id] = true
		owner, err := ownedBy(ctx, q, "authors", id)
		if err != nil {
			return err
		}
		if owner != service {
			return news.Invalidf("author %q is not a profile of service %s", id, service)
		}
	}
	for _, id := range c.AssetIDs() {
		var ok bool
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM assets WHERE id = ?)`, id).Scan(&ok); err != nil {
			return dbErr(err, "asset")
		}
		if !ok {
			return news.Invalidf("image %q does not exist", id)
		}
	}
	return nil
}

// insertRevision stores r as revision number n of its story, with the
// authors and assets it uses.
func insertRevision(ctx context.Context, tx *sql.Tx, r news.Revision, n int) error {
	c := r.Content
	lead, leadAsset := "null", ""
	if c.Lead != nil {
		lead, leadAsset = jsonArg(c.Lead), c.Lead.AssetID
	}
	authors := c.AuthorIDs
	if authors == nil {
		authors = []string{}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO revisions (id, story_id, n, parent_id, headline, deck, dateline, lead, lead_asset, body, author_ids, search, created_by, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.StoryID, n, r.ParentID, jsonArg(c.Headline), jsonArg(c.Deck), c.Dateline, lead, leadAsset,
		string(c.Body.Encode()), jsonArg(authors), searchText(c), r.CreatedBy, timeArg(r.Created))
	if isUnique(err) {
		return fmt.Errorf("revision id %q: %w", r.ID, news.ErrConflict)
	}
	if err != nil {
		return dbErr(err, "revision")
	}
	for i, id := range c.AuthorIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO revision_authors (rev_id, author_id, position) VALUES (?, ?, ?)`, r.ID, id, i); err != nil {
			return dbErr(err, "revision authors")
		}
	}
	for _, id := range c.AssetIDs() {
		if _, err := tx.ExecContext(ctx, `INSERT INTO revision_assets (rev_id, asset_id) VALUES (?, ?)`, r.ID, id); err != nil {
			return dbErr(err, "revision assets")
		}
	}
	return nil
}

// searchText is what ListQuery.Text looks in: headline, deck and body.
func searchText(c news.Content) string {
	return strings.ToLower(c.Headline.Plain() + "\n" + c.Deck.Plain() + "\n" + c.Body.PlainText())
}

// putTags replaces a story's tags, checking each belongs to its service.
// Repeated IDs are kept once, at their first place.
func putTags(ctx context.Context, tx *sql.Tx, storyID, service string, tagIDs []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM story_tags WHERE story_id = ?`, storyID); err != nil {
		return dbErr(err, "story tags")
	}
	seen := map[string]bool{}
	for _, id := range tagIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		owner, err := ownedBy(ctx, tx, "tags", id)
		if err != nil {
			return err
		}
		if owner != service {
			return news.Invalidf("tag %q is not a tag of service %s", id, service)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO story_tags (story_id, tag_id, position) VALUES (?, ?, ?)`, storyID, id, len(seen)-1); err != nil {
			return dbErr(err, "story tags")
		}
	}
	return nil
}

// checkSection returns ErrInvalid unless sectionID is a section of service.
func checkSection(ctx context.Context, q querier, service, sectionID string) error {
	owner, err := ownedBy(ctx, q, "sections", sectionID)
	if err != nil {
		return err
	}
	if owner != service {
		return news.Invalidf("section %q is not a section of service %s", sectionID, service)
	}
	return nil
}

func validSlug(slug string) error {
	if !news.ValidSlug(slug) {
		return news.Invalidf("slug %q must be lowercase letters, digits and single hyphens", slug)
	}
	return nil
}

func (db *DB) CreateStory(ctx context.Context, n news.NewStory) (news.Story, error) {
	if err := validSlug(n.Slug); err != nil {
		return news.Story{}, err
	}
	if n.Created.IsZero() {
		return news.Story{}, news.Invalidf("a new story needs its creation time")
	}
	id := n.ID
	if id == "" {
		id = news.NewID()
	}
	rev := news.Revision{ID: news.NewID(), StoryID: id, Content: n.Content, CreatedBy: n.CreatedBy, Created: news.Time(n.Created)}
	var s news.Story
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := serviceExists(ctx, tx, n.Service); err != nil {
			return err
		}
		if err := checkSection(ctx, tx, n.Service, n.SectionID); err != nil {
			return err
		}
		if err := checkContent(ctx, tx, n.Service, n.Content); err != nil {
			return err
		}
		if n.Group != "" {
			if err := joinGroup(ctx, tx, n.Group, n.Service); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO stories (`+storyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, '', ?, ?, ?)`,
			id, n.Service, n.SectionID, n.Slug, n.Group, news.StatusDraft, news.PubNone, rev.ID, timeArg(rev.Created), timeArg(rev.Created))
		if isUnique(err) {
			return fmt.Errorf("story id %q: %w", id, news.ErrConflict)
		}
		if err != nil {
			return dbErr(err, "story")
		}
		if err := insertRevision(ctx, tx, rev, 1); err != nil {
			return err
		}
		if err := putTags(ctx, tx, id, n.Service, n.TagIDs); err != nil {
			return err
		}
		if err := bump(ctx, tx); err != nil {
			return err
		}
		s, err = loadStory(ctx, tx, id)
		return err
	})
	return s, err
}

// joinGroup checks that a new story of service may join group: some story
// has that group (or, for a group not made yet, that ID, whose group it then
// becomes), and none of its stories is in service already.
func joinGroup(ctx context.Context, tx *sql.Tx, group, service string) error {
	services, err := queryAll(ctx, tx, "group", scanString, `SELECT service FROM stories WHERE grp = ?`, group)
	if err != nil {
		return err
	}
	if len(services) == 0 {
		res, err := tx.ExecContext(ctx, `UPDATE stories SET grp = id WHERE id = ? AND grp = ''`, group)
		if err != nil {
			return dbErr(err, "group")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return news.Invalidf("translation group %q does not exist", group)
		}
		owner, err := ownedBy(ctx, tx, "stories", group)
		if err != nil {
			return err
		}
		services = append(services, owner)
	}
	for _, s := range services {
		if s == service {
			return news.Invalidf("translation group %q already has a story in service %s", group, service)
		}
	}
	return nil
}

func (db *DB) SaveRevision(ctx context.Context, storyID, base string, c news.Content, by string, at time.Time) (news.Revision, error) {
	if at.IsZero() {
		return news.Revision{}, news.Invalidf("a revision needs its save time")
	}
	rev := news.Revision{ID: news.NewID(), StoryID: storyID, ParentID: base, Content: c, CreatedBy: by, Created: news.Time(at)}
	var out news.Revision
	err := db.write(ctx, func(tx *sql.Tx) error {
		st, err := loadStory(ctx, tx, storyID)
		if err != nil {
			return err
		}
		if err := checkContent(ctx, tx, st.Service, c); err != nil {
			return err
		}
		// Compare-and-set: the save wins only if nobody saved since base.
		res, err := tx.ExecContext(ctx, `UPDATE stories SET head_rev = ?, modified = ? WHERE id = ? AND head_rev = ?`,
			rev.ID, timeArg(rev.Created), storyID, base)
		if err != nil {
			return dbErr(err, "story")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("story %s: revision %q is not the latest (%s is): %w", storyID, base, st.HeadRev, news.ErrConflict)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(n), 0) + 1 FROM revisions WHERE story_id = ?`, storyID).Scan(&n); err != nil {
			return dbErr(err, "revision")
		}
		if err := insertRevision(ctx, tx, rev, n); err != nil {
			return err
		}
		out, err = loadRevision(ctx, tx, rev.ID)
		return err
	})
	return out, err
}

func (db *DB) MoveStory(ctx context.Context, storyID, sectionID, slug string) error {
	if err := validSlug(slug); err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		st, err := loadStory(ctx, tx, storyID)
		if err != nil {
			return err
		}
		if err := checkSection(ctx, tx, st.Service, sectionID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE stories SET section_id = ?, slug = ? WHERE id = ?`, sectionID, slug, storyID); err != nil {
			return dbErr(err, "story")
		}
		return bump(ctx, tx)
	})
}

func (db *DB) SetStoryTags(ctx context.Context, storyID string, tagIDs []string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		st, err := loadStory(ctx, tx, storyID)
		if err != nil {
			return err
		}
		if err := putTags(ctx, tx, storyID, st.Service, tagIDs); err != nil {
			return err
		}
		return bump(ctx, tx)
	})
}

// SetStatus changes the newsroom workflow state only; readers see no
// difference, so the content version stays.
func (db *DB) SetStatus(ctx context.Context, storyID string, st news.EditStatus) error {
	switch st {
	case news.StatusDraft, news.StatusReview, news.StatusApproved:
	default:
		return news.Invalidf("unknown story status %q", st)
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE stories SET status = ? WHERE id = ?`, st, storyID)
		if err != nil {
			return dbErr(err, "story")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("story %q: %w", storyID, news.ErrNotFound)
		}
		return nil
	})
}

// pubState is what the publication methods need to know about a story.
type pubState struct {
	service     string
	pub         news.PubState
	publishAt   sql.NullInt64
	firstPublic sql.NullInt64
}

func loadPubState(ctx context.Context, tx *sql.Tx, storyID string) (pubState, error) {
	var p pubState
	err := tx.QueryRowContext(ctx, `SELECT service, pub, publish_at, first_public FROM stories WHERE id = ?`, storyID).
		Scan(&p.service, &p.pub, &p.publishAt, &p.firstPublic)
	return p, dbErr(err, fmt.Sprintf("story %q", storyID))
}

// wentPublic returns when readers first saw the story, as of instant at: a
// recorded first publication, or a schedule whose time has come.
func (p pubState) wentPublic(at int64) (int64, bool) {
	if p.firstPublic.Valid {
		return p.firstPublic.Int64, true
	}
	if p.pub == news.PubScheduled && p.publishAt.Valid && p.publishAt.Int64 <= at {
		return p.publishAt.Int64, true
	}
	return 0, false
}

// checkRev returns ErrInvalid unless rev is a revision of storyID.
func checkRev(ctx context.Context, tx *sql.Tx, storyID, rev string) error {
	var owner string
	err := tx.QueryRowContext(ctx, `SELECT story_id FROM revisions WHERE id = ?`, rev).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) || err == nil && owner != storyID {
		return news.Invalidf("revision %q is not a revision of story %s", rev, storyID)
	}
	return dbErr(err, "revision")
}

func (db *DB) Publish(ctx context.Context, storyID, rev string, at time.Time) error {
	if at.IsZero() {
		return news.Invalidf("publishing needs a time")
	}
	now := at.UnixMicro()
	return db.write(ctx, func(tx *sql.Tx) error {
		p, err := loadPubState(ctx, tx, storyID)
		if err != nil {
			return err
		}
		if err := checkRev(ctx, tx, storyID, rev); err != nil {
			return err
		}
		// Webhooks (webhooks.go): "publish" or "update", queued with the
		// change; decided here, before the story row changes.
		if err := queuePublishWebhook(ctx, tx, storyID, rev, p, at); err != nil {
			return err
		}
		// Published by hand: a pending schedule has nothing left to do.
		if err := cancelKey(ctx, tx, news.PublishKey(storyID)); err != nil {
			return err
		}
		if first, ok := p.wentPublic(now); ok {
			// An update of a story readers have seen: its first time stays.
			_, err = tx.ExecContext(ctx, `UPDATE stories SET live_rev = ?, pub = 'published', updated_at = ?,
				first_public = ?, modified = ? WHERE id = ?`, rev, now, first, now, storyID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE stories SET live_rev = ?, pub = 'published', publish_at = ?,
				first_public = ?, modified = ? WHERE id = ?`, rev, now, now, now, storyID)
		}
		if err != nil {
			return dbErr(err, "story")
		}
		if err := indexStory(ctx, tx, storyID, rev); err != nil {
			return err
		}
		return bump(ctx, tx)
	})
}

// Schedule sets the revision and time a story goes live. A story that is
// published now must be unpublished first (or the revision published
// directly): scheduling it would silently take it off the site.
func (db *DB) Schedule(ctx context.Context, storyID, rev string, at time.Time) error {
	if at.IsZero() {
		return news.Invalidf("scheduling needs a time")
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		p, err := loadPubState(ctx, tx, storyID)
		if err != nil {
			return err
		}
		if p.pub == news.PubPublished {
			return news.Invalidf("story %s is already published; publish the revision instead", storyID)
		}
		if err := checkRev(ctx, tx, storyID, rev); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE stories SET live_rev = ?, pub = 'scheduled', publish_at = ? WHERE id = ?`,
			rev, at.UnixMicro(), storyID); err != nil {
			return dbErr(err, "story")
		}
		if err := indexStory(ctx, tx, storyID, rev); err != nil {
			return err
		}
		// The job that records going live commits with the schedule, so a
		// restart can never lose it; a new schedule replaces the old one's.
		if err := cancelKey(ctx, tx, news.PublishKey(storyID)); err != nil {
			return err
		}
		if _, err := insertJob(ctx, tx, news.NewPublishJob(storyID, rev, at)); err != nil {
			return err
		}
		return bump(ctx, tx)
	})
}

// Unpublish takes a story off the site. It keeps LiveRev, and remembers
// whether readers ever saw it: only then is it "gone" (410) afterwards; an
// embargo cancelled before its time leaves a story that never existed for
// readers (404).
func (db *DB) Unpublish(ctx context.Context, storyID string, at time.Time) error {
	if at.IsZero() {
		return news.Invalidf("unpublishing needs a time")
	}
	now := at.UnixMicro()
	return db.write(ctx, func(tx *sql.Tx) error {
		p, err := loadPubState(ctx, tx, storyID)
		if err != nil {
			return err
		}
		if p.pub == news.PubNone || p.pub == news.PubUnpublished {
			return nil
		}
		// Webhooks (webhooks.go): "unpublish", only if readers saw it.
		if p.publicAt(now) {
			if err := queueWebhook(ctx, tx, p.service, storyID, news.WebhookUnpublish, at); err != nil {
				return err
			}
		}
		// An embargo cancelled (or a story taken down) must not go live later.
		if err := cancelKey(ctx, tx, news.PublishKey(storyID)); err != nil {
			return err
		}
		var first any
		if f, ok := p.wentPublic(now); ok {
			first = f
		}
		if _, err := tx.ExecContext(ctx, `UPDATE stories SET pub = 'unpublished', first_public = ?, modified = ? WHERE id = ?`,
			first, now, storyID); err != nil {
			return dbErr(err, "story")
		}
		if err := syncSearch(ctx, tx, storyID); err != nil {
			return err
		}
		return bump(ctx, tx)
	})
}

func (db *DB) AddCorrection(ctx context.Context, storyID string, text news.Inline, at time.Time) (news.Correction, error) {
	if strings.TrimSpace(text.Plain()) == "" {
		return news.Correction{}, news.Invalidf("a correction needs text")
	}
	if err := text.Validate(); err != nil {
		return news.Correction{}, news.Invalidf("correction: %v", err)
	}
	if at.IsZero() {
		return news.Correction{}, news.Invalidf("a correction needs a time")
	}
	c := news.Correction{ID: news.NewID(), StoryID: storyID, At: news.Time(at), Text: text}
	err := db.write(ctx, func(tx *sql.Tx) error {
		p, err := loadPubState(ctx, tx, storyID)
		if err != nil {
			return err
		}
		// Webhooks (webhooks.go): a public story's correction is an "update".
		if p.publicAt(at.UnixMicro()) {
			if err := queueWebhook(ctx, tx, p.service, storyID, news.WebhookUpdate, at); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(n), 0) + 1 FROM corrections WHERE story_id = ?`, storyID).Scan(&n); err != nil {
			return dbErr(err, "correction")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO corrections (id, story_id, n, at, text) VALUES (?, ?, ?, ?, ?)`,
			c.ID, storyID, n, timeArg(c.At), jsonArg(text)); err != nil {
			return dbErr(err, "correction")
		}
		return bump(ctx, tx)
	})
	if err != nil {
		return news.Correction{}, err
	}
	return c, nil
}

// LinkTranslation merges the groups of two stories into the first story's
// group (named after it if it has none). A group holds at most one story per
// service, so linking two stories of one service is ErrInvalid.
func (db *DB) LinkTranslation(ctx context.Context, storyID, otherID string) error {
	if storyID == otherID {
		return news.Invalidf("a story cannot be its own translation")
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		a, err := loadStory(ctx, tx, storyID)
		if err != nil {
			return err
		}
		b, err := loadStory(ctx, tx, otherID)
		if err != nil {
			return err
		}
		group := a.Group
		if group == "" {
			group = a.ID
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, service FROM stories
			WHERE id IN (?, ?) OR (grp != '' AND grp IN (?, ?))`, a.ID, b.ID, a.Group, b.Group)
		if err != nil {
			return dbErr(err, "group")
		}
		var ids []string
		byService := map[string]string{}
		for rows.Next() {
			var id, service string
			if err := rows.Scan(&id, &service); err != nil {
				rows.Close()
				return dbErr(err, "group")
			}
			if other, dup := byService[service]; dup {
				rows.Close()
				return news.Invalidf("stories %s and %s are both in service %s; a translation must be in another service", other, id, service)
			}
			byService[service] = id
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbErr(err, "group")
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE stories SET grp = ? WHERE id = ?`, group, id); err != nil {
				return dbErr(err, "group")
			}
		}
		return bump(ctx, tx)
	})
}
