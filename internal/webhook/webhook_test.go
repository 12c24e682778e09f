package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qalam/internal/jobs"
	"qalam/internal/news"
	"qalam/internal/sqlite"
	"qalam/internal/webhook"
)

var (
	t0       = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	discard  = slog.New(slog.NewTextHandler(io.Discard, nil))
)

// Staff identity and draft text the payloads must never carry.
const (
	staffName  = "Zhanna Secretova"
	staffEmail = "zhanna.editor@newsroom.example"
	draftText  = "UNPUBLISHED-DRAFT-SENTENCE"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// received is one request a receiver got.
type received struct {
	header http.Header
	body   []byte
}

// receiver is an httptest endpoint that records what it gets and answers
// with the statuses it is given in turn (200 once they run out).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	got      []received
	statuses []int
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Clone(), b})
		status := http.StatusOK
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// newsroom is a real SQLite store with one service, a staff member and
// the job runner `qalam serve` runs, on a fake clock.
type newsroom struct {
	t      *testing.T
	db     *sqlite.DB
	clk    *clock
	runner *jobs.Runner
	sec    news.Section
	staff  news.Staff
	author news.Author
}

func newNewsroom(t *testing.T, allow []netip.Prefix) *newsroom {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	n := &newsroom{t: t, db: db, clk: &clock{t: t0}}
	must(t, db.PutService(ctx, news.Service{Code: "en", Name: "English", Lang: "en", Dir: "ltr", TimeZone: "UTC", Position: 1, Default: true}))
	n.sec = news.Section{Service: "en", Slug: "politics", Name: "Politics", Position: 1}
	must(t, db.PutSection(ctx, &n.sec))
	n.staff = news.Staff{Email: staffEmail, Name: staffName, Created: t0}
	must(t, db.PutStaff(ctx, &n.staff))
	n.author = news.Author{Service: "en", Slug: "byline", Name: "Public Byline"}
	must(t, db.PutAuthor(ctx, &n.author))
	sender := &webhook.Sender{Store: db, Client: webhook.Client(allow), Primary: "https://news.example.org", Now: n.clk.Now, Log: discard}
	handlers := sender.Handlers()
	handlers[news.JobPublish] = jobs.Publish(db, n.clk.Now)
	n.runner = &jobs.Runner{Queue: db, Handlers: handlers, Now: n.clk.Now, Log: discard,
		Backoff: func(int) time.Duration { return time.Minute }}
	return n
}

func (n *newsroom) story(headline string) news.Story {
	n.t.Helper()
	st, err := n.db.CreateStory(context.Background(), news.NewStory{Service: "en", SectionID: n.sec.ID, Slug: "a-story",
		CreatedBy: n.staff.ID, Created: n.clk.Now(), Content: content(headline, "Public text.", n.author.ID)})
	must(n.t, err)
	return st
}

func content(headline, text, author string) news.Content {
	return news.Content{Headline: news.Text(headline), Deck: news.Text("The deck."), AuthorIDs: []string{author},
		Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text(text)}}}}
}

func (n *newsroom) endpoint(url string, events ...news.WebhookEvent) (news.WebhookEndpoint, string) {
	n.t.Helper()
	if len(events) == 0 {
		events = news.WebhookEvents
	}
	e := news.WebhookEndpoint{URL: url, Events: events, Active: true}
	secret, err := n.db.CreateWebhookEndpoint(context.Background(), &e)
	must(n.t, err)
	return e, secret
}

// run runs every due job, then moves the clock a little.
func (n *newsroom) run() int {
	n.t.Helper()
	k, err := n.runner.RunDue(context.Background())
	must(n.t, err)
	n.clk.Add(time.Second)
	return k
}

