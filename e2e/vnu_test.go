package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// vnuMessage is one message of the Nu HTML Checker's JSON output.
type vnuMessage struct {
	Type      string `json:"type"`    // error, info, non-document-error
	SubType   string `json:"subType"` // fatal, warning, io, …
	URL       string `json:"url"`
	LastLine  int    `json:"lastLine"`
	FirstLine int    `json:"firstLine"`
	LastCol   int    `json:"lastColumn"`
	Message   string `json:"message"`
	Extract   string `json:"extract"`
}

// TestHTMLValid checks the HTML of every page type of every service with
// the Nu HTML Checker, in one run of the checker for all pages.
func TestHTMLValid(t *testing.T) {
	t.Parallel() // with the other long tests, in tabs of its own: 2 cores
	needTools(t)
	jar, err := filepath.Abs(vnuPath)
	if err != nil {
		t.Fatal(err)
	}
	e := demoWithNewsletters(t)
	pages := discoverPages(t, e)
	dir := t.TempDir()
	var files []string
	byFile := map[string]sitePage{}
	for _, p := range pages {
		resp, body := e.Get(t, p.Path)
		if resp.StatusCode != p.Status {
			t.Errorf("%s %s: status %d, want %d", p.Name(), p.Path, resp.StatusCode, p.Status)
			continue
		}
		name := filepath.Join(dir, strings.ReplaceAll(p.Name(), "/", "-")+".html")
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
		byFile[filepath.Base(name)] = p
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "java", append([]string{"-jar", jar, "--format", "json", "--errors-only"}, files...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run() // exits 1 when a document has errors
	out := stderr.Bytes()
	if len(bytes.TrimSpace(out)) == 0 {
		out = stdout.Bytes()
	}
	var report struct {
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("running the Nu HTML Checker: %v; its output is not JSON (%v): %.2000s", runErr, err, out)
	}
	for _, m := range report.Messages {
		file := filepath.Base(strings.TrimPrefix(m.URL, "file:"))
		where := file
		if p, ok := byFile[file]; ok {
			where = fmt.Sprintf("%s (%s)", file, p.Path)
		}
		line := m.LastLine
		if m.FirstLine != 0 {
			line = m.FirstLine
		}
		t.Errorf("%s:%d:%d: vnu %s: %s\n\t%s", where, line, m.LastCol, m.Type, m.Message, oneLine(m.Extract))
	}
	if len(report.Messages) == 0 && runErr != nil {
		t.Fatalf("the Nu HTML Checker failed with no message: %v\n%s", runErr, stdout.String())
	}
}
