-- The newsroom's media library (news.MediaStore). Assets are shared by all
-- services and deduplicated by content; each service keeps its own row per
-- image with defaults in its own language. Nothing here is public.
CREATE TABLE media_library (
	service  TEXT NOT NULL REFERENCES services (code),
	asset_id TEXT NOT NULL REFERENCES assets (id),
	name     TEXT NOT NULL DEFAULT '', -- the uploaded file's name: a label, never a path
	alt      TEXT NOT NULL DEFAULT '',
	caption  TEXT NOT NULL DEFAULT '',
	credit   TEXT NOT NULL DEFAULT '',
	added_by TEXT NOT NULL DEFAULT '', -- staff id
	added    INTEGER NOT NULL,
	updated  INTEGER NOT NULL,
	-- name, alt, caption and credit lowercased (by Go, for every script)
	-- and joined, for search
	search   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (service, asset_id)
);
CREATE INDEX media_library_added ON media_library (service, added DESC);
CREATE INDEX media_library_asset ON media_library (asset_id);
