package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"qalam/internal/news"
)

var _ news.JobQueue = (*DB)(nil)

// The job queue. Every claim runs in a write transaction (BEGIN IMMEDIATE),
// so SQLite's one write lock makes the claim exclusive across connections
// and processes; the single UPDATE ... RETURNING keeps the same claim atomic
// on a database without that lock (PostgreSQL adds FOR UPDATE SKIP LOCKED
// to the subquery).

const jobCols = `id, kind, unique_key, payload, run_at, attempts, max_attempts, state, lease_until, worker, last_error, created, finished`

func scanJob(sc rowScanner) (news.Job, error) {
	var j news.Job
	err := sc.Scan(&j.ID, &j.Kind, &j.Key, &j.Payload, timeCol(&j.RunAt), &j.Attempts, &j.MaxAttempts, &j.State,
		timeCol(&j.LeaseUntil), &j.Worker, &j.LastError, timeCol(&j.Created), timeCol(&j.Finished))
	if len(j.Payload) == 0 {
		j.Payload = nil
	}
	return j, err
}

// insertJob enqueues j inside tx, so a store method can make a job part of
// the change that needs it.
func insertJob(ctx context.Context, tx *sql.Tx, j news.Job) (news.Job, error) {
	j, err := j.Queued(time.Now())
	if err != nil {
		return news.Job{}, err
	}
	payload := j.Payload
	if payload == nil {
		payload = []byte{}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO jobs (`+jobCols+`) VALUES (?, ?, ?, ?, ?, 0, ?, 'queued', NULL, '', '', ?, NULL)`,
		j.ID, j.Kind, j.Key, payload, timeArg(j.RunAt), j.MaxAttempts, timeArg(j.Created))
	if isUnique(err) {
		return news.Job{}, fmt.Errorf("job %s (key %q): a live job has that ID or key: %w", j.ID, j.Key, news.ErrConflict)
	}
	if err != nil {
		return news.Job{}, dbErr(err, "job")
	}
	return j, nil
}

// cancelKey deletes the live job with key inside tx.
func cancelKey(ctx context.Context, tx *sql.Tx, key string) error {
	if key == "" {
		return news.Invalidf("cancelling a job needs its key")
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE unique_key = ? AND state IN ('queued', 'running')`, key)
	return dbErr(err, "job")
}

func (db *DB) Enqueue(ctx context.Context, j news.Job) (news.Job, error) {
	var out news.Job
	err := db.write(ctx, func(tx *sql.Tx) (err error) {
		out, err = insertJob(ctx, tx, j)
		return err
	})
	return out, err
}

func (db *DB) CancelKey(ctx context.Context, key string) error {
	return db.write(ctx, func(tx *sql.Tx) error { return cancelKey(ctx, tx, key) })
}

// placeholders returns "?, ?, ..." for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func (db *DB) Claim(ctx context.Context, kinds []string, worker string, lease time.Duration, now time.Time) (news.Job, error) {
	switch {
	case len(kinds) == 0:
		return news.Job{}, news.Invalidf("claiming a job needs the kinds the worker runs")
	case worker == "":
		return news.Job{}, news.Invalidf("claiming a job needs a worker name")
	case lease <= 0:
		return news.Job{}, news.Invalidf("claiming a job needs a positive lease")
	}
	nowUs := now.UnixMicro()
	until := news.Time(now.Add(lease)).UnixMicro()
	in := placeholders(len(kinds))
	kindArgs := make([]any, len(kinds))
	for i, k := range kinds {
		kindArgs[i] = k
	}
	var j news.Job
	err := db.write(ctx, func(tx *sql.Tx) error {
		// A worker that died on the last attempt leaves a job nobody may run
		// again: it fails here rather than staying "running" for ever.
		args := append([]any{nowUs, nowUs}, kindArgs...)
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'failed', finished = ?, lease_until = NULL,
			last_error = 'the worker''s lease expired on the last attempt (did it crash?)'
			WHERE state = 'running' AND lease_until <= ? AND attempts >= max_attempts AND kind IN (`+in+`)`, args...); err != nil {
			return dbErr(err, "expired jobs")
		}
		args = append([]any{worker, until}, kindArgs...)
		args = append(args, nowUs, nowUs)
		var err error
		j, err = scanJob(tx.QueryRowContext(ctx, `UPDATE jobs SET state = 'running', worker = ?, lease_until = ?, attempts = attempts + 1
			WHERE id = (SELECT id FROM jobs
				WHERE kind IN (`+in+`) AND (state = 'queued' AND run_at <= ?
					OR state = 'running' AND lease_until <= ? AND attempts < max_attempts)
				ORDER BY run_at, id LIMIT 1)
			RETURNING `+jobCols, args...))
		if errors.Is(err, sql.ErrNoRows) {
			return nil // commit what the sweep failed
		}
		return dbErr(err, "due job")
	})
	if err == nil && j.ID == "" {
		return news.Job{}, fmt.Errorf("no job of kinds %v is due: %w", kinds, news.ErrNotFound)
	}
	return j, err
}

// finish applies a worker's report about job id with set (the SET clause
// and its arguments), only while the job is running under worker.
func (db *DB) finish(ctx context.Context, id, worker, set string, args ...any) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET `+set+` WHERE id = ? AND state = 'running' AND worker = ?`,
			append(args, id, worker)...)
		if err != nil {
			return dbErr(err, "job")
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var state, owner string
		err = tx.QueryRowContext(ctx, `SELECT state, worker FROM jobs WHERE id = ?`, id).Scan(&state, &owner)
		if err != nil {
			return dbErr(err, fmt.Sprintf("job %q", id))
		}
		return fmt.Errorf("job %s is %s under worker %q, not running under %q: %w", id, state, owner, worker, news.ErrConflict)
	})
}

