package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"qalam/internal/auth"
	"qalam/internal/editor"
	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/ratelimit"
)

// The admin's JSON API under /admin/api/v1/, for scripts and other systems
// (docs/API-ADMIN.md). It answers only to `Authorization: Bearer <token>`
// with an API token (auth/tokens.go; made on /admin/tokens): the session
// cookie counts for nothing here, so no page's script and no other site can
// borrow a signed-in browser. A request acts as the token's maker with the
// token's effective grants, through the same code the pages use
// (loadStory, saveContent, publishCheck, goLive, unpublishStory, putBanner,
// media.Library.Ingest), and every audit entry written on its behalf names
// the token (auth.WithToken). Answers and errors are JSON; error messages
// are in English, whatever language the token's person reads the admin in.
//
//	GET    /admin/api/v1/me                      the token, its person and effective grants
//	POST   /admin/api/v1/stories                 create a draft
//	GET    /admin/api/v1/stories/{id}            a story and its newest revision
//	PUT    /admin/api/v1/stories/{id}            save a new revision from base_revision
//	POST   /admin/api/v1/stories/{id}/submit     submit a draft for review
//	POST   /admin/api/v1/stories/{id}/publish    publish now, or schedule with "at"
//	POST   /admin/api/v1/stories/{id}/unpublish  take it down; lists what cannot be recalled
//	POST   /admin/api/v1/media                   upload an image (multipart)
//	GET    /admin/api/v1/banner/{service}        the service's banner
//	PUT    /admin/api/v1/banner/{service}        set it
//	DELETE /admin/api/v1/banner/{service}        clear it

// APIPrefix is where the JSON API lives on the admin origin.
const APIPrefix = "/admin/api/v1/"

// apiMaxJSON bounds a JSON request: a story body as large as the editor
// takes, and its fields.
const apiMaxJSON = editor.MaxBytes + 64<<10

// apiError is a refusal with its status and an English message.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func apiErrorf(status int, msg string) error { return &apiError{status: status, msg: msg} }

// errBadToken is the one answer to a missing, malformed, unknown, expired
// or revoked token, so none can be told from another.
var errBadToken = apiErrorf(http.StatusUnauthorized, "a valid API token is required: send Authorization: Bearer <token>")

