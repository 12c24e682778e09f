package admin

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// A service's own settings for its chief (and admins): sections, the promo
// text of the service box, and legal notices, each of which can target
// countries (shown to readers there, and to every reader whose country is
// unknown). Notices are sensitive (a fresh second factor): a wrong one can
// endanger readers. Every change is audit-logged and reaches readers
// within a second.

type serviceData struct {
	Services []news.Service
	Service  news.Service
	Sections []news.Section
	Notices  []noticeRow
	Promo    string
}

type noticeRow struct {
	news.Notice
	Text      string
	Countries string
}

func (a *Admin) serviceRoutes() {
	if a.cfg.Stories == nil {
		return
	}
	a.handle("GET /admin/service", signedIn, a.servicePage)
	a.handle("POST /admin/service/sections", signedIn, a.sectionPut)
	a.handle("POST /admin/service/promo", signedIn, a.promoPut)
	a.handle("POST /admin/service/notices", signedIn, a.noticePut)
	a.handle("POST /admin/service/notices/{id}/delete", signedIn, a.noticeDelete)
}

func (a *Admin) servicePage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	svcs, cur, err := a.servicesFor(r.Context(), actor, news.ActSections, r.URL.Query().Get("service"))
	if err != nil {
		return err
	}
	d := serviceData{Services: svcs, Service: cur, Promo: cur.Promo.Plain()}
	if d.Sections, err = a.cfg.Stories.Sections(r.Context(), cur.Code); err != nil {
		return err
	}
	ns, err := a.cfg.Stories.Notices(r.Context(), cur.Code)
	if err != nil {
		return err
	}
	for _, n := range ns {
		d.Notices = append(d.Notices, noticeRow{Notice: n, Text: n.Body.Plain(), Countries: strings.Join(n.Countries, " ")})
	}
	var notice string
	switch r.URL.Query().Get("done") {
	case "section":
		notice = say(r, actor, "Section saved.")
	case "promo":
		notice = say(r, actor, "The service box's text is saved.")
	case "notice":
		notice = say(r, actor, "Notice saved.")
	case "removed":
		notice = say(r, actor, "Notice removed.")
	}
	a.render(w, r, http.StatusOK, "service", &page{Title: say(r, actor, "Service: %s", cur.Name), Here: "service", Actor: actor, Notice: notice, Data: d})
	return nil
}

// ownService checks the form's service against what actor may do there.
func (a *Admin) ownService(r *http.Request, actor *auth.Actor, act news.Action) (news.Service, error) {
	code := r.PostFormValue("service")
	if err := a.auth.Authorize(actor, act, code); err != nil {
		return news.Service{}, err
	}
	_, cur, err := a.servicesFor(r.Context(), actor, act, code)
	return cur, err
}

func (a *Admin) sectionPut(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	svc, err := a.ownService(r, actor, news.ActSections)
	if err != nil {
		return err
	}
	sec := news.Section{Service: svc.Code}
	if id := r.PostFormValue("id"); id != "" {
		if sec, err = a.cfg.Stories.Section(r.Context(), id); err != nil {
			return err
		}
		if sec.Service != svc.Code {
			return auth.ErrForbidden
		}
	}
	if v := strings.TrimSpace(r.PostFormValue("name")); v != "" || sec.ID == "" {
		sec.Name = v
	}
	if v := strings.TrimSpace(r.PostFormValue("slug")); v != "" || sec.ID == "" {
		sec.Slug = strings.ToLower(v)
	}
	if v := r.PostFormValue("position"); v != "" {
		if sec.Position, err = strconv.Atoi(v); err != nil || sec.Position < 0 || sec.Position > 1000 {
			return news.Invalidf("position must be a number from 0 to 1000")
		}
	}
	if err := a.cfg.Stories.PutSection(r.Context(), &sec); err != nil {
		return err
	}
	a.auth.Audit(r.Context(), actor, "section.put", sec.ID, svc.Code, a.clientOf(r), sec.Slug+": "+sec.Name)
	redirect(w, r, "/admin/service?service="+svc.Code+"&done=section")
	return nil
}

func (a *Admin) promoPut(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	svc, err := a.ownService(r, actor, news.ActSections)
	if err != nil {
		return err
	}
	text := strings.Join(strings.Fields(r.PostFormValue("promo")), " ")
	if len(text) > 1000 {
		return news.Invalidf("the promo text may have 1000 characters")
	}
	svc.Promo = nil
	if text != "" {
		svc.Promo = news.Text(text)
	}
	if err := a.cfg.Stories.PutService(r.Context(), svc); err != nil {
		return err
	}
	a.auth.Audit(r.Context(), actor, "promo.put", "", svc.Code, a.clientOf(r), text)
	redirect(w, r, "/admin/service?service="+svc.Code+"&done=promo")
	return nil
}

// parseCountries reads "RU by, KZ" as [BY KZ RU]; the store checks codes.
func parseCountries(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

func (a *Admin) noticePut(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	svc, err := a.ownService(r, actor, news.ActNotices)
	if err != nil {
		return err
	}
	n := news.Notice{Service: svc.Code}
	if id := r.PostFormValue("id"); id != "" {
		ns, err := a.cfg.Stories.Notices(r.Context(), svc.Code)
		if err != nil {
			return err
		}
		found := false
		for _, x := range ns {
			if x.ID == id {
				n, found = x, true
			}
		}
		if !found {
			return news.ErrNotFound // also another service's notice
		}
	}
	if r.PostFormValue("fields") == "set" {
		n.Title = strings.TrimSpace(r.PostFormValue("title"))
		n.Body = nil
		if text := strings.Join(strings.Fields(r.PostFormValue("body")), " "); text != "" {
			n.Body = news.Text(text)
		}
		n.Countries = parseCountries(r.PostFormValue("countries"))
		n.Active = r.PostFormValue("active") == "on"
		if v := r.PostFormValue("position"); v != "" {
			if n.Position, err = strconv.Atoi(v); err != nil || n.Position < 0 || n.Position > 1000 {
				return news.Invalidf("position must be a number from 0 to 1000")
			}
		}
		if len(n.Title) > 200 || len(n.Body.Plain()) > 2000 {
			return news.Invalidf("a notice may have a 200-character title and 2000 characters of text")
		}
	}
	if v := r.PostFormValue("active-to"); v != "" {
		n.Active = v == "on"
	}
	if err := a.cfg.Stories.PutNotice(r.Context(), &n); err != nil {
		return err
	}
	a.auth.Audit(r.Context(), actor, "notice.put", n.ID, svc.Code, a.clientOf(r), n.Title+" ["+strings.Join(n.Countries, " ")+"]")
	redirect(w, r, "/admin/service?service="+svc.Code+"&done=notice")
	return nil
}

func (a *Admin) noticeDelete(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	svc, err := a.ownService(r, actor, news.ActNotices)
	if err != nil {
		return err
	}
	ns, err := a.cfg.Stories.Notices(r.Context(), svc.Code)
	if err != nil {
		return err
	}
	for _, n := range ns {
		if n.ID == r.PathValue("id") {
			if err := a.cfg.Stories.DeleteNotice(r.Context(), n.ID); err != nil {
				return err
			}
			a.auth.Audit(r.Context(), actor, "notice.remove", n.ID, svc.Code, a.clientOf(r), n.Title)
			redirect(w, r, "/admin/service?service="+svc.Code+"&done=removed")
			return nil
		}
	}
	return news.ErrNotFound
}
