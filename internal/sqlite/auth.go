package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"qalam/internal/news"
)

// Staff sign-in data (migration 0006). None of it is public, so no write
// here bumps the content version.

var _ news.StaffStore = (*DB)(nil)

// cleanEmail checks an email's shape as PutStaff does.
func cleanEmail(email string) (string, error) {
	e := strings.TrimSpace(email)
	if at := strings.IndexByte(e, '@'); at <= 0 || at == len(e)-1 || strings.ContainsAny(e, " \t\r\n") || len(e) > 254 {
		return "", news.Invalidf("staff email %q is not an address", email)
	}
	return e, nil
}

func (db *DB) CreateStaffAccount(ctx context.Context, a *news.StaffAccount, link news.SetupToken) error {
	email, err := cleanEmail(a.Email)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(a.Name)
	if name == "" {
		return news.Invalidf("staff %s needs a name", email)
	}
	for _, g := range a.Grants {
		if err := g.Validate(); err != nil {
			return err
		}
	}
	if link.TokenHash == "" || link.Expires.IsZero() {
		return news.Invalidf("a new account needs its setup link")
	}
	if !news.ValidStaffLang(a.Lang) {
		return news.Invalidf("staff language %q is not one of en, ru, kk", a.Lang)
	}
	v := *a
	v.Email, v.Name, v.Created = email, name, news.Time(v.Created)
	if v.ID == "" {
		v.ID = news.NewID()
	}
	link.Staff = v.ID
	err = db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO staff (id, email, name, created, disabled, password, lang) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			v.ID, v.Email, v.Name, timeArg(v.Created), boolArg(v.Disabled), v.PasswordHash, v.Lang)
		if isUnique(err) {
			return fmt.Errorf("staff email %q: %w", v.Email, news.ErrConflict)
		}
		if err != nil {
			return dbErr(err, "staff")
		}
		if err := putGrants(ctx, tx, v.ID, v.Grants); err != nil {
			return err
		}
		return insertSetupToken(ctx, tx, link)
	})
	if err == nil {
		*a = v
	}
	return err
}

func putGrants(ctx context.Context, tx *sql.Tx, staff string, grants []news.Grant) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM staff_grants WHERE staff = ?`, staff); err != nil {
		return dbErr(err, "staff grants")
	}
	for _, g := range grants {
		if err := g.Validate(); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO staff_grants (staff, service, role) VALUES (?, ?, ?)`, staff, g.Service, string(g.Role))
		if isUnique(err) {
			return news.Invalidf("two roles for %s in service %q", staff, g.Service)
		}
		if err != nil {
			return dbErr(err, "staff grants")
		}
	}
	return nil
}

func insertSetupToken(ctx context.Context, tx *sql.Tx, t news.SetupToken) error {
	if t.Purpose != news.SetupInvite && t.Purpose != news.SetupReset {
		return news.Invalidf("setup link purpose %q", t.Purpose)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO staff_setup_tokens (token_hash, staff, purpose, created_by, created, expires)
		VALUES (?, ?, ?, ?, ?, ?)`, t.TokenHash, t.Staff, string(t.Purpose), t.CreatedBy, timeArg(t.Created), timeArg(t.Expires))
	if isForeignKey(err) {
		return fmt.Errorf("setup link for staff %q: %w", t.Staff, news.ErrNotFound)
	}
	return dbErr(err, "setup link")
}

const accountCols = `id, email, name, created, disabled, password, lang`

func scanAccount(sc rowScanner) (news.StaffAccount, error) {
	var a news.StaffAccount
	err := sc.Scan(&a.ID, &a.Email, &a.Name, timeCol(&a.Created), &a.Disabled, &a.PasswordHash, &a.Lang)
	return a, err
}

// withGrants fills the grants of accounts from one query.
func withGrants(ctx context.Context, q querier, accts []news.StaffAccount) error {
	if len(accts) == 0 {
		return nil
	}
	idx := make(map[string]int, len(accts))
	args := make([]any, len(accts))
	for i, a := range accts {
		idx[a.ID] = i
		args[i] = a.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT staff, service, role FROM staff_grants WHERE staff IN (`+
		strings.TrimSuffix(strings.Repeat("?,", len(accts)), ",")+`) ORDER BY staff, role = 'admin' DESC, service`, args...)
	if err != nil {
		return dbErr(err, "staff grants")
	}
	defer rows.Close()
	for rows.Next() {
		var staff string
		var g news.Grant
		if err := rows.Scan(&staff, &g.Service, &g.Role); err != nil {
			return dbErr(err, "staff grants")
		}
		i := idx[staff]
		accts[i].Grants = append(accts[i].Grants, g)
	}
	return dbErr(rows.Err(), "staff grants")
}

