package admin

import (
	"net/http"
	"net/url"
	"slices"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// Home-page curation: a service's editors choose the lead story and an
// ordered list of top stories; the latest stories fill the rest of the
// home page. Every change is one button (pin, unpin, make lead, move up,
// move down), so it works by keyboard with no script and no dragging.

type curationData struct {
	Services []news.Service
	Service  news.Service
	Curated  []news.Summary // lead first
	Latest   []news.Summary // public, not curated
}

func (a *Admin) curationServices(r *http.Request, actor *auth.Actor) ([]news.Service, error) {
	all, err := a.storyServices(r.Context(), actor)
	if err != nil {
		return nil, err
	}
	var out []news.Service
	for _, s := range all {
		if actor.Allowed(news.ActReview, s.Code) {
			out = append(out, s)
		}
	}
	return out, nil
}

func (a *Admin) curationPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	svcs, err := a.curationServices(r, actor)
	if err != nil {
		return err
	}
	if len(svcs) == 0 {
		return auth.ErrForbidden
	}
	d := curationData{Services: svcs, Service: svcs[0]}
	if code := r.URL.Query().Get("service"); code != "" {
		i := slices.IndexFunc(svcs, func(s news.Service) bool { return s.Code == code })
		if i < 0 {
			return auth.ErrForbidden
		}
		d.Service = svcs[i]
	}
	now := a.auth.Now()
	if d.Curated, err = a.cfg.Stories.Curated(ctx, d.Service.Code, now); err != nil {
		return err
	}
	latest, err := a.cfg.Stories.ListPublished(ctx, news.ListQuery{Service: d.Service.Code, Limit: 40}, now)
	if err != nil {
		return err
	}
	for _, s := range latest.Items {
		if !slices.ContainsFunc(d.Curated, func(c news.Summary) bool { return c.ID == s.ID }) {
			d.Latest = append(d.Latest, s)
		}
	}
	a.render(w, r, http.StatusOK, "curation", &page{Title: say(r, actor, "Home page: %s", d.Service.Name), Here: "curation", Actor: actor,
		Notice: r.URL.Query().Get("done"), Data: d})
	return nil
}

func (a *Admin) curationPost(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	code := r.PostFormValue("service")
	if err := a.auth.Authorize(actor, news.ActReview, code); err != nil {
		return err
	}
	now := a.auth.Now()
	cur, err := a.cfg.Stories.Curated(ctx, code, now)
	if err != nil {
		return err
	}
	ids := make([]string, len(cur))
	for i, s := range cur {
		ids[i] = s.ID
	}
	id := r.PostFormValue("story")
	i := slices.Index(ids, id)
	op := r.PostFormValue("op")
	var done string
	switch {
	case op == "pin" && i < 0:
		st, err := a.cfg.Stories.Story(ctx, id)
		if err != nil || st.Service != code || !st.PublicAt(now) {
			return news.Invalidf("only a published story of this service can be pinned")
		}
		ids, done = append(ids, id), say(r, actor, "Pinned.")
	case op == "lead" && i < 0:
		st, err := a.cfg.Stories.Story(ctx, id)
		if err != nil || st.Service != code || !st.PublicAt(now) {
			return news.Invalidf("only a published story of this service can lead")
		}
		ids, done = append([]string{id}, ids...), say(r, actor, "Made the lead story.")
	case i < 0:
		return news.Invalidf("that story is not on the home page's list")
	case op == "unpin":
		ids, done = slices.Delete(ids, i, i+1), say(r, actor, "Unpinned.")
	case op == "lead":
		ids = append([]string{id}, slices.Delete(ids, i, i+1)...)
		done = say(r, actor, "Made the lead story.")
	case op == "up" && i > 0:
		ids[i-1], ids[i] = ids[i], ids[i-1]
		done = say(r, actor, "Moved up.")
	case op == "down" && i < len(ids)-1:
		ids[i+1], ids[i] = ids[i], ids[i+1]
		done = say(r, actor, "Moved down.")
	case op == "up" || op == "down":
		done = say(r, actor, "Already at the end.")
	default:
		return news.Invalidf("unknown change %q", op)
	}
	if err := a.cfg.Stories.SetCuration(ctx, code, ids); err != nil {
		return err
	}
	a.auth.Audit(ctx, actor, "curation."+op, id, code, a.clientOf(r), "")
	redirect(w, r, "/admin/curation?service="+url.QueryEscape(code)+"&done="+url.QueryEscape(done)+"#"+"s-"+id)
	return nil
}
