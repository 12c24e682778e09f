package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qalam/internal/jobs"
	"qalam/internal/news"
	"qalam/internal/sqlite"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// clock is the time every test drives by hand: no sleeps.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func openAt(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func openDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db := openAt(t, filepath.Join(t.TempDir(), "qalam.db"))
	t.Cleanup(func() { db.Close() })
	return db
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func runDue(t *testing.T, r *jobs.Runner, want int) {
	t.Helper()
	n, err := r.RunDue(context.Background())
	must(t, err)
	if n != want {
		t.Fatalf("RunDue ran %d jobs, want %d", n, want)
	}
}

func job(t *testing.T, q news.JobQueue, id string) news.Job {
	t.Helper()
	js, err := q.Jobs(context.Background(), news.JobFilter{Limit: 1000})
	must(t, err)
	for _, j := range js {
		if j.ID == id {
			return j
		}
	}
	t.Fatalf("job %s not found", id)
	return news.Job{}
}

func enqueue(t *testing.T, q news.JobQueue, j news.Job) news.Job {
	t.Helper()
	j, err := q.Enqueue(context.Background(), j)
	must(t, err)
	return j
}

func TestRetryWithBackoff(t *testing.T) {
	db := openDB(t)
	clk := &clock{t: t0}
	calls := 0
	r := &jobs.Runner{
		Queue: db,
		Handlers: map[string]jobs.Handler{"flaky": func(ctx context.Context, j news.Job) error {
			if _, ok := ctx.Deadline(); !ok {
				t.Error("handler's ctx has no deadline")
			}
			calls++
			if calls < 3 {
				return fmt.Errorf("boom %d", calls)
			}
			return nil
		}},
		Backoff: func(n int) time.Duration { return time.Duration(n) * time.Minute },
		Now:     clk.Now,
		Log:     discard,
	}
	j := enqueue(t, db, news.Job{Kind: "flaky", RunAt: t0})

	runDue(t, r, 1)
	got := job(t, db, j.ID)
	if got.State != news.JobQueued || got.Attempts != 1 || got.LastError != "boom 1" || !got.RunAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after the first failure: %+v", got)
	}
	runDue(t, r, 0) // not due until the backoff has passed
	clk.Add(time.Minute)
	runDue(t, r, 1)
	got = job(t, db, j.ID)
	if got.State != news.JobQueued || got.Attempts != 2 || !got.RunAt.Equal(t0.Add(3*time.Minute)) {
		t.Fatalf("after the second failure (backoff grows): %+v", got)
	}
	clk.Add(time.Minute)
	runDue(t, r, 0)
	clk.Add(time.Minute)
	runDue(t, r, 1)
	got = job(t, db, j.ID)
	if got.State != news.JobDone || got.Attempts != 3 || !got.Finished.Equal(t0.Add(3*time.Minute)) {
		t.Fatalf("after success: %+v", got)
	}
	if calls != 3 {
		t.Errorf("handler ran %d times, want 3", calls)
	}
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		attempt int
		want    time.Duration
	}{{1, 10 * time.Second}, {2, 20 * time.Second}, {3, 40 * time.Second}, {9, 2560 * time.Second}, {10, time.Hour}, {1000, time.Hour}} {
		if got := jobs.Backoff(tc.attempt); got != tc.want {
			t.Errorf("Backoff(%d) = %v, want %v", tc.attempt, got, tc.want)
		}
	}
}

func TestPanicIsFailure(t *testing.T) {
	db := openDB(t)
	clk := &clock{t: t0}
	r := &jobs.Runner{
		Queue:    db,
		Handlers: map[string]jobs.Handler{"bad": func(context.Context, news.Job) error { panic("kaboom") }},
		Now:      clk.Now,
		Log:      discard,
	}
	retried := enqueue(t, db, news.Job{Kind: "bad", RunAt: t0, MaxAttempts: 2})
	last := enqueue(t, db, news.Job{Kind: "bad", RunAt: t0, MaxAttempts: 1})
	runDue(t, r, 2)
	got := job(t, db, retried.ID)
	if got.State != news.JobQueued || got.Attempts != 1 || !strings.Contains(got.LastError, "panic: kaboom") ||
		!got.RunAt.Equal(t0.Add(jobs.Backoff(1))) {
		t.Errorf("panicked job with attempts left: %+v", got)
	}
	got = job(t, db, last.ID)
	if got.State != news.JobFailed || !strings.Contains(got.LastError, "panic: kaboom") {
		t.Errorf("panicked job on its last attempt: %+v", got)
	}
}

