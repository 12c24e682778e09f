package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"qalam/internal/news"
)

func scanMirror(sc rowScanner) (news.Mirror, error) {
	var m news.Mirror
	var kind string
	err := sc.Scan(&m.ID, &m.Origin, &kind, &m.Note, &m.Listed, &m.Active, &m.Position, timeCol(&m.Updated))
	m.Kind = news.MirrorKind(kind)
	return m, err
}

func (db *DB) Mirrors(ctx context.Context) ([]news.Mirror, error) {
	return queryAll(ctx, db.r, "mirrors", scanMirror, `SELECT id, origin, kind, note, listed, active, position, updated
		FROM mirrors ORDER BY position, origin`)
}

func (db *DB) PutMirror(ctx context.Context, m *news.Mirror) error {
	v := *m
	if v.Kind == "" {
		v.Kind = news.MirrorPlain
	}
	o, err := news.NormalizeOrigin(v.Origin, v.Kind)
	if err != nil {
		return err
	}
	v.Origin = o
	if err := v.Validate(); err != nil {
		return err
	}
	if v.ID == "" {
		v.ID = news.NewID()
	}
	v.Updated = news.Time(v.Updated)
	err = db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO mirrors (id, origin, kind, note, listed, active, position, updated)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET origin = excluded.origin, kind = excluded.kind, note = excluded.note,
				listed = excluded.listed, active = excluded.active, position = excluded.position, updated = excluded.updated`,
			v.ID, v.Origin, string(v.Kind), v.Note, boolArg(v.Listed), boolArg(v.Active), v.Position, timeArg(v.Updated))
		if isUnique(err) {
			return fmt.Errorf("mirror %s: %w", v.Origin, news.ErrConflict)
		}
		if err != nil {
			return dbErr(err, "mirror")
		}
		return bump(ctx, tx)
	})
	if err == nil {
		*m = v
	}
	return err
}

func (db *DB) DeleteMirror(ctx context.Context, id string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM mirrors WHERE id = ?`, id)
		if err != nil {
			return dbErr(err, "mirror")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("mirror %q: %w", id, news.ErrNotFound)
		}
		return bump(ctx, tx)
	})
}
