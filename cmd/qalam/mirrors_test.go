package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"qalam/internal/sqlite"
)

func TestMirrorsCommand(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	ctx := context.Background()
	cmd := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, nil, append(append([]string{"mirrors"}, args...), "--data", dir), &out, &out)
		return out.String(), err
	}
	mustRun := func(args ...string) string {
		t.Helper()
		out, err := cmd(args...)
		if err != nil {
			t.Fatalf("mirrors %v: %v\n%s", args, err, out)
		}
		return out
	}
	mustRun("add", "https://Mirror.Example.NET/", "--note", "Almaty office")
	mustRun("add", "http://zhasylaulaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion")
	mustRun("add", "https://quiet.example.net", "--unlisted", "--position", "5")
	mustRun("disable", "https://quiet.example.net")
	out := mustRun("list")
	for _, want := range []string{
		"https://mirror.example.net mirror served, listed 0 Almaty office",
		".onion onion served, listed",
		"https://quiet.example.net mirror disabled 5",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	// Changing a mirror keeps what was not given.
	mustRun("add", "https://mirror.example.net", "--unlisted")
	if out := mustRun("list"); !strings.Contains(out, "served, unlisted") || !strings.Contains(out, "Almaty office") {
		t.Errorf("after change:\n%s", out)
	}
	mustRun("remove", "https://mirror.example.net")
	if out := mustRun("list"); strings.Contains(out, "mirror.example.net") {
		t.Errorf("removed mirror still listed:\n%s", out)
	}
	for _, bad := range [][]string{
		{"add", "mirror.example.net"},
		{"add", "https://mirror.example.net/kk/"},
		{"add", "https://x.example.net", "--kind", "onion"},
		{"remove", "https://never.example.net"},
		{"frobnicate", "https://x.example.net"},
		{"add"},
	} {
		if out, err := cmd(bad...); err == nil {
			t.Errorf("mirrors %v succeeded:\n%s", bad, out)
		}
	}
	// No newsroom in the data dir: a clear error, nothing created.
	var out2 bytes.Buffer
	empty := t.TempDir()
	if err := run(ctx, nil, []string{"mirrors", "list", "--data", empty}, &out2, &out2); err == nil || !strings.Contains(err.Error(), "no newsroom") {
		t.Errorf("list on an empty dir: %v", err)
	}
}
