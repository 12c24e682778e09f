package storetest

import (
	"testing"
	"time"

	"qalam/internal/news"
)

// Editorial settings: services, sections, tags, authors, notices, banner,
// staff and assets.

func testServices(t *testing.T, s news.Store) {
	f := setup(t, s)

	got, err := s.Services(ctx)
	must(t, err)
	same(t, "Services", got, []news.Service{f.kk, f.ru})
	kk, err := s.Service(ctx, "kk")
	must(t, err)
	same(t, "Service(kk)", kk, f.kk)

	_, err = s.Service(ctx, "en")
	wantErr(t, "Service(unknown)", err, news.ErrNotFound)

	// Order is by Position, then Code for equal positions.
	en := news.Service{Code: "en", Name: "Azattyq", Lang: "en", Dir: "ltr", TimeZone: "UTC", Position: 0}
	fa := news.Service{Code: "fa", Name: "Farda", Lang: "fa", Dir: "rtl", TimeZone: "Asia/Tehran", Position: 1}
	must(t, s.PutService(ctx, en))
	must(t, s.PutService(ctx, fa))
	got, err = s.Services(ctx)
	must(t, err)
	same(t, "Services by position", got, []news.Service{en, fa, f.kk, f.ru})

	// Setting Default moves it: exactly one service has it.
	f.ru.Default = true
	f.ru.Name = "Азаттык Азия"
	must(t, s.PutService(ctx, f.ru))
	f.kk.Default = false
	got, err = s.Services(ctx)
	must(t, err)
	same(t, "Services after moving Default", got, []news.Service{en, fa, f.kk, f.ru})

	// Clearing it on the default service would leave none.
	f.ru.Default = false
	wantErr(t, "clear the only Default", s.PutService(ctx, f.ru), news.ErrInvalid)
	ru, err := s.Service(ctx, "ru")
	must(t, err)
	if !ru.Default {
		t.Error("a refused PutService changed the default")
	}

	for _, tc := range []struct {
		name string
		edit func(*news.Service)
	}{
		{"code with capitals", func(s *news.Service) { s.Code = "KK" }},
		{"one-letter code", func(s *news.Service) { s.Code = "k" }},
		{"reserved code", func(s *news.Service) { s.Code = "admin" }},
		{"script view code", func(s *news.Service) { s.Code = "kk-latn" }},
		{"no name", func(s *news.Service) { s.Name = " " }},
		{"no language", func(s *news.Service) { s.Lang = "" }},
		{"bad direction", func(s *news.Service) { s.Dir = "up" }},
		{"unknown zone", func(s *news.Service) { s.TimeZone = "Mars/Olympus" }},
		{"unsafe promo link", func(s *news.Service) {
			s.Promo = news.Inline{{Text: "x", Marks: []news.Mark{{Type: news.MarkLink, Href: "javascript:alert(1)"}}}}
		}},
	} {
		svc := news.Service{Code: "uz", Name: "Ozodlik", Lang: "uz", Dir: "ltr", TimeZone: "Asia/Tashkent"}
		tc.edit(&svc)
		wantErr(t, "PutService "+tc.name, s.PutService(ctx, svc), news.ErrInvalid)
	}
}

func testFirstServiceIsDefault(t *testing.T, s news.Store) {
	must(t, s.PutService(ctx, news.Service{Code: "kk", Name: "Азаттық", Lang: "kk", Dir: "ltr", TimeZone: "Asia/Almaty"}))
	kk, err := s.Service(ctx, "kk")
	must(t, err)
	if !kk.Default {
		t.Error("the only service is not the default")
	}
}

