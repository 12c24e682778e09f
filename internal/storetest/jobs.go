package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"qalam/internal/news"
)

// The job queue's part of the suite. Every store must also be a
// news.JobQueue: Schedule enqueues into it in its own transaction.
var jobTests = []struct {
	name string
	fn   func(t *testing.T, s news.Store)
}{
	{"JobRoundTrip", testJobRoundTrip},
	{"JobNothingDue", testJobNothingDue},
	{"JobClaimOrder", testJobClaimOrder},
	{"JobClaimExclusive", func(t *testing.T, s news.Store) { ClaimExclusive(t, queue(t, s)) }},
	{"JobExpiredLease", testJobExpiredLease},
	{"JobFail", testJobFail},
	{"JobKeys", testJobKeys},
	{"JobList", testJobList},
	{"ScheduleEnqueues", testScheduleEnqueues},
	{"GoLive", testGoLive},
	{"PruneJobs", testPruneJobs},
}

func testPruneJobs(t *testing.T, s news.Store) {
	q := queue(t, s)
	ctx := context.Background()
	for _, id := range []string{"done-old", "done-new", "failed-old", "queued", "running"} {
		if _, err := q.Enqueue(ctx, news.Job{ID: id, Kind: "k", RunAt: t0, MaxAttempts: 1}); err != nil {
			t.Fatal(err)
		}
	}
	finish := func(id string, at time.Time, fail bool) {
		t.Helper()
		// Equal RunAt: claims come in ID order.
		j, err := q.Claim(ctx, []string{"k"}, "w", time.Minute, at)
		if err != nil {
			t.Fatal(err)
		}
		if j.ID != id {
			t.Fatalf("claimed %s, want %s", j.ID, id)
		}
		if fail {
			err = q.Fail(ctx, id, "w", "no", time.Time{}, at)
		} else {
			err = q.Complete(ctx, id, "w", at)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	finish("done-new", t0.Add(10*time.Hour), false)
	finish("done-old", t0.Add(time.Hour), false)
	finish("failed-old", t0.Add(time.Hour), true)
	// The job named "queued" runs now; the one named "running" stays queued.
	if _, err := q.Claim(ctx, []string{"k"}, "w", time.Hour, t0.Add(10*time.Hour)); err != nil {
		t.Fatal(err)
	}
	n, err := q.PruneJobs(ctx, t0.Add(5*time.Hour), t0.Add(2*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("PruneJobs = %d, %v; want 2 (done-old, failed-old)", n, err)
	}
	js, err := q.Jobs(ctx, news.JobFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, j := range js {
		left = append(left, j.ID)
	}
	sort.Strings(left)
	if strings.Join(left, " ") != "done-new queued running" {
		t.Errorf("left %v", left)
	}
}

// queue returns s as a job queue, failing (never skipping) if it is not one.
func queue(t *testing.T, s news.Store) news.JobQueue {
	t.Helper()
	q, ok := s.(news.JobQueue)
	if !ok {
		t.Fatalf("%T does not implement news.JobQueue", s)
	}
	return q
}

func listJobs(t *testing.T, q news.JobQueue, f news.JobFilter) []news.Job {
	t.Helper()
	js, err := q.Jobs(ctx, f)
	must(t, err)
	return js
}

func enqueue(t *testing.T, q news.JobQueue, j news.Job) news.Job {
	t.Helper()
	j, err := q.Enqueue(ctx, j)
	must(t, err)
	return j
}

func testJobRoundTrip(t *testing.T, s news.Store) {
	q := queue(t, s)
	j := enqueue(t, q, news.Job{Kind: "mail", Key: "mail:1", Payload: []byte(`{"to":"desk"}`), RunAt: odd,
		MaxAttempts: 3, Created: odd.Add(-time.Hour),
		// What the queue decides is ignored on the way in.
		State: news.JobDone, Attempts: 7, Worker: "w9", LeaseUntil: odd, LastError: "x", Finished: odd})
	if !news.ValidID(j.ID) {
		t.Errorf("Enqueue gave ID %q", j.ID)
	}
	want := news.Job{ID: j.ID, Kind: "mail", Key: "mail:1", Payload: []byte(`{"to":"desk"}`), RunAt: news.Time(odd),
		MaxAttempts: 3, State: news.JobQueued, Created: news.Time(odd.Add(-time.Hour))}
	same(t, "Enqueue", j, want)
	same(t, "listed after Enqueue", listJobs(t, q, news.JobFilter{}), []news.Job{want})

	now := odd.Add(time.Minute)
	c, err := q.Claim(ctx, []string{"other", "mail"}, "w1", 5*time.Minute, now)
	must(t, err)
	want.State, want.Worker, want.LeaseUntil, want.Attempts = news.JobRunning, "w1", news.Time(now.Add(5*time.Minute)), 1
	same(t, "Claim", c, want)
	same(t, "listed after Claim", listJobs(t, q, news.JobFilter{}), []news.Job{want})

	must(t, q.Complete(ctx, j.ID, "w1", now.Add(time.Second)))
	want.State, want.LeaseUntil, want.Finished = news.JobDone, time.Time{}, news.Time(now.Add(time.Second))
	same(t, "listed after Complete", listJobs(t, q, news.JobFilter{}), []news.Job{want})
	wantErr(t, "Complete twice", q.Complete(ctx, j.ID, "w1", now), news.ErrConflict)
	wantErr(t, "Fail after Complete", q.Fail(ctx, j.ID, "w1", "late", now, now), news.ErrConflict)
	wantErr(t, "Complete an unknown job", q.Complete(ctx, news.NewID(), "w1", now), news.ErrNotFound)
	_, err = q.Claim(ctx, []string{"mail"}, "w2", time.Minute, now.Add(time.Hour))
	wantErr(t, "Claim a done job", err, news.ErrNotFound)

	// Defaults, and an ID chosen by the caller.
	d := enqueue(t, q, news.Job{ID: "chosen", Kind: "mail", RunAt: at(1)})
	if d.ID != "chosen" || d.MaxAttempts != news.DefaultMaxAttempts || d.Payload != nil || d.Created.IsZero() || d.Key != "" {
		t.Errorf("Enqueue with defaults = %+v", d)
	}
	_, err = q.Enqueue(ctx, news.Job{ID: "chosen", Kind: "mail", RunAt: at(1)})
	wantErr(t, "Enqueue a taken ID", err, news.ErrConflict)
	_, err = q.Enqueue(ctx, news.Job{RunAt: at(1)})
	wantErr(t, "Enqueue without kind", err, news.ErrInvalid)
	_, err = q.Enqueue(ctx, news.Job{Kind: "mail"})
	wantErr(t, "Enqueue without time", err, news.ErrInvalid)
}

func testJobNothingDue(t *testing.T, s news.Store) {
	q := queue(t, s)
	_, err := q.Claim(ctx, []string{"mail"}, "w1", time.Minute, at(0))
	wantErr(t, "Claim from an empty queue", err, news.ErrNotFound)
	enqueue(t, q, news.Job{Kind: "mail", RunAt: at(10)})
	_, err = q.Claim(ctx, []string{"mail"}, "w1", time.Minute, at(9))
	wantErr(t, "Claim before the job is due", err, news.ErrNotFound)
	_, err = q.Claim(ctx, []string{"ping"}, "w1", time.Minute, at(10))
	wantErr(t, "Claim another kind", err, news.ErrNotFound)
	j, err := q.Claim(ctx, []string{"mail"}, "w1", time.Minute, at(10))
	must(t, err)
	_, err = q.Claim(ctx, []string{"mail"}, "w2", time.Minute, at(10))
	wantErr(t, "Claim a leased job", err, news.ErrNotFound)
	must(t, q.Complete(ctx, j.ID, "w1", at(10)))

	_, err = q.Claim(ctx, nil, "w1", time.Minute, at(10))
	wantErr(t, "Claim without kinds", err, news.ErrInvalid)
	_, err = q.Claim(ctx, []string{"mail"}, "", time.Minute, at(10))
	wantErr(t, "Claim without worker", err, news.ErrInvalid)
	_, err = q.Claim(ctx, []string{"mail"}, "w1", 0, at(10))
	wantErr(t, "Claim without lease", err, news.ErrInvalid)
}

func testJobClaimOrder(t *testing.T, s news.Store) {
	q := queue(t, s)
	for _, j := range []news.Job{
		{ID: "late", Kind: "a", RunAt: at(3)},
		{ID: "tie-b", Kind: "b", RunAt: at(1)},
		{ID: "mid", Kind: "a", RunAt: at(2)},
		{ID: "tie-a", Kind: "a", RunAt: at(1)},
		{ID: "future", Kind: "a", RunAt: at(60)},
	} {
		enqueue(t, q, j)
	}
	var got []string
	for {
		j, err := q.Claim(ctx, []string{"a", "b"}, "w1", time.Minute, at(5))
		if errors.Is(err, news.ErrNotFound) {
			break
		}
		must(t, err)
		got = append(got, j.ID)
	}
	same(t, "claim order", got, []string{"tie-a", "tie-b", "mid", "late"})
}

// ClaimExclusive enqueues jobs and lets many goroutines claim them at once
// through each of queues (for a database, several connections or pools on
// the same data: the test of a backend opens them), and fails if a job is
// handed out twice or not at all. Run it with -race.
func ClaimExclusive(t *testing.T, queues ...news.JobQueue) {
	t.Helper()
	const jobs, perQueue = 60, 6
	want := map[string]bool{}
	for range jobs {
		want[enqueue(t, queues[0], news.Job{Kind: "exclusive", RunAt: at(0)}).ID] = true
	}
	var (
		mu      sync.Mutex
		claimed = map[string]string{} // job → worker
		wg      sync.WaitGroup
	)
	for qi, q := range queues {
		for g := range perQueue {
			worker := fmt.Sprintf("q%d-w%d", qi, g)
			wg.Go(func() {
				for {
					j, err := q.Claim(ctx, []string{"exclusive"}, worker, time.Hour, at(1))
					if errors.Is(err, news.ErrNotFound) {
						return
					}
					if err != nil {
						t.Errorf("%s: Claim: %v", worker, err)
						return
					}
					mu.Lock()
					if other, dup := claimed[j.ID]; dup {
						t.Errorf("job %s handed to %s and %s", j.ID, other, worker)
					}
					claimed[j.ID] = worker
					mu.Unlock()
					if err := q.Complete(ctx, j.ID, worker, at(1)); err != nil {
						t.Errorf("%s: Complete: %v", worker, err)
					}
				}
			})
		}
	}
	wg.Wait()
	if len(claimed) != len(want) {
		t.Errorf("%d of %d jobs claimed", len(claimed), len(want))
	}
	for id := range claimed {
		if !want[id] {
			t.Errorf("claimed unknown job %s", id)
		}
	}
	done := listJobs(t, queues[len(queues)-1], news.JobFilter{State: news.JobDone, Kind: "exclusive", Limit: 1000})
	if len(done) != jobs {
		t.Errorf("%d jobs done, want %d", len(done), jobs)
	}
}

func testJobExpiredLease(t *testing.T, s news.Store) {
	q := queue(t, s)
	j := enqueue(t, q, news.Job{Kind: "mail", RunAt: at(0), MaxAttempts: 3})
	_, err := q.Claim(ctx, []string{"mail"}, "crashed", time.Minute, at(0))
	must(t, err)
	_, err = q.Claim(ctx, []string{"mail"}, "w2", time.Minute, at(0).Add(59*time.Second))
	wantErr(t, "Claim while the lease holds", err, news.ErrNotFound)

	// The first worker died (or stalled): its lease runs out, another takes over.
	c, err := q.Claim(ctx, []string{"mail"}, "w2", time.Minute, at(1))
	must(t, err)
	if c.ID != j.ID || c.Worker != "w2" || c.Attempts != 2 || c.State != news.JobRunning {
		t.Errorf("re-claimed job: ID %s worker %q attempts %d state %s", c.ID, c.Worker, c.Attempts, c.State)
	}
	same(t, "new lease", c.LeaseUntil, at(2))
	wantErr(t, "Complete by the worker that lost its lease", q.Complete(ctx, j.ID, "crashed", at(1)), news.ErrConflict)
	wantErr(t, "Fail by the worker that lost its lease", q.Fail(ctx, j.ID, "crashed", "late", at(5), at(1)), news.ErrConflict)
	must(t, q.Complete(ctx, j.ID, "w2", at(1)))

	// A crash on the last attempt fails the job instead of running it again.
	last := enqueue(t, q, news.Job{Kind: "ping", RunAt: at(0), MaxAttempts: 1})
	_, err = q.Claim(ctx, []string{"ping"}, "crashed", time.Minute, at(0))
	must(t, err)
	_, err = q.Claim(ctx, []string{"ping"}, "w2", time.Minute, at(5))
	wantErr(t, "Claim a job whose last attempt expired", err, news.ErrNotFound)
	got := listJobs(t, q, news.JobFilter{Kind: "ping"})
	if len(got) != 1 || got[0].ID != last.ID || got[0].State != news.JobFailed || got[0].LastError == "" || got[0].Finished.IsZero() {
		t.Errorf("job whose last attempt expired: %+v, want failed with a reason", got)
	}
}

func testJobFail(t *testing.T, s news.Store) {
	q := queue(t, s)
	j := enqueue(t, q, news.Job{Kind: "mail", RunAt: at(0), MaxAttempts: 2})
	_, err := q.Claim(ctx, []string{"mail"}, "w1", time.Minute, at(0))
	must(t, err)
	must(t, q.Fail(ctx, j.ID, "w1", "smtp: connection refused", at(5), at(0)))
	got := listJobs(t, q, news.JobFilter{})
	want := news.Job{ID: j.ID, Kind: "mail", RunAt: at(5), Attempts: 1, MaxAttempts: 2, State: news.JobQueued,
		LastError: "smtp: connection refused", Created: j.Created}
	same(t, "after a failed attempt", got, []news.Job{want})
	wantErr(t, "Complete a queued job", q.Complete(ctx, j.ID, "w1", at(1)), news.ErrConflict)

	_, err = q.Claim(ctx, []string{"mail"}, "w1", time.Minute, at(4))
	wantErr(t, "Claim before the retry time", err, news.ErrNotFound)
	c, err := q.Claim(ctx, []string{"mail"}, "w2", time.Minute, at(5))
	must(t, err)
	if c.Attempts != 2 || c.LastError != "smtp: connection refused" {
		t.Errorf("second claim: attempts %d, last error %q", c.Attempts, c.LastError)
	}
	must(t, q.Fail(ctx, j.ID, "w2", "smtp: still refused", at(10), at(6)))
	want.State, want.Attempts, want.LastError, want.Worker, want.Finished = news.JobFailed, 2, "smtp: still refused", "w2", at(6)
	same(t, "after the last attempt", listJobs(t, q, news.JobFilter{}), []news.Job{want})
	_, err = q.Claim(ctx, []string{"mail"}, "w3", time.Minute, at(60))
	wantErr(t, "Claim a failed job", err, news.ErrNotFound)
	wantErr(t, "Fail an unknown job", q.Fail(ctx, news.NewID(), "w1", "x", at(1), at(1)), news.ErrNotFound)

	// A zero retry time means at once.
	k := enqueue(t, q, news.Job{Kind: "ping", RunAt: at(0)})
	_, err = q.Claim(ctx, []string{"ping"}, "w1", time.Minute, at(0))
	must(t, err)
	must(t, q.Fail(ctx, k.ID, "w1", "flaky", time.Time{}, at(3)))
	c, err = q.Claim(ctx, []string{"ping"}, "w1", time.Minute, at(3))
	must(t, err)
	if c.ID != k.ID || c.Attempts != 2 {
		t.Errorf("retry at once: got %s attempt %d", c.ID, c.Attempts)
	}
}

func testJobKeys(t *testing.T, s news.Store) {
	q := queue(t, s)
	first := enqueue(t, q, news.Job{Kind: "mail", Key: "digest:kk", RunAt: at(10)})
	_, err := q.Enqueue(ctx, news.Job{Kind: "mail", Key: "digest:kk", RunAt: at(20)})
	wantErr(t, "Enqueue a live key again", err, news.ErrConflict)
	enqueue(t, q, news.Job{Kind: "mail", Key: "digest:ru", RunAt: at(10)})
	enqueue(t, q, news.Job{Kind: "mail", RunAt: at(10)})
	enqueue(t, q, news.Job{Kind: "mail", RunAt: at(10)}) // no key: no limit

	// Cancelling frees the key; the job is gone.
	must(t, q.CancelKey(ctx, "digest:kk"))
	same(t, "jobs after CancelKey", listJobs(t, q, news.JobFilter{Key: "digest:kk"}), []news.Job(nil))
	must(t, q.CancelKey(ctx, "digest:kk")) // nothing left: not an error
	wantErr(t, "CancelKey without key", q.CancelKey(ctx, ""), news.ErrInvalid)
	if n := len(listJobs(t, q, news.JobFilter{})); n != 3 {
		t.Errorf("%d jobs left after cancelling one key, want 3", n)
	}
	second := enqueue(t, q, news.Job{Kind: "mail", Key: "digest:kk", RunAt: at(20)})
	if second.ID == first.ID {
		t.Error("the new job reused the cancelled one's ID")
	}

	// A running job is live too; cancelling it tells its worker.
	c, err := q.Claim(ctx, []string{"mail"}, "w1", time.Minute, at(30))
	must(t, err)
	for c.Key != "digest:kk" {
		must(t, q.Complete(ctx, c.ID, "w1", at(30)))
		c, err = q.Claim(ctx, []string{"mail"}, "w1", time.Minute, at(30))
		must(t, err)
	}
	_, err = q.Enqueue(ctx, news.Job{Kind: "mail", Key: "digest:kk", RunAt: at(40)})
	wantErr(t, "Enqueue the key of a running job", err, news.ErrConflict)
	must(t, q.CancelKey(ctx, "digest:kk"))
	wantErr(t, "Complete a cancelled job", q.Complete(ctx, c.ID, "w1", at(31)), news.ErrNotFound)

	// Done and failed jobs keep their key but do not block it.
	j := enqueue(t, q, news.Job{Kind: "once", Key: "k", RunAt: at(0), MaxAttempts: 1})
	_, err = q.Claim(ctx, []string{"once"}, "w1", time.Minute, at(0))
	must(t, err)
	must(t, q.Fail(ctx, j.ID, "w1", "gave up", at(1), at(0)))
	j = enqueue(t, q, news.Job{Kind: "once", Key: "k", RunAt: at(1)})
	_, err = q.Claim(ctx, []string{"once"}, "w1", time.Minute, at(1))
	must(t, err)
	must(t, q.Complete(ctx, j.ID, "w1", at(1)))
	enqueue(t, q, news.Job{Kind: "once", Key: "k", RunAt: at(0)})
	must(t, q.CancelKey(ctx, "k"))
	var states []news.JobState
	for _, j := range listJobs(t, q, news.JobFilter{Key: "k"}) {
		states = append(states, j.State)
	}
	same(t, "history of key k", states, []news.JobState{news.JobFailed, news.JobDone})
}

func testJobList(t *testing.T, s news.Store) {
	q := queue(t, s)
	a := enqueue(t, q, news.Job{ID: "a", Kind: "mail", RunAt: at(2)})
	b := enqueue(t, q, news.Job{ID: "b", Kind: "ping", RunAt: at(1)})
	c := enqueue(t, q, news.Job{ID: "c", Kind: "mail", RunAt: at(3)})
	_, err := q.Claim(ctx, []string{"mail"}, "w1", time.Minute, at(2))
	must(t, err)
	ids := func(js []news.Job) []string {
		var out []string
		for _, j := range js {
			out = append(out, j.ID)
		}
		return out
	}
	for _, tc := range []struct {
		f    news.JobFilter
		want []string
	}{
		{news.JobFilter{}, []string{b.ID, a.ID, c.ID}},
		{news.JobFilter{Kind: "mail"}, []string{a.ID, c.ID}},
		{news.JobFilter{State: news.JobQueued}, []string{b.ID, c.ID}},
		{news.JobFilter{State: news.JobRunning, Kind: "mail"}, []string{a.ID}},
		{news.JobFilter{State: news.JobDone}, nil},
		{news.JobFilter{Limit: 2}, []string{b.ID, a.ID}},
	} {
		same(t, fmt.Sprintf("Jobs(%+v)", tc.f), ids(listJobs(t, q, tc.f)), tc.want)
	}
	_, err = q.Jobs(ctx, news.JobFilter{State: "lost"})
	wantErr(t, "Jobs of an unknown state", err, news.ErrInvalid)
	_, err = q.Jobs(ctx, news.JobFilter{Limit: 1001})
	wantErr(t, "Jobs over the limit", err, news.ErrInvalid)
}

// publishJob returns the live publish job of story id, or ok false.
func publishJob(t *testing.T, q news.JobQueue, id string) (news.Job, bool) {
	t.Helper()
	var live []news.Job
	for _, j := range listJobs(t, q, news.JobFilter{Key: news.PublishKey(id)}) {
		if j.State.Live() {
			live = append(live, j)
		}
	}
	if len(live) > 1 {
		t.Fatalf("story %s has %d live publish jobs", id, len(live))
	}
	if len(live) == 0 {
		return news.Job{}, false
	}
	return live[0], true
}

func testScheduleEnqueues(t *testing.T, s news.Store) {
	f := setup(t, s)
	q := queue(t, s)
	st := f.create(t, f.sec, "Embargoed")
	must(t, s.Schedule(ctx, st.ID, st.HeadRev, odd))
	j, ok := publishJob(t, q, st.ID)
	if !ok {
		t.Fatal("Schedule enqueued no publish job")
	}
	if j.Kind != news.JobPublish || j.State != news.JobQueued {
		t.Errorf("publish job: kind %q state %q", j.Kind, j.State)
	}
	same(t, "publish job RunAt", j.RunAt, news.Time(odd))
	var p news.PublishPayload
	must(t, json.Unmarshal(j.Payload, &p))
	same(t, "publish job payload", p, news.PublishPayload{Story: st.ID, Rev: st.HeadRev})

	// Rescheduling moves the job: still exactly one, at the new time.
	r2, err := s.SaveRevision(ctx, st.ID, st.HeadRev, f.plain("kk", "Embargoed, revised"), f.staff.ID, at(1))
	must(t, err)
	must(t, s.Schedule(ctx, st.ID, r2.ID, at(90)))
	j, ok = publishJob(t, q, st.ID)
	if !ok {
		t.Fatal("rescheduling left no publish job")
	}
	same(t, "rescheduled RunAt", j.RunAt, at(90))
	must(t, json.Unmarshal(j.Payload, &p))
	same(t, "rescheduled payload", p, news.PublishPayload{Story: st.ID, Rev: r2.ID})

	// Unpublishing cancels the embargo's job.
	must(t, s.Unpublish(ctx, st.ID, at(2)))
	if _, ok := publishJob(t, q, st.ID); ok {
		t.Error("Unpublish left a publish job")
	}
	// So does publishing by hand, early.
	must(t, s.Schedule(ctx, st.ID, r2.ID, at(90)))
	if _, ok := publishJob(t, q, st.ID); !ok {
		t.Fatal("Schedule after Unpublish enqueued no publish job")
	}
	must(t, s.Publish(ctx, st.ID, r2.ID, at(3)))
	if _, ok := publishJob(t, q, st.ID); ok {
		t.Error("Publish left a publish job")
	}

	// A refused Schedule enqueues nothing.
	other := f.create(t, f.sec, "Other")
	wantErr(t, "Schedule a published story", s.Schedule(ctx, st.ID, r2.ID, at(100)), news.ErrInvalid)
	wantErr(t, "Schedule another story's revision", s.Schedule(ctx, other.ID, r2.ID, at(100)), news.ErrInvalid)
	if js := listJobs(t, q, news.JobFilter{State: news.JobQueued}); len(js) != 0 {
		t.Errorf("refused schedules left jobs: %+v", js)
	}
}

func testGoLive(t *testing.T, s news.Store) {
	f := setup(t, s)
	q := queue(t, s)
	st := f.create(t, f.sec, "Embargoed")
	must(t, s.Schedule(ctx, st.ID, st.HeadRev, at(60)))
	other := f.create(t, f.sec, "Other")
	v, err := s.ContentVersion(ctx)
	must(t, err)

	live, err := q.GoLive(ctx, st.ID, st.HeadRev, at(59))
	must(t, err)
	if live || f.story(t, st.ID).Pub != news.PubScheduled {
		t.Error("GoLive before the story's time made it published")
	}
	live, err = q.GoLive(ctx, st.ID, other.HeadRev, at(60))
	must(t, err)
	if live {
		t.Error("GoLive with a revision that is not the scheduled one went live")
	}

	live, err = q.GoLive(ctx, st.ID, st.HeadRev, at(61))
	must(t, err)
	if !live {
		t.Fatal("GoLive at its time did nothing")
	}
	got := f.story(t, st.ID)
	if got.Pub != news.PubPublished || got.LiveRev != st.HeadRev {
		t.Errorf("after GoLive: Pub %q LiveRev %q", got.Pub, got.LiveRev)
	}
	same(t, "PublishAt after GoLive (the embargo time)", got.PublishAt, at(60))
	same(t, "UpdatedAt after GoLive", got.UpdatedAt, time.Time{})
	if _, ok, err := s.NextScheduled(ctx, at(0)); err != nil || ok {
		t.Errorf("NextScheduled after GoLive: ok %v err %v", ok, err)
	}
	page, err := s.ListPublished(ctx, news.ListQuery{Service: "kk"}, at(61))
	must(t, err)
	same(t, "list after GoLive", ids(page.Items), []string{st.ID})
	if v2, err := s.ContentVersion(ctx); err != nil || v2 != v {
		t.Errorf("content version %d → %d (err %v): readers saw no change", v, v2, err)
	}

	live, err = q.GoLive(ctx, st.ID, st.HeadRev, at(62))
	must(t, err)
	if live {
		t.Error("GoLive twice went live twice")
	}
	// An update after going live is an update; the first publication stays.
	must(t, s.Publish(ctx, st.ID, st.HeadRev, at(70)))
	got = f.story(t, st.ID)
	same(t, "PublishAt after an update", got.PublishAt, at(60))
	same(t, "UpdatedAt after an update", got.UpdatedAt, at(70))
	// Taken down after going live: gone, not "never existed".
	must(t, s.Unpublish(ctx, st.ID, at(80)))
	if gone, err := s.StoryGone(ctx, st.ID, at(81)); err != nil || !gone {
		t.Errorf("StoryGone after GoLive and Unpublish = %v, %v", gone, err)
	}

	// A cancelled embargo never goes live, even if its job still runs.
	cancelled := f.create(t, f.sec, "Cancelled")
	must(t, s.Schedule(ctx, cancelled.ID, cancelled.HeadRev, at(60)))
	must(t, s.Unpublish(ctx, cancelled.ID, at(10)))
	live, err = q.GoLive(ctx, cancelled.ID, cancelled.HeadRev, at(61))
	must(t, err)
	if live || f.story(t, cancelled.ID).Pub != news.PubUnpublished {
		t.Error("GoLive published a cancelled embargo")
	}
	_, err = q.GoLive(ctx, news.NewID(), st.HeadRev, at(61))
	wantErr(t, "GoLive an unknown story", err, news.ErrNotFound)
}
