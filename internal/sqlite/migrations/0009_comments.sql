-- Readers' comments (news.CommentStore). Nothing here holds a reader's IP
-- address or User-Agent: client_tag is an HMAC under a key that lives only
-- in a serving process's memory and rotates daily, erased after a day;
-- bans keep an HMAC of the email address under comment_secret's key.

-- A service's rules; no row means comments off, pre-moderated.
CREATE TABLE comment_settings (
	service    TEXT PRIMARY KEY REFERENCES services (code),
	enabled    INTEGER NOT NULL,
	moderation TEXT NOT NULL CHECK (moderation IN ('pre', 'post')),
	threshold  INTEGER NOT NULL CHECK (threshold >= 1)
);

-- One row per story that has comments or its own switch. version moves
-- whenever what readers see of the thread changes: the comments endpoint's
-- cache key, so story pages' cached HTML never changes with a comment.
CREATE TABLE comment_threads (
	story   TEXT PRIMARY KEY REFERENCES stories (id),
	closed  INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE comments (
	id         TEXT PRIMARY KEY,
	story      TEXT NOT NULL REFERENCES stories (id),
	service    TEXT NOT NULL REFERENCES services (code),
	parent     TEXT REFERENCES comments (id), -- a top-level comment; NULL for one
	name       TEXT NOT NULL,
	email      TEXT,                           -- normalized; never shown to readers
	body       TEXT NOT NULL,
	body_key   TEXT NOT NULL,                  -- SHA-256 of the folded text, for duplicates
	state      TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'spam')),
	reports    INTEGER NOT NULL DEFAULT 0,
	held       TEXT NOT NULL DEFAULT '',
	client_tag TEXT,                           -- in-memory-keyed HMAC; NULL after a day
	created    INTEGER NOT NULL
);
CREATE INDEX comments_story ON comments (story, state, created);
CREATE INDEX comments_queue ON comments (service, state, created);
CREATE INDEX comments_dup ON comments (story, body_key, created);
CREATE INDEX comments_tagged ON comments (created) WHERE client_tag IS NOT NULL;
CREATE INDEX comments_email ON comments (service, email) WHERE email IS NOT NULL;

-- Bans per service: kind 'email' (key: HMAC of the address, for good) or
-- 'client' (key: a client tag, until expires).
CREATE TABLE comment_bans (
	service TEXT NOT NULL REFERENCES services (code),
	kind    TEXT NOT NULL CHECK (kind IN ('email', 'client')),
	key     TEXT NOT NULL,
	created INTEGER NOT NULL,
	expires INTEGER,
	PRIMARY KEY (service, kind, key)
) WITHOUT ROWID;

-- The key of the email HMACs in comment_bans, made once here.
CREATE TABLE comment_secret (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	key BLOB NOT NULL
);
INSERT INTO comment_secret (id, key) VALUES (1, randomblob(32));