type apiFunc func(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error

// apiServer holds the API's attempt limits.
type apiServer struct {
	a *Admin
	// perToken bounds each token's requests; failures bounds failed token
	// checks per client address.
	perToken, failures *ratelimit.Limiter
}

// apiRoutes registers the API when the admin has stories.
func (a *Admin) apiRoutes() {
	if a.cfg.Stories == nil || a.cfg.Workflow == nil {
		return
	}
	per, fail := a.cfg.APIRate, a.cfg.APIAuthFailures
	if per.Burst == 0 {
		per.Burst, per.Every = 120, 500*time.Millisecond
	}
	if fail.Burst == 0 {
		fail.Burst, fail.Every = 20, 30*time.Second
	}
	if per.Now == nil {
		per.Now = a.auth.Now
	}
	if fail.Now == nil {
		fail.Now = a.auth.Now
	}
	s := &apiServer{a: a, perToken: ratelimit.New(per), failures: ratelimit.New(fail)}
	s.route("me", map[string]apiFunc{"GET": s.me})
	s.route("stories", map[string]apiFunc{"POST": s.createStory})
	s.route("stories/{id}", map[string]apiFunc{"GET": s.getStory, "PUT": s.updateStory})
	s.route("stories/{id}/submit", map[string]apiFunc{"POST": s.submitStory})
	s.route("stories/{id}/publish", map[string]apiFunc{"POST": s.publishStory})
	s.route("stories/{id}/unpublish", map[string]apiFunc{"POST": s.unpublishStory})
	if a.mediaStore() != nil {
		s.route("media", map[string]apiFunc{"POST": s.uploadMedia})
	}
	s.route("banner/{service}", map[string]apiFunc{"GET": s.getBanner, "PUT": s.setBanner, "DELETE": s.clearBanner})
	a.mux.HandleFunc("/admin/api/", func(w http.ResponseWriter, r *http.Request) {
		apiJSON(w, http.StatusNotFound, map[string]string{"error": "no such API endpoint; see docs/API-ADMIN.md"})
	})
}

// route registers one path with a handler per method; another method gets
// a JSON 405 naming those allowed.
func (s *apiServer) route(path string, methods map[string]apiFunc) {
	allow := make([]string, 0, len(methods))
	for m := range methods {
		allow = append(allow, m)
	}
	slices.Sort(allow)
	s.a.mux.HandleFunc(APIPrefix+path, func(w http.ResponseWriter, r *http.Request) {
		fn, ok := methods[r.Method]
		if !ok {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			apiJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed here; use " + strings.Join(allow, " or ")})
			return
		}
		s.serve(w, r, fn)
	})
}

// serve checks the bearer token and the attempt limits, then runs fn as
// the token's actor and answers its error in JSON.
func (s *apiServer) serve(w http.ResponseWriter, r *http.Request, fn apiFunc) {
	c := s.a.clientOf(r)
	secret, ok := bearer(r)
	if !ok {
		s.fail(w, r, errBadToken)
		return
	}
	done, ok, wait := s.failures.Begin("ip:" + c.IP)
	if !ok {
		s.fail(w, r, &auth.ThrottledError{RetryAfter: wait})
		return
	}
	actor, tok, err := s.a.auth.UseToken(r.Context(), secret)
	done(!errors.Is(err, auth.ErrBadToken))
	switch {
	case errors.Is(err, auth.ErrBadToken):
		s.fail(w, r, errBadToken)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if ok, wait := s.perToken.Allow("token:" + tok.ID); !ok {
		s.fail(w, r, &auth.ThrottledError{RetryAfter: wait})
		return
	}
	r = r.WithContext(auth.WithToken(r.Context(), tok))
	if err := fn(w, r, actor); err != nil {
		s.fail(w, r, err)
	}
}

// bearer reads the token of an Authorization: Bearer header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Values("Authorization")
	if len(h) != 1 {
		return "", false
	}
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h[0]), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// fail answers an error as JSON: {"error": "..."} with the one status for
// it. Unexpected errors are logged without the request's headers (the
// token never reaches a log) and answered 500 without details.
func (s *apiServer) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	var se *storyError
	var th *auth.ThrottledError
	var tooBig *http.MaxBytesError
	status, msg := http.StatusInternalServerError, "the newsroom could not do that; try again, and if it keeps failing tell an admin"
	switch {
	case errors.As(err, &ae):
		status, msg = ae.status, ae.msg
	case errors.As(err, &th):
		secs := int(th.RetryAfter.Seconds())
		if float64(secs) < th.RetryAfter.Seconds() {
			secs++
		}
		w.Header().Set("Retry-After", strconv.Itoa(max(1, secs)))
		status, msg = http.StatusTooManyRequests, "too many requests; wait "+strconv.Itoa(max(1, secs))+" s and try again"
	case errors.As(err, &se):
		status, msg = se.status, se.msg
	case errors.As(err, &tooBig):
		status, msg = http.StatusRequestEntityTooLarge, "the request is too large"
	case errors.Is(err, auth.ErrForbidden), errors.Is(err, auth.ErrStale), errors.Is(err, auth.ErrNoSession):
		status, msg = http.StatusForbidden, "the token's role does not allow this here"
	case errors.Is(err, news.ErrInvalid):
		status, msg = http.StatusBadRequest, strings.TrimPrefix(err.Error(), news.ErrInvalid.Error()+": ")
	case errors.Is(err, news.ErrConflict):
		status, msg = http.StatusConflict, "someone else changed this at the same time; fetch it again and retry"
	case errors.Is(err, news.ErrNotFound):
		status, msg = http.StatusNotFound, "not found"
	default:
		s.a.cfg.Log.Error("admin api", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="qalam admin API"`)
	}
	apiJSON(w, status, map[string]string{"error": msg})
}

func apiJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"the answer could not be written"}` + "\n")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// readJSON decodes one JSON object of the request into v, refusing unknown
// fields, other content types and bodies over apiMaxJSON.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return apiErrorf(http.StatusUnsupportedMediaType, "send JSON with Content-Type: application/json")
	}
	r.Body = http.MaxBytesReader(w, r.Body, apiMaxJSON)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return apiErrorf(http.StatusBadRequest, "the JSON is not valid here: "+err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return apiErrorf(http.StatusBadRequest, "send one JSON object")
	}
	return nil
}

