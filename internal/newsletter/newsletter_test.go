package newsletter_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"qalam/internal/config"
	"qalam/internal/jobs"
	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/newsletter"
	"qalam/internal/server"
	"qalam/internal/servertest"
	"qalam/internal/sqlite"
)

const fingerprint = "3F2A 9C01 77AB 0D1E 5B6C 8899 AABB CCDD EEFF 0011"

// fixture is a running demo server with newsletters on, the newsletter
// jobs and a runner on the test's clock.
type fixture struct {
	env    *servertest.Env
	jobs   *newsletter.Jobs
	runner *jobs.Runner
	svc    news.Service
}

// start serves a copy of the demo newsroom with newsletters sending to
// smtpAddr. The daily edition's time is set five minutes before the
// clock's local time in the English service, so ScheduleOnce queues it.
func start(t *testing.T, smtpAddr string, kinds ...string) *fixture {
	t.Helper()
	env := servertest.Demo(t, func(o *config.Options) {
		o.Newsletter = config.Newsletter{SMTPAddr: smtpAddr, From: "Newsroom <news@example.org>", TLS: "none", At: 0}
	})
	svc, err := env.Store.Service(context.Background(), "en")
	if err != nil {
		t.Fatal(err)
	}
	local := env.Clock.Now().In(svc.Location())
	at := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute - 5*time.Minute
	j := &newsletter.Jobs{
		Store:       env.Store,
		Mailer:      &newsletter.SMTP{Addr: smtpAddr, From: "Newsroom <news@example.org>", TLS: "none", Timeout: 5 * time.Second},
		Primary:     env.Opts.Primary.String(),
		Fingerprint: fingerprint,
		At:          at,
		Batch:       1,
		Now:         env.Clock.Now,
		Log:         slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	handlers := j.Handlers()
	if len(kinds) > 0 {
		sub := map[string]jobs.Handler{}
		for _, k := range kinds {
			sub[k] = handlers[k]
		}
		handlers = sub
	}
	r := &jobs.Runner{Queue: env.Store, Handlers: handlers, Now: env.Clock.Now,
		Backoff: func(int) time.Duration { return time.Minute }, Log: j.Log}
	return &fixture{env: env, jobs: j, runner: r, svc: svc}
}

func (f *fixture) run(t *testing.T) int {
	t.Helper()
	n, err := f.runner.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) post(t *testing.T, path string, form url.Values, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", f.env.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.env.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (f *fixture) subscribe(t *testing.T, email string) (*http.Response, string) {
	t.Helper()
	return f.post(t, "/newsletter/en/", url.Values{"email": {email}})
}

// publish adds a story to the English service, published ago before the
// clock (more than 5 minutes ago is in the edition due now).
func (f *fixture) publish(t *testing.T, slug, headline string, ago time.Duration) news.Story {
	t.Helper()
	st := f.env.NewStory(t, "en", slug, headline, "Body of "+headline)
	f.env.Publish(t, st, f.env.Clock.Now().Add(-ago))
	return st
}

var confirmLink = regexp.MustCompile(`http://[^\s"<>]+/newsletter/en/confirm\?token=[A-Za-z0-9_-]+`)

// subscribeAndConfirm goes through the double opt-in by mail.
func (f *fixture) subscribeAndConfirm(t *testing.T, mp *mailpit, email string) {
	t.Helper()
	if resp, body := f.subscribe(t, email); resp.StatusCode != 200 || !strings.Contains(body, "Check your inbox") {
		t.Fatalf("subscribe: %d %s", resp.StatusCode, body)
	}
	before := len(mp.to(t, email))
	f.run(t)
	msgs := mp.waitTo(t, email, before+1)
	m := mp.message(t, msgs[0].ID)
	link := confirmLink.FindString(m.Text)
	if link == "" || !strings.Contains(m.HTML, link) {
		t.Fatalf("no confirmation link in the mail: %q", m.Text)
	}
	if !strings.HasPrefix(link, f.env.Opts.Primary.String()+"/") {
		t.Errorf("link %s is not on the primary origin", link)
	}
	resp, body := f.env.Get(t, link)
	if resp.StatusCode != 200 || !strings.Contains(body, "Subscription confirmed") {
		t.Fatalf("confirm: %d %s", resp.StatusCode, body)
	}
	if resp, _ := f.env.Get(t, link); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a confirmation link worked twice: %d", resp.StatusCode)
	}
}

