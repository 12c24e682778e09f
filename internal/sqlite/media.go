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

// The newsroom's media library (news.MediaStore, migration 0011): one row
// per service and image with that service's defaults. Nothing here is
// public, so no write bumps the content version.

var _ news.MediaStore = (*DB)(nil)

const mediaCols = `a.id, a.hash, a.mime, a.width, a.height, a.bytes, a.created,
	m.service, m.name, m.alt, m.caption, m.credit, m.added_by, m.added, m.updated`

func scanMedia(sc rowScanner) (news.MediaItem, error) {
	var m news.MediaItem
	a := &m.Asset
	err := sc.Scan(&a.ID, &a.Hash, &a.MIME, &a.Width, &a.Height, &a.Bytes, timeCol(&a.Created),
		&m.Service, &m.Name, &m.Alt, &m.Caption, &m.Credit, &m.AddedBy, timeCol(&m.Added), timeCol(&m.Updated))
	m.Listed = true
	return m, err
}

// unlistedFor scans an asset a service's stories use that is not in its
// library, as an item without defaults.
func unlistedFor(service string) func(rowScanner) (news.MediaItem, error) {
	return func(sc rowScanner) (news.MediaItem, error) {
		a, err := scanAsset(sc)
		return news.MediaItem{Asset: a, Service: service, Added: a.Created, Updated: a.Created}, err
	}
}

// usedBy is true when a story of the service (?) has a revision using a.
const usedBy = `EXISTS (SELECT 1 FROM revision_assets ra JOIN revisions r ON r.id = ra.rev_id
	JOIN stories s ON s.id = r.story_id WHERE ra.asset_id = a.id AND s.service = ?)`

func mediaSearch(m news.MediaItem) string {
	return strings.ToLower(strings.Join([]string{m.Name, m.Alt, m.Caption, m.Credit}, "\n"))
}

// AddMedia puts an asset into a service's library; an item already there
// is returned as it is.
func (db *DB) AddMedia(ctx context.Context, item *news.MediaItem) error {
	v := *item
	v.Name, v.Alt, v.Caption, v.Credit = news.CleanMediaText(v.Name), news.CleanMediaText(v.Alt), news.CleanMediaText(v.Caption), news.CleanMediaText(v.Credit)
	if err := v.Validate(); err != nil {
		return err
	}
	if v.Added.IsZero() {
		v.Added = time.Now()
	}
	v.Added = news.Time(v.Added)
	v.Updated = v.Added
	err := db.write(ctx, func(tx *sql.Tx) error {
		old, err := scanMedia(tx.QueryRowContext(ctx, `SELECT `+mediaCols+` FROM media_library m JOIN assets a ON a.id = m.asset_id
			WHERE m.service = ? AND m.asset_id = ?`, v.Service, v.Asset.ID))
		if err == nil {
			v = old
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return dbErr(err, "media item")
		}
		if v.Asset, err = scanAsset(tx.QueryRowContext(ctx, `SELECT `+assetCols+` FROM assets WHERE id = ?`, v.Asset.ID)); err != nil {
			return dbErr(err, fmt.Sprintf("asset %q", item.Asset.ID))
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO media_library (service, asset_id, name, alt, caption, credit, added_by, added, updated, search)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.Service, v.Asset.ID, v.Name, v.Alt, v.Caption, v.Credit, v.AddedBy,
			timeArg(v.Added), timeArg(v.Updated), mediaSearch(v))
		v.Listed = true
		return dbErr(err, "media item")
	})
	if err == nil {
		*item = v
	}
	return err
}

// Media returns a service's library item, or an image its stories use.
func (db *DB) Media(ctx context.Context, service, assetID string) (news.MediaItem, error) {
	m, err := scanMedia(db.r.QueryRowContext(ctx, `SELECT `+mediaCols+` FROM media_library m JOIN assets a ON a.id = m.asset_id
		WHERE m.service = ? AND m.asset_id = ?`, service, assetID))
	if !errors.Is(err, sql.ErrNoRows) {
		return m, dbErr(err, "media item")
	}
	m, err = unlistedFor(service)(db.r.QueryRowContext(ctx, `SELECT `+assetCols+` FROM assets a WHERE a.id = ? AND `+usedBy, assetID, service))
	return m, dbErr(err, fmt.Sprintf("media item %q", assetID))
}