// me tells a token's holder what it may do now.
func (s *apiServer) me(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	tok, _ := auth.TokenFrom(r.Context())
	type grant struct {
		Service string `json:"service"`
		Role    string `json:"role"`
	}
	grants := []grant{}
	for _, g := range actor.Grants {
		grants = append(grants, grant{g.Service, string(g.Role)})
	}
	apiJSON(w, http.StatusOK, map[string]any{
		"token": map[string]any{"id": tok.ID, "kind": tok.Kind, "name": tok.Name, "services": tok.Services, "role": tok.Role,
			"created": tok.Created, "expires": tok.Expires},
		"person": map[string]string{"id": actor.ID, "name": actor.Name},
		"grants": grants,
	})
	return nil
}

// apiFigure is a lead image as the API reads and writes it.
type apiFigure struct {
	Asset   string `json:"asset"`
	Alt     string `json:"alt"`
	Caption string `json:"caption"`
	Credit  string `json:"credit"`
}

// apiStoryIn is a story to create or save. Fields left out keep their
// value (on create: empty).
type apiStoryIn struct {
	Service      string          `json:"service"`
	Section      string          `json:"section"` // slug or ID
	Slug         *string         `json:"slug"`
	BaseRevision string          `json:"base_revision"`
	Headline     *string         `json:"headline"`
	Deck         *string         `json:"deck"`
	Dateline     *string         `json:"dateline"`
	Lead         json.RawMessage `json:"lead"` // an apiFigure, or null for none
	Body         json.RawMessage `json:"body"` // the stored document (news.Doc)
	EditorBody   json.RawMessage `json:"editor_body"`
	Authors      *[]string       `json:"authors"`
	Tags         *[]string       `json:"tags"`
}

// content applies the fields given over base. The body goes through the
// browser's own sanitizer (editor.FromEditor): a stored document is first
// checked (news.DecodeDoc) and turned into the editor's form, so whatever
// a script sends is stored exactly as the editor could have saved it.
func (in *apiStoryIn) content(base news.Content) (news.Content, error) {
	c := base
	if in.Headline != nil {
		c.Headline = news.Text(strings.TrimSpace(*in.Headline))
	}
	if in.Deck != nil {
		c.Deck = nil
		if d := strings.TrimSpace(*in.Deck); d != "" {
			c.Deck = news.Text(d)
		}
	}
	if in.Dateline != nil {
		c.Dateline = strings.TrimSpace(*in.Dateline)
	}
	if in.Authors != nil {
		c.AuthorIDs = *in.Authors
	}
	if len(in.Lead) > 0 {
		if string(in.Lead) == "null" {
			c.Lead = nil
		} else {
			var f apiFigure
			dec := json.NewDecoder(bytes.NewReader(in.Lead))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&f); err != nil {
				return c, apiErrorf(http.StatusBadRequest, "lead: want {\"asset\", \"alt\", \"caption\", \"credit\"} or null")
			}
			c.Lead = &news.Figure{AssetID: strings.TrimSpace(f.Asset), Alt: strings.TrimSpace(f.Alt), Credit: strings.TrimSpace(f.Credit)}
			if cap := strings.TrimSpace(f.Caption); cap != "" {
				c.Lead.Caption = news.Text(cap)
			}
		}
	}
	hasBody, hasEditor := len(in.Body) > 0 && string(in.Body) != "null", len(in.EditorBody) > 0 && string(in.EditorBody) != "null"
	var raw []byte
	switch {
	case hasBody && hasEditor:
		return c, apiErrorf(http.StatusBadRequest, "send body or editor_body, not both")
	case hasBody:
		doc, err := news.DecodeDoc(in.Body)
		if err != nil {
			return c, err
		}
		if raw, err = editor.ToEditor(doc); err != nil {
			return c, err
		}
	case hasEditor:
		raw = in.EditorBody
	}
	if raw != nil {
		doc, err := editor.FromEditor(raw)
		if err != nil {
			return c, err
		}
		c.Body = doc
	}
	if c.Body.Version == 0 {
		c.Body = news.Doc{Version: news.DocVersion}
	}
	return c, nil
}