func (n *newsroom) deliveries(storyID string) []news.WebhookDelivery {
	n.t.Helper()
	ds, err := n.db.WebhookDeliveries(context.Background(), news.WebhookDeliveryFilter{StoryID: storyID})
	must(n.t, err)
	return ds
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// check verifies a request as a receiver would and returns its payload.
func check(t *testing.T, r received, secret string, now time.Time) webhook.Payload {
	t.Helper()
	if err := webhook.Verify(secret, r.header, r.body, now, webhook.DefaultTolerance); err != nil {
		t.Fatalf("signature: %v", err)
	}
	var p webhook.Payload
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("payload %s: %v", r.body, err)
	}
	if r.header.Get(webhook.HeaderEvent) != string(p.Event) || r.header.Get(webhook.HeaderDelivery) == "" ||
		r.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v for event %s", r.header, p.Event)
	}
	for _, secretish := range []string{staffName, staffEmail, draftText} {
		if strings.Contains(string(r.body), secretish) || strings.Contains(strings.Join(flat(r.header), " "), secretish) {
			t.Errorf("delivery carries %q: %s", secretish, r.body)
		}
	}
	return p
}

func flat(h http.Header) []string {
	var out []string
	for k, vs := range h {
		out = append(out, k+": "+strings.Join(vs, ","))
	}
	return out
}

// The promise: publishing a story makes exactly one signed
// delivery, which the receiver can verify; running the jobs again, or a
// delivery job once more, sends nothing more.
func TestPublishDeliversOnceSigned(t *testing.T) {
	ctx := context.Background()
	n := newNewsroom(t, loopback)
	rcv := newReceiver(t)
	ep, secret := n.endpoint(rcv.URL + "/hook?token=abc")

	st := n.story("Parliament votes")
	// A draft revision saved after: never sent.
	must(t, n.db.Publish(ctx, st.ID, st.HeadRev, n.clk.Now()))
	_, err := n.db.SaveRevision(ctx, st.ID, st.HeadRev, content("Draft headline", draftText, n.author.ID), n.staff.ID, n.clk.Now())
	must(t, err)
	n.run() // fan-out
	n.run() // delivery
	n.run()

	got := rcv.requests()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(got))
	}
	p := check(t, got[0], secret, n.clk.Now())
	want := webhook.Story{ID: st.ID, URL: "https://news.example.org/en/politics/a-story-" + st.ID, Headline: "Parliament votes",
		Deck: "The deck.", Lang: "en", Section: "politics"}
	if p.Event != news.WebhookPublish || p.Service != "en" || p.ID == "" || !p.OccurredAt.Equal(t0) {
		t.Errorf("payload %+v", p)
	}
	if p.Story.ID != want.ID || p.Story.URL != want.URL || p.Story.Headline != want.Headline || p.Story.Deck != want.Deck ||
		p.Story.Lang != "en" || p.Story.Section != "politics" || p.Story.PublishedAt == nil || !p.Story.PublishedAt.Equal(t0) {
		t.Errorf("story %+v, want %+v", p.Story, want)
	}
	if err := webhook.Verify("wrong secret", got[0].header, got[0].body, n.clk.Now(), webhook.DefaultTolerance); !errors.Is(err, webhook.ErrBadSignature) {
		t.Errorf("another secret verifies: %v", err)
	}

	ds := n.deliveries(st.ID)
	if len(ds) != 1 || ds[0].State != news.WebhookDelivered || ds[0].Attempts != 1 || ds[0].LastStatus != 200 ||
		ds[0].ID != got[0].header.Get(webhook.HeaderDelivery) || ds[0].EndpointID != ep.ID {
		t.Fatalf("deliveries %+v", ds)
	}
	if done, err := n.db.DeliveredWebhooks(ctx, st.ID); err != nil || len(done) != 1 {
		t.Errorf("DeliveredWebhooks = %v, %v", done, err)
	}

	// The same delivery job again (a re-run), and the same event fanned
	// out again: nothing more reaches the receiver.
	_, err = n.db.Enqueue(ctx, news.NewWebhookDeliverJob(ds[0], n.clk.Now()))
	must(t, err)
	_, err = n.db.Enqueue(ctx, news.NewWebhookEventJob(ds[0].WebhookOccurrence))
	must(t, err)
	if k := n.run(); k != 2 {
		t.Errorf("ran %d jobs, want 2", k)
	}
	n.run()
	if len(rcv.requests()) != 1 || len(n.deliveries(st.ID)) != 1 {
		t.Errorf("after re-runs: %d requests, %d deliveries; want 1 and 1", len(rcv.requests()), len(n.deliveries(st.ID)))
	}
}

