// Package jobs runs the durable job queue (news.JobQueue): it claims due
// jobs one at a time, runs each kind's handler under the claim's lease, and
// reports back done, or failed with a retry after an exponential backoff.
// Any number of runners, in one process or many, may share one queue.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"qalam/internal/news"
)

// Handler does one job's work. An error (or a panic) fails the attempt and
// the job is retried later; ctx ends when the claim's lease does. Errors
// are logged and stored, so they must not carry secrets from the payload.
type Handler func(ctx context.Context, j news.Job) error

// Defaults for the Runner's zero fields.
const (
	DefaultLease = time.Minute
	DefaultPoll  = 2 * time.Second
)

// Runner claims and runs jobs. Only Queue and Handlers are required.
type Runner struct {
	Queue    news.JobQueue
	Handlers map[string]Handler              // by Job.Kind; the runner claims only these kinds
	Worker   string                          // names this runner in leases; default WorkerID()
	Lease    time.Duration                   // how long a claim is exclusive; default DefaultLease
	Poll     time.Duration                   // pause when nothing is due; default DefaultPoll
	Backoff  func(attempt int) time.Duration // delay after failed attempt n (1, 2, ...); default Backoff
	Now      func() time.Time                // default time.Now
	Log      *slog.Logger                    // default slog.Default()

	workerOnce sync.Once
	worker     string
}

// WorkerID names a worker uniquely: host, process and a random part, so two
// runners in one process never mistake each other's leases for their own.
func WorkerID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Backoff is the default retry delay: 10 s after the first failed attempt,
// doubling each time, at most an hour.
func Backoff(attempt int) time.Duration {
	const first, limit = 10 * time.Second, time.Hour
	d := first
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

func (r *Runner) workerID() string {
	r.workerOnce.Do(func() {
		r.worker = r.Worker
		if r.worker == "" {
			r.worker = WorkerID()
		}
	})
	return r.worker
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) lease() time.Duration {
	if r.Lease > 0 {
		return r.Lease
	}
	return DefaultLease
}

func (r *Runner) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.Default()
}

// retryDelay is never zero or negative, so RunDue, which runs only what is
// due, cannot loop on a job that keeps failing.
func (r *Runner) retryDelay(attempt int) time.Duration {
	b := r.Backoff
	if b == nil {
		b = Backoff
	}
	return max(b(attempt), time.Millisecond)
}

func (r *Runner) kinds() ([]string, error) {
	if r.Queue == nil || len(r.Handlers) == 0 {
		return nil, errors.New("jobs: a runner needs a queue and at least one handler")
	}
	var kinds []string
	for k := range r.Handlers {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds, nil
}

// Run claims and runs due jobs until ctx ends, then returns nil; a queue
// that fails (a busy or broken database) is logged and tried again after
// Poll. It returns an error only for a runner without queue or handlers.
func (r *Runner) Run(ctx context.Context) error {
	if _, err := r.kinds(); err != nil {
		return err
	}
	poll := r.Poll
	if poll <= 0 {
		poll = DefaultPoll
	}
	r.log().Info("job runner started", "worker", r.workerID())
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if _, err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
			r.log().Warn("job queue failed", "err", err)
		}
		t.Reset(poll)
	}
}

// RunDue runs every job that is due now, one after another, and returns how
// many it ran. It stops at the first error from the queue, or when ctx ends.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	kinds, err := r.kinds()
	if err != nil {
		return 0, err
	}
	n := 0
	for ctx.Err() == nil {
		j, err := r.Queue.Claim(ctx, kinds, r.workerID(), r.lease(), r.now())
		if errors.Is(err, news.ErrNotFound) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		r.runOne(ctx, j)
		n++
	}
	return n, ctx.Err()
}

// maxErrorBytes bounds what a failed attempt stores and logs.
const maxErrorBytes = 2000