// apiStory is a story as the API answers it.
type apiStory struct {
	ID           string     `json:"id"`
	Service      string     `json:"service"`
	Section      string     `json:"section"` // slug
	SectionID    string     `json:"section_id"`
	Slug         string     `json:"slug"`
	Tags         []string   `json:"tags"`
	Status       string     `json:"status"`
	Pub          string     `json:"publication"`
	PublishAt    *time.Time `json:"publish_at,omitempty"`
	UpdatedAt    *time.Time `json:"updated_at,omitempty"`
	LiveRevision string     `json:"live_revision,omitempty"`
	Revision     string     `json:"revision"` // the newest; send it as base_revision
	Modified     time.Time  `json:"modified"`
	Headline     string     `json:"headline"`
	Deck         string     `json:"deck"`
	Dateline     string     `json:"dateline"`
	Lead         *apiFigure `json:"lead"`
	Body         news.Doc   `json:"body"`
	Authors      []string   `json:"authors"`
	URL          string     `json:"url,omitempty"` // on the reader site, once public
	Can          apiCan     `json:"can"`
	Recall       *apiRecall `json:"cannot_recall,omitempty"`
	Missing      []string   `json:"missing_for_publishing,omitempty"`
}

// apiCan says what the token may do with the story now.
type apiCan struct {
	Edit    bool `json:"edit"`
	Submit  bool `json:"submit"`
	Publish bool `json:"publish"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// storyJSON loads a story afresh as the actor sees it.
func (s *apiServer) storyJSON(ctx context.Context, actor *auth.Actor, id string) (*apiStory, error) {
	a := s.a
	sc, err := a.loadStory(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	st, c := sc.Story, sc.Head.Content
	out := &apiStory{ID: st.ID, Service: st.Service, SectionID: st.SectionID, Slug: st.Slug, Tags: append([]string{}, st.TagIDs...),
		Status: string(st.Status), Pub: string(st.Pub), PublishAt: optTime(st.PublishAt), UpdatedAt: optTime(st.UpdatedAt),
		LiveRevision: st.LiveRev, Revision: st.HeadRev, Modified: st.Modified.UTC(),
		Headline: c.Headline.Plain(), Deck: c.Deck.Plain(), Dateline: c.Dateline, Body: c.Body, Authors: append([]string{}, c.AuthorIDs...),
		Can: apiCan{Edit: sc.Edit, Submit: sc.Submit, Publish: sc.Publish}, Missing: missingFigureData(c)}
	if out.Body.Blocks == nil {
		out.Body.Blocks = []news.Block{}
	}
	if c.Lead != nil {
		out.Lead = &apiFigure{Asset: c.Lead.AssetID, Alt: c.Lead.Alt, Caption: c.Lead.Caption.Plain(), Credit: c.Lead.Credit}
	}
	if sec, err := a.cfg.Stories.Section(ctx, st.SectionID); err == nil {
		out.Section = sec.Slug
	} else if !errors.Is(err, news.ErrNotFound) {
		return nil, err
	}
	if now := a.auth.Now(); st.PublicAt(now) {
		p, err := a.cfg.Stories.PublishedStory(ctx, st.ID, now)
		if err != nil {
			return nil, err
		}
		out.URL = strings.TrimSuffix(a.cfg.ReaderOrigin, "/") + storyPublicPath(p)
	}
	return out, nil
}

func (s *apiServer) answerStory(w http.ResponseWriter, r *http.Request, actor *auth.Actor, status int, id string, recall *recallList) error {
	out, err := s.storyJSON(r.Context(), actor, id)
	if err != nil {
		return err
	}
	if recall != nil {
		out.Recall = recallJSON(recall)
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", APIPrefix+"stories/"+url.PathEscape(id))
	}
	apiJSON(w, status, out)
	return nil
}

// section finds a section of service by slug or ID.
func (s *apiServer) section(ctx context.Context, service, ref string) (news.Section, error) {
	if service == "" || ref == "" {
		return news.Section{}, apiErrorf(http.StatusBadRequest, "name the story's service and section")
	}
	secs, err := s.a.cfg.Stories.Sections(ctx, service)
	if err != nil {
		return news.Section{}, err
	}
	for _, sec := range secs {
		if sec.Slug == ref || sec.ID == ref {
			return sec, nil
		}
	}
	return news.Section{}, apiErrorf(http.StatusBadRequest, "service "+strconv.Quote(service)+" has no section "+strconv.Quote(ref))
}

func (s *apiServer) createStory(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	a, ctx := s.a, r.Context()
	var in apiStoryIn
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	if in.BaseRevision != "" {
		return apiErrorf(http.StatusBadRequest, "a new story has no base_revision")
	}
	// The role first, so a token learns nothing of services it may not
	// write in.
	if err := a.auth.Authorize(actor, news.ActWrite, in.Service); err != nil {
		return err
	}
	sec, err := s.section(ctx, in.Service, in.Section)
	if err != nil {
		return err
	}
	c, err := in.content(news.Content{Body: news.Doc{Version: news.DocVersion}})
	if err != nil {
		return err
	}
	slug := ""
	if in.Slug != nil {
		slug = strings.TrimSpace(*in.Slug)
	}
	if slug == "" {
		slug = Slugify(c.Headline.Plain())
	}
	var tags []string
	if in.Tags != nil {
		tags = *in.Tags
	}
	st, err := a.cfg.Stories.CreateStory(ctx, news.NewStory{Service: sec.Service, SectionID: sec.ID, Slug: slug, TagIDs: tags,
		Content: c, CreatedBy: actor.ID, Created: a.auth.Now()})
	if err != nil {
		return err
	}
	a.auth.Audit(ctx, actor, "story.create", st.ID, st.Service, a.clientOf(r), c.Headline.Plain())
	return s.answerStory(w, r, actor, http.StatusCreated, st.ID, nil)
}

func (s *apiServer) getStory(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	return s.answerStory(w, r, actor, http.StatusOK, r.PathValue("id"), nil)
}

// updateStory saves a new revision from base_revision, as the editor's
// autosave does: refused (409) when base_revision is no longer the newest,
// naming who saved first, or when someone else has the story open. The
// edit lock is taken only for the save, unless the token's person already
// held it (in their browser).
func (s *apiServer) updateStory(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	a, ctx := s.a, r.Context()
	var in apiStoryIn
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !sc.Edit {
		return apiErrorf(http.StatusForbidden, "the token may not edit this story (a writer's story is theirs only while it is a draft)")
	}
	if in.Service != "" && in.Service != sc.Story.Service {
		return apiErrorf(http.StatusBadRequest, "a story stays in its service; make a translation instead")
	}
	if in.BaseRevision == "" {
		return apiErrorf(http.StatusBadRequest, "send base_revision: the revision your change starts from")
	}
	c, err := in.content(sc.Head.Content)
	if err != nil {
		return err
	}
	now := a.auth.Now()
	l, lerr := a.cfg.Workflow.Lock(ctx, sc.Story.ID)
	if lerr != nil && !errors.Is(lerr, news.ErrNotFound) {
		return lerr
	}
	hadLock := lerr == nil && l.Holder == actor.ID && l.Held(now, LockIdle)
	if !hadLock {
		// Taken for the save only, refused or not (ReleaseLock frees only
		// the actor's own).
		defer a.cfg.Workflow.ReleaseLock(context.WithoutCancel(ctx), sc.Story.ID, actor.ID)
	}
	var changed []string
	rev := sc.Story.HeadRev
	if in.BaseRevision != sc.Story.HeadRev || !sameContent(c, sc.Head.Content) {
		saved, err := a.saveContent(ctx, actor, sc, in.BaseRevision, c)
		if err != nil {
			return err
		}
		rev = saved.ID
		changed = append(changed, "revision "+rev)
	} else if err := a.checkLock(ctx, actor, sc.Story.ID); err != nil {
		return err
	}
	secID, slug := sc.Story.SectionID, sc.Story.Slug
	if in.Section != "" {
		sec, err := s.section(ctx, sc.Story.Service, in.Section)
		if err != nil {
			return err
		}
		secID = sec.ID
	}
	if in.Slug != nil && strings.TrimSpace(*in.Slug) != "" {
		slug = strings.TrimSpace(*in.Slug)
	}
	if secID != sc.Story.SectionID || slug != sc.Story.Slug {
		if err := a.cfg.Stories.MoveStory(ctx, sc.Story.ID, secID, slug); err != nil {
			return err
		}
		changed = append(changed, "moved to "+secID+"/"+slug)
	}
	if in.Tags != nil && !slices.Equal(*in.Tags, sc.Story.TagIDs) {
		if err := a.cfg.Stories.SetStoryTags(ctx, sc.Story.ID, *in.Tags); err != nil {
			return err
		}
		changed = append(changed, "tags")
	}
	if len(changed) > 0 {
		a.auth.Audit(ctx, actor, "story.save", sc.Story.ID, sc.Story.Service, a.clientOf(r), strings.Join(changed, "; "))
	}
	return s.answerStory(w, r, actor, http.StatusOK, sc.Story.ID, nil)
}

// submitStory files a draft for review, as the story page's Submit does.
func (s *apiServer) submitStory(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	a, ctx := s.a, r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !sc.Submit {
		if sc.Story.Status != news.StatusDraft {
			return apiErrorf(http.StatusConflict, "this story is not a draft; it is "+string(sc.Story.Status))
		}
		return auth.ErrForbidden
	}
	if err := a.cfg.Stories.SetStatus(ctx, sc.Story.ID, news.StatusReview); err != nil {
		return err
	}
	a.auth.Audit(ctx, actor, "story.status", sc.Story.ID, sc.Story.Service, a.clientOf(r), string(news.StatusReview))
	_ = a.cfg.Workflow.ReleaseLock(ctx, sc.Story.ID, actor.ID)
	return s.answerStory(w, r, actor, http.StatusOK, sc.Story.ID, nil)
}

// publishStory publishes the revision named (which must still be the
// newest) now, or with "at" schedules it through the job queue: the same
// rules as the story page (role, every image with alt text, caption and
// credit).
func (s *apiServer) publishStory(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	a, ctx := s.a, r.Context()
	var in struct {
		Revision string `json:"revision"`
		At       string `json:"at"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	if in.Revision == "" {
		return apiErrorf(http.StatusBadRequest, "send revision: the revision you mean to publish (the story's newest)")
	}
	var at time.Time
	if in.At != "" {
		var err error
		if at, err = time.Parse(time.RFC3339, in.At); err != nil {
			return apiErrorf(http.StatusBadRequest, "at: give the time in RFC 3339, e.g. 2026-12-01T09:00:00+05:00")
		}
	}
	sc, err := a.publishCheck(ctx, actor, r.PathValue("id"), in.Revision)
	if err != nil {
		return err
	}
	if err := a.goLive(ctx, actor, sc, at, a.clientOf(r)); err != nil {
		return err
	}
	return s.answerStory(w, r, actor, http.StatusOK, sc.Story.ID, nil)
}

