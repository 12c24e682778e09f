package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"qalam/internal/news"
)

// Staff accounts are private: no public page shows them, so writing one does
// not bump the content version.

func (db *DB) PutStaff(ctx context.Context, s *news.Staff) error {
	email := strings.TrimSpace(s.Email)
	if at := strings.IndexByte(email, '@'); at <= 0 || at == len(email)-1 || strings.ContainsAny(email, " \t\r\n") {
		return news.Invalidf("staff email %q is not an address", s.Email)
	}
	if strings.TrimSpace(s.Name) == "" {
		return news.Invalidf("staff %s needs a name", s.Email)
	}
	if !news.ValidStaffLang(s.Lang) {
		return news.Invalidf("staff language %q is not one of en, ru, kk", s.Lang)
	}
	v := *s
	v.Email = email
	v.Created = news.Time(v.Created)
	if v.ID == "" {
		v.ID = news.NewID()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO staff (id, email, name, created, lang) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name, created = excluded.created, lang = excluded.lang`,
			v.ID, v.Email, v.Name, timeArg(v.Created), v.Lang)
		if isUnique(err) {
			return fmt.Errorf("staff email %q: %w", v.Email, news.ErrConflict)
		}
		return dbErr(err, "staff")
	})
	if err == nil {
		*s = v
	}
	return err
}

func (db *DB) Staff(ctx context.Context, id string) (news.Staff, error) {
	var s news.Staff
	err := db.r.QueryRowContext(ctx, `SELECT id, email, name, created, lang FROM staff WHERE id = ?`, id).
		Scan(&s.ID, &s.Email, &s.Name, timeCol(&s.Created), &s.Lang)
	return s, dbErr(err, fmt.Sprintf("staff %q", id))
}