func testSections(t *testing.T, s news.Store) {
	f := setup(t, s)
	if !news.ValidID(f.sec.ID) {
		t.Errorf("PutSection assigned ID %q, want a news.NewID", f.sec.ID)
	}
	got, err := s.Section(ctx, f.sec.ID)
	must(t, err)
	same(t, "Section", got, f.sec)
	got, err = s.SectionBySlug(ctx, "kk", "politics")
	must(t, err)
	same(t, "SectionBySlug", got, f.sec)
	got, err = s.SectionBySlug(ctx, "ru", "politics")
	must(t, err)
	same(t, "SectionBySlug(ru)", got, f.ruSec)

	// Renumbering sorts by Position.
	f.sec.Position = 3
	f.sec.Name = "Саясат және қоғам"
	must(t, s.PutSection(ctx, &f.sec))
	list, err := s.Sections(ctx, "kk")
	must(t, err)
	same(t, "Sections", list, []news.Section{f.sec2, f.sec})

	dup := news.Section{Service: "kk", Slug: "economy", Name: "Again"}
	wantErr(t, "taken slug", s.PutSection(ctx, &dup), news.ErrConflict)
	if dup.ID != "" {
		t.Errorf("a refused PutSection assigned ID %q", dup.ID)
	}
	moved := f.sec2
	moved.Slug = "politics"
	wantErr(t, "rename to a taken slug", s.PutSection(ctx, &moved), news.ErrConflict)
	other := f.sec2
	other.Service = "ru"
	wantErr(t, "move a section to another service", s.PutSection(ctx, &other), news.ErrInvalid)

	for _, tc := range []struct {
		name string
		sec  news.Section
	}{
		{"unknown service", news.Section{Service: "xx", Slug: "world", Name: "World"}},
		{"capital slug", news.Section{Service: "kk", Slug: "World", Name: "World"}},
		{"empty slug", news.Section{Service: "kk", Slug: "", Name: "World"}},
		{"double hyphen", news.Section{Service: "kk", Slug: "a--b", Name: "World"}},
		{"no name", news.Section{Service: "kk", Slug: "world"}},
		{"reserved slug tag", news.Section{Service: "kk", Slug: "tag", Name: "Tag"}},
		{"reserved slug search", news.Section{Service: "kk", Slug: "search", Name: "Search"}},
	} {
		wantErr(t, "PutSection "+tc.name, s.PutSection(ctx, &tc.sec), news.ErrInvalid)
	}
	_, err = s.Section(ctx, news.NewID())
	wantErr(t, "Section(unknown)", err, news.ErrNotFound)
	_, err = s.SectionBySlug(ctx, "ru", "economy")
	wantErr(t, "SectionBySlug(other service)", err, news.ErrNotFound)
}

func testTags(t *testing.T, s news.Store) {
	f := setup(t, s)
	got, err := s.TagBySlug(ctx, "kk", "almaty")
	must(t, err)
	same(t, "TagBySlug", got, f.tag)
	list, err := s.Tags(ctx, "kk")
	must(t, err)
	same(t, "Tags by name", list, []news.Tag{f.tag, f.tag2})

	f.tag.Name = "Zhetysu"
	must(t, s.PutTag(ctx, &f.tag))
	list, err = s.Tags(ctx, "kk")
	must(t, err)
	same(t, "Tags after rename", list, []news.Tag{f.tag2, f.tag})

	wantErr(t, "taken slug", s.PutTag(ctx, &news.Tag{Service: "kk", Slug: "almaty", Name: "Again"}), news.ErrConflict)
	wantErr(t, "bad slug", s.PutTag(ctx, &news.Tag{Service: "kk", Slug: "a b", Name: "A"}), news.ErrInvalid)
	wantErr(t, "unknown service", s.PutTag(ctx, &news.Tag{Service: "xx", Slug: "a", Name: "A"}), news.ErrInvalid)
	_, err = s.TagBySlug(ctx, "kk", "nope")
	wantErr(t, "TagBySlug(unknown)", err, news.ErrNotFound)
}

