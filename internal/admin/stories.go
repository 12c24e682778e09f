package admin

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"qalam/internal/auth"
	"qalam/internal/editor"
	"qalam/internal/news"
)

// Stories: the newsroom's lists and the story editor. A story's editorial
// status (draft → review → approved) is apart from its publication state
// (none, scheduled, published, unpublished), so a published story can carry
// a newer revision under review while readers keep the live one. Every save
// is a revision; a save from a revision that is no longer the newest is
// refused and names who saved first. Who may do what is decided here and
// in news.Allowed / auth.Authorize, never by the page:
//
//   - a contributor writes and edits their own drafts;
//   - a reporter also submits them for review;
//   - an editor edits any story of their services, approves or sends back,
//     publishes, schedules, unpublishes (with a fresh second factor) and
//     adds corrections; chiefs and admins may do all of that too.

// LockIdle is how long an open story stays locked to its editor without
// a sign of life (opening it, saving).
const LockIdle = 5 * time.Minute

// storyError is a refusal with a message for the person, answered with
// status.
type storyError struct {
	status int
	msg    string // in English
	format string // msg's English format; text translates it
	args   []any
}

func (e *storyError) Error() string { return e.msg }

// text is the message in lang.
func (e *storyError) text(lang string) string { return tr(lang, e.format, e.args...) }

// refuse is a storyError: format is English text registered with addText.
func refuse(status int, format string, args ...any) error {
	return &storyError{status: status, msg: fmt.Sprintf(format, args...), format: format, args: args}
}

// storyRoutes registers the story pages when the admin has a story store.
func (a *Admin) storyRoutes() {
	if a.cfg.Stories == nil || a.cfg.Workflow == nil {
		return
	}
	h := func(pattern string, fn handlerFunc) { a.handle(pattern, signedIn, a.storyFail(fn)) }
	h("GET /admin/stories", a.storiesPage)
	h("GET /admin/stories/new", a.newStoryPage)
	h("POST /admin/stories/new", a.newStoryPost)
	h("GET /admin/stories/{id}", a.storyPage)
	h("POST /admin/stories/{id}", a.storyUpdate)
	// Autosave checks its own session and CSRF token, so a signed-out
	// editor gets an error the editor can show instead of a redirect to
	// the sign-in page (which a script would take for success).
	a.handle("POST /admin/stories/{id}/save", public, a.storySave)
	h("POST /admin/stories/{id}/takeover", a.storyTakeover)
	h("POST /admin/stories/{id}/release", a.storyRelease)
	// The open editor's heartbeat, like autosave checking its own session
	// and CSRF token so it can answer in JSON.
	a.handle("POST /admin/stories/{id}/lock", public, a.storyLockBeat)
	h("POST /admin/stories/{id}/submit", a.storyStatus(news.StatusReview))
	h("POST /admin/stories/{id}/approve", a.storyStatus(news.StatusApproved))
	h("POST /admin/stories/{id}/sendback", a.storyStatus(news.StatusDraft))
	h("POST /admin/stories/{id}/publish", a.storyPublish)
	h("POST /admin/stories/{id}/schedule", a.storySchedule)
	h("GET /admin/stories/{id}/unpublish", a.unpublishPage)
	h("POST /admin/stories/{id}/unpublish", a.storyUnpublish)
	h("POST /admin/stories/{id}/correct", a.storyCorrect)
	h("GET /admin/stories/{id}/revisions", a.revisionsPage)
	h("POST /admin/stories/{id}/restore", a.storyRestore)
	h("POST /admin/stories/{id}/translate", a.storyTranslate)
	h("GET /admin/stories/{id}/preview", a.previewPage)
	h("GET /admin/stories/{id}/phone", a.phonePage)
	h("GET /admin/stories/{id}/media/{asset}/{file}", a.previewMedia)
	h("POST /admin/stories/{id}/links", a.previewLinkCreate)
	h("POST /admin/stories/{id}/links/{link}/revoke", a.previewLinkRevoke)
	h("GET /admin/curation", a.curationPage)
	h("POST /admin/curation", a.curationPost)
}

// storyFail answers a storyError or a conflict with its own message and
// leaves the rest to fail.
func (a *Admin) storyFail(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
		err := fn(w, r, actor)
		var se *storyError
		switch {
		case errors.As(err, &se):
			a.render(w, r, se.status, "error", &page{Title: say(r, actor, "Cannot do that"), Actor: actor, Data: se.text(langOf(r, actor))})
			return nil
		case errors.Is(err, news.ErrConflict):
			a.render(w, r, http.StatusConflict, "error", &page{Title: say(r, actor, "Cannot do that"), Actor: actor,
				Data: say(r, actor, "Someone else changed this story at the same time. Reload it and try again.")})
			return nil
		}
		return err
	}
}

