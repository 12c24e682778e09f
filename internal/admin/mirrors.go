package admin

import (
	"net/http"
	"strconv"
	"strings"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// The mirror list (news.MirrorStore): admins add, change, disable and
// remove the addresses readers reach the site on. A change reaches every
// serving process within a second (the content version moves), with no
// restart; each is audit-logged. Editing mirrors is a sensitive action:
// it needs a second factor confirmed in the last minutes, since a planted
// mirror would send readers to an impostor.

type mirrorsData struct {
	Mirrors []news.Mirror
	Kinds   []news.MirrorKind
}

func (a *Admin) mirrorsPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if !actor.Allowed(news.ActServices, "") {
		return auth.ErrForbidden
	}
	ms, err := a.cfg.Mirrors.Mirrors(r.Context())
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "mirrors", &page{Title: say(r, actor, "Mirrors"), Here: "mirrors", Actor: actor, Notice: mirrorNotice(r, actor),
		Data: mirrorsData{Mirrors: ms, Kinds: []news.MirrorKind{news.MirrorPlain, news.MirrorOnion, news.MirrorLite}}})
	return nil
}

// mirrorPut adds a mirror (no id) or changes one (id given).
func (a *Admin) mirrorPut(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if err := a.auth.Authorize(actor, news.ActServices, ""); err != nil {
		return err
	}
	ctx := r.Context()
	m := news.Mirror{}
	id := r.PostFormValue("id")
	if id != "" {
		ms, err := a.cfg.Mirrors.Mirrors(ctx)
		if err != nil {
			return err
		}
		found := false
		for _, x := range ms {
			if x.ID == id {
				m, found = x, true
			}
		}
		if !found {
			return news.ErrNotFound
		}
	}
	if v := r.PostFormValue("origin"); v != "" || id == "" {
		m.Origin = v
	}
	if v := r.PostFormValue("kind"); v != "" || id == "" {
		m.Kind = news.MirrorKind(v)
	}
	if r.PostForm.Has("note") {
		m.Note = strings.TrimSpace(r.PostFormValue("note"))
	}
	if v := r.PostFormValue("position"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			return news.Invalidf("position must be a number from 0 to 1000")
		}
		m.Position = n
	}
	// Checkboxes: a form that shows them sends "set" so an unticked box
	// means false; a form without them (one-button toggles) leaves them.
	if r.PostFormValue("flags") == "set" {
		m.Listed = r.PostFormValue("listed") == "on"
		m.Active = r.PostFormValue("active") == "on"
	}
	if v := r.PostFormValue("active-to"); v != "" {
		m.Active = v == "on"
	}
	m.Updated = a.auth.Now()
	if err := a.cfg.Mirrors.PutMirror(ctx, &m); err != nil {
		return err
	}
	action := "mirror.change"
	if id == "" {
		action = "mirror.add"
	}
	a.auth.Audit(ctx, actor, action, m.ID, "", a.clientOf(r), mirrorDetail(m))
	redirect(w, r, "/admin/mirrors?done="+strings.ReplaceAll(action, "mirror.", ""))
	return nil
}

func (a *Admin) mirrorDelete(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if err := a.auth.Authorize(actor, news.ActServices, ""); err != nil {
		return err
	}
	ctx := r.Context()
	ms, err := a.cfg.Mirrors.Mirrors(ctx)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.ID == r.PathValue("id") {
			if err := a.cfg.Mirrors.DeleteMirror(ctx, m.ID); err != nil {
				return err
			}
			a.auth.Audit(ctx, actor, "mirror.remove", m.ID, "", a.clientOf(r), mirrorDetail(m))
			redirect(w, r, "/admin/mirrors?done=remove")
			return nil
		}
	}
	return news.ErrNotFound
}

func mirrorDetail(m news.Mirror) string {
	state := "disabled"
	if m.Active {
		state = "served"
		if m.Listed {
			state += ", listed"
		} else {
			state += ", unlisted"
		}
	}
	return m.Origin + " (" + string(m.Kind) + ", " + state + ")"
}

// mirrorNotice says what the last change did, from its ?done= word.
func mirrorNotice(r *http.Request, actor *auth.Actor) string {
	switch r.URL.Query().Get("done") {
	case "add":
		return say(r, actor, "Mirror added.")
	case "change":
		return say(r, actor, "Mirror changed.")
	case "remove":
		return say(r, actor, "Mirror removed.")
	}
	return ""
}
