-- qalam's first schema. Times are INTEGER Unix microseconds UTC (NULL for
-- none); rich text, figures and lists are JSON text; IDs are made in Go.

-- One row, bumped by every write that can change a public page. Serving
-- processes poll it to know when their caches are stale.
CREATE TABLE content_version (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 1);

CREATE TABLE services (
	code       TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	lang       TEXT NOT NULL,
	dir        TEXT NOT NULL,
	time_zone  TEXT NOT NULL,
	tagline    TEXT NOT NULL,
	promo      TEXT NOT NULL,
	position   INTEGER NOT NULL,
	is_default INTEGER NOT NULL
);
-- At most one default service; the Store keeps it at exactly one.
CREATE UNIQUE INDEX services_default ON services (is_default) WHERE is_default = 1;

CREATE TABLE sections (
	id       TEXT PRIMARY KEY,
	service  TEXT NOT NULL REFERENCES services (code),
	slug     TEXT NOT NULL,
	name     TEXT NOT NULL,
	position INTEGER NOT NULL,
	UNIQUE (service, slug)
);

CREATE TABLE tags (
	id      TEXT PRIMARY KEY,
	service TEXT NOT NULL REFERENCES services (code),
	slug    TEXT NOT NULL,
	name    TEXT NOT NULL,
	UNIQUE (service, slug)
);

CREATE TABLE authors (
	id         TEXT PRIMARY KEY,
	service    TEXT NOT NULL REFERENCES services (code),
	slug       TEXT NOT NULL,
	name       TEXT NOT NULL,
	bio        TEXT NOT NULL,
	collective INTEGER NOT NULL,
	UNIQUE (service, slug)
);

CREATE TABLE notices (
	id        TEXT PRIMARY KEY,
	service   TEXT NOT NULL REFERENCES services (code),
	title     TEXT NOT NULL,
	body      TEXT NOT NULL,
	countries TEXT NOT NULL,
	position  INTEGER NOT NULL,
	active    INTEGER NOT NULL
);
CREATE INDEX notices_service ON notices (service, position);

CREATE TABLE banners (
	service TEXT PRIMARY KEY REFERENCES services (code),
	label   TEXT NOT NULL,
	text    TEXT NOT NULL,
	link    TEXT NOT NULL,
	active  INTEGER NOT NULL,
	updated INTEGER
);

CREATE TABLE staff (
	id      TEXT PRIMARY KEY,
	email   TEXT NOT NULL COLLATE NOCASE UNIQUE,
	name    TEXT NOT NULL,
	created INTEGER
);

CREATE TABLE assets (
	id      TEXT PRIMARY KEY,
	hash    TEXT NOT NULL UNIQUE,
	mime    TEXT NOT NULL,
	width   INTEGER NOT NULL,
	height  INTEGER NOT NULL,
	bytes   INTEGER NOT NULL,
	created INTEGER
);

-- live_rev and head_rev name rows of revisions ('' for none); they are kept
-- right by the Store rather than by foreign keys, which would be circular.
CREATE TABLE stories (
	id         TEXT PRIMARY KEY,
	service    TEXT NOT NULL REFERENCES services (code),
	section_id TEXT NOT NULL REFERENCES sections (id),
	slug       TEXT NOT NULL,
	grp        TEXT NOT NULL,
	status     TEXT NOT NULL,
	pub        TEXT NOT NULL CHECK (pub IN ('none', 'scheduled', 'published', 'unpublished')),
	publish_at INTEGER,
	updated_at INTEGER,
	-- first_public is when the story first went public (NULL: never yet), so
	-- an unpublished story can answer "gone" only if readers ever saw it.
	first_public INTEGER,
	live_rev   TEXT NOT NULL,
	head_rev   TEXT NOT NULL,
	created    INTEGER,
	modified   INTEGER
);
CREATE INDEX stories_list ON stories (service, publish_at DESC, id DESC);
CREATE INDEX stories_section ON stories (section_id, publish_at DESC, id DESC);
CREATE INDEX stories_live ON stories (live_rev) WHERE live_rev != '';
CREATE INDEX stories_group ON stories (grp) WHERE grp != '';
CREATE INDEX stories_scheduled ON stories (publish_at) WHERE pub = 'scheduled';

-- n numbers a story's revisions 1, 2, 3 ... so "newest first" needs no clock.
CREATE TABLE revisions (
	id         TEXT PRIMARY KEY,
	story_id   TEXT NOT NULL REFERENCES stories (id),
	n          INTEGER NOT NULL,
	parent_id  TEXT NOT NULL,
	headline   TEXT NOT NULL,
	deck       TEXT NOT NULL,
	dateline   TEXT NOT NULL,
	lead       TEXT NOT NULL,
	lead_asset TEXT NOT NULL,
	body       TEXT NOT NULL,
	author_ids TEXT NOT NULL,
	-- Headline, deck and body as lowercase plain text, for ListQuery.Text.
	-- Lowercased in Go: SQLite's lower() folds ASCII only.
	search     TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created    INTEGER,
	UNIQUE (story_id, n)
);

-- What each revision uses, so public reads can ask "is this asset / author on
-- the live revision of a public story" with a join.
CREATE TABLE revision_authors (
	rev_id    TEXT NOT NULL REFERENCES revisions (id),
	author_id TEXT NOT NULL REFERENCES authors (id),
	position  INTEGER NOT NULL,
	PRIMARY KEY (rev_id, author_id)
);
CREATE INDEX revision_authors_author ON revision_authors (author_id, rev_id);

CREATE TABLE revision_assets (
	rev_id   TEXT NOT NULL REFERENCES revisions (id),
	asset_id TEXT NOT NULL REFERENCES assets (id),
	PRIMARY KEY (rev_id, asset_id)
);
CREATE INDEX revision_assets_asset ON revision_assets (asset_id, rev_id);

CREATE TABLE story_tags (
	story_id TEXT NOT NULL REFERENCES stories (id),
	tag_id   TEXT NOT NULL REFERENCES tags (id),
	position INTEGER NOT NULL,
	PRIMARY KEY (story_id, tag_id)
);
CREATE INDEX story_tags_tag ON story_tags (tag_id, story_id);

CREATE TABLE corrections (
	id       TEXT PRIMARY KEY,
	story_id TEXT NOT NULL REFERENCES stories (id),
	n        INTEGER NOT NULL,
	at       INTEGER,
	text     TEXT NOT NULL,
	UNIQUE (story_id, n)
);

CREATE TABLE curation (
	service  TEXT NOT NULL REFERENCES services (code),
	position INTEGER NOT NULL,
	story_id TEXT NOT NULL REFERENCES stories (id),
	PRIMARY KEY (service, position),
	UNIQUE (service, story_id)
);