// storyServices are the services whose stories the actor works on: all
// for admins, else those of their grants.
func (a *Admin) storyServices(ctx context.Context, actor *auth.Actor) ([]news.Service, error) {
	all, err := a.cfg.Stories.Services(ctx)
	if err != nil {
		return nil, err
	}
	var out []news.Service
	for _, s := range all {
		if actor.Allowed(news.ActWrite, s.Code) {
			out = append(out, s)
		}
	}
	return out, nil
}

// storyCtx is a story as one request sees it, with what the actor may do.
type storyCtx struct {
	Story   news.Story
	Service news.Service
	Owner   string
	Head    news.Revision
	// View: may open it. Edit: may save it. The rest: the buttons.
	View, Edit, Submit, Review, Publish, Correct bool
}

// loadStory loads a story and decides what the actor may do with it; a
// story the actor may not even see is ErrForbidden (or ErrNotFound when
// it does not exist).
func (a *Admin) loadStory(ctx context.Context, actor *auth.Actor, id string) (*storyCtx, error) {
	if !news.ValidID(id) {
		return nil, news.ErrNotFound
	}
	st, err := a.cfg.Stories.Story(ctx, id)
	if err != nil {
		return nil, err
	}
	owner, err := a.cfg.Workflow.StoryOwner(ctx, id)
	if err != nil {
		return nil, err
	}
	svc, err := a.cfg.Stories.Service(ctx, st.Service)
	if err != nil {
		return nil, err
	}
	sc := &storyCtx{Story: st, Service: svc, Owner: owner}
	review := actor.Allowed(news.ActReview, st.Service)
	own := owner == actor.ID && actor.Allowed(news.ActWrite, st.Service)
	sc.View = review || own
	sc.Edit = review || own && st.Status == news.StatusDraft
	sc.Submit = st.Status == news.StatusDraft && (review || own && actor.Allowed(news.ActFile, st.Service))
	sc.Review = review
	sc.Publish = actor.Allowed(news.ActPublish, st.Service)
	sc.Correct = actor.Allowed(news.ActCorrect, st.Service)
	if !sc.View {
		return nil, auth.ErrForbidden
	}
	if sc.Head, err = a.cfg.Stories.Revision(ctx, st.HeadRev); err != nil {
		return nil, err
	}
	return sc, nil
}

// staffName names a staff member for the newsroom (never for readers).
func (a *Admin) staffName(ctx context.Context, id string) string {
	if id == "" {
		return tr(ctxLang(ctx), "nobody")
	}
	s, err := a.cfg.Stories.Staff(ctx, id)
	if err != nil {
		return tr(ctxLang(ctx), "someone (%s)", id)
	}
	return s.Name
}

type storiesData struct {
	Services         []news.Service
	Service, Q       string
	Status, Pub      string
	Rows             []storyRowView
	Statuses         []news.EditStatus
	Pubs             []news.PubState
	CanCreate        bool
	CurationServices []news.Service
}

type storyRowView struct {
	news.StoryRow
	Title    string
	EditedBy string
	Pending  bool   // published with a newer revision than the live one
	OpenBy   string // someone else who has it open now
}

func (a *Admin) storiesPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	q := r.URL.Query()
	svcs, err := a.storyServices(ctx, actor)
	if err != nil {
		return err
	}
	d := storiesData{Services: svcs, Service: q.Get("service"), Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Pub: q.Get("pub"),
		Statuses:  []news.EditStatus{news.StatusDraft, news.StatusReview, news.StatusApproved},
		Pubs:      []news.PubState{news.PubNone, news.PubScheduled, news.PubPublished, news.PubUnpublished},
		CanCreate: len(svcs) > 0}
	// Editors see every story of their services; writers only their own.
	var all, own []string
	for _, s := range svcs {
		if d.Service != "" && s.Code != d.Service {
			continue
		}
		if actor.Allowed(news.ActReview, s.Code) {
			all = append(all, s.Code)
			d.CurationServices = append(d.CurationServices, s)
		} else {
			own = append(own, s.Code)
		}
	}
	if d.Service != "" && len(all)+len(own) == 0 {
		return auth.ErrForbidden
	}
	f := news.StoryFilter{Status: news.EditStatus(d.Status), Pub: news.PubState(d.Pub), Text: d.Q, Limit: 200}
	var rows []news.StoryRow
	for _, part := range []struct {
		svcs []string
		by   string
	}{{all, ""}, {own, actor.ID}} {
		if len(part.svcs) == 0 {
			continue
		}
		f.Services, f.CreatedBy = part.svcs, part.by
		got, err := a.cfg.Workflow.StoryList(ctx, f)
		if err != nil {
			return err
		}
		rows = append(rows, got...)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Modified.After(rows[j].Modified) })
	now := a.auth.Now()
	names := map[string]string{}
	for _, row := range rows {
		if _, ok := names[row.EditedBy]; !ok {
			names[row.EditedBy] = a.staffName(ctx, row.EditedBy)
		}
		v := storyRowView{StoryRow: row, Title: row.Headline.Plain(), EditedBy: names[row.EditedBy],
			Pending: row.Pub == news.PubPublished && row.LiveRev != row.HeadRev}
		if l := (news.EditLock{Holder: row.OpenBy, Seen: row.Seen}); row.OpenBy != actor.ID && l.Held(now, LockIdle) {
			v.OpenBy = a.staffName(ctx, row.OpenBy)
		}
		d.Rows = append(d.Rows, v)
	}
	a.render(w, r, http.StatusOK, "stories", &page{Title: say(r, actor, "Stories"), Here: "stories", Actor: actor, Notice: q.Get("done"), Data: d})
	return nil
}