func TestSubscribeEditionUnsubscribe(t *testing.T) {
	mp := startMailpit(t, "")
	f := start(t, mp.SMTP)
	ctx := context.Background()

	resp, body := f.env.Get(t, "/newsletter/en/")
	if resp.StatusCode != 200 || !strings.Contains(body, `name="email"`) || !strings.Contains(body, `lang="en"`) ||
		resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("form: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	f.subscribeAndConfirm(t, mp, "reader@example.org")

	// Mirrors: only listed and active ones go into the edition.
	for _, m := range []news.Mirror{
		{Origin: "https://mirror-listed.example.net", Kind: news.MirrorPlain, Listed: true, Active: true},
		{Origin: "https://mirror-private.example.net", Kind: news.MirrorPlain, Listed: false, Active: true},
		{Origin: "https://mirror-off.example.net", Kind: news.MirrorPlain, Listed: true, Active: false},
	} {
		if err := f.env.Store.PutMirror(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	f.publish(t, "newsletter-one", "First newsletter story", 12*time.Minute)
	f.publish(t, "newsletter-two", "Second newsletter story", 10*time.Minute)
	f.publish(t, "newsletter-late", "Story after the edition time", 2*time.Minute)

	if err := f.jobs.ScheduleOnce(ctx); err != nil {
		t.Fatal(err)
	}
	f.run(t)
	msgs := mp.waitTo(t, "reader@example.org", 2)
	ed := msgs[0] // newest first
	m := mp.message(t, ed.ID)
	for _, want := range []string{"First newsletter story", "Second newsletter story", "https://mirror-listed.example.net/", fingerprint} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("edition lacks %q:\n%s", want, m.Text)
		}
	}
	for _, not := range []string{"mirror-private", "mirror-off", "Story after the edition time"} {
		if strings.Contains(m.Text+m.HTML, not) {
			t.Errorf("edition names %s", not)
		}
	}
	if strings.Index(m.Text, "First newsletter story") > strings.Index(m.Text, "Second newsletter story") {
		t.Error("stories are not in the order of the day")
	}
	h := mp.headers(t, ed.ID)
	lu := h.Get("List-Unsubscribe")
	if !strings.HasPrefix(lu, "<"+f.env.Opts.Primary.String()+"/newsletter/en/unsubscribe?token=") || !strings.HasSuffix(lu, ">") ||
		h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("headers: List-Unsubscribe %q, List-Unsubscribe-Post %q", lu, h.Get("List-Unsubscribe-Post"))
	}
	if !strings.Contains(m.Text, strings.Trim(lu, "<>")) {
		t.Error("the edition's body lacks its unsubscribe link")
	}

	// Run the edition again, and its send job as a retry would: no second mail.
	e, err := f.env.Store.EditionOfDay(ctx, "en", f.env.Clock.Now().In(f.svc.Location()).Format(time.DateOnly))
	if err != nil || e.State != news.EditionSent || e.Recipients != 1 {
		t.Fatalf("edition = %+v, %v", e, err)
	}
	subs, _ := f.env.Store.Subscribers(ctx, "en", news.SubscriberConfirmed)
	if _, err := f.env.Store.Enqueue(ctx, news.NewsletterEditionJob("en", e.Day, f.env.Clock.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := f.env.Store.Enqueue(ctx, news.NewsletterSendJob(e.ID, 99, []string{subs[0].ID}, f.env.Clock.Now())); err != nil {
		t.Fatal(err)
	}
	if n := f.run(t); n != 2 {
		t.Errorf("ran %d jobs, want 2", n)
	}
	time.Sleep(200 * time.Millisecond)
	mp.waitTo(t, "reader@example.org", 2)

	// The unsubscribe page asks first; GET changes nothing.
	unsub := strings.Trim(lu, "<>")
	resp, body = f.env.Get(t, unsub)
	if resp.StatusCode != 200 || !strings.Contains(body, `method="post"`) {
		t.Fatalf("unsubscribe page: %d %s", resp.StatusCode, body)
	}
	if s, _ := f.env.Store.Subscribers(ctx, "en", news.SubscriberConfirmed); len(s) != 1 {
		t.Fatal("GET unsubscribed someone")
	}
	// One-click, as a mail provider posts it: no Origin, no cookies.
	resp, _ = f.post(t, strings.TrimPrefix(unsub, f.env.URL), url.Values{"List-Unsubscribe": {"One-Click"}})
	if resp.StatusCode != 200 {
		t.Fatalf("one-click unsubscribe: %d", resp.StatusCode)
	}
	all, _ := f.env.Store.Subscribers(ctx, "en", "")
	for _, s := range all {
		if s.Email == "reader@example.org" || s.State != news.SubscriberUnsubscribed {
			t.Errorf("after unsubscribing: %+v", s)
		}
	}

	// The next day: a new reader gets the edition, the one who left does not.
	f.subscribeAndConfirm(t, mp, "second@example.org")
	f.env.Clock.Set(f.env.Clock.Now().Add(24 * time.Hour))
	f.publish(t, "newsletter-three", "Third newsletter story", 10*time.Minute)
	if err := f.jobs.ScheduleOnce(ctx); err != nil {
		t.Fatal(err)
	}
	f.run(t)
	got := mp.waitTo(t, "second@example.org", 2)
	if m := mp.message(t, got[0].ID); !strings.Contains(m.Text, "Third newsletter story") || !strings.Contains(m.Text, "Story after the edition time") ||
		strings.Contains(m.Text, "First newsletter story") {
		t.Errorf("next edition:\n%s", m.Text)
	}
	time.Sleep(200 * time.Millisecond)
	mp.waitTo(t, "reader@example.org", 2)
}

func TestSMTPDownRetriedWithoutDuplicates(t *testing.T) {
	smtpAddr := freePort(t) // nothing listens here yet
	f := start(t, smtpAddr, news.JobNewsletterEdition, news.JobNewsletterSend)
	ctx := context.Background()
	emails := []string{"one@example.org", "two@example.org"}
	for _, e := range emails {
		res, err := f.env.Store.Subscribe(ctx, "en", e, f.env.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.env.Store.SetConfirmToken(ctx, res.Subscriber.ID, news.TokenHash("t"+e), f.env.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := f.env.Store.Confirm(ctx, "en", news.TokenHash("t"+e), f.env.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	f.publish(t, "down-story", "A story while mail is down", 10*time.Minute)
	if err := f.jobs.ScheduleOnce(ctx); err != nil {
		t.Fatal(err)
	}
	f.run(t)
	failed, err := f.env.Store.Jobs(ctx, news.JobFilter{Kind: news.JobNewsletterSend, State: news.JobQueued})
	if err != nil || len(failed) != 2 {
		t.Fatalf("queued send jobs after the failure = %d, %v; want 2 waiting for a retry", len(failed), err)
	}
	for _, j := range failed {
		if j.Attempts != 1 || !strings.Contains(j.LastError, "connect") || strings.Contains(j.LastError, "@example.org") {
			t.Errorf("failed job: attempts %d, error %q", j.Attempts, j.LastError)
		}
	}
	e, _ := f.env.Store.EditionOfDay(ctx, "en", f.env.Clock.Now().In(f.svc.Location()).Format(time.DateOnly))
	ds, _ := f.env.Store.Deliveries(ctx, e.ID)
	for _, d := range ds {
		if d.State != news.DeliveryPending {
			t.Errorf("delivery %+v while the server was down", d)
		}
	}

	// The server comes back; the retries deliver once each.
	mp := startMailpit(t, smtpAddr)
	if n := f.run(t); n != 0 {
		t.Errorf("%d jobs ran before their backoff", n)
	}
	f.env.Clock.Set(f.env.Clock.Now().Add(2 * time.Minute))
	f.run(t)
	for _, e := range emails {
		mp.waitTo(t, e, 1)
	}
	f.env.Clock.Set(f.env.Clock.Now().Add(time.Hour))
	f.run(t)
	time.Sleep(200 * time.Millisecond)
	for _, e := range emails {
		mp.waitTo(t, e, 1)
	}
	if e, _ := f.env.Store.Edition(ctx, e.ID); e.State != news.EditionSent {
		t.Errorf("edition state %s, want sent", e.State)
	}
}

func TestPendingPrunedAfter48h(t *testing.T) {
	f := start(t, "127.0.0.1:1", news.JobNewsletterPrune)
	ctx := context.Background()
	if resp, _ := f.subscribe(t, "late@example.org"); resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	f.env.Clock.Set(f.env.Clock.Now().Add(47 * time.Hour))
	if resp, _ := f.subscribe(t, "recent@example.org"); resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	if err := f.jobs.ScheduleOnce(ctx); err != nil {
		t.Fatal(err)
	}
	f.run(t)
	if s, _ := f.env.Store.Subscribers(ctx, "en", ""); len(s) != 2 {
		t.Fatalf("%d subscribers after 47 h, want 2", len(s))
	}
	f.env.Clock.Set(f.env.Clock.Now().Add(90 * time.Minute))
	if err := f.jobs.ScheduleOnce(ctx); err != nil {
		t.Fatal(err)
	}
	f.run(t)
	s, _ := f.env.Store.Subscribers(ctx, "en", "")
	if len(s) != 1 || s[0].Email != "recent@example.org" {
		t.Fatalf("after 48 h: %+v", s)
	}
}

// The answer to a subscription says nothing about the address: new,
// pending and confirmed addresses get the same bytes.
func TestNoEnumerationAndHoneypot(t *testing.T) {
	f := start(t, "127.0.0.1:1")
	ctx := context.Background()
	_, fresh := f.subscribe(t, "new@example.org")
	_, pending := f.subscribe(t, "new@example.org")
	res, _ := f.env.Store.Subscribe(ctx, "en", "known@example.org", f.env.Clock.Now())
	f.env.Store.SetConfirmToken(ctx, res.Subscriber.ID, news.TokenHash("k"), f.env.Clock.Now())
	if _, err := f.env.Store.Confirm(ctx, "en", news.TokenHash("k"), f.env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	_, confirmed := f.subscribe(t, "known@example.org")
	if fresh != pending || fresh != confirmed {
		t.Errorf("answers differ:\nnew: %s\npending: %s\nconfirmed: %s", fresh, pending, confirmed)
	}
	// A bot filling the hidden field gets the same answer and nothing is stored.
	resp, bot := f.post(t, "/newsletter/en/", url.Values{"email": {"bot@example.org"}, "website": {"http://spam.example"}})
	if resp.StatusCode != 200 || bot != fresh {
		t.Errorf("honeypot answer: %d", resp.StatusCode)
	}
	all, _ := f.env.Store.Subscribers(ctx, "en", "")
	for _, s := range all {
		if s.Email == "bot@example.org" {
			t.Error("the honeypot subscribed a bot")
		}
	}
	// A bad address: the form again, 400.
	if resp, body := f.subscribe(t, "not an address"); resp.StatusCode != 400 || !strings.Contains(body, "valid email") {
		t.Errorf("bad address: %d", resp.StatusCode)
	}
	// A cross-site form post is refused (CSRF).
	if resp, _ := f.post(t, "/newsletter/en/", url.Values{"email": {"x@example.org"}}, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site post: %d, want 403", resp.StatusCode)
	}
	// Unknown service, bad tokens.
	for path, want := range map[string]int{
		"/newsletter/xx/":                         404,
		"/newsletter/en/confirm?token=nope":       404,
		"/newsletter/en/unsubscribe?token=nope":   404,
		"/newsletter/en/confirm":                  404,
		"/newsletter/ru/":                         200,
		"/newsletter/fa/unsubscribe?token=absent": 404,
	} {
		if resp, _ := f.env.Get(t, path); resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	if resp, body := f.env.Get(t, "/newsletter/fa/"); !strings.Contains(body, `dir="rtl"`) || !strings.Contains(body, "عضویت") {
		t.Errorf("Persian form: %d", resp.StatusCode)
	}
}

func TestRateLimit(t *testing.T) {
	f := start(t, "127.0.0.1:1")
	for i := range 5 {
		if resp, _ := f.subscribe(t, "r"+string(rune('a'+i))+"@example.org"); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, body := f.subscribe(t, "rz@example.org")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || resp.Header.Get("Retry-After") == "0" {
		t.Fatalf("6th request: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if !strings.Contains(body, "Too many requests") {
		t.Errorf("429 page: %s", body)
	}
	// The form still shows.
	if resp, _ := f.env.Get(t, "/newsletter/en/"); resp.StatusCode != 200 {
		t.Errorf("form after the limit: %d", resp.StatusCode)
	}
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A subscription from a marker IP address and User-Agent leaves neither in
// the database (file and WAL), the data dir or the logs.
func TestNoReaderIPOrUserAgentStored(t *testing.T) {
	const markerIP, markerUA = "203.0.113.77", "QalamMarkerAgent/7.7 (marker)"
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.PutService(ctx, news.Service{Code: "en", Name: "Marker News", Lang: "en", Dir: "ltr", TimeZone: "UTC", Position: 1, Default: true}); err != nil {
		t.Fatal(err)
	}
	lib, err := media.New(filepath.Join(dir, "media"), st)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := config.ParseServe([]string{"--addr", "127.0.0.1:8080", "--data", dir, "--access-log=true",
		"--trusted-proxies", "127.0.0.1", "--smtp-addr", "127.0.0.1:1", "--smtp-from", "news@example.org", "--smtp-tls", "none"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := server.New(opts, st, lib, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetReady()
	do := func(method, target, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Host = "127.0.0.1:8080"
		req.RemoteAddr = markerIP + ":40404"
		req.Header.Set("X-Forwarded-For", markerIP)
		req.Header.Set("User-Agent", markerUA)
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w
	}
	if w := do("GET", "/newsletter/en/", ""); w.Code != 200 {
		t.Fatalf("form: %d", w.Code)
	}
	if w := do("POST", "/newsletter/en/", "email=marker%40example.org"); w.Code != 200 {
		t.Fatalf("subscribe: %d %s", w.Code, w.Body)
	}
	// Through a trusted proxy too: the peer is loopback, the reader's
	// address is in X-Forwarded-For.
	hs := httptest.NewServer(srv)
	defer hs.Close()
	req, _ := http.NewRequest("POST", hs.URL+"/newsletter/en/", strings.NewReader("email=marker2%40example.org"))
	req.Host = "127.0.0.1:8080"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", markerIP)
	req.Header.Set("User-Agent", markerUA)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("subscribe through the proxy: %d", resp.StatusCode)
	}
	subs, err := st.Subscribers(ctx, "en", news.SubscriberPending)
	if err != nil || len(subs) != 2 {
		t.Fatalf("subscribers = %+v, %v", subs, err)
	}
	// Run the confirmation jobs against a mail server that is down: their
	// errors are logged and stored too.
	j := &newsletter.Jobs{Store: st, Mailer: &newsletter.SMTP{Addr: "127.0.0.1:1", From: "news@example.org", TLS: "none"},
		Primary: opts.Primary.String(), Log: log}
	r := &jobs.Runner{Queue: st, Handlers: j.Handlers(), Log: log}
	if _, err := r.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "/newsletter/en/") {
		t.Fatal("the access log captured nothing: the test would prove nothing")
	}

	markers := []string{markerIP, markerUA, "QalamMarkerAgent"}
	for _, m := range markers {
		if strings.Contains(logs.String(), m) {
			t.Errorf("logs hold %q", m)
		}
	}
	err = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range markers {
			if bytes.Contains(b, []byte(m)) {
				t.Errorf("%s holds %q", p, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "qalam.db-wal")); err != nil {
		t.Errorf("no WAL file scanned: %v", err)
	}
	// The addresses themselves are there: the scan reads what was written.
	found := false
	for _, name := range []string{"qalam.db", "qalam.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		found = found || bytes.Contains(b, []byte("marker@example.org"))
	}
	if !found {
		t.Error("the subscriber's address is in neither the database nor the WAL: the scan is blind")
	}
}
