package admin

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// Passkeys (WebAuthn): the page listing one's passkeys, and the JSON
// endpoints assets/static/admin-passkey.js talks to. Every ceremony is a
// begin (answering the options for navigator.credentials) and a finish
// (taking the authenticator's answer, posted as the form field
// "credential"). Posts are forms, so the session's CSRF token travels as
// on every other admin form; all pass http.CrossOriginProtection too.

// passkeyCookie holds the key of a passwordless sign-in between its begin
// and its finish: the only ceremony begun before there is a session.
const passkeyCookie = "__Host-qalam-passkey"

// maxCredential bounds a posted authenticator answer.
const maxCredential = 64 << 10

func (a *Admin) passkeyRoutes() {
	if a.passkeys == nil {
		return
	}
	a.handle("GET /admin/passkeys", signedIn, a.passkeysPage)
	a.handle("POST /admin/passkeys/{id}/remove", signedIn, a.passkeyRemove)
	a.handle("GET /admin/passkeys/codes", signedIn, a.passkeyCodes)
	a.handle("POST /admin/passkeys/register/begin", enrolling, a.passkeyRegisterBegin)
	a.handle("POST /admin/passkeys/register/finish", enrolling, a.passkeyRegisterFinish)
	a.handle("POST /admin/passkey/login/begin", public, a.passkeyLoginBegin)
	a.handle("POST /admin/passkey/login/finish", public, a.passkeyLoginFinish)
	a.handle("POST /admin/passkey/factor/begin", pendingFactor, a.passkeyFactorBegin)
	a.handle("POST /admin/passkey/factor/finish", pendingFactor, a.passkeyFactorFinish)
	a.handle("POST /admin/passkey/confirm/begin", signedIn, a.passkeyConfirmBegin)
	a.handle("POST /admin/passkey/confirm/finish", signedIn, a.passkeyConfirmFinish)
}

// writeJSON answers a passkey endpoint.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func (a *Admin) jsonOK(w http.ResponseWriter, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// jsonFail answers a passkey endpoint's error as {"error": "..."}: what
// the person can do about it, never internals.
func (a *Admin) jsonFail(w http.ResponseWriter, r *http.Request, err error) error {
	var th *auth.ThrottledError
	l := langOf(r, nil)
	status, msg := http.StatusInternalServerError, tr(l, "The newsroom could not do that. Try again; if it keeps failing, tell an admin.")
	switch {
	case errors.Is(err, auth.ErrNoCeremony):
		status, msg = http.StatusBadRequest, tr(l, "The passkey request expired or was already used. Try again.")
	case errors.Is(err, auth.ErrBadPasskey):
		status, msg = http.StatusUnauthorized, tr(l, "That passkey was not accepted.")
	case errors.As(err, &th):
		w.Header().Set("Retry-After", strconv.Itoa(int(th.RetryAfter.Seconds())))
		status, msg = http.StatusTooManyRequests, tr(l, "Too many failed attempts. Wait %s and try again.", waitText(l, th.RetryAfter))
	case errors.Is(err, auth.ErrStale):
		status, msg = http.StatusForbidden, tr(l, "Confirm your second factor again first: reload the page.")
	case errors.Is(err, auth.ErrNoSession):
		status, msg = http.StatusUnauthorized, tr(l, "You are not signed in any more. Reload the page.")
	case errors.Is(err, news.ErrInvalid):
		status, msg = http.StatusBadRequest, trMsg(l, trimInvalid(err))
	default:
		a.cfg.Log.Error("admin passkey", "path", r.URL.Path, "err", err)
	}
	b, _ := json.Marshal(map[string]string{"error": msg})
	writeJSON(w, status, b)
	return nil
}

func trimInvalid(err error) string {
	s := err.Error()
	if p := news.ErrInvalid.Error() + ": "; len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// credential is the authenticator's answer a finish carries.
func credential(r *http.Request) []byte {
	c := r.PostFormValue("credential")
	if len(c) > maxCredential {
		return nil
	}
	return []byte(c)
}

type passkeysData struct {
	Keys []auth.PasskeyInfo
	Last bool // removing the only factor left is refused
}

func (a *Admin) passkeysPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	keys, err := a.passkeys.List(r.Context(), actor)
	if err != nil {
		return err
	}
	fs, err := a.auth.Store().Factors(r.Context(), actor.ID)
	if err != nil {
		return err
	}
	p := &page{Title: say(r, actor, "Passkeys"), Here: "passkeys", Actor: actor, Data: passkeysData{Keys: keys, Last: len(fs) <= 1}}
	switch r.URL.Query().Get("done") {
	case "added":
		p.Notice = say(r, actor, "Passkey added.")
	case "removed":
		p.Notice = say(r, actor, "Passkey removed.")
	}
	a.render(w, r, http.StatusOK, "passkeys", p)
	return nil
}

