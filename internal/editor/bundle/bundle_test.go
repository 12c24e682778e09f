package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedBundle rebuilds the editor and requires the committed files
// in assets/static to be exactly what the sources make: nobody edits the
// bundle by hand or forgets to rebuild it. Without web/editor/node_modules
// it skips, unless CI=true or QALAM_E2E=require, when it fails.
func TestCommittedBundle(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	if _, err := os.Stat(filepath.Join(root, "web", "editor", "node_modules", "prosemirror-view")); err != nil {
		msg := "web/editor/node_modules is missing: run (cd web/editor && npm ci) to check the committed editor bundle"
		if os.Getenv("CI") == "true" || os.Getenv("QALAM_E2E") == "require" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	out, err := Build(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"editor.js", "editor.css"} {
		committed, err := os.ReadFile(filepath.Join(root, "assets", "static", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(committed, out[name]) {
			t.Errorf("assets/static/%s (%d bytes) is not what web/editor builds (%d bytes): run go run ./internal/editor/bundle and commit the result",
				name, len(committed), len(out[name]))
		}
	}
}

// TestBuildFailsClearly: a missing node_modules is named, not an esbuild
// resolution error.
func TestBuildFailsClearly(t *testing.T) {
	_, err := Build(t.TempDir())
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("npm ci")) {
		t.Fatalf("Build in an empty directory: %v", err)
	}
}
