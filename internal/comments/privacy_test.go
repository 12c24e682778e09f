package comments_test

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"qalam/internal/comments"
	"qalam/internal/config"
	"qalam/internal/news"
	"qalam/internal/server"
)

// syncBuffer is a log sink for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

// A reader comments, reports and subscribes to the newsletter from a
// marker address through a marker proxy with a marker browser; afterwards
// none of the three is anywhere in the database file, its WAL, the data
// dir or the server's logs (access log on, debug level).
func TestNoReaderAddressStored(t *testing.T) {
	const (
		proxyIP  = "203.0.113.77"
		readerIP = "198.51.100.213"
		agent    = "MarkerBrowser/7.7 (qalam-privacy-probe)"
	)
	e := env(t, func(o *config.Options) {
		o.AccessLog = true
		o.TrustedProxies = append(o.TrustedProxies, netip.MustParsePrefix(proxyIP+"/32"))
		o.Newsletter = config.Newsletter{SMTPAddr: "127.0.0.1:1", From: "Newsroom <news@example.org>", TLS: "none"}
	})
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := server.New(e.Opts, e.Store, e.Media, log, e.Clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetReady()
	if _, err := srv.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := e.Store.SetCommentSettings(ctx, news.CommentSettings{Service: "en", Enabled: true, Moderation: news.PostModeration, ReportThreshold: 1}); err != nil {
		t.Fatal(err)
	}
	srv.Poll(ctx)
	s, storyPath := story(t, e, "en")
	cpath := comments.Path("en", s.ID)

	do := func(method, path string, form url.Values, accept string) *httptest.ResponseRecorder {
		t.Helper()
		var req *http.Request
		if form != nil {
			req = httptest.NewRequest(method, "http://"+e.Host+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "http://"+e.Host)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		} else {
			req = httptest.NewRequest(method, "http://"+e.Host+path, nil)
		}
		req.RemoteAddr = proxyIP + ":41234"
		req.Header.Set("X-Forwarded-For", readerIP)
		req.Header.Set("X-Real-IP", readerIP)
		req.Header.Set("User-Agent", agent)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w
	}
	if w := do("GET", storyPath, nil, ""); w.Code != 200 {
		t.Fatalf("story page %d", w.Code)
	}
	if w := do("POST", cpath, url.Values{"name": {"Marker reader"}, "email": {"marker@example.org"}, "text": {"A comment from the marker address"}}, "application/json"); w.Code != 201 {
		t.Fatalf("comment %d %s", w.Code, w.Body)
	}
	th, _ := getThread(t, e, cpath)
	if th.Count != 1 {
		t.Fatalf("comment not shown: %+v", th)
	}
	if w := do("POST", cpath+"/report", url.Values{"id": {th.Comments[0].ID}}, ""); w.Code != 200 {
		t.Fatalf("report %d", w.Code)
	}
	// The reported comment's author is banned: the ban is kept as HMACs.
	if _, err := e.Store.BanCommenter(ctx, th.Comments[0].ID, e.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if w := do("POST", cpath, url.Values{"name": {"Marker reader"}, "text": {"Banned now"}}, "application/json"); w.Code != 403 {
		t.Fatalf("banned client %d %s", w.Code, w.Body)
	}
	if w := do("GET", "/newsletter/en/", nil, ""); w.Code != 200 {
		t.Fatalf("newsletter page %d", w.Code)
	}
	if w := do("POST", "/newsletter/en/", url.Values{"email": {"marker-subscriber@example.org"}}, ""); w.Code != 200 {
		t.Fatalf("subscribe %d %s", w.Code, w.Body)
	}
	if subs, err := e.Store.Subscribers(ctx, "en", news.SubscriberPending); err != nil || len(subs) != 1 {
		t.Fatalf("subscribers %+v %v", subs, err)
	}
	if !strings.Contains(logs.String(), "path="+cpath) {
		t.Fatalf("the access log did not run:\n%s", logs.String())
	}

	markers := []string{proxyIP, readerIP, agent, "MarkerBrowser", "203.0.113", "198.51.100"}
	err = filepath.WalkDir(e.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range markers {
			if bytes.Contains(data, []byte(m)) {
				t.Errorf("%s holds %q", path, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"qalam.db", "qalam.db-wal"} {
		if _, err := os.Stat(filepath.Join(e.Dir, f)); err != nil {
			t.Errorf("%s was not scanned: %v", f, err)
		}
	}
	for _, m := range markers {
		if strings.Contains(logs.String(), m) {
			t.Errorf("the logs hold %q", m)
		}
	}
}
