-- The durable job queue (news.JobQueue). A job is claimed by one UPDATE that
-- sets its lease; lease_until says when a crashed worker's job may be taken
-- over. Cancelled jobs are deleted; done and failed ones stay for listings.
CREATE TABLE jobs (
	id           TEXT PRIMARY KEY,
	kind         TEXT NOT NULL,
	unique_key   TEXT NOT NULL, -- '' for none
	payload      BLOB NOT NULL,
	run_at       INTEGER NOT NULL,
	attempts     INTEGER NOT NULL,
	max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
	state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
	lease_until  INTEGER,
	worker       TEXT NOT NULL,
	last_error   TEXT NOT NULL,
	created      INTEGER,
	finished     INTEGER
);
-- A key names at most one live job; done and failed ones free it.
CREATE UNIQUE INDEX jobs_live_key ON jobs (unique_key) WHERE unique_key != '' AND state IN ('queued', 'running');
-- What Claim looks through: due queued jobs and running ones with a lease.
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE state = 'running';
CREATE INDEX jobs_list ON jobs (state, kind, run_at, id);