func testAuthors(t *testing.T, s news.Store) {
	f := setup(t, s)
	collective := news.Author{Service: "kk", Slug: "correspondent", Name: "Our correspondent", Collective: true}
	must(t, s.PutAuthor(ctx, &collective))
	got, err := s.Author(ctx, f.author.ID)
	must(t, err)
	same(t, "Author", got, f.author)
	got, err = s.AuthorBySlug(ctx, "kk", "correspondent")
	must(t, err)
	same(t, "AuthorBySlug", got, collective)
	list, err := s.Authors(ctx, "kk")
	must(t, err)
	same(t, "Authors by name", list, []news.Author{f.author, f.author2, collective})

	wantErr(t, "taken slug", s.PutAuthor(ctx, &news.Author{Service: "kk", Slug: "bolat", Name: "Other Bolat"}), news.ErrConflict)
	must(t, s.PutAuthor(ctx, &news.Author{Service: "ru", Slug: "bolat", Name: "Болат"})) // slugs are per service
	wantErr(t, "bad slug", s.PutAuthor(ctx, &news.Author{Service: "kk", Slug: "-x", Name: "X"}), news.ErrInvalid)
	_, err = s.Author(ctx, news.NewID())
	wantErr(t, "Author(unknown)", err, news.ErrNotFound)
	_, err = s.AuthorBySlug(ctx, "ru", "aigerim")
	wantErr(t, "AuthorBySlug(other service)", err, news.ErrNotFound)
}

func testNotices(t *testing.T, s news.Store) {
	setup(t, s)
	warn := news.Notice{Service: "kk", Title: "Ескерту", Countries: []string{"KZ", "RU"}, Position: 2, Active: true,
		Body: news.Inline{{Text: "Бұл сайт "}, {Text: "бұғатталған", Marks: []news.Mark{{Type: news.MarkLink, Href: "/kk/mirrors"}}}}}
	all := news.Notice{Service: "kk", Title: "Барлығына", Body: news.Text("Мәтін"), Position: 1}
	must(t, s.PutNotice(ctx, &warn))
	must(t, s.PutNotice(ctx, &all))
	if !news.ValidID(warn.ID) || warn.ID == all.ID {
		t.Errorf("PutNotice assigned IDs %q and %q", warn.ID, all.ID)
	}
	got, err := s.Notices(ctx, "kk")
	must(t, err)
	same(t, "Notices", got, []news.Notice{all, warn})

	warn.Countries = []string{"TM"}
	warn.Active = false
	must(t, s.PutNotice(ctx, &warn))
	must(t, s.DeleteNotice(ctx, all.ID))
	got, err = s.Notices(ctx, "kk")
	must(t, err)
	same(t, "Notices after update and delete", got, []news.Notice{warn})
	got, err = s.Notices(ctx, "ru")
	must(t, err)
	same(t, "Notices of another service", got, []news.Notice(nil))

	wantErr(t, "delete twice", s.DeleteNotice(ctx, all.ID), news.ErrNotFound)
	wantErr(t, "lowercase country", s.PutNotice(ctx, &news.Notice{Service: "kk", Title: "x", Countries: []string{"kz"}}), news.ErrInvalid)
	wantErr(t, "unknown service", s.PutNotice(ctx, &news.Notice{Service: "xx", Title: "x"}), news.ErrInvalid)
}

func testBanner(t *testing.T, s news.Store) {
	setup(t, s)
	_, err := s.Banner(ctx, "kk")
	wantErr(t, "Banner never set", err, news.ErrNotFound)

	b := news.Banner{Service: "kk", Label: "Шұғыл", Text: "Алматыда жер сілкінді", Link: "/kk/news/x", Active: true, Updated: odd}
	must(t, s.SetBanner(ctx, b))
	got, err := s.Banner(ctx, "kk")
	must(t, err)
	b.Updated = news.Time(odd)
	same(t, "Banner", got, b)
	if got.Updated.Nanosecond() != 123456000 {
		t.Errorf("Banner.Updated = %v, want microseconds kept and nanoseconds dropped", got.Updated)
	}

	off := news.Banner{Service: "kk", Label: "Шұғыл", Text: "", Active: false, Updated: odd.Add(time.Hour)}
	must(t, s.SetBanner(ctx, off))
	got, err = s.Banner(ctx, "kk")
	must(t, err)
	off.Updated = news.Time(off.Updated)
	same(t, "Banner replaced", got, off)

	wantErr(t, "unknown service", s.SetBanner(ctx, news.Banner{Service: "xx", Text: "x"}), news.ErrInvalid)
	wantErr(t, "unsafe link", s.SetBanner(ctx, news.Banner{Service: "kk", Text: "x", Link: "javascript:alert(1)"}), news.ErrInvalid)
}

