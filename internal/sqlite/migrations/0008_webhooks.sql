-- Webhooks (news.WebhookStore): endpoints told of story events by a signed
-- POST. The secret is kept as it is, not hashed: qalam signs every delivery
-- with it (HMAC-SHA256), so it must be readable. Events are three flags so
-- the check made inside every publish transaction is one indexed lookup.
CREATE TABLE webhook_endpoints (
	id           TEXT PRIMARY KEY,
	service      TEXT NOT NULL DEFAULT '', -- '' for every service
	url          TEXT NOT NULL,
	secret       TEXT NOT NULL,
	on_publish   INTEGER NOT NULL CHECK (on_publish IN (0, 1)),
	on_update    INTEGER NOT NULL CHECK (on_update IN (0, 1)),
	on_unpublish INTEGER NOT NULL CHECK (on_unpublish IN (0, 1)),
	active       INTEGER NOT NULL CHECK (active IN (0, 1)),
	note         TEXT NOT NULL DEFAULT '',
	created      INTEGER NOT NULL,
	CHECK (on_publish + on_update + on_unpublish > 0)
);
CREATE INDEX webhook_endpoints_active ON webhook_endpoints (active, service);

-- One row per (endpoint, event): made once when the event fans out, so a
-- retried job can never make a second delivery. It outlives its endpoint
-- (no foreign key): what was delivered stays on record for the newsroom.
-- target is the endpoint URL's scheme and host only, never its path or
-- query, where receivers' tokens live.
CREATE TABLE webhook_deliveries (
	id          TEXT PRIMARY KEY,
	endpoint    TEXT NOT NULL,
	target      TEXT NOT NULL,
	event_id    TEXT NOT NULL,
	event       TEXT NOT NULL CHECK (event IN ('publish', 'update', 'unpublish')),
	service     TEXT NOT NULL,
	story       TEXT NOT NULL,
	occurred    INTEGER NOT NULL,
	state       TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	last_status INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT '',
	created     INTEGER NOT NULL,
	delivered   INTEGER,
	finished    INTEGER,
	UNIQUE (endpoint, event_id)
);
CREATE INDEX webhook_deliveries_story ON webhook_deliveries (story, state);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created);