func TestRunDue(t *testing.T) {
	db := openDB(t)
	clk := &clock{t: t0}
	var ran []string
	h := func(_ context.Context, j news.Job) error { ran = append(ran, j.ID); return nil }
	r := &jobs.Runner{Queue: db, Handlers: map[string]jobs.Handler{"a": h, "b": h}, Now: clk.Now, Log: discard}
	for _, j := range []news.Job{
		{ID: "b2", Kind: "b", RunAt: t0.Add(-time.Minute)},
		{ID: "a1", Kind: "a", RunAt: t0.Add(-time.Hour)},
		{ID: "a3", Kind: "a", RunAt: t0},
		{ID: "later", Kind: "a", RunAt: t0.Add(time.Second)},
		{ID: "unknown", Kind: "c", RunAt: t0},
	} {
		enqueue(t, db, j)
	}
	runDue(t, r, 3)
	if strings.Join(ran, " ") != "a1 b2 a3" {
		t.Errorf("ran %v, want the due jobs in order a1 b2 a3", ran)
	}
	for id, want := range map[string]news.JobState{"a1": news.JobDone, "later": news.JobQueued, "unknown": news.JobQueued} {
		if got := job(t, db, id).State; got != want {
			t.Errorf("job %s is %s, want %s", id, got, want)
		}
	}
	runDue(t, r, 0)
	clk.Add(time.Second)
	runDue(t, r, 1)

	if _, err := (&jobs.Runner{Queue: db}).RunDue(context.Background()); err == nil {
		t.Error("RunDue without handlers did not complain")
	}
}

// A worker whose lease ran out while its handler worked must not record the
// job: another worker has taken it over.
func TestLostLease(t *testing.T) {
	db := openDB(t)
	clk := &clock{t: t0}
	ctx := context.Background()
	var other news.Job
	r := &jobs.Runner{
		Queue: db, Worker: "slow", Lease: time.Minute, Now: clk.Now, Log: discard,
		Handlers: map[string]jobs.Handler{"slow": func(context.Context, news.Job) error {
			clk.Add(2 * time.Minute)
			var err error
			other, err = db.Claim(ctx, []string{"slow"}, "fast", time.Minute, clk.Now())
			return err
		}},
	}
	j := enqueue(t, db, news.Job{Kind: "slow", RunAt: t0})
	runDue(t, r, 1)
	got := job(t, db, j.ID)
	if other.ID != j.ID || got.State != news.JobRunning || got.Worker != "fast" || got.Attempts != 2 {
		t.Errorf("after a lost lease: %+v, want it running under the new worker", got)
	}
	must(t, db.Complete(ctx, j.ID, "fast", clk.Now()))
}

// Logs name jobs by ID and kind; payloads and keys stay out of them.
func TestLogsKeepPayloadsOut(t *testing.T) {
	db := openDB(t)
	clk := &clock{t: t0}
	var buf bytes.Buffer
	r := &jobs.Runner{
		Queue: db, Now: clk.Now, Log: slog.New(slog.NewTextHandler(&buf, nil)),
		Handlers: map[string]jobs.Handler{
			"mail": func(context.Context, news.Job) error { return errors.New("smtp refused") },
			"ok":   func(context.Context, news.Job) error { return nil },
		},
	}
	enqueue(t, db, news.Job{Kind: "mail", Key: "mail:reader@example.org", Payload: []byte(`{"token":"s3cr3t"}`), RunAt: t0})
	enqueue(t, db, news.Job{Kind: "ok", Key: "ok:reader@example.org", Payload: []byte(`{"token":"s3cr3t"}`), RunAt: t0})
	runDue(t, r, 2)
	out := buf.String()
	if !strings.Contains(out, "smtp refused") || !strings.Contains(out, "job done") {
		t.Errorf("log lacks the outcomes:\n%s", out)
	}
	if strings.Contains(out, "s3cr3t") || strings.Contains(out, "reader@example.org") {
		t.Errorf("log shows a payload or key:\n%s", out)
	}
}

