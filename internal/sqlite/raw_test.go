package sqlite_test

import (
	"database/sql"
	"testing"

	_ "modernc.org/sqlite"
)

// rawOpen opens the file with the bare driver, to tamper with it as another
// program could.
func rawOpen(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	return db
}
