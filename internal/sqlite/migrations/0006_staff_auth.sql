-- Staff sign-in and access control (news.StaffStore). Everything here is
-- private: no public page reads it, so no write bumps content_version.

-- A disabled person cannot sign in; disabling ends their sessions. password
-- is the encoded argon2id hash with its parameters, '' until set.
ALTER TABLE staff ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
ALTER TABLE staff ADD COLUMN password TEXT NOT NULL DEFAULT '';

-- One role per person per service; an admin grant has service ''. Service
-- codes are checked in Go (an admin's '' cannot reference services).
CREATE TABLE staff_grants (
	staff   TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
	service TEXT NOT NULL,
	role    TEXT NOT NULL CHECK (role IN ('contributor', 'reporter', 'editor', 'chief', 'admin')),
	PRIMARY KEY (staff, service),
	CHECK ((role = 'admin') = (service = ''))
);

-- Second factors: TOTP today, passkeys (kind 'webauthn') beside them later.
-- last_step is the last TOTP time step accepted, so no code works twice.
CREATE TABLE staff_factors (
	id        TEXT PRIMARY KEY,
	staff     TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
	kind      TEXT NOT NULL CHECK (kind IN ('totp', 'webauthn')),
	name      TEXT NOT NULL,
	data      TEXT NOT NULL,
	last_step INTEGER NOT NULL DEFAULT 0,
	created   INTEGER NOT NULL,
	last_used INTEGER
);
CREATE INDEX staff_factors_staff ON staff_factors (staff);

-- Recovery codes: SHA-256 of high-entropy codes, each usable once.
CREATE TABLE staff_recovery_codes (
	staff   TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
	hash    TEXT NOT NULL,
	created INTEGER NOT NULL,
	used    INTEGER,
	PRIMARY KEY (staff, hash)
);

-- Sessions: only the SHA-256 of the cookie's token is stored.
CREATE TABLE staff_sessions (
	id           TEXT PRIMARY KEY,
	token_hash   TEXT NOT NULL UNIQUE,
	staff        TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
	stage        TEXT NOT NULL CHECK (stage IN ('password', 'enroll', 'full')),
	created      INTEGER NOT NULL,
	last_seen    INTEGER NOT NULL,
	factor_at    INTEGER,
	pending_totp TEXT NOT NULL DEFAULT '',
	ip           TEXT NOT NULL DEFAULT '',
	agent        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff);

-- One-time links: invitations (and the first admin's) and password resets.
CREATE TABLE staff_setup_tokens (
	token_hash TEXT PRIMARY KEY,
	staff      TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
	purpose    TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
	created_by TEXT NOT NULL DEFAULT '',
	created    INTEGER NOT NULL,
	expires    INTEGER NOT NULL,
	used       INTEGER
);

-- What staff did, from where. No foreign keys: the record outlives what
-- it names. ip is the staff member's, never a reader's.
CREATE TABLE audit_log (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	at      INTEGER NOT NULL,
	actor   TEXT NOT NULL,
	action  TEXT NOT NULL,
	target  TEXT NOT NULL,
	service TEXT NOT NULL,
	ip      TEXT NOT NULL,
	detail  TEXT NOT NULL
);
