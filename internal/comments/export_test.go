package comments_test

import (
	"context"
	"crypto/ed25519"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qalam/internal/comments"
	"qalam/internal/export"
	"qalam/internal/news"
)

// A static copy of a service with comments on carries no comments section,
// no comments script and no link to a comments page: it has no server to
// take them, and comments are never part of the copy.
func TestStaticExportHasNoComments(t *testing.T) {
	e := env(t)
	setComments(t, e, "en", true, news.PostModeration, 0)
	s, storyPath := story(t, e, "en")
	cpath := comments.Path("en", s.ID)
	if r := post(t, e, cpath, "192.0.2.50", true, "name", "Reader", "text", "Visible comment text"); r.status != 201 {
		t.Fatal(r.status, r.json)
	}
	if _, page := e.Get(t, storyPath); !strings.Contains(page, `data-qalam="comments"`) {
		t.Fatal("the live story page has no comments section")
	}
	svc, err := e.Store.Service(context.Background(), "en")
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(nil)
	out := filepath.Join(t.TempDir(), "copy")
	if _, err := export.Static(context.Background(), export.Config{Handler: e.Server, Origin: e.Opts.Primary, Service: svc, Out: out, Key: key}); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), "comments.") {
			t.Errorf("%s exported", path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, bad := range []string{"/comments/", "comments/en", `data-qalam="comments"`, "Visible comment text"} {
			if strings.Contains(string(data), bad) {
				t.Errorf("%s holds %q", path, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
