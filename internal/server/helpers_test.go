package server_test

import (
	"strings"
	"testing"
	"time"

	"qalam/internal/servertest"
)

// waitFor polls path until its body does (or does not) contain s, failing
// if that takes more than a second: the promise made to editors.
func waitFor(t *testing.T, e *servertest.Env, path, s string, present bool) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		_, body := e.Get(t, path)
		if strings.Contains(body, s) == present {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %q present=%v still not true after a second", path, s, present)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func waitStatus(t *testing.T, e *servertest.Env, path string, status int) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		resp, _ := e.Get(t, path)
		if resp.StatusCode == status {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: status %d, want %d within a second", path, resp.StatusCode, status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
