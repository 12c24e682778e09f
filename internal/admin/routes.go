package admin

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// access is what a route needs of the request's session.
type access int

const (
	public        access = iota // anyone (the actor may be nil)
	anySession                  // any session, at any stage
	pendingFactor               // a sign-in waiting for its second factor
	enrolling                   // a session that may enroll a factor
	signedIn                    // fully signed in
)

type handlerFunc func(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error

// routes lists every admin route with what it needs.
func (a *Admin) routes() {
	a.handle("GET /admin", public, a.home)
	a.handle("GET /admin/{$}", public, a.home)
	a.handle("GET /admin/login", public, a.loginPage)
	a.handle("POST /admin/login", public, a.loginPost)
	a.handle("GET /admin/2fa", pendingFactor, a.factorPage)
	a.handle("POST /admin/2fa", pendingFactor, a.factorPost)
	a.handle("GET /admin/setup", public, a.setupPage)
	a.handle("POST /admin/setup", public, a.setupPost)
	a.handle("GET /admin/enroll", enrolling, a.enrollPage)
	a.handle("POST /admin/enroll", enrolling, a.enrollPost)
	a.handle("GET /admin/confirm", signedIn, a.confirmPage)
	a.handle("POST /admin/confirm", signedIn, a.confirmPost)
	a.handle("POST /admin/recovery", signedIn, a.recoveryPost)
	a.handle("GET /admin/sessions", signedIn, a.sessionsPage)
	a.handle("POST /admin/sessions/end", signedIn, a.sessionEnd)
	a.handle("POST /admin/sessions/end-others", signedIn, a.sessionsEndOthers)
	a.handle("POST /admin/language", signedIn, a.languagePost)
	a.handle("POST /admin/logout", anySession, a.logout)
	a.handle("GET /admin/people", signedIn, a.peoplePage)
	a.handle("POST /admin/people/invite", signedIn, a.invite)
	a.handle("POST /admin/people/{id}/disable", signedIn, a.disable(true))
	a.handle("POST /admin/people/{id}/enable", signedIn, a.disable(false))
	a.handle("POST /admin/people/{id}/reset", signedIn, a.reset)
	a.handle("POST /admin/people/{id}/role", signedIn, a.role)
	a.handle("GET /admin/audit", signedIn, a.auditPage)
	if a.cfg.Mirrors != nil {
		a.handle("GET /admin/mirrors", signedIn, a.mirrorsPage)
		a.handle("POST /admin/mirrors", signedIn, a.mirrorPut)
		a.handle("POST /admin/mirrors/{id}/delete", signedIn, a.mirrorDelete)
	}
	a.storyRoutes()
	a.commentRoutes()
	a.bannerRoutes()
	a.liveRoutes()
	a.serviceRoutes()
	a.mediaRoutes()
	a.embedRoutes()
	a.passkeyRoutes()
	a.tokenRoutes()
	a.apiRoutes()
	a.handle("/admin/", public, func(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error { return news.ErrNotFound })
}

// stageHome is where a session at stage belongs.
func stageHome(s news.SessionStage) string {
	switch s {
	case news.StagePassword:
		return "/admin/2fa"
	case news.StageEnroll:
		return "/admin/enroll"
	}
	return "/admin"
}

// handle registers a route: it finds the session, sends it where its
// stage belongs when the route needs more, checks the form's CSRF token on
// every POST made in a session, and maps the handler's error.
func (a *Admin) handle(pattern string, need access, h handlerFunc) {
	a.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		actor, err := a.auth.Authenticate(r.Context(), sessionToken(r))
		if err != nil && !errors.Is(err, auth.ErrNoSession) {
			a.fail(w, r, nil, err)
			return
		}
		r = withLang(r, langOf(r, actor))
		if need != public {
			if actor == nil {
				clearSession(w)
				redirect(w, r, "/admin/login")
				return
			}
			stage := actor.Session.Stage
			ok := need == anySession ||
				(need == pendingFactor && stage == news.StagePassword) ||
				(need == enrolling && (stage == news.StageEnroll || stage == news.StageFull)) ||
				(need == signedIn && stage == news.StageFull)
			if !ok {
				redirect(w, r, stageHome(stage))
				return
			}
			if r.Method == http.MethodPost {
				got := r.PostFormValue("csrf")
				if subtle.ConstantTimeCompare([]byte(got), []byte(csrfToken(actor.Token))) != 1 {
					a.render(w, r, http.StatusForbidden, "error", &page{Title: say(r, actor, "Refused"), Actor: actor,
						Data: say(r, actor, "This form is out of date or was not sent from this newsroom's pages. Go back, reload the page and try again.")})
					return
				}
			}
		}
		if err := h(w, r, actor); err != nil {
			a.fail(w, r, actor, err)
		}
	})
}