// runOne runs a claimed job and reports the outcome to the queue. The log
// names the job by ID and kind only: payloads and keys may hold what logs
// must not.
func (r *Runner) runOne(ctx context.Context, j news.Job) {
	log := r.log().With("job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	start := r.now()
	hctx, cancel := context.WithTimeout(ctx, r.lease())
	err := r.call(hctx, log, j)
	cancel()

	// The report must reach the queue even when shutdown cancelled ctx: a
	// job left running waits for its lease to expire before anyone retries.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	worker, now := r.workerID(), r.now()
	if err == nil {
		err := r.Queue.Complete(rctx, j.ID, worker, now)
		switch {
		case err == nil:
			log.Info("job done", "took", now.Sub(start))
		case errors.Is(err, news.ErrNotFound):
			log.Info("job was cancelled while it ran")
		default:
			log.Warn("job done but not recorded (lease lost?)", "err", err)
		}
		return
	}

	msg := truncate(err.Error(), maxErrorBytes)
	retryAt := now.Add(r.retryDelay(j.Attempts))
	if ctx.Err() != nil {
		retryAt = now // interrupted by shutdown: another process may take it at once
	}
	if ferr := r.Queue.Fail(rctx, j.ID, worker, msg, retryAt, now); ferr != nil {
		if errors.Is(ferr, news.ErrNotFound) {
			log.Info("job failed and was cancelled while it ran", "err", msg)
		} else {
			log.Warn("job failed and the failure was not recorded (lease lost?)", "err", msg, "record_err", ferr)
		}
		return
	}
	if j.Attempts >= j.MaxAttempts {
		log.Error("job failed for good", "err", msg, "attempts", j.Attempts)
	} else {
		log.Warn("job failed; will retry", "err", msg, "retry_at", retryAt)
	}
}

// call runs j's handler, turning a panic into an error: one bad job must not
// take the server down with it.
func (r *Runner) call(ctx context.Context, log *slog.Logger, j news.Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			log.Error("job handler panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	h := r.Handlers[j.Kind]
	if h == nil {
		return fmt.Errorf("no handler for kind %q", j.Kind)
	}
	return h(ctx, j)
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return strings.TrimSpace(s) + "…"
}

// Publish is the handler of news.JobPublish: it records that a scheduled
// story went live (see news.JobQueue.GoLive). A schedule changed since the
// job was made leaves nothing to do, which is success, not failure.
func Publish(q news.JobQueue, now func() time.Time) Handler {
	return func(ctx context.Context, j news.Job) error {
		var p news.PublishPayload
		if err := json.Unmarshal(j.Payload, &p); err != nil || p.Story == "" || p.Rev == "" {
			return errors.New("publish job: payload is not a story and revision")
		}
		_, err := q.GoLive(ctx, p.Story, p.Rev, now())
		return err
	}
}

// Finished jobs are kept a while for the newsroom's listings, then pruned:
// done ones after a week, failed ones (which someone may need to look
// into) after a month.
const (
	KeepDone     = 7 * 24 * time.Hour
	KeepFailed   = 30 * 24 * time.Hour
	PruneEvery   = 6 * time.Hour
	pruneKeyBase = news.JobPrune + ":"
)

// nextPrune is the prune job due at the first PruneEvery boundary after t.
// Every process computes the same key for the same boundary, so however
// many start, one job per boundary is queued.
func nextPrune(t time.Time) news.Job {
	at := t.UTC().Truncate(PruneEvery).Add(PruneEvery)
	return news.Job{Kind: news.JobPrune, Key: pruneKeyBase + at.Format(time.RFC3339), RunAt: at, MaxAttempts: 3}
}

// EnsurePrune queues the next prune job unless it is queued already.
func EnsurePrune(ctx context.Context, q news.JobQueue, now time.Time) error {
	_, err := q.Enqueue(ctx, nextPrune(now))
	if errors.Is(err, news.ErrConflict) {
		return nil
	}
	return err
}

// Prune is the JobPrune handler: it deletes finished jobs past their
// keeping time and queues the next run.
func Prune(q news.JobQueue, now func() time.Time) Handler {
	return func(ctx context.Context, j news.Job) error {
		t := now()
		if _, err := q.PruneJobs(ctx, t.Add(-KeepDone), t.Add(-KeepFailed)); err != nil {
			return err
		}
		return EnsurePrune(ctx, q, t)
	}
}