type newStoryData struct {
	Services []serviceSections
	Service  string
}

type serviceSections struct {
	news.Service
	Sections []news.Section
}

func (a *Admin) newStoryPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	svcs, err := a.storyServices(r.Context(), actor)
	if err != nil {
		return err
	}
	if len(svcs) == 0 {
		return auth.ErrForbidden
	}
	d := newStoryData{Service: r.URL.Query().Get("service")}
	for _, s := range svcs {
		secs, err := a.cfg.Stories.Sections(r.Context(), s.Code)
		if err != nil {
			return err
		}
		d.Services = append(d.Services, serviceSections{s, secs})
	}
	a.render(w, r, http.StatusOK, "story-new", &page{Title: say(r, actor, "New story"), Here: "stories", Actor: actor, Data: d})
	return nil
}

func (a *Admin) newStoryPost(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	sec, err := a.cfg.Stories.Section(ctx, r.PostFormValue("section"))
	if errors.Is(err, news.ErrNotFound) {
		return news.Invalidf("choose a section")
	}
	if err != nil {
		return err
	}
	if err := a.auth.Authorize(actor, news.ActWrite, sec.Service); err != nil {
		return err
	}
	headline := strings.TrimSpace(r.PostFormValue("headline"))
	slug := strings.TrimSpace(r.PostFormValue("slug"))
	if slug == "" {
		slug = Slugify(headline)
	}
	st, err := a.cfg.Stories.CreateStory(ctx, news.NewStory{Service: sec.Service, SectionID: sec.ID, Slug: slug,
		Content: news.Content{Headline: news.Text(headline), Deck: news.Text(strings.TrimSpace(r.PostFormValue("deck"))),
			Body: news.Doc{Version: news.DocVersion}},
		CreatedBy: actor.ID, Created: a.auth.Now()})
	if err != nil {
		return err
	}
	a.auth.Audit(ctx, actor, "story.create", st.ID, st.Service, a.clientOf(r), headline)
	redirect(w, r, "/admin/stories/"+st.ID)
	return nil
}

// Slugify makes a URL slug from a headline: lowercase letters and digits
// of any script, single hyphens, at most 80 bytes.
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		ok := news.ValidSlug(string(c))
		if !ok {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		if b.Len()+len(string(c)) > 80 {
			break
		}
		b.WriteRune(c)
	}
	if b.Len() == 0 {
		return "story"
	}
	return strings.Trim(b.String(), "-")
}

// storyData is the editor page.
type storyData struct {
	*storyCtx
	C           news.Content
	Headline    string
	Deck        string
	Caption     string
	BodyJSON    string
	AssetsJSON  string   // the images the body editor offers
	Unsaved     []string // a refused save's text, line by line, to copy from
	Sections    []news.Section
	Tags        []choice
	Authors     []choice
	Section     news.Section
	LockedBy    string // another's name when they hold the lock
	LockedAt    time.Time
	Displaced   string // set when the actor took it over from someone
	Pending     bool
	Live        bool
	PublicPath  string // the story's address on the reader site
	Links       []linkView
	NewLink     string // a preview link just made (shown once)
	Translate   []news.Service
	Recall      *recallList
	Corrections []news.Correction
	ScheduleAt  string
	TZ          string
}

type choice struct {
	ID, Name string
	On       bool
}

func (a *Admin) storyPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	return a.showStory(w, r, actor, http.StatusOK, "", r.URL.Query().Get("done"))
}