// Updates (a new revision, a correction) and unpublishing are delivered
// too; unpublishing says nothing but the story's id.
func TestUpdateAndUnpublish(t *testing.T) {
	ctx := context.Background()
	n := newNewsroom(t, loopback)
	rcv := newReceiver(t)
	_, secret := n.endpoint(rcv.URL)
	pubOnly := newReceiver(t)
	n.endpoint(pubOnly.URL, news.WebhookPublish)

	st := n.story("First")
	must(t, n.db.Publish(ctx, st.ID, st.HeadRev, n.clk.Now()))
	n.run()
	n.run()
	rev, err := n.db.SaveRevision(ctx, st.ID, st.HeadRev, content("Second", "Public text, edited.", n.author.ID), n.staff.ID, n.clk.Now())
	must(t, err)
	must(t, n.db.Publish(ctx, st.ID, rev.ID, n.clk.Now()))
	n.run()
	n.run()
	_, err = n.db.AddCorrection(ctx, st.ID, news.Text("An earlier version misspelt a name."), n.clk.Now())
	must(t, err)
	n.run()
	n.run()
	// A draft saved, then the story taken down.
	_, err = n.db.SaveRevision(ctx, st.ID, rev.ID, content("Third", draftText, n.author.ID), n.staff.ID, n.clk.Now())
	must(t, err)
	must(t, n.db.Unpublish(ctx, st.ID, n.clk.Now()))
	n.run()
	n.run()

	got := rcv.requests()
	var events []string
	var payloads []webhook.Payload
	for _, r := range got {
		p := check(t, r, secret, n.clk.Now())
		events = append(events, string(p.Event))
		payloads = append(payloads, p)
	}
	if strings.Join(events, ",") != "publish,update,update,unpublish" {
		t.Fatalf("events %v", events)
	}
	if payloads[1].Story.Headline != "Second" || payloads[1].Story.UpdatedAt == nil {
		t.Errorf("update payload %+v", payloads[1].Story)
	}
	if c := payloads[2].Story.Corrections; len(c) != 1 || c[0].Text != "An earlier version misspelt a name." {
		t.Errorf("correction payload %+v", payloads[2].Story)
	}
	if un, _ := json.Marshal(payloads[3].Story); string(un) != `{"id":"`+st.ID+`"}` {
		t.Errorf("unpublish payload carries more than the id: %s", un)
	}
	if len(pubOnly.requests()) != 1 {
		t.Errorf("the publish-only endpoint got %d requests, want 1", len(pubOnly.requests()))
	}
	ids := map[string]bool{}
	for _, p := range payloads {
		if ids[p.ID] {
			t.Errorf("event id %s used twice", p.ID)
		}
		ids[p.ID] = true
	}
}

// A receiver that fails twice then answers 200 gets the delivery three
// times, and it is recorded delivered once, after 3 attempts.
func TestRetriesUntilDelivered(t *testing.T) {
	ctx := context.Background()
	n := newNewsroom(t, loopback)
	rcv := newReceiver(t, 500, 500, 200)
	_, secret := n.endpoint(rcv.URL)
	st := n.story("Retried")
	must(t, n.db.Publish(ctx, st.ID, st.HeadRev, n.clk.Now()))
	n.run() // fan-out
	n.run() // attempt 1: 500
	if d := n.deliveries(st.ID); d[0].State != news.WebhookPending || d[0].Attempts != 1 || d[0].LastStatus != 500 ||
		!strings.Contains(d[0].LastError, "500") {
		t.Fatalf("after a 500: %+v", d[0])
	}
	n.run() // not due yet: the backoff holds it
	if len(rcv.requests()) != 1 {
		t.Fatalf("retried before the backoff: %d requests", len(rcv.requests()))
	}
	for range 4 {
		n.clk.Add(time.Minute)
		n.run()
	}
	got := rcv.requests()
	if len(got) != 3 {
		t.Fatalf("receiver got %d requests, want 3", len(got))
	}
	ids := map[string]bool{}
	for _, r := range got {
		check(t, r, secret, n.clk.Now())
		ids[r.header.Get(webhook.HeaderDelivery)] = true
	}
	if len(ids) != 1 {
		t.Errorf("delivery ids %v: every attempt carries the same", ids)
	}
	d := n.deliveries(st.ID)
	if len(d) != 1 || d[0].State != news.WebhookDelivered || d[0].Attempts != 3 || d[0].LastStatus != 200 || d[0].LastError != "" {
		t.Errorf("delivery %+v", d)
	}
}