// ListMedia lists a service's library, newest first, then (without a
// query) the images its stories use that are not in it.
func (db *DB) ListMedia(ctx context.Context, service, query string, limit int) ([]news.MediaItem, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q := `SELECT ` + mediaCols + ` FROM media_library m JOIN assets a ON a.id = m.asset_id WHERE m.service = ?`
	args := []any{service}
	words := strings.Fields(strings.ToLower(news.CleanMediaText(query)))
	if len(words) > 10 {
		words = words[:10]
	}
	for _, w := range words {
		q += ` AND instr(m.search, ?) > 0`
		args = append(args, w)
	}
	q += ` ORDER BY m.added DESC, a.id LIMIT ?`
	out, err := queryAll(ctx, db.r, "media library", scanMedia, q, append(args, limit)...)
	if err != nil || len(words) > 0 || len(out) >= limit {
		return out, err
	}
	more, err := queryAll(ctx, db.r, "media library", unlistedFor(service), `SELECT `+assetCols+` FROM assets a WHERE `+usedBy+`
		AND NOT EXISTS (SELECT 1 FROM media_library m WHERE m.service = ? AND m.asset_id = a.id)
		ORDER BY a.created DESC, a.id LIMIT ?`, service, service, limit-len(out))
	return append(out, more...), err
}

// SetMediaText saves an item's defaults, adding the image to the library
// if only the service's stories had it.
func (db *DB) SetMediaText(ctx context.Context, item news.MediaItem) error {
	v := item
	v.Alt, v.Caption, v.Credit = news.CleanMediaText(v.Alt), news.CleanMediaText(v.Caption), news.CleanMediaText(v.Credit)
	if err := v.Validate(); err != nil {
		return err
	}
	if v.Updated.IsZero() {
		v.Updated = time.Now()
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		old, err := scanMedia(tx.QueryRowContext(ctx, `SELECT `+mediaCols+` FROM media_library m JOIN assets a ON a.id = m.asset_id
			WHERE m.service = ? AND m.asset_id = ?`, v.Service, v.Asset.ID))
		switch {
		case err == nil:
			v.Name, v.AddedBy = old.Name, old.AddedBy
			_, err = tx.ExecContext(ctx, `UPDATE media_library SET alt = ?, caption = ?, credit = ?, updated = ?, search = ?
				WHERE service = ? AND asset_id = ?`, v.Alt, v.Caption, v.Credit, timeArg(v.Updated), mediaSearch(v), v.Service, v.Asset.ID)
			return dbErr(err, "media item")
		case !errors.Is(err, sql.ErrNoRows):
			return dbErr(err, "media item")
		}
		var used bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM assets a WHERE a.id = ? AND `+usedBy+`)`, v.Asset.ID, v.Service).Scan(&used); err != nil {
			return dbErr(err, "media item")
		}
		if !used {
			return fmt.Errorf("media item %q: %w", v.Asset.ID, news.ErrNotFound)
		}
		v.Name, v.AddedBy = "", ""
		_, err = tx.ExecContext(ctx, `INSERT INTO media_library (service, asset_id, name, alt, caption, credit, added_by, added, updated, search)
			VALUES (?, ?, '', ?, ?, ?, '', ?, ?, ?)`, v.Service, v.Asset.ID, v.Alt, v.Caption, v.Credit,
			timeArg(v.Updated), timeArg(v.Updated), mediaSearch(v))
		return dbErr(err, "media item")
	})
}

// MediaServices lists the services whose library or stories have the asset.
func (db *DB) MediaServices(ctx context.Context, assetID string) ([]string, error) {
	return queryAll(ctx, db.r, "media services", scanString, `SELECT service FROM media_library WHERE asset_id = ?
		UNION SELECT s.service FROM revision_assets ra JOIN revisions r ON r.id = ra.rev_id JOIN stories s ON s.id = r.story_id
		WHERE ra.asset_id = ? ORDER BY 1`, assetID, assetID)
}
