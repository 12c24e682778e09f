package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"qalam/internal/news"
)

// Services, sections, tags, author profiles, notices, the banner and
// curation: the editorial settings of each service.

const serviceCols = `code, name, lang, dir, time_zone, tagline, promo, position, is_default`

func scanService(sc rowScanner) (news.Service, error) {
	var s news.Service
	err := sc.Scan(&s.Code, &s.Name, &s.Lang, &s.Dir, &s.TimeZone, &s.Tagline, jsonCol(&s.Promo), &s.Position, &s.Default)
	return s, err
}

func (db *DB) Services(ctx context.Context) ([]news.Service, error) {
	return queryAll(ctx, db.r, "services", scanService, `SELECT `+serviceCols+` FROM services ORDER BY position, code`)
}

func (db *DB) Service(ctx context.Context, code string) (news.Service, error) {
	s, err := scanService(db.r.QueryRowContext(ctx, `SELECT `+serviceCols+` FROM services WHERE code = ?`, code))
	return s, dbErr(err, fmt.Sprintf("service %q", code))
}

// PutService creates or updates a service. Exactly one service is the
// default: the first one stored becomes it whatever its Default says,
// setting Default moves it here, and clearing it on the current default is
// ErrInvalid (make another service the default instead).
func (db *DB) PutService(ctx context.Context, s news.Service) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		var current string
		err := tx.QueryRowContext(ctx, `SELECT code FROM services WHERE is_default = 1`).Scan(&current)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return dbErr(err, "default service")
		}
		switch {
		case s.Default:
			if _, err := tx.ExecContext(ctx, `UPDATE services SET is_default = 0 WHERE is_default = 1 AND code != ?`, s.Code); err != nil {
				return dbErr(err, "default service")
			}
		case current == "":
			s.Default = true
		case current == s.Code:
			return news.Invalidf("service %s is the default one; make another service the default instead", s.Code)
		}
		var oldLang string
		err = tx.QueryRowContext(ctx, `SELECT lang FROM services WHERE code = ?`, s.Code).Scan(&oldLang)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return dbErr(err, fmt.Sprintf("service %q", s.Code))
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO services (`+serviceCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, lang = excluded.lang, dir = excluded.dir,
				time_zone = excluded.time_zone, tagline = excluded.tagline, promo = excluded.promo,
				position = excluded.position, is_default = excluded.is_default`,
			s.Code, s.Name, s.Lang, s.Dir, s.TimeZone, s.Tagline, jsonArg(s.Promo), s.Position, boolArg(s.Default))
		if err != nil {
			return dbErr(err, fmt.Sprintf("service %q", s.Code))
		}
		// The search keys of a service's stories depend on its language.
		if oldLang != "" && stemLang(oldLang) != stemLang(s.Lang) {
			if err := reindex(ctx, tx, s.Code); err != nil {
				return err
			}
		}
		return bump(ctx, tx)
	})
}

// serviceExists returns ErrInvalid unless code names a service.
func serviceExists(ctx context.Context, q querier, code string) error {
	var ok bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM services WHERE code = ?)`, code).Scan(&ok); err != nil {
		return dbErr(err, "service")
	}
	if !ok {
		return news.Invalidf("unknown service %q", code)
	}
	return nil
}

// ownedBy returns the service of the row id in table, or "" if there is
// none. table is always a constant of this package.
func ownedBy(ctx context.Context, q querier, table, id string) (string, error) {
	var service string
	err := q.QueryRowContext(ctx, `SELECT service FROM `+table+` WHERE id = ?`, id).Scan(&service)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return service, dbErr(err, table)
}

// checkOwner validates the service of a new or updated row: the service must
// exist, and an existing row may not move to another service.
func checkOwner(ctx context.Context, q querier, table, what, id, service string) error {
	if err := serviceExists(ctx, q, service); err != nil {
		return err
	}
	if id == "" {
		return nil
	}
	old, err := ownedBy(ctx, q, table, id)
	if err != nil {
		return err
	}
	if old != "" && old != service {
		return news.Invalidf("%s %s belongs to service %s and cannot move to %s", what, id, old, service)
	}
	return nil
}

func validName(what, slug, name string) error {
	if !news.ValidSlug(slug) {
		return news.Invalidf("%s slug %q must be lowercase letters, digits and single hyphens", what, slug)
	}
	if strings.TrimSpace(name) == "" {
		return news.Invalidf("%s %q needs a name", what, slug)
	}
	return nil
}

// Sections.

const sectionCols = `id, service, slug, name, position`

func scanSection(sc rowScanner) (news.Section, error) {
	var s news.Section
	err := sc.Scan(&s.ID, &s.Service, &s.Slug, &s.Name, &s.Position)
	return s, err
}

func (db *DB) Sections(ctx context.Context, service string) ([]news.Section, error) {
	return queryAll(ctx, db.r, "sections", scanSection, `SELECT `+sectionCols+` FROM sections WHERE service = ? ORDER BY position, slug`, service)
}

func (db *DB) Section(ctx context.Context, id string) (news.Section, error) {
	s, err := scanSection(db.r.QueryRowContext(ctx, `SELECT `+sectionCols+` FROM sections WHERE id = ?`, id))
	return s, dbErr(err, fmt.Sprintf("section %q", id))
}

func (db *DB) SectionBySlug(ctx context.Context, service, slug string) (news.Section, error) {
	s, err := scanSection(db.r.QueryRowContext(ctx, `SELECT `+sectionCols+` FROM sections WHERE service = ? AND slug = ?`, service, slug))
	return s, dbErr(err, fmt.Sprintf("section %s/%s", service, slug))
}

func (db *DB) PutSection(ctx context.Context, s *news.Section) error {
	if err := validName("section", s.Slug, s.Name); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return err
	}
	v := *s
	if v.ID == "" {
		v.ID = news.NewID()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := checkOwner(ctx, tx, "sections", "section", v.ID, v.Service); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sections (`+sectionCols+`) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, name = excluded.name, position = excluded.position`,
			v.ID, v.Service, v.Slug, v.Name, v.Position)
		if isUnique(err) {
			return fmt.Errorf("section slug %q: %w", v.Slug, news.ErrConflict)
		}
		if err != nil {
			return dbErr(err, "section")
		}
		return bump(ctx, tx)
	})
	if err == nil {
		*s = v
	}
	return err
}

