-- Telegram channels (news.TelegramStore): one row per service that has
-- posted, with the watermark before which nothing is posted, so turning
-- Telegram on never floods a channel with the archive.
CREATE TABLE telegram_services (
	service   TEXT PRIMARY KEY REFERENCES services (code),
	watermark INTEGER NOT NULL -- stories first published at or before it are never posted
);

-- One row per story sent (or being sent) to a service's channel. A row is
-- claimed ('sending') before the message goes out and becomes 'posted'
-- with the message's id once the Bot API answered, so a story is posted at
-- most once even when a process dies half-way. An unpublished story's
-- message is deleted ('deleted') while Telegram allows it, or recorded as
-- 'unrecallable' for the newsroom to be told.
CREATE TABLE telegram_posts (
	service     TEXT NOT NULL REFERENCES services (code),
	story       TEXT NOT NULL REFERENCES stories (id),
	chat        TEXT NOT NULL,    -- the channel, as configured (@name or numeric id)
	message_id  INTEGER NOT NULL DEFAULT 0, -- 0 while sending
	kind        TEXT NOT NULL DEFAULT '' CHECK (kind IN ('', 'photo', 'text')),
	state       TEXT NOT NULL CHECK (state IN ('sending', 'posted', 'deleted', 'unrecallable')),
	claimed     INTEGER NOT NULL, -- when the send began
	posted      INTEGER,          -- when the Bot API confirmed it
	corrections INTEGER NOT NULL DEFAULT 0, -- corrections the message shows
	updated     INTEGER,          -- the story's UpdatedAt the message shows
	edited      INTEGER,          -- the latest edit
	ended       INTEGER,          -- when it was deleted or found unrecallable
	PRIMARY KEY (service, story),
	CHECK ((state = 'sending') = (message_id = 0))
);
CREATE INDEX telegram_posts_state ON telegram_posts (service, state, posted);
