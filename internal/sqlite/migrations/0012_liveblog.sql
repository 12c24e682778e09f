-- Live blogs (news.LiveBlogStore): a story that also takes timestamped
-- entries. seq numbers a story's entries in order; readers resume from it
-- (the SSE event id). by is the staff member who posted, never public.
CREATE TABLE live_blogs (
	story_id TEXT PRIMARY KEY REFERENCES stories (id),
	open     INTEGER NOT NULL CHECK (open IN (0, 1)),
	started  INTEGER NOT NULL,
	closed   INTEGER
);
CREATE TABLE live_entries (
	id       TEXT PRIMARY KEY,
	story_id TEXT NOT NULL REFERENCES live_blogs (story_id),
	seq      INTEGER NOT NULL,
	title    BLOB NOT NULL,
	body     BLOB NOT NULL,
	posted   INTEGER NOT NULL,
	by_staff TEXT NOT NULL,
	UNIQUE (story_id, seq)
);
