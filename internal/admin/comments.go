package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// Readers' comments (news.CommentStore): the moderation queue of a service
// at /admin/comments?service=kk, for its editors and above (approve,
// reject, spam, ban, a story's comments on or off); the service's rules
// (on or off, pre- or post-moderation, the report threshold) and
// commenters' email addresses only for its chief and admins. Every
// decision is audit-logged.

// commentRoutes registers the comment pages when the store keeps comments.
func (a *Admin) commentRoutes() {
	if a.cfg.Comments == nil || a.cfg.Stories == nil {
		return
	}
	a.handle("GET /admin/comments", signedIn, a.commentsPage)
	a.handle("POST /admin/comments/settings", signedIn, a.commentSettings)
	a.handle("POST /admin/comments/story", signedIn, a.commentStory)
	a.handle("POST /admin/comments/{id}/state", signedIn, a.commentState)
	a.handle("POST /admin/comments/{id}/ban", signedIn, a.commentBan)
	a.handle("POST /admin/exports/commenters", signedIn, a.exportCommenters)
	if a.cfg.Newsletters != nil {
		a.handle("GET /admin/subscribers", signedIn, a.subscribersPage)
		a.handle("POST /admin/exports/subscribers", signedIn, a.exportSubscribers)
	}
}

// anyService reports whether actor may take act in some service.
func anyService(actor *auth.Actor, act news.Action) bool {
	for _, g := range actor.Grants {
		if actor.Allowed(act, g.Service) {
			return true
		}
	}
	return false
}

// servicesFor lists the services where actor may take act, and the one
// the request names (the first allowed by default). ErrForbidden when
// there is none, or the named one is not allowed.
func (a *Admin) servicesFor(ctx context.Context, actor *auth.Actor, act news.Action, want string) ([]news.Service, news.Service, error) {
	all, err := a.cfg.Stories.Services(ctx)
	if err != nil {
		return nil, news.Service{}, err
	}
	var allowed []news.Service
	var cur news.Service
	for _, s := range all {
		if actor.Allowed(act, s.Code) {
			allowed = append(allowed, s)
			if s.Code == want || (want == "" && cur.Code == "") {
				cur = s
			}
		}
	}
	if cur.Code == "" {
		return nil, cur, auth.ErrForbidden
	}
	return allowed, cur, nil
}

type queueRow struct {
	news.Comment
	Headline string
}

type commentsData struct {
	Services  []news.Service
	Service   news.Service
	Settings  news.CommentSettings
	Queue     []queueRow
	ShowEmail bool // the viewer is the service's chief or an admin
	States    []news.CommentState
}

func (a *Admin) commentsPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	svcs, svc, err := a.servicesFor(ctx, actor, news.ActModerate, r.URL.Query().Get("service"))
	if err != nil {
		return err
	}
	set, err := a.cfg.Comments.CommentSettings(ctx, svc.Code)
	if err != nil {
		return err
	}
	q, err := a.cfg.Comments.ModerationQueue(ctx, svc.Code, 200)
	if err != nil {
		return err
	}
	d := commentsData{Services: svcs, Service: svc, Settings: set, ShowEmail: actor.Allowed(news.ActExport, svc.Code),
		States: []news.CommentState{news.CommentApproved, news.CommentRejected, news.CommentSpam}}
	headlines := map[string]string{}
	for _, c := range q {
		h, ok := headlines[c.Story]
		if !ok {
			h = c.Story
			if p, err := a.cfg.Stories.PublishedStory(ctx, c.Story, a.auth.Now()); err == nil {
				h = p.Rev.Content.Headline.Plain()
			}
			headlines[c.Story] = h
		}
		if !d.ShowEmail {
			c.Email = ""
		}
		d.Queue = append(d.Queue, queueRow{Comment: c, Headline: h})
	}
	a.render(w, r, http.StatusOK, "comments", &page{Title: say(r, actor, "Comments"), Here: "comments", Actor: actor,
		Notice: r.URL.Query().Get("done"), Data: d})
	return nil
}

