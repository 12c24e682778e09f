-- The language of the admin's own text each person chose ('' = follow the
-- browser): English, Russian or Kazakh.
ALTER TABLE staff ADD COLUMN lang TEXT NOT NULL DEFAULT '' CHECK (lang IN ('', 'en', 'ru', 'kk'));
