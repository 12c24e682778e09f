package sqlite_test

import (
	"path/filepath"
	"testing"

	"qalam/internal/sqlite"
	"qalam/internal/storetest"
)

// Several qalam processes may run the job queue on one data dir: two
// stores on one file stand in for them, each with its own write connection,
// so only SQLite's file lock keeps their claims apart.
func TestClaimExclusiveAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qalam.db")
	var dbs []*sqlite.DB
	for range 2 {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	storetest.ClaimExclusive(t, dbs[0], dbs[1])
}
