package admin

import (
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// Pages in windows-1251 (still common on Russian and Kazakh sites) give
// their titles in Cyrillic, whether the header or the page's own <meta>
// names the charset; bytes that decode to nothing are replaced.
func TestEmbedPageCharsets(t *testing.T) {
	const title = "Паводок в Алматы: вода поднялась"
	cp1251, err := charmap.Windows1251.NewEncoder().String(`<html><head><meta property="og:title" content="` + title + `"></head></html>`)
	if err != nil {
		t.Fatal(err)
	}
	meta1251, _ := charmap.Windows1251.NewEncoder().String(`<html><head><meta charset="windows-1251"><title>` + title + `</title></head></html>`)
	for _, c := range []struct {
		name, page, contentType, want string
	}{
		{"header", cp1251, "text/html; charset=windows-1251", title},
		{"meta", meta1251, "text/html", title},
		{"utf-8", `<title>` + title + `</title>`, "text/html; charset=utf-8", title},
		{"broken", "<title>Су \xff\xfe тасқыны</title>", "text/html; charset=utf-8", "Су \uFFFD\uFFFD тасқыны"},
	} {
		if got := readEmbedMeta(toUTF8([]byte(c.page), c.contentType)).title; got != c.want {
			t.Errorf("%s: title %q, want %q", c.name, got, c.want)
		}
	}
}