func (a *Admin) passkeyRemove(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if err := a.passkeys.Remove(r.Context(), actor, r.PathValue("id"), a.clientOf(r)); err != nil {
		return err
	}
	redirect(w, r, "/admin/passkeys?done=removed")
	return nil
}

func (a *Admin) passkeyRegisterBegin(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	opts, err := a.passkeys.BeginRegister(r.Context(), actor, r.PostFormValue("name"))
	if err != nil {
		return a.jsonFail(w, r, err)
	}
	writeJSON(w, http.StatusOK, opts)
	return nil
}

// passkeyRegisterFinish adds the passkey; in the enrollment stage it is
// the person's first factor, and their recovery codes come next.
func (a *Admin) passkeyRegisterFinish(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if actor.Session.Stage == news.StageEnroll {
		tok, err := a.passkeys.FinishEnroll(r.Context(), actor, credential(r), a.clientOf(r))
		if err != nil {
			return a.jsonFail(w, r, err)
		}
		a.setSession(w, tok)
		return a.jsonOK(w, map[string]string{"next": "/admin/passkeys/codes"})
	}
	if _, err := a.passkeys.FinishRegister(r.Context(), actor, credential(r), a.clientOf(r)); err != nil {
		return a.jsonFail(w, r, err)
	}
	return a.jsonOK(w, map[string]string{"next": "/admin/passkeys?done=added"})
}

// passkeyCodes shows, once, the recovery codes of an enrollment with a
// passkey.
func (a *Admin) passkeyCodes(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	codes := a.passkeys.TakeCodes(actor)
	if codes == nil {
		redirect(w, r, "/admin/passkeys")
		return nil
	}
	return a.showCodes(w, r, actor.Token, codes)
}

func (a *Admin) passkeyLoginBegin(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if actor != nil && actor.Session.Stage == news.StageFull {
		return a.jsonFail(w, r, news.Invalidf("you are signed in already"))
	}
	key, opts, err := a.passkeys.BeginLogin(r.Context(), a.clientOf(r))
	if err != nil {
		return a.jsonFail(w, r, err)
	}
	http.SetCookie(w, &http.Cookie{Name: passkeyCookie, Value: key, Path: "/", MaxAge: int(auth.CeremonyTTL.Seconds()),
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	writeJSON(w, http.StatusOK, opts)
	return nil
}

func (a *Admin) passkeyLoginFinish(w http.ResponseWriter, r *http.Request, _ *auth.Actor) error {
	key := ""
	if c, err := r.Cookie(passkeyCookie); err == nil {
		key = c.Value
	}
	http.SetCookie(w, &http.Cookie{Name: passkeyCookie, Value: "", Path: "/", MaxAge: -1, Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	tok, err := a.passkeys.FinishLogin(r.Context(), key, credential(r), a.clientOf(r), sessionToken(r))
	if err != nil {
		return a.jsonFail(w, r, err)
	}
	a.setSession(w, tok)
	return a.jsonOK(w, map[string]string{"next": "/admin"})
}

func (a *Admin) passkeyFactorBegin(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	opts, err := a.passkeys.BeginFactor(r.Context(), actor)
	if err != nil {
		return a.jsonFail(w, r, err)
	}
	writeJSON(w, http.StatusOK, opts)
	return nil
}

func (a *Admin) passkeyFactorFinish(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	tok, err := a.passkeys.FinishFactor(r.Context(), actor, credential(r), a.clientOf(r))
	if err != nil {
		return a.jsonFail(w, r, err)
	}
	a.setSession(w, tok)
	return a.jsonOK(w, map[string]string{"next": "/admin"})
}

func (a *Admin) passkeyConfirmBegin(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	opts, err := a.passkeys.BeginConfirm(r.Context(), actor)
	if err != nil {
		return a.jsonFail(w, r, err)
	}
	writeJSON(w, http.StatusOK, opts)
	return nil
}

func (a *Admin) passkeyConfirmFinish(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if err := a.passkeys.FinishConfirm(r.Context(), actor, credential(r), a.clientOf(r)); err != nil {
		return a.jsonFail(w, r, err)
	}
	return a.jsonOK(w, map[string]string{"next": safeNext(r.PostFormValue("next"))})
}
