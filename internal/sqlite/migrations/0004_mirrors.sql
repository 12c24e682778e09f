-- Mirrors (news.Mirror): the other addresses readers can reach the site on,
-- editable while the server runs. Every active mirror's host is accepted by
-- the host check; listed ones are published on the mirrors page and in the
-- mirrors JSON document, feeds and newsletters. kind 'onion' is the Tor
-- address (clearnet answers carry Onion-Location to it); kind 'lite' serves
-- the lite pages at its root.
CREATE TABLE mirrors (
	id       TEXT PRIMARY KEY,
	origin   TEXT NOT NULL UNIQUE, -- scheme://host[:port], lowercase
	kind     TEXT NOT NULL CHECK (kind IN ('mirror', 'onion', 'lite')),
	note     TEXT NOT NULL,        -- for the newsroom: who runs it, since when
	listed   INTEGER NOT NULL CHECK (listed IN (0, 1)),
	active   INTEGER NOT NULL CHECK (active IN (0, 1)),
	position INTEGER NOT NULL,
	updated  INTEGER       -- NULL when never set
);