func (a *Admin) home(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if actor == nil {
		redirect(w, r, "/admin/login")
		return nil
	}
	if actor.Session.Stage != news.StageFull {
		redirect(w, r, stageHome(actor.Session.Stage))
		return nil
	}
	has, err := a.auth.HasFactor(r.Context(), actor.ID)
	if err != nil {
		return err
	}
	left, err := a.auth.RecoveryCodesLeft(r.Context(), actor.ID)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "home", &page{Title: say(r, actor, "Dashboard"), Here: "home", Actor: actor,
		Data: struct {
			HasFactor bool
			CodesLeft int
		}{has, left}})
	return nil
}

func (a *Admin) loginPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if actor != nil {
		redirect(w, r, stageHome(actor.Session.Stage))
		return nil
	}
	a.render(w, r, http.StatusOK, "login", &page{Title: say(r, nil, "Sign in")})
	return nil
}

// loginPost answers a wrong password, an unknown email and a disabled
// account alike, with the same status and body.
func (a *Admin) loginPost(w http.ResponseWriter, r *http.Request, _ *auth.Actor) error {
	tok, stage, err := a.auth.Login(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"), a.clientOf(r), sessionToken(r))
	if errors.Is(err, auth.ErrBadCredentials) {
		a.render(w, r, http.StatusUnauthorized, "login", &page{Title: say(r, nil, "Sign in"), Error: say(r, nil, "The email or password is wrong.")})
		return nil
	}
	if err != nil {
		return err
	}
	a.setSession(w, tok)
	redirect(w, r, stageHome(stage))
	return nil
}

func (a *Admin) setSession(w http.ResponseWriter, tok string) { setSession(w, tok, 7*24*time.Hour) }

type factorData struct {
	Why, Action, Button, Next string
	NoFactor                  bool
}

func (a *Admin) factorPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	a.render(w, r, http.StatusOK, "factor", &page{Title: say(r, actor, "Second factor"), Actor: actor, Data: factorData{
		Why: say(r, actor, "Your password was right. Now prove it is you with your second factor."), Action: "/admin/2fa", Button: say(r, actor, "Sign in")}})
	return nil
}

func (a *Admin) factorPost(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	tok, err := a.auth.SecondFactor(r.Context(), actor, r.PostFormValue("code"), a.clientOf(r))
	if errors.Is(err, auth.ErrBadCode) {
		a.render(w, r, http.StatusUnauthorized, "factor", &page{Title: say(r, actor, "Second factor"), Actor: actor, Error: say(r, actor, "That code is wrong or was already used."),
			Data: factorData{Why: say(r, actor, "Your password was right. Now prove it is you with your second factor."), Action: "/admin/2fa", Button: say(r, actor, "Sign in")}})
		return nil
	}
	if err != nil {
		return err
	}
	a.setSession(w, tok)
	redirect(w, r, "/admin")
	return nil
}

func (a *Admin) confirmData(r *http.Request, actor *auth.Actor, next string) (factorData, error) {
	has, err := a.auth.HasFactor(r.Context(), actor.ID)
	return factorData{
		Why:    say(r, actor, "This action needs your second factor, confirmed within the last %d minutes. Give it again to go on.", int(a.auth.FreshFor().Minutes())),
		Action: "/admin/confirm", Button: say(r, actor, "Confirm"), Next: safeNext(next), NoFactor: !has}, err
}

func (a *Admin) confirmPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	d, err := a.confirmData(r, actor, r.URL.Query().Get("next"))
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "factor", &page{Title: say(r, actor, "Confirm it is you"), Actor: actor, Data: d})
	return nil
}

func (a *Admin) confirmPost(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	err := a.auth.Confirm(r.Context(), actor, r.PostFormValue("code"), a.clientOf(r))
	if errors.Is(err, auth.ErrBadCode) {
		d, err := a.confirmData(r, actor, r.PostFormValue("next"))
		if err != nil {
			return err
		}
		a.render(w, r, http.StatusUnauthorized, "factor", &page{Title: say(r, actor, "Confirm it is you"), Actor: actor, Error: say(r, actor, "That code is wrong or was already used."), Data: d})
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, safeNext(r.PostFormValue("next")))
	return nil
}

type setupData struct {
	Token, Name, Email, Expires string
	Purpose                     news.SetupPurpose
	Min                         int
}

func (a *Admin) setupForm(w http.ResponseWriter, r *http.Request, token string, status int, msg string) error {
	link, person, err := a.auth.SetupLink(r.Context(), token)
	if err != nil {
		return err
	}
	title := say(r, nil, "Set your password")
	if link.Purpose == news.SetupReset {
		title = say(r, nil, "Choose a new password")
	}
	a.render(w, r, status, "setup", &page{Title: title, Error: msg, Data: setupData{Token: token, Name: person.Name, Email: person.Email,
		Expires: link.Expires.UTC().Format("2006-01-02 15:04 UTC"), Purpose: link.Purpose, Min: auth.MinPassword}})
	return nil
}