// Run works until its ctx ends, then returns nil; the job it was running
// when shutdown came is still recorded.
func TestRunStopsWithContext(t *testing.T) {
	db := openDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &jobs.Runner{
		Queue: db, Log: discard, Poll: time.Hour,
		Handlers: map[string]jobs.Handler{"last": func(context.Context, news.Job) error { cancel(); return nil }},
	}
	j := enqueue(t, db, news.Job{Kind: "last", RunAt: time.Now().Add(-time.Minute)})
	if err := r.Run(ctx); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if got := job(t, db, j.ID); got.State != news.JobDone {
		t.Errorf("job is %s after Run returned, want done", got.State)
	}
}

func TestWorkerIDsDiffer(t *testing.T) {
	a, b := jobs.WorkerID(), jobs.WorkerID()
	if a == b || !strings.Contains(a, ":") {
		t.Errorf("WorkerID gave %q and %q", a, b)
	}
}

// Pruning deletes done jobs after a week and failed ones after a month,
// never queued or running ones, and keeps exactly one next run queued
// however many processes ask.
func TestPrune(t *testing.T) {
	db := openDB(t)
	clk := &clock{t: t0}
	ok := func(context.Context, news.Job) error { return nil }
	bad := func(context.Context, news.Job) error { return errors.New("the SMTP server said no") }
	r := &jobs.Runner{Queue: db, Handlers: map[string]jobs.Handler{"ok": ok, "bad": bad, news.JobPrune: jobs.Prune(db, clk.Now)}, Now: clk.Now, Log: discard}
	enqueue(t, db, news.Job{ID: "old-done", Kind: "ok", RunAt: t0})
	enqueue(t, db, news.Job{ID: "old-failed", Kind: "bad", RunAt: t0, MaxAttempts: 1})
	runDue(t, r, 2)
	clk.Add(8 * 24 * time.Hour)
	enqueue(t, db, news.Job{ID: "new-done", Kind: "ok", RunAt: clk.Now()})
	enqueue(t, db, news.Job{ID: "waiting", Kind: "ok", RunAt: clk.Now().Add(365 * 24 * time.Hour)})
	runDue(t, r, 1)
	for i := 0; i < 3; i++ { // three processes start
		if err := jobs.EnsurePrune(context.Background(), db, clk.Now()); err != nil {
			t.Fatal(err)
		}
	}
	queued := func() []news.Job {
		js, err := db.Jobs(context.Background(), news.JobFilter{Kind: news.JobPrune, State: news.JobQueued})
		if err != nil {
			t.Fatal(err)
		}
		return js
	}
	if n := len(queued()); n != 1 {
		t.Fatalf("%d prune jobs queued, want 1", n)
	}
	clk.Set(queued()[0].RunAt)
	runDue(t, r, 1)
	exists := func(id string) bool {
		js, err := db.Jobs(context.Background(), news.JobFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range js {
			if j.ID == id {
				return true
			}
		}
		return false
	}
	for id, want := range map[string]bool{"old-done": false, "old-failed": true, "new-done": true, "waiting": true} {
		if exists(id) != want {
			t.Errorf("after the first prune, job %s exists=%v, want %v", id, !want, want)
		}
	}
	if q := queued(); len(q) != 1 || !q[0].RunAt.After(clk.Now()) {
		t.Fatalf("the prune job did not queue its next run: %+v", q)
	}
	clk.Set(queued()[0].RunAt.Add(30 * 24 * time.Hour))
	runDue(t, r, 1) // the overdue prune job
	if exists("old-failed") || exists("new-done") || !exists("waiting") {
		t.Error("a month later the failed and done jobs should be gone and the queued one kept")
	}
}
