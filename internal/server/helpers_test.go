package server_test

import (
	"strings"
	"testing"

	"qalam/internal/servertest"
)

// afterPoll runs one check of the content version, as every serving
// process does at least once a second (config refuses a slower --poll),
// and then expects path's body to contain s or not: a change is visible
// right after the next check, so readers see it within a second.
func afterPoll(t *testing.T, e *servertest.Env, path, s string, present bool) {
	t.Helper()
	e.Fresh(t)
	if _, body := e.Get(t, path); strings.Contains(body, s) != present {
		t.Fatalf("%s: contains %q = %v after the next content check, want %v", path, s, !present, present)
	}
}

func statusAfterPoll(t *testing.T, e *servertest.Env, path string, status int) {
	t.Helper()
	e.Fresh(t)
	if resp, _ := e.Get(t, path); resp.StatusCode != status {
		t.Fatalf("%s: status %d after the next content check, want %d", path, resp.StatusCode, status)
	}
}