func (db *DB) staffWhere(ctx context.Context, what, where string, arg any) (news.StaffAccount, error) {
	var a news.StaffAccount
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountCols+` FROM staff WHERE `+where, arg))
		if err != nil {
			return dbErr(err, what)
		}
		one := []news.StaffAccount{a}
		err = withGrants(ctx, tx, one)
		a = one[0]
		return err
	})
	return a, err
}

func (db *DB) StaffAccount(ctx context.Context, id string) (news.StaffAccount, error) {
	return db.staffWhere(ctx, fmt.Sprintf("staff %q", id), `id = ?`, id)
}

func (db *DB) StaffByEmail(ctx context.Context, email string) (news.StaffAccount, error) {
	return db.staffWhere(ctx, "staff by email", `email = ?`, strings.TrimSpace(email))
}

func (db *DB) StaffAccounts(ctx context.Context) ([]news.StaffAccount, error) {
	var out []news.StaffAccount
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = queryAll(ctx, tx, "staff", scanAccount, `SELECT `+accountCols+` FROM staff ORDER BY name COLLATE NOCASE, email`)
		if err != nil {
			return err
		}
		return withGrants(ctx, tx, out)
	})
	return out, err
}

// execOne runs a statement that must change exactly one row, else
// ErrNotFound.
func execOne(ctx context.Context, q querier, what, query string, args ...any) error {
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return dbErr(err, what)
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbErr(err, what)
	} else if n == 0 {
		return fmt.Errorf("%s: %w", what, news.ErrNotFound)
	}
	return nil
}

func (db *DB) SetPassword(ctx context.Context, staff, hash string) error {
	if hash == "" {
		return news.Invalidf("empty password hash")
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, fmt.Sprintf("staff %q", staff), `UPDATE staff SET password = ? WHERE id = ?`, hash, staff)
	})
}

func (db *DB) SetStaffLang(ctx context.Context, staff, lang string) error {
	if !news.ValidStaffLang(lang) {
		return news.Invalidf("staff language %q is not one of en, ru, kk", lang)
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, fmt.Sprintf("staff %q", staff), `UPDATE staff SET lang = ? WHERE id = ?`, lang, staff)
	})
}

func (db *DB) SetDisabled(ctx context.Context, staff string, disabled bool) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := execOne(ctx, tx, fmt.Sprintf("staff %q", staff), `UPDATE staff SET disabled = ? WHERE id = ?`, boolArg(disabled), staff); err != nil {
			return err
		}
		if !disabled {
			return nil
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM staff_sessions WHERE staff = ?`, staff)
		return dbErr(err, "staff sessions")
	})
}

func (db *DB) SetGrants(ctx context.Context, staff string, grants []news.Grant) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var ok bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM staff WHERE id = ?)`, staff).Scan(&ok); err != nil {
			return dbErr(err, "staff")
		}
		if !ok {
			return fmt.Errorf("staff %q: %w", staff, news.ErrNotFound)
		}
		return putGrants(ctx, tx, staff, grants)
	})
}

func (db *DB) AddSetupToken(ctx context.Context, t news.SetupToken) error {
	return db.write(ctx, func(tx *sql.Tx) error { return insertSetupToken(ctx, tx, t) })
}

const setupCols = `token_hash, staff, purpose, created_by, created, expires, used`

func scanSetup(sc rowScanner) (news.SetupToken, error) {
	var t news.SetupToken
	err := sc.Scan(&t.TokenHash, &t.Staff, &t.Purpose, &t.CreatedBy, timeCol(&t.Created), timeCol(&t.Expires), timeCol(&t.Used))
	return t, err
}

func (db *DB) SetupToken(ctx context.Context, hash string, now time.Time) (news.SetupToken, error) {
	t, err := scanSetup(db.r.QueryRowContext(ctx, `SELECT `+setupCols+` FROM staff_setup_tokens
		WHERE token_hash = ? AND used IS NULL AND expires > ?`, hash, now.UnixMicro()))
	return t, dbErr(err, "setup link")
}

