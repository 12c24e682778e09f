package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"qalam/internal/demo"
	"qalam/internal/news"
	"qalam/internal/servertest"
	"qalam/internal/signing"
)

func putMirror(t *testing.T, e *servertest.Env, m news.Mirror) news.Mirror {
	t.Helper()
	if err := e.Store.PutMirror(context.Background(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// The mirror list lives in the database: a mirror added while the server
// runs is served and published after the next content check, unlisted ones
// are served but not published, and inactive or deleted ones are refused.
func TestMirrorsFromDatabase(t *testing.T) {
	e := servertest.Demo(t)
	listed := putMirror(t, e, news.Mirror{Origin: "https://kokpar.example.net", Kind: news.MirrorPlain, Note: "secret-note-of-the-newsroom", Listed: true, Active: true, Position: 1})
	putMirror(t, e, news.Mirror{Origin: "https://quiet.example.net", Kind: news.MirrorPlain, Note: "for Telegram only", Active: true, Position: 2})
	putMirror(t, e, news.Mirror{Origin: "https://blocked.example.net", Kind: news.MirrorPlain, Listed: true, Position: 3})
	e.Fresh(t)

	for host, want := range map[string]int{"kokpar.example.net": 200, "quiet.example.net": 200, "blocked.example.net": 421, "evil.example.net": 421} {
		resp, _ := e.Get(t, "/kk/", "Host", host)
		mustStatus(t, resp, want, host)
	}
	_, body := e.Get(t, "/kk/mirrors")
	for _, want := range []string{`href="` + e.URL + `/kk/"`, `href="https://kokpar.example.net/kk/"`, `href="/mirrors.json"`} {
		if !strings.Contains(body, want) {
			t.Errorf("mirrors page lacks %s", want)
		}
	}
	for _, bad := range []string{"quiet.example.net", "blocked.example.net", "secret-note"} {
		if strings.Contains(body, bad) {
			t.Errorf("mirrors page shows %q", bad)
		}
	}
	// The JSON document says the same, on whatever host it is asked.
	resp, raw := e.Get(t, "/mirrors.json", "Host", "quiet.example.net")
	mustStatus(t, resp, 200, "/mirrors.json")
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var doc struct {
		Version  int    `json:"version"`
		Primary  string `json:"primary"`
		Mirrors  []struct{ URL, Kind string }
		Services []struct{ Code, Name, Lang, Home string }
	}
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || doc.Primary != e.URL || len(doc.Mirrors) != 2 || doc.Mirrors[0].URL != e.URL || doc.Mirrors[1].URL != "https://kokpar.example.net" || doc.Mirrors[1].Kind != "mirror" {
		t.Errorf("mirrors.json: %+v", doc)
	}
	codes := map[string]string{}
	for _, s := range doc.Services {
		codes[s.Code] = s.Home
	}
	if codes["kk"] != "/kk/" || codes["kk-latn"] != "/kk-latn/" || codes["fa"] != "/fa/" {
		t.Errorf("mirrors.json services: %+v", doc.Services)
	}
	if strings.Contains(raw, "quiet") || strings.Contains(raw, "secret-note") || strings.Contains(raw, "blocked") {
		t.Errorf("mirrors.json publishes a private address or note: %s", raw)
	}

	// Deleting a mirror refuses its host after the next check.
	if err := e.Store.DeleteMirror(context.Background(), listed.ID); err != nil {
		t.Fatal(err)
	}
	e.Fresh(t)
	resp, _ = e.Get(t, "/kk/", "Host", "kokpar.example.net")
	mustStatus(t, resp, 421, "a deleted mirror")
	_, body = e.Get(t, "/kk/mirrors")
	if strings.Contains(body, "kokpar") {
		t.Error("the deleted mirror is still published")
	}
}

// With an onion address configured, clearnet answers name it in
// Onion-Location (the same path), answers on the onion do not, and pages
// read on the onion link within it.
func TestOnionLocation(t *testing.T) {
	e := servertest.Demo(t)
	const onion = "http://zhasylaulaqazaqstanxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"
	onionHost := strings.TrimPrefix(onion, "http://")
	resp, _ := e.Get(t, "/kk/")
	if resp.Header.Get("Onion-Location") != "" {
		t.Error("Onion-Location before any onion address is configured")
	}
	putMirror(t, e, news.Mirror{Origin: onion, Kind: news.MirrorOnion, Listed: true, Active: true})
	e.Fresh(t)

	path := storyURL(t, e, demo.LeadStoryKK)
	for _, p := range []string{path, "/kk/?x=1", "/api/v1/services", "/feeds/kk/rss.xml"} {
		resp, _ := e.Get(t, p)
		if got := resp.Header.Get("Onion-Location"); got != onion+p {
			t.Errorf("%s: Onion-Location %q, want %q", p, got, onion+p)
		}
	}
	resp, body := e.Get(t, path, "Host", onionHost)
	mustStatus(t, resp, 200, "story on the onion")
	if got := resp.Header.Get("Onion-Location"); got != "" {
		t.Errorf("the onion itself sends Onion-Location %q", got)
	}
	if !strings.Contains(body, `href="`+onion+`/kk/`) {
		t.Error("the onion page does not link within the onion")
	}
	if strings.Contains(body, `href="`+e.URL+`/kk/"`) {
		t.Error("the onion page links to the clearnet home")
	}
	_, body = e.Get(t, "/kk/mirrors")
	if !strings.Contains(body, onion+"/kk/") {
		t.Error("the mirrors page does not publish the onion address")
	}
}

// A lite host serves the lite pages at its root: /kk/ there is the lite
// home and a story's full path is its lite page.
func TestLiteHost(t *testing.T) {
	e := servertest.Demo(t)
	putMirror(t, e, news.Mirror{Origin: "http://lite.example.net", Kind: news.MirrorLite, Listed: true, Active: true})
	e.Fresh(t)
	const host = "lite.example.net"
	path := storyURL(t, e, demo.LeadStoryKK)
	_, liteStory := e.Get(t, "/lite"+path)
	for _, p := range []string{"/kk/", path, "/lite" + path, "/kk-latn/"} {
		resp, body := e.Get(t, p, "Host", host)
		mustStatus(t, resp, 200, "lite host "+p)
		if strings.Contains(body, "<script") || !strings.Contains(body, `href="/lite/kk`) {
			t.Errorf("lite host %s: not a lite page", p)
		}
	}
	_, body := e.Get(t, path, "Host", host)
	if strings.ReplaceAll(body, "http://lite.example.net", e.URL) != liteStory {
		t.Error("the lite host's story differs from /lite/ on the main host")
	}
	// The root goes to the default service's lite home; assets and media are as they are.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", e.URL+"/", nil)
	req.Host = host
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "/lite/kk/") {
		t.Errorf("lite host /: %d %s", resp.StatusCode, loc)
	}
	d := doc(t, body)
	css, _ := d.Find(`link[rel="stylesheet"]`).Attr("href")
	if resp, _ := e.Get(t, css, "Host", host); resp.StatusCode != 200 {
		t.Errorf("lite host stylesheet %s: %d", css, resp.StatusCode)
	}
	_, mpage := e.Get(t, "/kk/mirrors")
	if !strings.Contains(mpage, `href="http://lite.example.net/lite/kk/"`) {
		t.Error("the mirrors page does not link the lite host's home")
	}
}

// The signing key's fingerprint is published on the mirrors page, in
// /mirrors.json and in every feed format: the same key `qalam verify`
// checks static copies with.
func TestSigningFingerprintPublished(t *testing.T) {
	e := servertest.Demo(t)
	pub, err := signing.DataPublicKey(e.Dir)
	if err != nil {
		t.Fatal(err)
	}
	fp := signing.Fingerprint(pub)
	for _, p := range []string{"/kk/mirrors", "/fa/mirrors", "/kk-latn/mirrors", "/mirrors.json", "/feeds/kk/rss.xml", "/feeds/ru/atom.xml", "/feeds/en/feed.json"} {
		resp, body := e.Get(t, p)
		mustStatus(t, resp, 200, p)
		if !strings.Contains(body, fp) {
			t.Errorf("%s does not publish the key fingerprint %s", p, fp)
		}
	}
}