// apiRecall is what went out about a story that cannot be taken back.
type apiRecall struct {
	Checked     []string         `json:"checked"`
	Webhooks    []map[string]any `json:"webhooks"`
	Telegram    []map[string]any `json:"telegram"`
	Newsletters []map[string]any `json:"newsletters"`
}

func recallJSON(l *recallList) *apiRecall {
	out := &apiRecall{Checked: append([]string{}, l.Known...), Webhooks: []map[string]any{}, Telegram: []map[string]any{}, Newsletters: []map[string]any{}}
	for _, d := range l.Webhooks {
		out.Webhooks = append(out.Webhooks, map[string]any{"event": d.Event, "target": d.Target, "delivered": d.Delivered.UTC()})
	}
	for _, p := range l.Telegram {
		out.Telegram = append(out.Telegram, map[string]any{"chat": p.Chat, "message": p.MessageID, "posted": p.Posted.UTC()})
	}
	for _, e := range l.Newsletters {
		out.Newsletters = append(out.Newsletters, map[string]any{"service": e.Service, "day": e.Day, "recipients": e.Recipients, "subject": e.Content.Subject})
	}
	return out
}

func (s *apiServer) unpublishStory(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	a, ctx := s.a, r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	l, err := a.unpublishStory(ctx, actor, sc, a.clientOf(r))
	if err != nil {
		return err
	}
	return s.answerStory(w, r, actor, http.StatusOK, sc.Story.ID, l)
}