func testStaff(t *testing.T, s news.Store) {
	f := setup(t, s)
	st := news.Staff{Email: "reporter@example.org", Name: "Reporter", Created: odd}
	must(t, s.PutStaff(ctx, &st))
	if !news.ValidID(st.ID) {
		t.Errorf("PutStaff assigned ID %q", st.ID)
	}
	got, err := s.Staff(ctx, st.ID)
	must(t, err)
	same(t, "Staff", got, news.Staff{ID: st.ID, Email: st.Email, Name: st.Name, Created: news.Time(odd)})

	wantErr(t, "taken email", s.PutStaff(ctx, &news.Staff{Email: f.staff.Email, Name: "Other", Created: t0}), news.ErrConflict)
	_, err = s.Staff(ctx, news.NewID())
	wantErr(t, "Staff(unknown)", err, news.ErrNotFound)

	// The admin's language a person chose is kept with them.
	st.Lang = "kk"
	must(t, s.PutStaff(ctx, &st))
	got, err = s.Staff(ctx, st.ID)
	must(t, err)
	same(t, "Staff.Lang", got.Lang, "kk")
	wantErr(t, "PutStaff lang fa", s.PutStaff(ctx, &news.Staff{Email: "x@example.org", Name: "X", Lang: "fa", Created: t0}), news.ErrInvalid)
	if ss, ok := s.(news.StaffStore); ok {
		must(t, ss.SetStaffLang(ctx, st.ID, "ru"))
		acct, err := ss.StaffAccount(ctx, st.ID)
		must(t, err)
		same(t, "SetStaffLang ru", acct.Lang, "ru")
		accts, err := ss.StaffAccounts(ctx)
		must(t, err)
		for _, a := range accts {
			if a.ID == st.ID && a.Lang != "ru" {
				t.Errorf("StaffAccounts: lang %q, want ru", a.Lang)
			}
		}
		must(t, ss.SetStaffLang(ctx, st.ID, ""))
		acct, err = ss.StaffAccount(ctx, st.ID)
		must(t, err)
		same(t, "SetStaffLang follow the browser", acct.Lang, "")
		wantErr(t, "SetStaffLang fa", ss.SetStaffLang(ctx, st.ID, "fa"), news.ErrInvalid)
		wantErr(t, "SetStaffLang unknown", ss.SetStaffLang(ctx, news.NewID(), "kk"), news.ErrNotFound)
	}
}

func testAssets(t *testing.T, s news.Store) {
	f := setup(t, s)
	a := news.Asset{Hash: hash("new"), MIME: "image/png", Width: 640, Height: 480, Bytes: 4096, Created: odd}
	must(t, s.PutAsset(ctx, &a))
	if !news.ValidID(a.ID) {
		t.Errorf("PutAsset assigned ID %q", a.ID)
	}
	got, err := s.Asset(ctx, a.ID)
	must(t, err)
	a.Created = news.Time(odd)
	same(t, "Asset", got, a)

	// The same content again is the asset already stored.
	again := news.Asset{Hash: f.img.Hash, MIME: "image/png", Width: 1, Height: 1, Bytes: 1, Created: t0.Add(time.Hour)}
	wantErr(t, "PutAsset same hash", s.PutAsset(ctx, &again), nil)
	same(t, "PutAsset same hash", again, f.img)

	_, err = s.Asset(ctx, news.NewID())
	wantErr(t, "Asset(unknown)", err, news.ErrNotFound)
	wantErr(t, "bad hash", s.PutAsset(ctx, &news.Asset{Hash: "xyz", MIME: "image/png"}), news.ErrInvalid)
}
