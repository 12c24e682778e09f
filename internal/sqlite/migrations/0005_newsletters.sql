-- Newsletters (news.NewsletterStore): per-service email editions with
-- double opt-in. Nothing here holds a reader's IP address or User-Agent.
-- A pending subscription is deleted after 48 hours; an unsubscribed one
-- keeps no address (email NULL).
CREATE TABLE newsletter_subscribers (
	id           TEXT PRIMARY KEY,
	service      TEXT NOT NULL REFERENCES services (code),
	email        TEXT,                 -- normalized; NULL once unsubscribed
	state        TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'unsubscribed')),
	confirm_hash TEXT,                 -- SHA-256 of the confirmation token; NULL once used
	unsub_token  TEXT NOT NULL UNIQUE, -- secret of the unsubscribe links every mail carries
	created      INTEGER NOT NULL,     -- when this subscription was asked for
	requested    INTEGER NOT NULL,     -- the latest confirmation mail asked for
	confirmed    INTEGER,
	unsubscribed INTEGER,
	UNIQUE (service, email),
	CHECK ((state = 'unsubscribed') = (email IS NULL))
);
CREATE UNIQUE INDEX newsletter_subscribers_confirm ON newsletter_subscribers (confirm_hash) WHERE confirm_hash IS NOT NULL;
CREATE INDEX newsletter_subscribers_state ON newsletter_subscribers (state, created);

-- One edition per service and day (the service's local day), its content
-- captured when prepared so every batch and retry sends the same text.
CREATE TABLE newsletter_editions (
	id         TEXT PRIMARY KEY,
	service    TEXT NOT NULL REFERENCES services (code),
	day        TEXT NOT NULL, -- YYYY-MM-DD
	state      TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'empty')),
	content    TEXT NOT NULL, -- JSON news.EditionContent
	recipients INTEGER NOT NULL,
	created    INTEGER NOT NULL,
	UNIQUE (service, day)
);

-- One row per edition and subscriber: the key that makes a delivery happen
-- at most once. A claim moves it pending -> sending before the mail goes
-- out; only a failure the mail server proved harmless moves it back.
CREATE TABLE newsletter_deliveries (
	edition    TEXT NOT NULL REFERENCES newsletter_editions (id) ON DELETE CASCADE,
	subscriber TEXT NOT NULL REFERENCES newsletter_subscribers (id) ON DELETE CASCADE,
	state      TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'uncertain')),
	attempts   INTEGER NOT NULL,
	updated    INTEGER NOT NULL,
	PRIMARY KEY (edition, subscriber)
) WITHOUT ROWID;
CREATE INDEX newsletter_deliveries_subscriber ON newsletter_deliveries (subscriber);