func (a *Admin) showStory(w http.ResponseWriter, r *http.Request, actor *auth.Actor, status int, errMsg, notice string) error {
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := a.storyView(ctx, actor, sc, r.Method == http.MethodGet)
	if err != nil {
		return err
	}
	a.render(w, r, status, "story", &page{Title: say(r, actor, "Edit: %s", d.Headline), Here: "stories", Actor: actor, Error: errMsg, Notice: notice, Data: d})
	return nil
}

// storyView gathers the editor page; opening it takes the lock when free.
func (a *Admin) storyView(ctx context.Context, actor *auth.Actor, sc *storyCtx, open bool) (*storyData, error) {
	now := a.auth.Now()
	d := &storyData{storyCtx: sc, C: sc.Head.Content, Headline: sc.Head.Content.Headline.Plain(), Deck: sc.Head.Content.Deck.Plain(),
		TZ: sc.Service.TimeZone}
	if c := sc.Head.Content.Lead; c != nil {
		d.Caption = c.Caption.Plain()
	}
	raw, err := editor.ToEditor(sc.Head.Content.Body)
	if err != nil {
		return nil, err
	}
	d.BodyJSON = string(raw)
	// The images the editor may place in the text: those the story already
	// uses, then the service's media library (newest first), with their
	// default alt, caption and credit.
	picks := []MediaPick{}
	c := sc.Head.Content
	has := func(id string) bool { return slices.ContainsFunc(picks, func(p MediaPick) bool { return p.ID == id }) }
	if c.Lead != nil {
		picks = append(picks, MediaPick{ID: c.Lead.AssetID, Label: tr(ctxLang(ctx), "Lead image"), Alt: c.Lead.Alt})
	}
	for _, b := range c.Body.Blocks {
		if f := b.Figure; f != nil && !has(f.AssetID) {
			picks = append(picks, MediaPick{ID: f.AssetID, Label: tr(ctxLang(ctx), "Image %s", f.AssetID), Alt: f.Alt})
		}
	}
	if lib, err := a.MediaPicks(ctx, actor, sc.Story.Service, ""); err == nil {
		for _, p := range lib {
			if !has(p.ID) {
				picks = append(picks, p)
			}
		}
	} else if !errors.Is(err, auth.ErrForbidden) {
		return nil, err
	}
	d.AssetsJSON = jsAttr(picks)
	if d.Sections, err = a.cfg.Stories.Sections(ctx, sc.Story.Service); err != nil {
		return nil, err
	}
	for _, s := range d.Sections {
		if s.ID == sc.Story.SectionID {
			d.Section = s
		}
	}
	tags, err := a.cfg.Stories.Tags(ctx, sc.Story.Service)
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		d.Tags = append(d.Tags, choice{t.ID, t.Name, slices.Contains(sc.Story.TagIDs, t.ID)})
	}
	authors, err := a.cfg.Stories.Authors(ctx, sc.Story.Service)
	if err != nil {
		return nil, err
	}
	for _, au := range authors {
		d.Authors = append(d.Authors, choice{au.ID, au.Name, slices.Contains(sc.Head.Content.AuthorIDs, au.ID)})
	}
	// The lock: opening the page takes it when free; a lock another holds
	// makes the page read-only with a takeover button.
	if sc.Edit {
		var l news.EditLock
		if open {
			l, err = a.cfg.Workflow.AcquireLock(ctx, sc.Story.ID, actor.ID, now, LockIdle, false)
		} else {
			l, err = a.cfg.Workflow.Lock(ctx, sc.Story.ID)
			if errors.Is(err, news.ErrNotFound) {
				err = nil
			}
		}
		switch {
		case errors.Is(err, news.ErrConflict):
			d.LockedBy, d.LockedAt, err = a.staffName(ctx, l.Holder), l.Since, nil
		case err == nil && l.Holder != "" && l.Holder != actor.ID && l.Held(now, LockIdle):
			d.LockedBy, d.LockedAt = a.staffName(ctx, l.Holder), l.Since
		case err == nil && l.Holder == actor.ID && l.Displaced != "":
			d.Displaced = a.staffName(ctx, l.Displaced)
		}
		if err != nil {
			return nil, err
		}
	}
	st := sc.Story
	d.Live = st.PublicAt(now)
	d.Pending = (st.Pub == news.PubPublished || st.Pub == news.PubScheduled) && st.LiveRev != st.HeadRev
	if st.Pub == news.PubScheduled {
		d.ScheduleAt = st.PublishAt.In(sc.Service.Location()).Format("2006-01-02T15:04")
	}
	if d.Live {
		p, err := a.cfg.Stories.PublishedStory(ctx, st.ID, now)
		if err != nil {
			return nil, err
		}
		d.Corrections = p.Corrections
		d.PublicPath = strings.TrimSuffix(a.cfg.ReaderOrigin, "/") + storyPublicPath(p)
	}
	if d.Links, err = a.linkViews(ctx, st.ID, now); err != nil {
		return nil, err
	}
	all, err := a.storyServices(ctx, actor)
	if err != nil {
		return nil, err
	}
	for _, s := range all {
		if s.Code != st.Service {
			d.Translate = append(d.Translate, s)
		}
	}
	return d, nil
}