func (db *DB) Complete(ctx context.Context, id, worker string, now time.Time) error {
	return db.finish(ctx, id, worker, `state = 'done', lease_until = NULL, finished = ?`, now.UnixMicro())
}

func (db *DB) Fail(ctx context.Context, id, worker, msg string, retryAt, now time.Time) error {
	if retryAt.IsZero() {
		retryAt = now
	}
	nowUs := now.UnixMicro()
	return db.finish(ctx, id, worker, `last_error = ?, lease_until = NULL,
		state    = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
		finished = CASE WHEN attempts >= max_attempts THEN ? END,
		run_at   = CASE WHEN attempts >= max_attempts THEN run_at ELSE ? END,
		worker   = CASE WHEN attempts >= max_attempts THEN worker ELSE '' END`,
		msg, nowUs, news.Time(retryAt).UnixMicro())
}

func (db *DB) Jobs(ctx context.Context, f news.JobFilter) ([]news.Job, error) {
	switch f.State {
	case "", news.JobQueued, news.JobRunning, news.JobDone, news.JobFailed:
	default:
		return nil, news.Invalidf("unknown job state %q", f.State)
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	if f.Limit < 1 || f.Limit > 1000 {
		return nil, news.Invalidf("job listing limit %d is not within 1..1000", f.Limit)
	}
	var (
		where []string
		args  []any
	)
	for _, c := range []struct{ col, v string }{{"state", string(f.State)}, {"kind", f.Kind}, {"unique_key", f.Key}} {
		if c.v != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	q := `SELECT ` + jobCols + ` FROM jobs`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY run_at, id LIMIT ?`
	return queryAll(ctx, db.r, "jobs", scanJob, q, append(args, f.Limit)...)
}

func (db *DB) GoLive(ctx context.Context, storyID, rev string, now time.Time) (bool, error) {
	var done bool
	err := db.write(ctx, func(tx *sql.Tx) error {
		p, err := loadPubState(ctx, tx, storyID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE stories SET pub = 'published', first_public = COALESCE(first_public, publish_at)
			WHERE id = ? AND pub = 'scheduled' AND live_rev = ? AND publish_at <= ?`, storyID, rev, now.UnixMicro())
		if err != nil {
			return dbErr(err, "story")
		}
		n, err := res.RowsAffected()
		done = n == 1
		if err != nil || !done {
			return dbErr(err, "story")
		}
		// Webhooks (webhooks.go): a scheduled story going live is a "publish".
		if err := queueWebhook(ctx, tx, p.service, storyID, news.WebhookPublish, now); err != nil {
			return err
		}
		return syncSearch(ctx, tx, storyID)
	})
	return done, err
}

func (db *DB) PruneJobs(ctx context.Context, doneBefore, failedBefore time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE (state = 'done' AND finished < ?) OR (state = 'failed' AND finished < ?)`,
			timeArg(news.Time(doneBefore)), timeArg(news.Time(failedBefore)))
		if err != nil {
			return dbErr(err, "jobs")
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