// setupPage shows the form of a one-time link. The token travels in the
// query, which the access log never records.
func (a *Admin) setupPage(w http.ResponseWriter, r *http.Request, _ *auth.Actor) error {
	return a.setupForm(w, r, r.URL.Query().Get("t"), http.StatusOK, "")
}

func (a *Admin) setupPost(w http.ResponseWriter, r *http.Request, _ *auth.Actor) error {
	token, pw := r.PostFormValue("t"), r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		return a.setupForm(w, r, token, http.StatusBadRequest, say(r, nil, "The two passwords differ."))
	}
	tok, stage, err := a.auth.CompleteSetup(r.Context(), token, pw, a.clientOf(r), sessionToken(r))
	if errors.Is(err, news.ErrInvalid) {
		return a.setupForm(w, r, token, http.StatusBadRequest, invalidMsg(langOf(r, nil), err))
	}
	if err != nil {
		return err
	}
	a.setSession(w, tok)
	redirect(w, r, stageHome(stage))
	return nil
}

func (a *Admin) enrollForm(w http.ResponseWriter, r *http.Request, actor *auth.Actor, status int, msg string) error {
	e, err := a.auth.StartEnroll(r.Context(), actor)
	if errors.Is(err, news.ErrInvalid) {
		redirect(w, r, "/admin")
		return nil
	}
	if err != nil {
		return err
	}
	d := struct {
		Required bool
		Secret   string
		URI, QR  template.URL
	}{Required: actor.Session.Stage == news.StageEnroll, Secret: e.Secret,
		// Both are made here, not typed by anyone: an otpauth: link and a
		// PNG of our own drawing.
		URI: template.URL(e.URI)}
	if len(e.QR) > 0 {
		d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QR))
	}
	a.render(w, r, status, "enroll", &page{Title: say(r, actor, "Set up your authenticator app"), Actor: actor, Error: msg, Data: d})
	return nil
}

func (a *Admin) enrollPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	return a.enrollForm(w, r, actor, http.StatusOK, "")
}

func (a *Admin) enrollPost(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	tok, codes, err := a.auth.FinishEnroll(r.Context(), actor, r.PostFormValue("code"), a.clientOf(r))
	if errors.Is(err, auth.ErrBadCode) {
		return a.enrollForm(w, r, actor, http.StatusUnauthorized, say(r, actor, "That code does not match. Check the app's clock and try the next code."))
	}
	if err != nil {
		return err
	}
	a.setSession(w, tok)
	return a.showCodes(w, r, tok, codes)
}

// showCodes renders recovery codes once, in the session of tok.
func (a *Admin) showCodes(w http.ResponseWriter, r *http.Request, tok string, codes []string) error {
	actor, err := a.auth.Authenticate(r.Context(), tok)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "codes", &page{Title: say(r, actor, "Your recovery codes"), Actor: actor, Data: codes})
	return nil
}

func (a *Admin) recoveryPost(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	codes, err := a.auth.NewRecoveryCodes(r.Context(), actor, a.clientOf(r))
	if err != nil {
		return err
	}
	return a.showCodes(w, r, actor.Token, codes)
}

func (a *Admin) sessionsPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ss, err := a.auth.Sessions(r.Context(), actor)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "sessions", &page{Title: say(r, actor, "My sessions"), Here: "sessions", Actor: actor, Notice: r.URL.Query().Get("done"), Data: ss})
	return nil
}

// languagePost stores the language of the admin's pages the person chose
// ("" to follow the browser) and shows the sessions page in it.
func (a *Admin) languagePost(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if err := a.auth.SetLang(r.Context(), actor, r.PostFormValue("lang")); err != nil {
		return err
	}
	redirect(w, r, "/admin/sessions?"+url.Values{"done": {say(r, actor, "Language saved.")}}.Encode())
	return nil
}

func (a *Admin) sessionEnd(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	id := r.PostFormValue("id")
	if err := a.auth.EndSession(r.Context(), actor, id, a.clientOf(r)); err != nil {
		return err
	}
	if id == actor.Session.ID {
		clearSession(w)
		redirect(w, r, "/admin/login")
		return nil
	}
	redirect(w, r, "/admin/sessions")
	return nil
}

func (a *Admin) sessionsEndOthers(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if _, err := a.auth.EndOtherSessions(r.Context(), actor, a.clientOf(r)); err != nil {
		return err
	}
	redirect(w, r, "/admin/sessions")
	return nil
}

