package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// The breaking-news banner: a service's editors and chiefs (and admins)
// set, edit and clear it. Each change bumps the content version, so every
// cached page of the service is rebuilt and open pages get it over the live
// stream (internal/live) within a second. Setting it is sensitive: it needs
// a second factor confirmed in the last minutes.

type bannerData struct {
	Services []news.Service
	Service  news.Service
	Banner   news.Banner
}

func (a *Admin) bannerRoutes() {
	if a.cfg.Stories == nil {
		return
	}
	a.handle("GET /admin/banner", signedIn, a.bannerPage)
	a.handle("POST /admin/banner", signedIn, a.bannerPost)
}

func (a *Admin) bannerPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	svcs, cur, err := a.servicesFor(r.Context(), actor, news.ActBanner, r.URL.Query().Get("service"))
	if err != nil {
		return err
	}
	b, err := a.cfg.Stories.Banner(r.Context(), cur.Code)
	if err != nil && !errors.Is(err, news.ErrNotFound) {
		return err
	}
	var notice string
	switch r.URL.Query().Get("done") {
	case "set":
		notice = say(r, actor, "The banner is showing.")
	case "clear":
		notice = say(r, actor, "The banner is down.")
	}
	a.render(w, r, http.StatusOK, "banner", &page{Title: say(r, actor, "Breaking-news banner"), Here: "banner", Actor: actor, Notice: notice,
		Data: bannerData{Services: svcs, Service: cur, Banner: b}})
	return nil
}

func (a *Admin) bannerPost(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	svc := r.PostFormValue("service")
	b := news.Banner{Service: svc}
	if r.PostFormValue("op") != "clear" {
		b.Label = strings.TrimSpace(r.PostFormValue("label"))
		b.Text = strings.TrimSpace(r.PostFormValue("text"))
		b.Link = strings.TrimSpace(r.PostFormValue("link"))
		b.Active = true
	}
	action, err := a.putBanner(r.Context(), actor, b, a.clientOf(r))
	if err != nil {
		return err
	}
	redirect(w, r, "/admin/banner?service="+svc+"&done="+strings.TrimPrefix(action, "banner."))
	return nil
}

// putBanner sets b (Active) or clears the service's banner, keeping its
// text for the next time, and audits it as banner.set or banner.clear,
// which it returns. Shared with the API (api.go).
func (a *Admin) putBanner(ctx context.Context, actor *auth.Actor, b news.Banner, c auth.Client) (string, error) {
	svc := b.Service
	if err := a.auth.Authorize(actor, news.ActBanner, svc); err != nil {
		return "", err
	}
	if _, _, err := a.servicesFor(ctx, actor, news.ActBanner, svc); err != nil {
		return "", err // an unknown service
	}
	b.Updated = a.auth.Now()
	action := "banner.clear"
	if b.Active {
		action = "banner.set"
		if len(b.Label) > 60 || len(b.Text) > 300 {
			return "", news.Invalidf("the label may have 60 characters and the text 300")
		}
	} else if old, err := a.cfg.Stories.Banner(ctx, svc); err == nil {
		b.Label, b.Text, b.Link = old.Label, old.Text, old.Link // kept for the next time
	} else {
		b.Label, b.Text, b.Link = "", "", ""
	}
	if err := a.cfg.Stories.SetBanner(ctx, b); err != nil {
		return "", err
	}
	a.auth.Audit(ctx, actor, action, "", svc, c, b.Text)
	return action, nil
}
