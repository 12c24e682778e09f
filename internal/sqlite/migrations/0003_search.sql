-- Full-text search (Store.Search). Every story with a live revision has one
-- row in search_docs and, under the same rowid, one in search_fts holding the
-- search keys (package stem, in the service's language) of that revision's
-- headline, deck and body, each key prefixed with the service's code and "_"
-- ("kk_алмат"), so every service has its own terms, separated by spaces. The
-- keys are made in Go, so the 'ascii' tokenizer only splits them at the
-- spaces: it treats every non-ASCII character as part of a token, and here
-- "-" and "_" too (service codes are a-z, 0-9 and "-"; keys have no ASCII
-- punctuation). The
-- index is replaced in the same transaction as every change of a story's live
-- revision. search_docs also copies what decides whether readers may see the
-- story, so a query need not visit stories for every match: visible_from is
-- the story's publish_at while it is published or scheduled with a live
-- revision, NULL otherwise (the rule of the public reads' publicAt), kept in
-- step by Publish, Schedule, Unpublish and GoLive. Rowids grow as stories are
-- first indexed, so a higher rowid is a newer story. sqlite.Open fills the
-- index from the Go side when it is empty and stories have live revisions.
CREATE TABLE search_docs (
	id           INTEGER PRIMARY KEY,
	story_id     TEXT NOT NULL UNIQUE REFERENCES stories (id),
	rev_id       TEXT NOT NULL,
	visible_from INTEGER
);
-- The stories readers cannot see (now or yet): few, found fast.
CREATE INDEX search_docs_visible ON search_docs (visible_from);
CREATE VIRTUAL TABLE search_fts USING fts5 (headline, deck, body, tokenize = "ascii tokenchars '-_'");