// A receiver that never answers 2xx is given up on after
// news.WebhookDeliverAttempts attempts, and the failure is recorded.
func TestGivesUp(t *testing.T) {
	ctx := context.Background()
	n := newNewsroom(t, loopback)
	statuses := make([]int, 100)
	for i := range statuses {
		statuses[i] = http.StatusServiceUnavailable
	}
	rcv := newReceiver(t, statuses...)
	n.endpoint(rcv.URL)
	st := n.story("Never")
	must(t, n.db.Publish(ctx, st.ID, st.HeadRev, n.clk.Now()))
	for range 3 * news.WebhookDeliverAttempts {
		n.run()
		n.clk.Add(time.Minute)
	}
	if len(rcv.requests()) != news.WebhookDeliverAttempts {
		t.Errorf("receiver got %d requests, want %d", len(rcv.requests()), news.WebhookDeliverAttempts)
	}
	d := n.deliveries(st.ID)
	if len(d) != 1 || d[0].State != news.WebhookFailed || d[0].Attempts != news.WebhookDeliverAttempts || d[0].LastStatus != 503 || d[0].Finished.IsZero() {
		t.Errorf("delivery %+v", d)
	}
	if js, _ := n.db.Jobs(ctx, news.JobFilter{Kind: news.JobWebhookDeliver, State: news.JobFailed}); len(js) != 1 {
		t.Errorf("failed delivery jobs: %d, want 1", len(js))
	}
}

// By default a loopback endpoint is refused: the delivery fails at once
// with the reason, is not retried, and the receiver never hears of it.
func TestLoopbackRefusedByDefault(t *testing.T) {
	ctx := context.Background()
	n := newNewsroom(t, nil)
	rcv := newReceiver(t)
	n.endpoint(rcv.URL + "/hook/SECRET-PATH-TOKEN")
	st := n.story("Refused")
	must(t, n.db.Publish(ctx, st.ID, st.HeadRev, n.clk.Now()))
	for range 5 {
		n.run()
		n.clk.Add(time.Hour)
	}
	if len(rcv.requests()) != 0 {
		t.Fatalf("the loopback receiver got %d requests", len(rcv.requests()))
	}
	d := n.deliveries(st.ID)
	if len(d) != 1 || d[0].State != news.WebhookFailed || d[0].Attempts != 0 {
		t.Fatalf("delivery %+v", d)
	}
	if e := d[0].LastError; !strings.Contains(e, "loopback") || !strings.Contains(e, "--outbound-allow") || strings.Contains(e, "SECRET-PATH-TOKEN") {
		t.Errorf("error %q: want the reason and the remedy, not the URL's path", e)
	}
}

// An endpoint removed or switched off before its delivery is sent gets
// nothing; the delivery records why.
func TestRemovedEndpoint(t *testing.T) {
	ctx := context.Background()
	n := newNewsroom(t, loopback)
	gone, off := newReceiver(t), newReceiver(t)
	e1, _ := n.endpoint(gone.URL)
	e2, _ := n.endpoint(off.URL)
	st := n.story("Story")
	must(t, n.db.Publish(ctx, st.ID, st.HeadRev, n.clk.Now()))
	// Only the fan-out runs; the deliveries wait.
	fan := &jobs.Runner{Queue: n.db, Handlers: map[string]jobs.Handler{news.JobWebhookEvent: n.runner.Handlers[news.JobWebhookEvent]},
		Now: n.clk.Now, Log: discard}
	if k, err := fan.RunDue(ctx); err != nil || k != 1 {
		t.Fatalf("fan-out ran %d jobs: %v", k, err)
	}
	if len(n.deliveries(st.ID)) != 2 {
		t.Fatal("no deliveries")
	}
	must(t, n.db.DeleteWebhookEndpoint(ctx, e1.ID))
	e2.Active = false
	must(t, n.db.UpdateWebhookEndpoint(ctx, e2))
	n.run()
	if len(gone.requests())+len(off.requests()) != 0 {
		t.Fatal("a removed or inactive endpoint was sent a delivery")
	}
	for _, d := range n.deliveries(st.ID) {
		if d.State != news.WebhookFailed || !strings.Contains(d.LastError, map[bool]string{true: "removed", false: "switched off"}[d.EndpointID == e1.ID]) {
			t.Errorf("delivery %+v", d)
		}
	}
}

