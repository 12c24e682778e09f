package sqlite_test

import (
	"testing"

	"qalam/internal/storetest"
)

// Several qalam processes may run the job queue on one data dir: two
// stores on one file stand in for them, each with its own write connection,
// so only SQLite's file lock keeps their claims apart.
func TestClaimExclusiveAcrossProcesses(t *testing.T) {
	a, b := openTwo(t)
	storetest.ClaimExclusive(t, a, b)
}