// commentOf finds a comment and checks actor may moderate its service.
func (a *Admin) commentOf(r *http.Request, actor *auth.Actor) (news.Comment, error) {
	c, err := a.cfg.Comments.Comment(r.Context(), r.PathValue("id"))
	if err != nil {
		return c, err
	}
	return c, a.auth.Authorize(actor, news.ActModerate, c.Service)
}

func backToQueue(w http.ResponseWriter, r *http.Request, service, done string) {
	redirect(w, r, "/admin/comments?"+url.Values{"service": {service}, "done": {done}}.Encode())
}

func (a *Admin) commentState(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	c, err := a.commentOf(r, actor)
	if err != nil {
		return err
	}
	st := news.CommentState(r.PostFormValue("state"))
	if !st.Valid() {
		return news.Invalidf("choose approve, reject or spam")
	}
	if _, err := a.cfg.Comments.SetCommentState(r.Context(), c.ID, st); err != nil {
		return err
	}
	a.auth.Audit(r.Context(), actor, "comment."+string(st), c.ID, c.Service, a.clientOf(r), "on story "+c.Story)
	done := say(r, actor, "Comment approved.")
	switch st {
	case news.CommentRejected:
		done = say(r, actor, "Comment rejected.")
	case news.CommentSpam:
		done = say(r, actor, "Comment marked spam.")
	case news.CommentPending:
		done = say(r, actor, "Comment sent back for review.")
	}
	backToQueue(w, r, c.Service, done)
	return nil
}

func (a *Admin) commentBan(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	c, err := a.commentOf(r, actor)
	if err != nil {
		return err
	}
	if _, err := a.cfg.Comments.BanCommenter(r.Context(), c.ID, a.auth.Now()); err != nil {
		return err
	}
	a.auth.Audit(r.Context(), actor, "comment.ban", c.ID, c.Service, a.clientOf(r), "on story "+c.Story)
	backToQueue(w, r, c.Service, say(r, actor, "Comment marked spam and its author banned."))
	return nil
}

// commentSettings sets a service's rules: its chief or an admin, with a
// fresh second factor.
func (a *Admin) commentSettings(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	svc := r.PostFormValue("service")
	if err := a.auth.Authorize(actor, news.ActExport, svc); err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("threshold")))
	if err != nil {
		return news.Invalidf("the report threshold is a number from 1 to 100")
	}
	s := news.CommentSettings{Service: svc, Enabled: r.PostFormValue("enabled") == "on",
		Moderation: news.Moderation(r.PostFormValue("moderation")), ReportThreshold: n}
	if err := a.cfg.Comments.SetCommentSettings(r.Context(), s); err != nil {
		return err
	}
	state := "off"
	if s.Enabled {
		state = "on"
	}
	a.auth.Audit(r.Context(), actor, "comments.settings", svc, svc, a.clientOf(r),
		"comments "+state+", "+string(s.Moderation)+"-moderation, "+strconv.Itoa(s.ReportThreshold)+" reports hide")
	backToQueue(w, r, svc, say(r, actor, "Comment rules saved."))
	return nil
}

// commentStory switches comments on or off on one story of the service.
func (a *Admin) commentStory(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	id := strings.TrimSpace(r.PostFormValue("story"))
	st, err := a.cfg.Stories.Story(ctx, id)
	if err != nil {
		return err
	}
	if err := a.auth.Authorize(actor, news.ActModerate, st.Service); err != nil {
		return err
	}
	open := r.PostFormValue("open") == "on"
	if err := a.cfg.Comments.SetStoryComments(ctx, st.ID, open); err != nil {
		return err
	}
	what := "closed"
	if open {
		what = "opened"
	}
	a.auth.Audit(ctx, actor, "comments.story", st.ID, st.Service, a.clientOf(r), "comments "+what)
	done := say(r, actor, "Comments closed on story %s.", st.ID)
	if open {
		done = say(r, actor, "Comments opened on story %s.", st.ID)
	}
	backToQueue(w, r, st.Service, done)
	return nil
}
