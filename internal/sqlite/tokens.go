package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"qalam/internal/news"
)

// API tokens (migration 0014). Private: no write here bumps the content
// version.

var _ news.TokenStore = (*DB)(nil)

const tokenCols = `id, hash, kind, name, created_by, role, created, expires, last_used, revoked, revoked_by`

func scanToken(sc rowScanner) (news.APIToken, error) {
	var t news.APIToken
	err := sc.Scan(&t.ID, &t.Hash, &t.Kind, &t.Name, &t.CreatedBy, &t.Role, timeCol(&t.Created), timeCol(&t.Expires),
		timeCol(&t.LastUsed), timeCol(&t.Revoked), &t.RevokedBy)
	return t, err
}

// withServices fills the services of tokens from one query.
func withServices(ctx context.Context, q querier, ts []news.APIToken) error {
	if len(ts) == 0 {
		return nil
	}
	idx := make(map[string]int, len(ts))
	args := make([]any, len(ts))
	for i, t := range ts {
		idx[t.ID] = i
		args[i] = t.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT token, service FROM api_token_services WHERE token IN (`+
		strings.TrimSuffix(strings.Repeat("?,", len(ts)), ",")+`) ORDER BY token, service`, args...)
	if err != nil {
		return dbErr(err, "token services")
	}
	defer rows.Close()
	for rows.Next() {
		var id, svc string
		if err := rows.Scan(&id, &svc); err != nil {
			return dbErr(err, "token services")
		}
		i := idx[id]
		ts[i].Services = append(ts[i].Services, svc)
	}
	return dbErr(rows.Err(), "token services")
}

func (db *DB) AddToken(ctx context.Context, t *news.APIToken) error {
	v := *t
	v.Created, v.Expires, v.LastUsed, v.Revoked = news.Time(v.Created), news.Time(v.Expires), news.Time(v.LastUsed), news.Time(v.Revoked)
	if err := v.Validate(); err != nil {
		return err
	}
	if v.ID == "" {
		v.ID = news.NewID()
	}
	v.Services = append([]string(nil), v.Services...)
	err := db.write(ctx, func(tx *sql.Tx) error {
		var ok bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM staff WHERE id = ?)`, v.CreatedBy).Scan(&ok); err != nil {
			return dbErr(err, "staff")
		}
		if !ok {
			return fmt.Errorf("token maker %q: %w", v.CreatedBy, news.ErrNotFound)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (`+tokenCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.ID, v.Hash, string(v.Kind), v.Name, v.CreatedBy, string(v.Role), timeArg(v.Created), timeArg(v.Expires),
			timeArg(v.LastUsed), timeArg(v.Revoked), v.RevokedBy)
		if isUnique(err) {
			return fmt.Errorf("API token: %w", news.ErrConflict)
		}
		if err != nil {
			return dbErr(err, "API token")
		}
		for _, s := range v.Services {
			if _, err := tx.ExecContext(ctx, `INSERT INTO api_token_services (token, service) VALUES (?, ?)`, v.ID, s); err != nil {
				return dbErr(err, "token services")
			}
		}
		return nil
	})
	if err == nil {
		*t = v
	}
	return err
}

// tokenWhere reads one token with its services in one snapshot.
func (db *DB) tokenWhere(ctx context.Context, where string, arg any) (news.APIToken, error) {
	var t news.APIToken
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		if t, err = scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE `+where, arg)); err != nil {
			return dbErr(err, "API token")
		}
		one := []news.APIToken{t}
		err = withServices(ctx, tx, one)
		t = one[0]
		return err
	})
	return t, err
}

func (db *DB) TokenByHash(ctx context.Context, hash string) (news.APIToken, error) {
	return db.tokenWhere(ctx, `hash = ?`, hash)
}

func (db *DB) Token(ctx context.Context, id string) (news.APIToken, error) {
	return db.tokenWhere(ctx, `id = ?`, id)
}

func (db *DB) Tokens(ctx context.Context, f news.TokenFilter, limit int) ([]news.APIToken, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	var where []string
	var args []any
	if f.Kind != "" {
		where, args = append(where, `kind = ?`), append(args, string(f.Kind))
	}
	if f.CreatedBy != "" {
		where, args = append(where, `created_by = ?`), append(args, f.CreatedBy)
	}
	if f.Service != "" {
		where, args = append(where, `id IN (SELECT token FROM api_token_services WHERE service = ?)`), append(args, f.Service)
	}
	q := `SELECT ` + tokenCols + ` FROM api_tokens`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY created DESC, id LIMIT ?`
	args = append(args, limit)
	var out []news.APIToken
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = queryAll(ctx, tx, "API tokens", scanToken, q, args...); err != nil {
			return err
		}
		return withServices(ctx, tx, out)
	})
	return out, err
}

func (db *DB) RevokeToken(ctx context.Context, id, by string, at time.Time) error {
	if at.IsZero() {
		return news.Invalidf("a revocation needs its time")
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, fmt.Sprintf("API token %q", id), `UPDATE api_tokens SET revoked = ?, revoked_by = ? WHERE id = ? AND revoked IS NULL`,
			timeArg(news.Time(at)), by, id)
	})
}

func (db *DB) RevokeTokensBy(ctx context.Context, staff, by string, at time.Time) (int, error) {
	if at.IsZero() {
		return 0, news.Invalidf("a revocation needs its time")
	}
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked = ?, revoked_by = ? WHERE created_by = ? AND revoked IS NULL`,
			timeArg(news.Time(at)), by, staff)
		if err != nil {
			return dbErr(err, "API tokens")
		}
		n, err = res.RowsAffected()
		return dbErr(err, "API tokens")
	})
	return int(n), err
}

func (db *DB) TouchToken(ctx context.Context, id string, at time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, fmt.Sprintf("API token %q", id), `UPDATE api_tokens SET last_used = ? WHERE id = ?`, timeArg(news.Time(at)), id)
	})
}