func (a *Admin) logout(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if err := a.auth.Logout(r.Context(), actor, a.clientOf(r)); err != nil {
		return err
	}
	clearSession(w)
	redirect(w, r, "/admin/login")
	return nil
}

func (a *Admin) peoplePage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	people, err := a.auth.People(r.Context(), actor)
	if err != nil {
		return err
	}
	grantable, err := a.auth.Grantable(r.Context(), actor)
	if err != nil {
		return err
	}
	type grantView struct {
		news.Grant
		Removable bool // the viewer may take it away
	}
	type personView struct {
		auth.Person
		Roles []grantView
	}
	views := make([]personView, len(people))
	for i, p := range people {
		views[i].Person = p
		for _, g := range p.Grants {
			views[i].Roles = append(views[i].Roles, grantView{g, p.ID != actor.ID && news.CanGrant(actor.Grants, g)})
		}
	}
	a.render(w, r, http.StatusOK, "people", &page{Title: say(r, actor, "People"), Here: "people", Actor: actor, Data: struct {
		People    []personView
		Grantable []news.Grant
	}{views, grantable}})
	return nil
}

// role gives a person a role in a service or takes it away (op=remove).
func (a *Admin) role(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	g, err := parseGrant(r.PostFormValue("grant"))
	if err != nil {
		return err
	}
	if _, err := a.auth.SetRole(r.Context(), actor, r.PathValue("id"), g, r.PostFormValue("op") == "remove", a.clientOf(r)); err != nil {
		return err
	}
	redirect(w, r, "/admin/people")
	return nil
}

// parseGrant reads a "service:role" choice ("" service for admin).
func parseGrant(s string) (news.Grant, error) {
	svc, role, ok := strings.Cut(s, ":")
	if !ok {
		return news.Grant{}, news.Invalidf("choose a role")
	}
	r, err := news.ParseRole(role)
	if err != nil {
		return news.Grant{}, err
	}
	g := news.Grant{Service: svc, Role: r}
	return g, g.Validate()
}

type linkData struct {
	What, Name, Email, Expires, Link string
}

func (a *Admin) setupURL(token string) string {
	return a.cfg.Origin.String() + "/admin/setup?t=" + url.QueryEscape(token)
}

func (a *Admin) invite(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	g, err := parseGrant(r.PostFormValue("grant"))
	if err != nil {
		return err
	}
	link, person, err := a.auth.CreateAccount(r.Context(), actor, r.PostFormValue("email"), r.PostFormValue("name"), g, a.clientOf(r))
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "link", &page{Title: say(r, actor, "Invitation link"), Here: "people", Actor: actor, Data: linkData{
		What: say(r, actor, "Invitation made: %s.", g.String()), Name: person.Name, Email: person.Email,
		Expires: link.Expires.UTC().Format("2006-01-02 15:04 UTC"), Link: a.setupURL(link.Token)}})
	return nil
}

func (a *Admin) disable(disabled bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
		if _, err := a.auth.SetDisabled(r.Context(), actor, r.PathValue("id"), disabled, a.clientOf(r)); err != nil {
			return err
		}
		redirect(w, r, "/admin/people")
		return nil
	}
}

func (a *Admin) reset(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	link, person, err := a.auth.IssueReset(r.Context(), actor, r.PathValue("id"), a.clientOf(r))
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "link", &page{Title: say(r, actor, "Password-reset link"), Here: "people", Actor: actor, Data: linkData{
		What: say(r, actor, "Password-reset link made. Their second factor stays: they will still need it."), Name: person.Name, Email: person.Email,
		Expires: link.Expires.UTC().Format("2006-01-02 15:04 UTC"), Link: a.setupURL(link.Token)}})
	return nil
}

func (a *Admin) auditPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	log, err := a.auth.AuditLog(r.Context(), actor, before)
	if err != nil {
		return err
	}
	people, err := a.auth.People(r.Context(), actor)
	if err != nil {
		return err
	}
	names := map[string]string{"": say(r, actor, "command line")}
	for _, p := range people {
		names[p.ID] = p.Name + " <" + p.Email + ">"
	}
	type row struct {
		news.AuditEntry
		ActorName, TargetName string
	}
	rows := make([]row, len(log))
	for i, e := range log {
		rows[i] = row{AuditEntry: e, ActorName: names[e.Actor], TargetName: names[e.Target]}
		if e.Actor == "" && e.Action == "login.fail" {
			rows[i].ActorName = say(r, actor, "unknown")
		}
	}
	var older int64
	if len(log) == 100 {
		older = log[len(log)-1].ID
	}
	a.render(w, r, http.StatusOK, "audit", &page{Title: say(r, actor, "Audit log"), Here: "audit", Actor: actor, Data: struct {
		Rows  []row
		Older int64
	}{rows, older}})
	return nil
}