// Tags.

const tagCols = `id, service, slug, name`

func scanTag(sc rowScanner) (news.Tag, error) {
	var t news.Tag
	err := sc.Scan(&t.ID, &t.Service, &t.Slug, &t.Name)
	return t, err
}

func (db *DB) Tags(ctx context.Context, service string) ([]news.Tag, error) {
	return queryTags(ctx, db.r, `SELECT `+tagCols+` FROM tags WHERE service = ? ORDER BY name, slug`, service)
}

func queryTags(ctx context.Context, q querier, query string, args ...any) ([]news.Tag, error) {
	return queryAll(ctx, q, "tags", scanTag, query, args...)
}

func (db *DB) TagBySlug(ctx context.Context, service, slug string) (news.Tag, error) {
	t, err := scanTag(db.r.QueryRowContext(ctx, `SELECT `+tagCols+` FROM tags WHERE service = ? AND slug = ?`, service, slug))
	return t, dbErr(err, fmt.Sprintf("tag %s/%s", service, slug))
}

func (db *DB) PutTag(ctx context.Context, t *news.Tag) error {
	if err := validName("tag", t.Slug, t.Name); err != nil {
		return err
	}
	v := *t
	if v.ID == "" {
		v.ID = news.NewID()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := checkOwner(ctx, tx, "tags", "tag", v.ID, v.Service); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tags (`+tagCols+`) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, name = excluded.name`,
			v.ID, v.Service, v.Slug, v.Name)
		if isUnique(err) {
			return fmt.Errorf("tag slug %q: %w", v.Slug, news.ErrConflict)
		}
		if err != nil {
			return dbErr(err, "tag")
		}
		return bump(ctx, tx)
	})
	if err == nil {
		*t = v
	}
	return err
}

// Author profiles.

const authorCols = `id, service, slug, name, bio, collective`

func scanAuthor(sc rowScanner) (news.Author, error) {
	var a news.Author
	err := sc.Scan(&a.ID, &a.Service, &a.Slug, &a.Name, &a.Bio, &a.Collective)
	return a, err
}

func (db *DB) Authors(ctx context.Context, service string) ([]news.Author, error) {
	return queryAll(ctx, db.r, "authors", scanAuthor, `SELECT `+authorCols+` FROM authors WHERE service = ? ORDER BY name, slug`, service)
}

func (db *DB) Author(ctx context.Context, id string) (news.Author, error) {
	a, err := scanAuthor(db.r.QueryRowContext(ctx, `SELECT `+authorCols+` FROM authors WHERE id = ?`, id))
	return a, dbErr(err, fmt.Sprintf("author %q", id))
}

func (db *DB) AuthorBySlug(ctx context.Context, service, slug string) (news.Author, error) {
	a, err := scanAuthor(db.r.QueryRowContext(ctx, `SELECT `+authorCols+` FROM authors WHERE service = ? AND slug = ?`, service, slug))
	return a, dbErr(err, fmt.Sprintf("author %s/%s", service, slug))
}

func (db *DB) PutAuthor(ctx context.Context, a *news.Author) error {
	if err := validName("author", a.Slug, a.Name); err != nil {
		return err
	}
	v := *a
	if v.ID == "" {
		v.ID = news.NewID()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := checkOwner(ctx, tx, "authors", "author", v.ID, v.Service); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO authors (`+authorCols+`) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, name = excluded.name, bio = excluded.bio,
				collective = excluded.collective`,
			v.ID, v.Service, v.Slug, v.Name, v.Bio, boolArg(v.Collective))
		if isUnique(err) {
			return fmt.Errorf("author slug %q: %w", v.Slug, news.ErrConflict)
		}
		if err != nil {
			return dbErr(err, "author")
		}
		return bump(ctx, tx)
	})
	if err == nil {
		*a = v
	}
	return err
}