// A scheduled story going live is a publish, sent once the job runs.
func TestScheduledGoesLive(t *testing.T) {
	ctx := context.Background()
	n := newNewsroom(t, loopback)
	rcv := newReceiver(t)
	_, secret := n.endpoint(rcv.URL)
	st := n.story("Embargoed")
	embargo := n.clk.Now().Add(time.Hour)
	must(t, n.db.Schedule(ctx, st.ID, st.HeadRev, embargo))
	n.run()
	n.run()
	if len(rcv.requests()) != 0 {
		t.Fatal("delivered before the embargo")
	}
	n.clk.Add(time.Hour)
	for range 3 {
		n.run()
	}
	got := rcv.requests()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(got))
	}
	if p := check(t, got[0], secret, n.clk.Now()); p.Event != news.WebhookPublish || p.Story.Headline != "Embargoed" {
		t.Errorf("payload %+v", p)
	}
}

func TestVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"e1"}`)
	h := http.Header{}
	h.Set(webhook.HeaderTimestamp, "1800000000")
	h.Set(webhook.HeaderSignature, webhook.Sign("s3cret", now.Unix(), body))
	if !strings.HasPrefix(h.Get(webhook.HeaderSignature), "sha256=") || len(h.Get(webhook.HeaderSignature)) != 7+64 {
		t.Errorf("signature %q", h.Get(webhook.HeaderSignature))
	}
	// A known answer, so receivers in other languages can test against it:
	// HMAC-SHA256(key "s3cret", `1800000000.{"id":"e1"}`).
	// (computed independently with Python's hmac module).
	if got := webhook.Sign("s3cret", 1800000000, body); got != "sha256=f9996b7dbc33656303d60e61a78865d9f5be41e692997ad3d178724a14320e00" {
		t.Errorf("signature of the example: %s", got)
	}
	if err := webhook.Verify("s3cret", h, body, now.Add(time.Minute), webhook.DefaultTolerance); err != nil {
		t.Errorf("good delivery: %v", err)
	}
	for name, c := range map[string]struct {
		secret string
		body   string
		now    time.Time
		mod    func(http.Header)
		want   error
	}{
		"wrong secret":    {"other", string(body), now, nil, webhook.ErrBadSignature},
		"tampered body":   {"s3cret", `{"id":"e2"}`, now, nil, webhook.ErrBadSignature},
		"old":             {"s3cret", string(body), now.Add(10 * time.Minute), nil, webhook.ErrStale},
		"future":          {"s3cret", string(body), now.Add(-10 * time.Minute), nil, webhook.ErrStale},
		"no signature":    {"s3cret", string(body), now, func(h http.Header) { h.Del(webhook.HeaderSignature) }, webhook.ErrNoSignature},
		"bad timestamp":   {"s3cret", string(body), now, func(h http.Header) { h.Set(webhook.HeaderTimestamp, "soon") }, webhook.ErrNoSignature},
		"moved timestamp": {"s3cret", string(body), now, func(h http.Header) { h.Set(webhook.HeaderTimestamp, "1800000001") }, webhook.ErrBadSignature},
		"other scheme":    {"s3cret", string(body), now, func(h http.Header) { h.Set(webhook.HeaderSignature, "sha1=00") }, webhook.ErrBadSignature},
	} {
		hh := h.Clone()
		if c.mod != nil {
			c.mod(hh)
		}
		if err := webhook.Verify(c.secret, hh, []byte(c.body), c.now, webhook.DefaultTolerance); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
}