// storyPublicPath is where readers find a story on the site.
func storyPublicPath(p news.Published) string {
	return "/" + p.Story.Service + "/" + p.Section.Slug + "/" + p.Story.Slug + "-" + p.Story.ID
}

// contentFromForm reads the plain fields beside the body editor over base.
func contentFromForm(r *http.Request, base news.Content) (news.Content, error) {
	c := base
	c.Headline = news.Text(strings.TrimSpace(r.PostFormValue("headline")))
	c.Deck = news.Text(strings.TrimSpace(r.PostFormValue("deck")))
	c.Dateline = strings.TrimSpace(r.PostFormValue("dateline"))
	c.AuthorIDs = r.PostForm["authors"]
	if asset := strings.TrimSpace(r.PostFormValue("lead_asset")); asset != "" {
		c.Lead = &news.Figure{AssetID: asset, Alt: strings.TrimSpace(r.PostFormValue("lead_alt")),
			Caption: news.Text(strings.TrimSpace(r.PostFormValue("lead_caption"))), Credit: strings.TrimSpace(r.PostFormValue("lead_credit"))}
		if len(c.Lead.Caption) == 1 && c.Lead.Caption[0].Text == "" {
			c.Lead.Caption = nil
		}
	} else {
		c.Lead = nil
	}
	if len(c.Deck) == 1 && c.Deck[0].Text == "" {
		c.Deck = nil
	}
	if raw := r.PostFormValue("body"); raw != "" {
		doc, err := editor.FromEditor([]byte(raw))
		if err != nil {
			return c, err
		}
		c.Body = doc
	}
	return c, nil
}

// sameContent reports whether two contents would read the same.
func sameContent(x, y news.Content) bool {
	a, _ := json.Marshal(x)
	b, _ := json.Marshal(y)
	return string(a) == string(b)
}

// checkLock is a save's check of the edit lock: the saver must hold it or
// it must be free (then the save takes it). The refusal names who took the
// story over.
func (a *Admin) checkLock(ctx context.Context, actor *auth.Actor, storyID string) error {
	l, err := a.cfg.Workflow.TouchLock(ctx, storyID, actor.ID, a.auth.Now(), LockIdle)
	if errors.Is(err, news.ErrConflict) {
		who := a.staffName(ctx, l.Holder)
		if l.Displaced == actor.ID {
			return refuse(http.StatusConflict, "%s took over this story at %s UTC; your change was not saved. Copy your text, reload the story and talk to them.",
				who, l.TakenAt.UTC().Format("15:04"))
		}
		return refuse(http.StatusConflict, "%s has this story open since %s UTC; your change was not saved.", who, l.Since.UTC().Format("15:04"))
	}
	return err
}

// saveContent stores c as a new revision from base, turning a stale base
// into a message naming who saved first.
func (a *Admin) saveContent(ctx context.Context, actor *auth.Actor, sc *storyCtx, base string, c news.Content) (news.Revision, error) {
	if err := a.checkLock(ctx, actor, sc.Story.ID); err != nil {
		return news.Revision{}, err
	}
	rev, err := a.cfg.Stories.SaveRevision(ctx, sc.Story.ID, base, c, actor.ID, a.auth.Now())
	if errors.Is(err, news.ErrConflict) {
		st, serr := a.cfg.Stories.Story(ctx, sc.Story.ID)
		if serr != nil {
			return rev, serr
		}
		head, herr := a.cfg.Stories.Revision(ctx, st.HeadRev)
		if herr != nil {
			return rev, herr
		}
		return rev, refuse(http.StatusConflict, "Not saved: %s saved a newer version at %s UTC after the one you were editing. Reload the story to see their changes, then make yours again.",
			a.staffName(ctx, head.CreatedBy), head.Created.UTC().Format("15:04:05"))
	}
	if err != nil {
		return rev, err
	}
	// A writer's change to an approved story needs approving again.
	if sc.Story.Status == news.StatusApproved && !sc.Review {
		if err := a.cfg.Stories.SetStatus(ctx, sc.Story.ID, news.StatusDraft); err != nil {
			return rev, err
		}
	}
	return rev, nil
}

