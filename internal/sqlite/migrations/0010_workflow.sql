-- The newsroom's workflow (news.WorkflowStore): who has a story open in the
-- editor, and signed preview links. Nothing here is public.

-- One lock per story: the holder and their latest sign of life; a lock not
-- seen for the caller's idle time is free. displaced is who the holder took
-- the story over from, so that person's next save is told.
CREATE TABLE edit_locks (
	story_id  TEXT PRIMARY KEY REFERENCES stories (id),
	holder    TEXT NOT NULL,
	since     INTEGER NOT NULL,
	seen      INTEGER NOT NULL,
	displaced TEXT NOT NULL,
	taken_at  INTEGER
);

-- Preview links: only the SHA-256 of the token is kept.
CREATE TABLE preview_links (
	id          TEXT PRIMARY KEY,
	story_id    TEXT NOT NULL REFERENCES stories (id),
	rev_id      TEXT NOT NULL REFERENCES revisions (id),
	latin       INTEGER NOT NULL CHECK (latin IN (0, 1)),
	token_hash  TEXT NOT NULL UNIQUE,
	created_by  TEXT NOT NULL,
	created     INTEGER NOT NULL,
	expires     INTEGER NOT NULL,
	revoked     INTEGER
);
CREATE INDEX preview_links_story ON preview_links (story_id, created DESC);
