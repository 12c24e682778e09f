package server_test

import (
	"strings"
	"testing"

	"qalam/internal/config"
	"qalam/internal/servertest"
)

// With newsletters on, every page's footer (full, Latin and lite) links
// to the service's subscription page, which answers; with them off, no
// page links to it.
func TestNewsletterLinkInFooter(t *testing.T) {
	on := servertest.Demo(t, func(o *config.Options) {
		o.Newsletter = config.Newsletter{SMTPAddr: "127.0.0.1:1", From: "Zhasyl Aula <news@example.org>", TLS: "none"}
	})
	for path, want := range map[string]string{"/kk/": "/newsletter/kk/", "/kk-latn/": "/newsletter/kk/", "/lite/fa/": "/newsletter/fa/", "/ru/mirrors": "/newsletter/ru/"} {
		_, body := on.Get(t, path)
		href, ok := doc(t, body).Find(`a[data-qalam="newsletter"]`).Attr("href")
		if !ok || href != want {
			t.Errorf("%s: newsletter link %q, want %q", path, href, want)
			continue
		}
		resp, _ := on.Get(t, href)
		mustStatus(t, resp, 200, href)
	}
	off := servertest.Demo(t)
	_, body := off.Get(t, "/kk/")
	if strings.Contains(body, "/newsletter/") {
		t.Error("a page links to newsletters while they are off")
	}
	resp, _ := off.Get(t, "/newsletter/kk/")
	mustStatus(t, resp, 404, "/newsletter/kk/ with newsletters off")
}