// uploadMedia takes one image as the media library's upload does
// (multipart fields service, file, alt, caption, credit) through the same
// ingest: checked by content, size and pixel limits, metadata stripped by
// re-encoding, variants made.
func (s *apiServer) uploadMedia(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	a, ctx := s.a, r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, media.MaxUploadBody)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return apiErrorf(http.StatusUnsupportedMediaType, "send the image as multipart/form-data with a file field")
	}
	form, err := readUpload(r)
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, errUploadTooLarge) || errors.As(err, &tooBig):
		return apiErrorf(http.StatusRequestEntityTooLarge, "the file is larger than "+strconv.Itoa(media.MaxBytes>>20)+" MB")
	case errors.Is(err, news.ErrInvalid):
		return err
	case err != nil:
		return apiErrorf(http.StatusBadRequest, "the upload was cut off or malformed")
	}
	svc := form.fields["service"]
	if err := a.auth.Authorize(actor, news.ActFile, svc); err != nil {
		return err
	}
	if _, cur, err := a.servicesFor(ctx, actor, news.ActFile, svc); err != nil {
		return err
	} else if cur.Code != svc {
		return auth.ErrForbidden
	}
	if !form.hasFile || len(form.data) == 0 {
		return apiErrorf(http.StatusBadRequest, "send the image in a field named file")
	}
	asset, err := a.cfg.Library.Ingest(ctx, form.data)
	if reason := media.Reason(err); reason != "" {
		status := http.StatusUnprocessableEntity
		switch {
		case errors.Is(err, media.ErrUnsupported):
			status = http.StatusUnsupportedMediaType
		case errors.Is(err, media.ErrTooLarge):
			status = http.StatusRequestEntityTooLarge
		}
		a.auth.Audit(ctx, actor, "media.refused", "", svc, a.clientOf(r), reason)
		return apiErrorf(status, "this file was not accepted: "+reason)
	}
	if err != nil {
		return err
	}
	item := news.MediaItem{Asset: news.Asset{ID: asset.ID}, Service: svc, Name: labelName(form.filename),
		Alt: form.fields["alt"], Caption: form.fields["caption"], Credit: form.fields["credit"], AddedBy: actor.ID, Added: a.auth.Now()}
	if err := a.mediaStore().AddMedia(ctx, &item); err != nil {
		return err
	}
	a.auth.Audit(ctx, actor, "media.upload", "", svc, a.clientOf(r), asset.ID)
	apiJSON(w, http.StatusCreated, map[string]any{"id": item.Asset.ID, "service": svc, "name": item.Name, "alt": item.Alt,
		"caption": item.Caption, "credit": item.Credit, "width": item.Asset.Width, "height": item.Asset.Height})
	return nil
}

