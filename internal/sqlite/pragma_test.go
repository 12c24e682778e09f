package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// Every pooled connection must carry the pragmas, not only the first one
// the pool happened to open.
func TestPragmasOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	db, err := Open(filepath.Join(t.TempDir(), "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	check := func(name string, c *sql.Conn, queryOnly int) {
		t.Helper()
		for _, p := range []struct {
			pragma string
			want   string
		}{
			{"journal_mode", "wal"},
			{"foreign_keys", "1"},
			{"synchronous", "2"}, // FULL
			{"busy_timeout", "10000"},
			{"query_only", map[int]string{0: "0", 1: "1"}[queryOnly]},
		} {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if !strings.EqualFold(got, p.want) {
				t.Errorf("%s connection: %s = %s, want %s", name, p.pragma, got, p.want)
			}
		}
	}

	// Hold several read connections at once so the pool must open new ones.
	var conns []*sql.Conn
	for range 4 {
		c, err := db.r.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		check("read", c, 1)
	}
	for _, c := range conns {
		c.Close()
	}
	w, err := db.w.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check("write", w, 0)
	w.Close()

	// Read connections really refuse writes.
	if _, err := db.r.ExecContext(ctx, `UPDATE content_version SET version = version + 1`); err == nil {
		t.Error("a read connection accepted a write")
	}
}

func TestPathWithOddCharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data dir #1?x=y&z")
	if err := mkdir(dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "qalam.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if !exists(path) {
		t.Fatalf("Open(%q) did not create that file", path)
	}
}