// Notices.

func scanNotice(sc rowScanner) (news.Notice, error) {
	var n news.Notice
	err := sc.Scan(&n.ID, &n.Service, &n.Title, jsonCol(&n.Body), jsonCol(&n.Countries), &n.Position, &n.Active)
	return n, err
}

func (db *DB) Notices(ctx context.Context, service string) ([]news.Notice, error) {
	return queryAll(ctx, db.r, "notices", scanNotice, `SELECT id, service, title, body, countries, position, active
		FROM notices WHERE service = ? ORDER BY position, id`, service)
}

func validCountry(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

func (db *DB) PutNotice(ctx context.Context, n *news.Notice) error {
	if err := n.Body.Validate(); err != nil {
		return news.Invalidf("notice body: %v", err)
	}
	if strings.TrimSpace(n.Title) == "" && strings.TrimSpace(n.Body.Plain()) == "" {
		return news.Invalidf("notice needs a title or a body")
	}
	for _, c := range n.Countries {
		if !validCountry(c) {
			return news.Invalidf("notice country %q is not an ISO 3166-1 alpha-2 code such as KZ", c)
		}
	}
	v := *n
	if v.ID == "" {
		v.ID = news.NewID()
	}
	countries := v.Countries
	if countries == nil {
		countries = []string{}
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := checkOwner(ctx, tx, "notices", "notice", v.ID, v.Service); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO notices (id, service, title, body, countries, position, active)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body,
				countries = excluded.countries, position = excluded.position, active = excluded.active`,
			v.ID, v.Service, v.Title, jsonArg(v.Body), jsonArg(countries), v.Position, boolArg(v.Active))
		if err != nil {
			return dbErr(err, "notice")
		}
		return bump(ctx, tx)
	})
	if err == nil {
		*n = v
	}
	return err
}

func (db *DB) DeleteNotice(ctx context.Context, id string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM notices WHERE id = ?`, id)
		if err != nil {
			return dbErr(err, "notice")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("notice %q: %w", id, news.ErrNotFound)
		}
		return bump(ctx, tx)
	})
}

// Banner.

func (db *DB) Banner(ctx context.Context, service string) (news.Banner, error) {
	var b news.Banner
	err := db.r.QueryRowContext(ctx, `SELECT service, label, text, link, active, updated FROM banners WHERE service = ?`, service).
		Scan(&b.Service, &b.Label, &b.Text, &b.Link, &b.Active, timeCol(&b.Updated))
	return b, dbErr(err, fmt.Sprintf("banner of %q", service))
}

func (db *DB) SetBanner(ctx context.Context, b news.Banner) error {
	if b.Link != "" && !news.SafeHref(b.Link) {
		return news.Invalidf("banner link %q is not a site path or http(s) URL", b.Link)
	}
	if b.Active && strings.TrimSpace(b.Text) == "" {
		return news.Invalidf("an active banner needs text")
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := serviceExists(ctx, tx, b.Service); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO banners (service, label, text, link, active, updated)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (service) DO UPDATE SET label = excluded.label, text = excluded.text,
				link = excluded.link, active = excluded.active, updated = excluded.updated`,
			b.Service, b.Label, b.Text, b.Link, boolArg(b.Active), timeArg(b.Updated))
		if err != nil {
			return dbErr(err, "banner")
		}
		return bump(ctx, tx)
	})
}

// Curation.

func (db *DB) SetCuration(ctx context.Context, service string, storyIDs []string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := serviceExists(ctx, tx, service); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, id := range storyIDs {
			if seen[id] {
				return news.Invalidf("story %s is curated twice", id)
			}
			seen[id] = true
			owner, err := ownedBy(ctx, tx, "stories", id)
			if err != nil {
				return err
			}
			switch owner {
			case "":
				return news.Invalidf("curated story %q does not exist", id)
			case service:
			default:
				return news.Invalidf("story %s belongs to service %s, not %s", id, owner, service)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM curation WHERE service = ?`, service); err != nil {
			return dbErr(err, "curation")
		}
		for i, id := range storyIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO curation (service, position, story_id) VALUES (?, ?, ?)`, service, i, id); err != nil {
				return dbErr(err, "curation")
			}
		}
		return bump(ctx, tx)
	})
}
