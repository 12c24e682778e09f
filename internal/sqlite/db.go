// Package sqlite is the embedded news.Store: one SQLite file in the data
// directory, opened with the pure-Go driver so qalam builds without cgo.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"time"

	"qalam/internal/news"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

var _ news.Store = (*DB)(nil)

// DB is a news.Store on one SQLite file. All writes go through a single
// connection so they never fight over SQLite's one write lock inside this
// process; reads use a pool of read-only connections that WAL lets run
// beside the writer.
type DB struct {
	path    string
	w       *sql.DB // exactly one connection; every transaction BEGIN IMMEDIATE
	r       *sql.DB // read-only pool
	version int     // schema version after migration
}

// busyTimeout is how long a connection waits for another one (possibly in
// another process) to release the write lock before failing.
const busyTimeout = 10 * time.Second

// dsn returns the driver name for path. The pragmas travel in the DSN so that
// every connection the pool opens gets them, not just the first.
func dsn(path string, readOnly bool) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// journal_mode is persistent in the file; the writer sets it first.
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", Path: abs, RawQuery: q.Encode()}
	return u.String(), nil
}

// Open opens (creating if needed) the database at path and migrates it to
// the schema this binary knows. A database migrated by a newer qalam is
// refused with an error wrapping ErrSchemaTooNew.
func Open(path string) (*DB, error) {
	wdsn, err := dsn(path, false)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	w, err := sql.Open("sqlite", wdsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)

	db := &DB{path: path, w: w}
	ctx := context.Background()
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if db.version, err = migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}

	rdsn, err := dsn(path, true)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	r, err := sql.Open("sqlite", rdsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.r = r
	if err := db.backfillSearch(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: %s: search index: %w", path, err)
	}
	return db, nil
}

// Path returns the file name Open was given.
func (db *DB) Path() string { return db.path }

// SchemaVersion returns the number of the newest migration applied.
func (db *DB) SchemaVersion() int { return db.version }

// Close closes both connection pools.
func (db *DB) Close() error {
	return errors.Join(db.r.Close(), db.w.Close())
}

// write runs fn in one write transaction (BEGIN IMMEDIATE, so it takes the
// write lock up front and never fails half-way on an upgrade). fn must use
// only tx: the writer pool has a single connection.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// read runs fn in one read transaction so that its queries see a single
// snapshot of the database.
func (db *DB) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// querier is what both a pool and a transaction offer, so loaders can run
// inside a write transaction or on the read pool.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// rowScanner is what the scanX functions read a row from: a *sql.Row or
// *sql.Rows.
type rowScanner = interface{ Scan(...any) error }

// queryAll runs query on q and returns every row read by scan, in order (nil
// when there are none). Every error goes through dbErr with what.
func queryAll[T any](ctx context.Context, q querier, what string, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(err, what)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, dbErr(err, what)
		}
		out = append(out, v)
	}
	return out, dbErr(rows.Err(), what)
}

// scanString reads a row of one text column.
func scanString(sc rowScanner) (string, error) {
	var s string
	err := sc.Scan(&s)
	return s, err
}

// bump increases the content version; it runs inside every transaction that
// can change a public page, so caches keyed on it never miss a change.
func bump(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE content_version SET version = version + 1 WHERE id = 1`)
	return err
}

// ContentVersion reads the version from the file (not from memory), so a
// change made by another process on the same file is seen too.
func (db *DB) ContentVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := db.r.QueryRowContext(ctx, `SELECT version FROM content_version WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: content version: %w", err)
	}
	return v, nil
}

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isForeignKey reports whether err is a foreign key violation. Methods check
// references themselves first; this catches races and mistakes.
func isForeignKey(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// dbErr turns a driver error into one the Store may return: "no rows" into
// ErrNotFound, constraint violations into ErrConflict or ErrInvalid, the rest
// into an opaque error that carries what (the driver error stays out of the
// chain, so no SQL type crosses the Store).
func dbErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, news.ErrNotFound), errors.Is(err, news.ErrConflict), errors.Is(err, news.ErrInvalid):
		return err
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", what, news.ErrNotFound)
	case isUnique(err):
		return fmt.Errorf("%s: %w", what, news.ErrConflict)
	case isForeignKey(err):
		return fmt.Errorf("%s: refers to something that does not exist: %w", what, news.ErrInvalid)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return fmt.Errorf("sqlite: %s: %v", what, err)
}

// Times are stored as Unix microseconds (UTC); the zero time as NULL.

func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

type timeDest struct{ t *time.Time }

func (d timeDest) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*d.t = time.Time{}
	case int64:
		*d.t = time.UnixMicro(v).UTC()
	default:
		return fmt.Errorf("time column holds %T", v)
	}
	return nil
}

func timeCol(t *time.Time) timeDest { return timeDest{t} }

// Rich text, figures and string lists are stored as JSON text.

func jsonArg(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("sqlite: cannot encode " + err.Error()) // only plain structs, strings and slices
	}
	return string(b)
}

type jsonDest struct{ v any }

func (d jsonDest) Scan(v any) error {
	var b []byte
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("JSON column holds %T", v)
	}
	return json.Unmarshal(b, d.v)
}

func jsonCol(v any) jsonDest { return jsonDest{v} }

// boolArg and the INTEGER columns it fills keep SQLite's 0/1 booleans.
func boolArg(b bool) int {
	if b {
		return 1
	}
	return 0
}
