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

const assetCols = `id, hash, mime, width, height, bytes, created`

func scanAsset(sc rowScanner) (news.Asset, error) {
	var a news.Asset
	err := sc.Scan(&a.ID, &a.Hash, &a.MIME, &a.Width, &a.Height, &a.Bytes, timeCol(&a.Created))
	return a, err
}

func validHash(h string) bool {
	return len(h) == 64 && strings.Trim(h, "0123456789abcdef") == ""
}

// PutAsset stores a new asset. Assets are immutable and deduplicated by
// content: if one with the same Hash exists, *a becomes that one and nothing
// is written. Reusing an ID for different content is ErrConflict.
func (db *DB) PutAsset(ctx context.Context, a *news.Asset) error {
	switch {
	case !validHash(a.Hash):
		return news.Invalidf("asset hash %q is not a lowercase hex SHA-256", a.Hash)
	case !strings.Contains(a.MIME, "/") || strings.ContainsAny(a.MIME, " \t\r\n"):
		return news.Invalidf("asset type %q is not a MIME type", a.MIME)
	case a.Width < 0 || a.Height < 0 || a.Bytes < 0:
		return news.Invalidf("asset size cannot be negative")
	}
	v := *a
	v.Created = news.Time(v.Created)
	if v.ID == "" {
		v.ID = news.NewID()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		old, err := scanAsset(tx.QueryRowContext(ctx, `SELECT `+assetCols+` FROM assets WHERE hash = ?`, v.Hash))
		if err == nil {
			v = old
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return dbErr(err, "asset")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO assets (`+assetCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			v.ID, v.Hash, v.MIME, v.Width, v.Height, v.Bytes, timeArg(v.Created))
		if isUnique(err) {
			return fmt.Errorf("asset id %q holds other content: %w", v.ID, news.ErrConflict)
		}
		if err != nil {
			return dbErr(err, "asset")
		}
		return bump(ctx, tx)
	})
	if err == nil {
		*a = v
	}
	return err
}

func (db *DB) Asset(ctx context.Context, id string) (news.Asset, error) {
	a, err := scanAsset(db.r.QueryRowContext(ctx, `SELECT `+assetCols+` FROM assets WHERE id = ?`, id))
	return a, dbErr(err, fmt.Sprintf("asset %q", id))
}

// PublicAsset returns the asset only while the live revision of a story
// public at at uses it.
func (db *DB) PublicAsset(ctx context.Context, id string, at time.Time) (news.Asset, error) {
	a, err := scanAsset(db.r.QueryRowContext(ctx, `SELECT `+assetCols+` FROM assets a WHERE a.id = ? AND EXISTS (
		SELECT 1 FROM revision_assets ra JOIN stories s ON s.live_rev = ra.rev_id
		WHERE ra.asset_id = a.id AND `+publicAt+`)`, id, at.UnixMicro()))
	return a, dbErr(err, fmt.Sprintf("asset %q", id))
}