func (db *DB) UseSetupToken(ctx context.Context, hash string, now time.Time) (news.SetupToken, error) {
	var t news.SetupToken
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = scanSetup(tx.QueryRowContext(ctx, `UPDATE staff_setup_tokens SET used = ?
			WHERE token_hash = ? AND used IS NULL AND expires > ? RETURNING `+setupCols, now.UnixMicro(), hash, now.UnixMicro()))
		return dbErr(err, "setup link")
	})
	return t, err
}

const factorCols = `id, staff, kind, name, data, last_step, created, last_used`

func scanFactor(sc rowScanner) (news.Factor, error) {
	var f news.Factor
	err := sc.Scan(&f.ID, &f.Staff, &f.Kind, &f.Name, &f.Data, &f.LastStep, timeCol(&f.Created), timeCol(&f.LastUsed))
	return f, err
}

func (db *DB) Factors(ctx context.Context, staff string) ([]news.Factor, error) {
	return queryAll(ctx, db.r, "second factors", scanFactor, `SELECT `+factorCols+` FROM staff_factors WHERE staff = ? ORDER BY created, id`, staff)
}

func (db *DB) AddFactor(ctx context.Context, f *news.Factor) error {
	if f.Kind != news.FactorTOTP && f.Kind != news.FactorPasskey {
		return news.Invalidf("second factor kind %q", f.Kind)
	}
	if f.Data == "" {
		return news.Invalidf("second factor without its secret")
	}
	v := *f
	if v.ID == "" {
		v.ID = news.NewID()
	}
	v.Created, v.LastUsed = news.Time(v.Created), news.Time(v.LastUsed)
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO staff_factors (`+factorCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			v.ID, v.Staff, string(v.Kind), v.Name, v.Data, v.LastStep, timeArg(v.Created), timeArg(v.LastUsed))
		if isForeignKey(err) {
			return fmt.Errorf("second factor for staff %q: %w", v.Staff, news.ErrNotFound)
		}
		return dbErr(err, "second factor")
	})
	if err == nil {
		*f = v
	}
	return err
}

func (db *DB) UseTOTPStep(ctx context.Context, factor string, step int64, at time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff_factors SET last_step = ?, last_used = ? WHERE id = ? AND last_step < ?`,
			step, at.UnixMicro(), factor, step)
		if err != nil {
			return dbErr(err, "second factor")
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM staff_factors WHERE id = ?)`, factor).Scan(&exists); err != nil {
			return dbErr(err, "second factor")
		}
		if !exists {
			return fmt.Errorf("second factor %q: %w", factor, news.ErrNotFound)
		}
		return fmt.Errorf("second factor %q: code already used: %w", factor, news.ErrConflict)
	})
}

func (db *DB) DeleteFactor(ctx context.Context, staff, id string, keepOne bool) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM staff_factors WHERE staff = ?`, staff).Scan(&n); err != nil {
			return dbErr(err, "second factor")
		}
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM staff_factors WHERE id = ? AND staff = ?)`, id, staff).Scan(&exists); err != nil {
			return dbErr(err, "second factor")
		}
		if !exists {
			return fmt.Errorf("second factor %q: %w", id, news.ErrNotFound)
		}
		if keepOne && n <= 1 {
			return fmt.Errorf("second factor %q is the person's last: %w", id, news.ErrConflict)
		}
		return execOne(ctx, tx, "second factor", `DELETE FROM staff_factors WHERE id = ? AND staff = ?`, id, staff)
	})
}

func (db *DB) SetRecoveryCodes(ctx context.Context, staff string, hashes []string, at time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM staff_recovery_codes WHERE staff = ?`, staff); err != nil {
			return dbErr(err, "recovery codes")
		}
		for _, h := range hashes {
			_, err := tx.ExecContext(ctx, `INSERT INTO staff_recovery_codes (staff, hash, created) VALUES (?, ?, ?)`, staff, h, at.UnixMicro())
			if isForeignKey(err) {
				return fmt.Errorf("recovery codes for staff %q: %w", staff, news.ErrNotFound)
			}
			if err != nil {
				return dbErr(err, "recovery codes")
			}
		}
		return nil
	})
}

func (db *DB) UseRecoveryCode(ctx context.Context, staff, hash string, at time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, "recovery code", `UPDATE staff_recovery_codes SET used = ? WHERE staff = ? AND hash = ? AND used IS NULL`,
			at.UnixMicro(), staff, hash)
	})
}

