-- API tokens for the admin's JSON API (news.TokenStore). Only the SHA-256
-- of a token's secret is stored; the secret is shown once when it is made.
-- Private like the rest of the staff data: no write bumps content_version.
-- created_by is the person who made it (a personal token's owner, an
-- integration token's maker); revoked_by is '' when the system revoked it.
CREATE TABLE api_tokens (
	id         TEXT PRIMARY KEY,
	hash       TEXT NOT NULL UNIQUE,
	kind       TEXT NOT NULL CHECK (kind IN ('personal', 'integration')),
	name       TEXT NOT NULL,
	created_by TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
	role       TEXT NOT NULL CHECK (role IN ('contributor', 'reporter', 'editor', 'chief')),
	created    INTEGER NOT NULL,
	expires    INTEGER NOT NULL,
	last_used  INTEGER,
	revoked    INTEGER,
	revoked_by TEXT NOT NULL DEFAULT '',
	CHECK (expires > created)
);
CREATE INDEX api_tokens_created_by ON api_tokens (created_by);

-- The services of a token's scope (an integration token has one).
CREATE TABLE api_token_services (
	token   TEXT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
	service TEXT NOT NULL,
	PRIMARY KEY (token, service)
);
CREATE INDEX api_token_services_service ON api_token_services (service);