// apiBanner is a banner as the API reads and writes it.
type apiBanner struct {
	Service string     `json:"service"`
	Active  bool       `json:"active"`
	Label   string     `json:"label"`
	Text    string     `json:"text"`
	Link    string     `json:"link"`
	Updated *time.Time `json:"updated,omitempty"`
}

func (s *apiServer) answerBanner(w http.ResponseWriter, r *http.Request, service string) error {
	b, err := s.a.cfg.Stories.Banner(r.Context(), service)
	if err != nil && !errors.Is(err, news.ErrNotFound) {
		return err
	}
	apiJSON(w, http.StatusOK, apiBanner{Service: service, Active: b.Active, Label: b.Label, Text: b.Text, Link: b.Link, Updated: optTime(b.Updated)})
	return nil
}

func (s *apiServer) getBanner(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	svc := r.PathValue("service")
	if err := s.a.auth.Authorize(actor, news.ActBanner, svc); err != nil {
		return err
	}
	if _, cur, err := s.a.servicesFor(r.Context(), actor, news.ActBanner, svc); err != nil {
		return err
	} else if cur.Code != svc {
		return news.ErrNotFound
	}
	return s.answerBanner(w, r, svc)
}

func (s *apiServer) setBanner(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	var in struct {
		Label string `json:"label"`
		Text  string `json:"text"`
		Link  string `json:"link"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	svc := r.PathValue("service")
	b := news.Banner{Service: svc, Label: strings.TrimSpace(in.Label), Text: strings.TrimSpace(in.Text), Link: strings.TrimSpace(in.Link), Active: true}
	if _, err := s.a.putBanner(r.Context(), actor, b, s.a.clientOf(r)); err != nil {
		return err
	}
	return s.answerBanner(w, r, svc)
}

func (s *apiServer) clearBanner(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	svc := r.PathValue("service")
	if _, err := s.a.putBanner(r.Context(), actor, news.Banner{Service: svc}, s.a.clientOf(r)); err != nil {
		return err
	}
	return s.answerBanner(w, r, svc)
}
