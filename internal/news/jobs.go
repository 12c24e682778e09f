package news

import (
	"context"
	"encoding/json"
	"time"
)

// Job is work done later, outside a request, by whichever process claims it
// first: a scheduled publication now, feed pings and newsletters later. Jobs
// live in the database, so they survive restarts.
type Job struct {
	ID          string
	Kind        string // which handler runs it, e.g. JobPublish
	Key         string // optional; unique among live (queued or running) jobs
	Payload     []byte // the handler's input, opaque to the queue; nil when empty
	RunAt       time.Time
	Attempts    int // claims so far, the current one included
	MaxAttempts int
	State       JobState
	LeaseUntil  time.Time // while running: when another worker may take it over
	Worker      string    // who holds (or last held) the lease
	LastError   string    // of the latest failed attempt
	Created     time.Time
	Finished    time.Time // when it became done or failed
}

// JobState is where a job is in its life: queued → running → done, or back
// to queued for a retry, or failed once its attempts are used up.
type JobState string

const (
	JobQueued  JobState = "queued"
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobFailed  JobState = "failed"
)

// DefaultMaxAttempts is what Enqueue uses when Job.MaxAttempts is not set.
const DefaultMaxAttempts = 10

// Live reports whether the job may still run: queued or running.
func (s JobState) Live() bool { return s == JobQueued || s == JobRunning }

// Queued returns j as Enqueue stores it: checked (Kind and RunAt required),
// with an ID if it had none, queued with no attempts, MaxAttempts defaulted,
// Created defaulted to now, times normalized and the claim fields cleared.
// Every JobQueue runs its input through it, so backends agree.
func (j Job) Queued(now time.Time) (Job, error) {
	if j.Kind == "" {
		return Job{}, Invalidf("a job needs a kind")
	}
	if j.RunAt.IsZero() {
		return Job{}, Invalidf("a job needs the time it is due")
	}
	if j.ID == "" {
		j.ID = NewID()
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = DefaultMaxAttempts
	}
	if j.Created.IsZero() {
		j.Created = now
	}
	if len(j.Payload) == 0 {
		j.Payload = nil
	}
	j.RunAt, j.Created = Time(j.RunAt), Time(j.Created)
	j.State, j.Attempts = JobQueued, 0
	j.LeaseUntil, j.Worker, j.LastError, j.Finished = time.Time{}, "", "", time.Time{}
	return j, nil
}

// JobFilter selects jobs for a listing. Empty fields select everything.
type JobFilter struct {
	State JobState
	Kind  string
	Key   string
	Limit int // 1..1000; 0 means 100
}

// JobQueue is the durable job queue. Several processes may use one queue at
// once: a claim is a lease, exclusive until LeaseUntil, after which a job
// whose worker died is handed to another. Errors wrap ErrNotFound,
// ErrConflict or ErrInvalid as each method says (or are opaque for broken
// storage); times are returned in UTC truncated to microseconds.
type JobQueue interface {
	// Enqueue stores a new queued job (see Job.Queued) and returns it as
	// stored. ErrInvalid without Kind or RunAt; ErrConflict when the ID is
	// taken or another live job has the same Key. A key never replaces: to
	// move a job, CancelKey and Enqueue again (in one transaction inside a
	// store, as Schedule does).
	Enqueue(ctx context.Context, j Job) (Job, error)
	// Claim takes the next due job of one of kinds (RunAt <= now, ordered by
	// RunAt then ID), or a running one whose lease expired (its worker
	// crashed), and returns it running: Worker set, LeaseUntil now+lease,
	// Attempts one more. A job whose last attempt's lease expired is failed
	// instead. ErrNotFound when nothing is due; ErrInvalid without kinds,
	// worker or a positive lease.
	Claim(ctx context.Context, kinds []string, worker string, lease time.Duration, now time.Time) (Job, error)
	// Complete marks the job done. ErrNotFound if it no longer exists
	// (cancelled while it ran); ErrConflict if it is not running under
	// worker any more (another worker took over an expired lease), so late
	// work never overwrites the new owner's.
	Complete(ctx context.Context, id, worker string, now time.Time) error
	// Fail records msg and queues the job again at retryAt (now if zero), or
	// marks it failed when Attempts has reached MaxAttempts. Errors as
	// Complete.
	Fail(ctx context.Context, id, worker, msg string, retryAt, now time.Time) error
	// CancelKey deletes the live job with key, if any, even one running (its
	// worker then gets ErrNotFound when it reports back). ErrInvalid for an
	// empty key.
	CancelKey(ctx context.Context, key string) error
	// Jobs lists jobs by RunAt then ID. ErrInvalid for an unknown state or a
	// limit out of range.
	Jobs(ctx context.Context, f JobFilter) ([]Job, error)
	// PruneJobs deletes done jobs finished before doneBefore and failed
	// ones finished before failedBefore, and returns how many it deleted.
	// Queued and running jobs are never touched.
	PruneJobs(ctx context.Context, doneBefore, failedBefore time.Time) (int, error)

	// GoLive is the JobPublish handler's side of Store.Schedule: if story
	// storyID is still scheduled with live revision rev and its PublishAt
	// has come by now, its Pub becomes published, with PublishAt kept (the
	// embargo time is its first publication) and UpdatedAt untouched (going
	// live as scheduled is not an update). It reports whether it did so;
	// anything else (rescheduled, published early, unpublished, another
	// revision, not yet due) changes nothing: that schedule is gone or has a
	// job of its own. Readers see no difference, so the content version
	// stays. ErrNotFound for an unknown story.
	GoLive(ctx context.Context, storyID, rev string, now time.Time) (bool, error)
}

// JobPrune is the kind of the recurring job that deletes old finished
// jobs (see jobs.Prune).
const JobPrune = "jobs.prune"

// JobPublish is the kind of job Store.Schedule enqueues, in the same
// transaction, to make the schedule durable when its time comes: readers
// see a scheduled story from its PublishAt either way, and the job is where
// going live gets recorded and later side effects (feed pings, newsletters)
// hang on. Publish, Unpublish and a new Schedule cancel it.
const JobPublish = "publish"

// PublishKey is the Key of story storyID's publish job: one live per story.
func PublishKey(storyID string) string { return "publish:" + storyID }

// PublishPayload is the Payload of a publish job, as JSON.
type PublishPayload struct {
	Story string `json:"story"`
	Rev   string `json:"rev"`
}

// NewPublishJob returns the job that makes story storyID's revision rev go
// live at at.
func NewPublishJob(storyID, rev string, at time.Time) Job {
	p, err := json.Marshal(PublishPayload{Story: storyID, Rev: rev})
	if err != nil {
		panic("news: cannot encode a publish payload: " + err.Error()) // two strings
	}
	return Job{Kind: JobPublish, Key: PublishKey(storyID), Payload: p, RunAt: at}
}
