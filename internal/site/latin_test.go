package site

import (
	"testing"

	"qalam/internal/news"
)

func TestScriptPaths(t *testing.T) {
	for _, c := range []struct{ path, cyrl, latn string }{
		{"/kk/", "/kk/", "/kk-latn/"},
		{"/kk-latn/saiasat/slug-abc", "/kk/saiasat/slug-abc", "/kk-latn/saiasat/slug-abc"},
		{"/kk/search", "/kk/search", "/kk-latn/search"},
		{"/kk", "/kk", "/kk-latn"},
	} {
		if cyrl, latn := scriptPaths("kk", c.path); cyrl != c.cyrl || latn != c.latn {
			t.Errorf("scriptPaths(%q) = %q, %q", c.path, cyrl, latn)
		}
	}
}

func TestStoryPathInLatin(t *testing.T) {
	s := news.Summary{ID: "abcdefghijkl", Section: news.Section{Slug: "saiasat"}, Slug: "сот-шешімі"}
	if got := storyPath("/kk", s); got != "/kk/saiasat/сот-шешімі-abcdefghijkl" {
		t.Errorf("Cyrillic path %q", got)
	}
	if got := storyPath("/kk-latn", s); got != "/kk-latn/saiasat/sot-şeşımı-abcdefghijkl" {
		t.Errorf("Latin path %q", got)
	}
}
