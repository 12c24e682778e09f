// Package archtest holds the rules of the house that the compiler does not
// check: which packages may depend on which.
package archtest

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Deps       []string
	Standard   bool
}

func list(t *testing.T) map[string]pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-json", "qalam/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	pkgs := map[string]pkg{}
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

func TestLayers(t *testing.T) {
	pkgs := list(t)
	if _, ok := pkgs["qalam/internal/news"]; !ok {
		t.Fatal("go list did not report qalam/internal/news")
	}
	// The domain uses the standard library only.
	for _, d := range pkgs["qalam/internal/news"].Deps {
		if !pkgs[d].Standard {
			t.Errorf("internal/news depends on %s: the domain must use the standard library only", d)
		}
	}
	// HTTP surfaces and rendering never touch a database.
	surfaces := []string{"site", "admin", "api", "feed", "scriptview", "render", "httpkit", "pagecache", "media", "i18n", "translit", "jobs", "newsletter", "telegram", "webhook", "outbound", "comments", "live"}
	for _, s := range surfaces {
		p, ok := pkgs["qalam/internal/"+s]
		if !ok {
			t.Errorf("package internal/%s missing", s)
			continue
		}
		for _, d := range p.Deps {
			if d == "database/sql" || d == "qalam/internal/sqlite" || strings.HasPrefix(d, "modernc.org/sqlite") || strings.Contains(d, "pgx") {
				t.Errorf("internal/%s depends on %s: handlers go through news.Store", s, d)
			}
		}
	}
}