// storySave is the editor's autosave: the body only, answered in JSON.
func (a *Admin) storySave(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	answer := func(status int, v any) error {
		b, _ := json.Marshal(v)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		w.Write(b)
		return nil
	}
	// msg answers English text m in the person's language.
	msg := func(status int, m string) error { return answer(status, map[string]string{"error": say(r, actor, m)}) }
	if actor == nil || actor.Session.Stage != news.StageFull {
		return msg(http.StatusUnauthorized, "You are signed out, so this was not saved. Sign in again in another tab; your text is kept in this browser.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, editor.MaxBytes+64<<10)
	tok := r.PostFormValue("csrf")
	if tok == "" {
		tok = r.Header.Get("X-CSRF-Token")
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(csrfToken(actor.Token))) != 1 {
		return msg(http.StatusForbidden, "This page is out of date. Reload it; your text is kept in this browser.")
	}
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	switch {
	case errors.Is(err, auth.ErrForbidden):
		return msg(http.StatusForbidden, "Your role does not allow you to edit this story.")
	case errors.Is(err, news.ErrNotFound):
		return msg(http.StatusNotFound, "This story does not exist.")
	case err != nil:
		a.cfg.Log.Error("admin autosave", "err", err)
		return msg(http.StatusInternalServerError, "The newsroom could not save. Try again.")
	}
	if !sc.Edit {
		return msg(http.StatusForbidden, "This story is no longer yours to edit (it was submitted for review).")
	}
	base := r.PostFormValue("base_revision")
	c := sc.Head.Content
	doc, err := editor.FromEditor([]byte(r.PostFormValue("body")))
	if err != nil {
		return answer(http.StatusBadRequest, map[string]string{"error": invalidMsg(langOf(r, actor), err)})
	}
	c.Body = doc
	if base == sc.Story.HeadRev && sameContent(c, sc.Head.Content) {
		if err := a.checkLock(ctx, actor, sc.Story.ID); err != nil {
			var se *storyError
			if errors.As(err, &se) {
				return answer(se.status, map[string]string{"error": se.text(langOf(r, actor))})
			}
			return err
		}
		return answer(http.StatusOK, map[string]string{"revision": base})
	}
	rev, err := a.saveContent(ctx, actor, sc, base, c)
	var se *storyError
	switch {
	case errors.As(err, &se):
		return answer(se.status, map[string]string{"error": se.text(langOf(r, actor))})
	case errors.Is(err, news.ErrInvalid):
		return answer(http.StatusBadRequest, map[string]string{"error": invalidMsg(langOf(r, actor), err)})
	case err != nil:
		a.cfg.Log.Error("admin autosave", "err", err)
		return msg(http.StatusInternalServerError, "The newsroom could not save. Try again.")
	}
	return answer(http.StatusOK, map[string]string{"revision": rev.ID})
}

// storyUpdate saves the whole form: the fields, the body, section, slug
// and tags.
func (a *Admin) storyUpdate(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !sc.Edit {
		return auth.ErrForbidden
	}
	c, err := contentFromForm(r, sc.Head.Content)
	if err != nil {
		return err
	}
	base := a.ownBase(ctx, actor, sc, r.PostFormValue("base_revision"))
	if base != sc.Story.HeadRev || !sameContent(c, sc.Head.Content) {
		if _, err := a.saveContent(ctx, actor, sc, base, c); err != nil {
			var se *storyError
			if !errors.As(err, &se) || se.status != http.StatusConflict {
				return err
			}
			// Refused: show the story as it now is, with the person's own
			// text beside it so nothing they wrote is lost.
			d, verr := a.storyView(ctx, actor, sc, false)
			if verr != nil {
				return verr
			}
			d.Unsaved = plainLines(langOf(r, actor), c, nil)
			a.render(w, r, http.StatusConflict, "story", &page{Title: say(r, actor, "Edit: %s", d.Headline), Here: "stories", Actor: actor, Error: se.text(langOf(r, actor)), Data: d})
			return nil
		}
	} else if err := a.checkLock(ctx, actor, sc.Story.ID); err != nil {
		return err
	}
	sec, slug := r.PostFormValue("section"), strings.TrimSpace(r.PostFormValue("slug"))
	if sec == "" {
		sec = sc.Story.SectionID
	}
	if slug == "" {
		slug = sc.Story.Slug
	}
	if sec != sc.Story.SectionID || slug != sc.Story.Slug {
		if err := a.cfg.Stories.MoveStory(ctx, sc.Story.ID, sec, slug); err != nil {
			return err
		}
	}
	if tags := r.PostForm["tags"]; r.PostFormValue("has_tags") == "1" && !slices.Equal(tags, sc.Story.TagIDs) {
		if err := a.cfg.Stories.SetStoryTags(ctx, sc.Story.ID, tags); err != nil {
			return err
		}
	}
	redirect(w, r, "/admin/stories/"+sc.Story.ID+"?done="+url.QueryEscape("Saved."))
	return nil
}

func (a *Admin) storyTakeover(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !sc.Edit {
		return auth.ErrForbidden
	}
	l, err := a.cfg.Workflow.AcquireLock(ctx, sc.Story.ID, actor.ID, a.auth.Now(), LockIdle, true)
	if err != nil {
		return err
	}
	a.auth.Audit(ctx, actor, "story.takeover", sc.Story.ID, sc.Story.Service, a.clientOf(r), "from "+l.Displaced)
	redirect(w, r, "/admin/stories/"+sc.Story.ID+"?done="+url.QueryEscape(say(r, actor, "You have taken the story over. The person who had it open sees a notice within a minute and can no longer save.")))
	return nil
}

func (a *Admin) storyRelease(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	sc, err := a.loadStory(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := a.cfg.Workflow.ReleaseLock(r.Context(), sc.Story.ID, actor.ID); err != nil {
		return err
	}
	redirect(w, r, "/admin/stories?done="+url.QueryEscape(say(r, actor, "Story closed.")))
	return nil
}

// storyLockBeat is the open editor's heartbeat (every minute while the
// page is visible): it keeps the holder's lock alive and says whether the
// story is still theirs. It answers JSON {"held": true} (200) or, when
// another has the story, {"held": false, "by": NAME, "at": RFC 3339,
// "takeover": BOOL} (409): takeover is set when the story was taken over
// from this person (at is then when; by is "" when the one who took it
// over has closed it since), unset when this person's lock lapsed and
// another opened the story (at is when they did). It never takes a lock
// another holds or held after this person: it refreshes a lock that is
// the actor's (even a lapsed one) and takes only a free lock not taken
// from them. Errors are JSON {"error": ...} as for autosave.
func (a *Admin) storyLockBeat(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	answer := func(status int, v any) error {
		b, _ := json.Marshal(v)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		w.Write(b)
		return nil
	}
	msg := func(status int, m string) error { return answer(status, map[string]string{"error": say(r, actor, m)}) }
	if actor == nil || actor.Session.Stage != news.StageFull {
		return msg(http.StatusUnauthorized, "You are signed out. Sign in again in another tab; your text is kept in this browser.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	tok := r.Header.Get("X-CSRF-Token")
	if tok == "" {
		tok = r.PostFormValue("csrf")
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(csrfToken(actor.Token))) != 1 {
		return msg(http.StatusForbidden, "This page is out of date. Reload it; your text is kept in this browser.")
	}
	ctx := r.Context()
	fail := func(err error) error {
		a.cfg.Log.Error("admin lock heartbeat", "err", err)
		return msg(http.StatusInternalServerError, "The newsroom could not check who has this story open. Try again.")
	}
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	switch {
	case errors.Is(err, auth.ErrForbidden):
		return msg(http.StatusForbidden, "Your role does not allow you to edit this story.")
	case errors.Is(err, news.ErrNotFound):
		return msg(http.StatusNotFound, "This story does not exist.")
	case err != nil:
		return fail(err)
	}
	if !sc.Edit {
		return msg(http.StatusForbidden, "This story is no longer yours to edit (it was submitted for review).")
	}
	l, err := a.cfg.Workflow.Lock(ctx, sc.Story.ID)
	none := errors.Is(err, news.ErrNotFound)
	if err != nil && !none {
		return fail(err)
	}
	// A released lock keeps who was displaced, so a free lock taken from
	// this person is not theirs to take back.
	if none || l.Holder == actor.ID || l.Holder == "" && l.Displaced != actor.ID {
		l, err = a.cfg.Workflow.TouchLock(ctx, sc.Story.ID, actor.ID, a.auth.Now(), LockIdle)
		if err == nil {
			return answer(http.StatusOK, map[string]bool{"held": true})
		}
		if !errors.Is(err, news.ErrConflict) {
			return fail(err)
		}
		// Taken over meanwhile: l is the new holder's lock.
	}
	v := map[string]any{"held": false, "by": "", "at": l.Since.UTC().Format(time.RFC3339), "takeover": l.Displaced == actor.ID}
	if l.Displaced == actor.ID {
		v["at"] = l.TakenAt.UTC().Format(time.RFC3339)
	}
	if l.Holder != "" {
		v["by"] = a.staffName(ctx, l.Holder)
	}
	return answer(http.StatusConflict, v)
}

// storyStatus moves a story in the editorial workflow: a writer submits
// their draft; an editor approves or sends it back.
func (a *Admin) storyStatus(to news.EditStatus) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
		ctx := r.Context()
		sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
		if err != nil {
			return err
		}
		var done string
		switch to {
		case news.StatusReview:
			if !sc.Submit {
				if sc.Story.Status != news.StatusDraft {
					return refuse(http.StatusConflict, "This story is not a draft; it is %s.", sc.Story.Status)
				}
				return auth.ErrForbidden
			}
			done = say(r, actor, "Submitted for review.")
		case news.StatusApproved:
			if err := a.auth.Authorize(actor, news.ActReview, sc.Story.Service); err != nil {
				return err
			}
			done = say(r, actor, "Approved.")
		default:
			if err := a.auth.Authorize(actor, news.ActReview, sc.Story.Service); err != nil {
				return err
			}
			done = say(r, actor, "Sent back to its writer as a draft.")
		}
		if err := a.cfg.Stories.SetStatus(ctx, sc.Story.ID, to); err != nil {
			return err
		}
		a.auth.Audit(ctx, actor, "story.status", sc.Story.ID, sc.Story.Service, a.clientOf(r), string(to))
		if to == news.StatusReview || to == news.StatusDraft && !sc.Edit {
			_ = a.cfg.Workflow.ReleaseLock(ctx, sc.Story.ID, actor.ID)
		}
		redirect(w, r, "/admin/stories/"+sc.Story.ID+"?done="+url.QueryEscape(done))
		return nil
	}
}

// storyTranslate creates a linked draft in another service from the
// story's newest revision (bylines and tags belong to a service, so they
// are left for the translator).
func (a *Admin) storyTranslate(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	target := r.PostFormValue("service")
	if target == sc.Story.Service {
		return news.Invalidf("choose another service to translate into")
	}
	if err := a.auth.Authorize(actor, news.ActWrite, target); err != nil {
		return err
	}
	secs, err := a.cfg.Stories.Sections(ctx, target)
	if err != nil {
		return err
	}
	if len(secs) == 0 {
		return news.Invalidf("service %s has no sections yet", target)
	}
	sec := secs[0]
	for _, s := range secs {
		if s.Slug == r.PostFormValue("section") {
			sec = s
		}
	}
	group := sc.Story.Group
	if group == "" {
		group = sc.Story.ID
	}
	c := sc.Head.Content
	c.AuthorIDs = nil
	st, err := a.cfg.Stories.CreateStory(ctx, news.NewStory{Service: target, SectionID: sec.ID, Slug: sc.Story.Slug, Group: group,
		Content: c, CreatedBy: actor.ID, Created: a.auth.Now()})
	if err != nil {
		return err
	}
	a.auth.Audit(ctx, actor, "story.translate", st.ID, target, a.clientOf(r), "from "+sc.Story.ID)
	redirect(w, r, "/admin/stories/"+st.ID+"?done="+url.QueryEscape(say(r, actor, "Translation draft made in %s, linked to the original.", target)))
	return nil
}

// jsAttr is a JSON value for a data- attribute.
func jsAttr(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// ownBase lets a form carry on from its own autosaves: the page's form
// still names the revision it was loaded with, while the editor has saved
// newer ones since. When every revision after base up to the newest is
// the actor's own, the newest is the base; otherwise base stays, and a
// save from it is refused as stale.
func (a *Admin) ownBase(ctx context.Context, actor *auth.Actor, sc *storyCtx, base string) string {
	rev := sc.Head
	for range 500 {
		if rev.ID == base {
			return sc.Head.ID
		}
		if rev.CreatedBy != actor.ID || rev.ParentID == "" {
			return base
		}
		next, err := a.cfg.Stories.Revision(ctx, rev.ParentID)
		if err != nil {
			return base
		}
		rev = next
	}
	return base
}

// storyNav tells the navigation whether to show Stories and Home page.
func (a *Admin) storyNav(actor *auth.Actor) (stories, curate bool) {
	if a.cfg.Stories == nil || a.cfg.Workflow == nil {
		return false, false
	}
	if news.IsAdmin(actor.Grants) {
		return true, true
	}
	for _, g := range actor.Grants {
		stories = stories || actor.Allowed(news.ActWrite, g.Service)
		curate = curate || actor.Allowed(news.ActReview, g.Service)
	}
	return stories, curate
}