func (db *DB) RecoveryCodesLeft(ctx context.Context, staff string) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM staff_recovery_codes WHERE staff = ? AND used IS NULL`, staff).Scan(&n)
	return n, dbErr(err, "recovery codes")
}

const sessionCols = `id, token_hash, staff, stage, created, last_seen, factor_at, pending_totp, ip, agent`

func scanSession(sc rowScanner) (news.StaffSession, error) {
	var s news.StaffSession
	err := sc.Scan(&s.ID, &s.TokenHash, &s.Staff, &s.Stage, timeCol(&s.Created), timeCol(&s.LastSeen), timeCol(&s.FactorAt),
		&s.PendingTOTP, &s.IP, &s.Agent)
	return s, err
}

func (db *DB) CreateSession(ctx context.Context, s news.StaffSession, replaces string) error {
	if s.ID == "" || s.TokenHash == "" || s.Created.IsZero() {
		return news.Invalidf("a session needs an ID, a token hash and a time")
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		if replaces != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM staff_sessions WHERE id = ?`, replaces); err != nil {
				return dbErr(err, "staff session")
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO staff_sessions (`+sessionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, s.TokenHash, s.Staff, string(s.Stage), timeArg(s.Created), timeArg(s.LastSeen), timeArg(s.FactorAt), s.PendingTOTP, s.IP, s.Agent)
		if isForeignKey(err) {
			return fmt.Errorf("session for staff %q: %w", s.Staff, news.ErrNotFound)
		}
		return dbErr(err, "staff session")
	})
}

func (db *DB) SessionByToken(ctx context.Context, tokenHash string) (news.StaffSession, error) {
	s, err := scanSession(db.r.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM staff_sessions WHERE token_hash = ?`, tokenHash))
	return s, dbErr(err, "staff session")
}

func (db *DB) UpdateSession(ctx context.Context, s news.StaffSession) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, "staff session", `UPDATE staff_sessions SET stage = ?, last_seen = ?, factor_at = ?, pending_totp = ? WHERE id = ?`,
			string(s.Stage), timeArg(s.LastSeen), timeArg(s.FactorAt), s.PendingTOTP, s.ID)
	})
}

func (db *DB) TouchSession(ctx context.Context, id string, at time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, "staff session", `UPDATE staff_sessions SET last_seen = ? WHERE id = ?`, at.UnixMicro(), id)
	})
}

func (db *DB) DeleteSession(ctx context.Context, staff, id string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		return execOne(ctx, tx, "staff session", `DELETE FROM staff_sessions WHERE id = ? AND staff = ?`, id, staff)
	})
}

func (db *DB) DeleteStaffSessions(ctx context.Context, staff, except string) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM staff_sessions WHERE staff = ? AND id != ?`, staff, except)
		if err != nil {
			return dbErr(err, "staff sessions")
		}
		n, err = res.RowsAffected()
		return dbErr(err, "staff sessions")
	})
	return int(n), err
}

func (db *DB) StaffSessions(ctx context.Context, staff string) ([]news.StaffSession, error) {
	return queryAll(ctx, db.r, "staff sessions", scanSession, `SELECT `+sessionCols+` FROM staff_sessions WHERE staff = ? ORDER BY last_seen DESC, id`, staff)
}

func (db *DB) PruneSessions(ctx context.Context, idle, created time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM staff_sessions WHERE last_seen < ? OR created < ?`, idle.UnixMicro(), created.UnixMicro())
		return dbErr(err, "staff sessions")
	})
}

func (db *DB) AppendAudit(ctx context.Context, e *news.AuditEntry) error {
	if e.Action == "" || e.At.IsZero() {
		return news.Invalidf("an audit entry needs an action and a time")
	}
	v := *e
	v.At = news.Time(v.At)
	err := db.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO audit_log (at, actor, action, target, service, ip, detail) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			timeArg(v.At), v.Actor, v.Action, v.Target, v.Service, v.IP, v.Detail).Scan(&v.ID)
	})
	if err != nil {
		return dbErr(err, "audit log")
	}
	*e = v
	return nil
}

func (db *DB) Audit(ctx context.Context, before int64, limit int) ([]news.AuditEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	if before <= 0 {
		before = 1<<63 - 1
	}
	return queryAll(ctx, db.r, "audit log", func(sc rowScanner) (news.AuditEntry, error) {
		var e news.AuditEntry
		err := sc.Scan(&e.ID, timeCol(&e.At), &e.Actor, &e.Action, &e.Target, &e.Service, &e.IP, &e.Detail)
		return e, err
	}, `SELECT id, at, actor, action, target, service, ip, detail FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?`, before, limit)
}
