package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pquerna/otp/totp"

	"qalam/internal/auth"
	"qalam/internal/config"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// addAuthenticator gives the tab a virtual platform authenticator (CTAP2,
// resident keys, user verification that succeeds) and returns its ID.
func addAuthenticator(t *testing.T, b *tab) webauthn.AuthenticatorID {
	t.Helper()
	var id webauthn.AuthenticatorID
	b.do(t, "adding a virtual authenticator", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		res, err := cdp.Call(ctx, tg, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
			Options: &webauthn.VirtualAuthenticatorOptions{
				Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
				Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true, HasUserVerification: true,
				IsUserVerified: true, AutomaticPresenceSimulation: true,
			}})
		if err != nil {
			return err
		}
		id = res.AuthenticatorID
		return nil
	}))
	return id
}

// passkeyJS runs one ceremony by hand from inside a page, the way
// admin-passkey.js does, so a test can tamper with it: begin (posting
// the page's CSRF token), let the authenticator answer (allow, when set,
// replaces the allowed credentials), and post the answer to finish
// (replay, when set, is an earlier answer to post instead). It resolves
// to {status, body, answer}.
const passkeyJS = `async function ceremony(kind, allow, replay) {
	const b64 = s => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0)).buffer;
	const u64 = buf => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
	const csrf = (document.querySelector('input[name=csrf]') || {}).value || '';
	const post = (path, extra) => fetch('/admin/passkey/' + kind + '/' + path, {method: 'POST', redirect: 'manual',
		body: new URLSearchParams(Object.assign({csrf}, extra))}).then(async r => ({status: r.status, body: await r.text()}));
	const begun = await post('begin', {});
	if (begun.status !== 200) return {status: begun.status, body: begun.body, step: 'begin'};
	let answer = replay;
	if (!answer) {
		const pk = JSON.parse(begun.body).publicKey;
		pk.challenge = b64(pk.challenge);
		const ids = allow ? [allow] : (pk.allowCredentials || []).map(c => c.id);
		pk.allowCredentials = ids.map(id => ({type: 'public-key', id: b64(id)}));
		const c = await navigator.credentials.get({publicKey: pk});
		const r = c.response;
		answer = JSON.stringify({id: c.id, rawId: u64(c.rawId), type: c.type, clientExtensionResults: c.getClientExtensionResults(),
			response: {clientDataJSON: u64(r.clientDataJSON), authenticatorData: u64(r.authenticatorData), signature: u64(r.signature),
				userHandle: r.userHandle ? u64(r.userHandle) : undefined}});
	}
	const done = await post('finish', {credential: answer});
	return {status: done.status, body: done.body, answer};
}`

type ceremonyResult struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
	Answer string `json:"answer"`
	Step   string `json:"step"`
}

func runCeremony(t *testing.T, b *tab, kind, allow, replay string) ceremonyResult {
	t.Helper()
	arg := func(s string) string {
		if s == "" {
			return "null"
		}
		j, _ := json.Marshal(s)
		return string(j)
	}
	return eval[ceremonyResult](t, b, "("+passkeyJS+")("+arg(kind)+", "+arg(allow)+", "+arg(replay)+")", chromedp.EvalAwaitPromise)
}

// TestPasskeysInBrowser: an editor signs in with password and TOTP, adds
// a passkey, then signs in with password and the passkey as second
// factor, and with the passkey alone; confirms a sensitive action with it
// and removes it. An answer replayed, an answer to an old challenge and
// one signed by another person's passkey are refused. The admin is on
// http://localhost:PORT, a secure context for WebAuthn.
func TestPasskeysInBrowser(t *testing.T) {
	needBrowser(t)
	inject := axeSource(t)
	e := servertest.Demo(t, func(o *config.Options) {
		for _, h := range o.Hosts {
			if strings.HasPrefix(h.Host, "localhost:") {
				o.AdminOrigin = h
			}
		}
	})
	if !strings.HasPrefix(e.Opts.AdminOrigin.Host, "localhost:") {
		t.Fatalf("admin origin %v", e.Opts.AdminOrigin)
	}
	admin := e.Opts.AdminOrigin.String()
	ctx := context.Background()
	au := auth.New(auth.Config{Store: e.Store, Now: e.Clock.Now, Services: e.Store.Services})
	const password = "correct horse battery staple"
	person := func(email string) string {
		t.Helper()
		link, acct, err := au.CreateAccount(ctx, nil, email, strings.Split(email, "@")[0], news.Grant{Service: "en", Role: news.RoleEditor}, auth.Client{})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := e.Client.PostForm(admin+"/admin/setup", url.Values{"t": {link.Token}, "password": {password}, "password2": {password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("setup of %s: %d", email, resp.StatusCode)
		}
		return acct.ID
	}
	deskID := person("desk@example.org")
	otherID := person("other@example.org")

	secrets := map[string]string{}
	signIn := func(b *tab, email string) {
		t.Helper()
		b.open(t, admin+"/admin/login", 200)
		b.do(t, "signing in",
			chromedp.SendKeys(chromedp.CSS("#email"), email),
			chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Click(chromedp.CSS(`main form[action="/admin/login"]:not([data-passkey]) button[type=submit]`)))
		until(t, b, "past the password", `!location.pathname.endsWith('/login')`)
	}
	code := func(email string) string {
		t.Helper()
		c, err := totp.GenerateCode(secrets[email], e.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(e.Clock.Now().Add(30 * time.Second)) // each code once
		return c
	}
	enroll := func(b *tab, email string) {
		t.Helper()
		signIn(b, email)
		until(t, b, "the enroll page", `location.pathname === '/admin/enroll' && !!document.getElementById('secret')`)
		secrets[email] = eval[string](t, b, `document.getElementById('secret').textContent`)
		b.do(t, "enrolling", chromedp.SendKeys(chromedp.CSS("#code"), code(email)), chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
		until(t, b, "the recovery codes", `document.body.textContent.includes('recovery codes')`)
	}
	addPasskey := func(b *tab, name string) {
		t.Helper()
		b.open(t, admin+"/admin/passkeys", 200)
		b.do(t, "adding a passkey", chromedp.WaitVisible(chromedp.CSS(`form[data-passkey=register]`)),
			chromedp.SendKeys(chromedp.CSS("#passkey-name"), name),
			chromedp.Click(chromedp.CSS(`form[data-passkey=register] button[type=submit]`)))
		until(t, b, "the passkey added", `location.search === '?done=added'`)
	}
	signOut := func(b *tab) {
		t.Helper()
		b.do(t, "signing out", chromedp.Click(chromedp.CSS(`header form button`)))
		until(t, b, "signed out", `location.pathname === '/admin/login'`)
	}
	audited := func(actor, action, detail string) bool {
		t.Helper()
		log, err := e.Store.Audit(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range log {
			if a.Actor == actor && a.Action == action && a.Detail == detail {
				return true
			}
		}
		return false
	}
	passkeys := func(staff string) []news.Factor {
		t.Helper()
		fs, err := e.Store.Factors(ctx, staff)
		if err != nil {
			t.Fatal(err)
		}
		var out []news.Factor
		for _, f := range fs {
			if f.Kind == news.FactorPasskey {
				out = append(out, f)
			}
		}
		return out
	}

	b := newTab(t, 240*time.Second)
	step := time.Now()
	logStep := func(what string) { t.Logf("%s (%.1fs)", what, time.Since(step).Seconds()); step = time.Now() }
	// Each page is checked with axe and kept, as the browser built it, for
	// the Nu HTML checker.
	pages := map[string]string{}
	axe := func(what string) {
		t.Helper()
		for _, v := range runAxe(t, b, inject).Violations {
			t.Errorf("%s: axe %s (%s): %s — %s", what, v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "))
		}
		pages[what] = "<!DOCTYPE html>\n" + eval[string](t, b, "document.documentElement.outerHTML")
	}
	req0, con0 := b.rec.mark()

	// Another editor enrolls with a passkey instead of an authenticator
	// app, on an authenticator then taken away.
	oAuth := addAuthenticator(t, b)
	signIn(b, "other@example.org")
	until(t, b, "the enroll page", `location.pathname === '/admin/enroll' && !!document.getElementById('secret')`)
	axe("enroll page")
	b.do(t, "enrolling a passkey", chromedp.SendKeys(chromedp.CSS("#passkey-name"), "other's key"),
		chromedp.Click(chromedp.CSS(`form[data-passkey=register] button[type=submit]`)))
	until(t, b, "the recovery codes", `location.pathname === '/admin/passkeys/codes' && document.body.textContent.includes('recovery codes')`)
	if n := eval[int](t, b, `document.querySelectorAll('main code').length`); n != auth.RecoveryCodes {
		t.Errorf("%d recovery codes shown", n)
	}
	if len(passkeys(otherID)) != 1 || !audited(otherID, "2fa.enroll", "passkey") {
		t.Fatal("the other editor's passkey is not stored")
	}
	signOut(b)
	var otherCreds []*webauthn.Credential
	b.do(t, "taking the other authenticator away", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: oAuth})
		if err != nil {
			return err
		}
		otherCreds = res.Credentials
		_, err = cdp.Call(ctx, tg, webauthn.RemoveVirtualAuthenticator, webauthn.RemoveVirtualAuthenticatorParams{AuthenticatorID: oAuth})
		return err
	}))
	if len(otherCreds) != 1 {
		t.Fatalf("%d credentials in the other authenticator", len(otherCreds))
	}
	bAuth := addAuthenticator(t, b)
	logStep("the other editor's passkey")

	// Password and TOTP, then a passkey added.
	enroll(b, "desk@example.org")
	b.open(t, admin+"/admin/passkeys", 200)
	axe("passkeys page (none yet)")
	addPasskey(b, "test laptop")
	logStep("passkey added")
	axe("passkeys page")
	keys := passkeys(deskID)
	if len(keys) != 1 || keys[0].Name != "test laptop" || !audited(deskID, "passkey.add", "test laptop") {
		t.Fatalf("stored passkeys %+v", keys)
	}
	var rec struct {
		ID            []byte `json:"id"`
		PublicKey     []byte `json:"publicKey"`
		Authenticator struct {
			AAGUID []byte `json:"AAGUID"`
		} `json:"authenticator"`
		Transport []string `json:"transport"`
	}
	if err := json.Unmarshal([]byte(keys[0].Data), &rec); err != nil || len(rec.ID) == 0 || len(rec.PublicKey) == 0 {
		t.Fatalf("passkey record %s: %v", keys[0].Data, err)
	}
	if !eval[bool](t, b, `document.querySelector('tr[data-qalam=passkey]').textContent.includes('test laptop')`) {
		t.Error("the passkey is not listed")
	}
	signOut(b)

	// Password, then the passkey as the second factor.
	signIn(b, "desk@example.org")
	until(t, b, "the second-factor page", `location.pathname === '/admin/2fa'`)
	axe("second-factor page")
	b.do(t, "using the passkey", chromedp.Click(chromedp.CSS(`form[data-passkey=factor] button[type=submit]`)))
	until(t, b, "signed in with the passkey", `location.pathname === '/admin' && document.querySelector('header form button').textContent.includes('desk')`)
	if !audited(deskID, "2fa", "passkey") {
		t.Error("no audit row for the passkey second factor")
	}
	logStep("second factor")
	signOut(b)

	// The passkey alone, by keyboard.
	axe("login page")
	b.do(t, "signing in with the passkey", chromedp.Focus(chromedp.CSS(`form[data-passkey=login] button[type=submit]`)), chromedp.KeyEvent(kb.Enter))
	until(t, b, "signed in without a password", `location.pathname === '/admin' && document.querySelector('header form button').textContent.includes('desk')`)
	if !audited(deskID, "login", "passkey") {
		t.Error("no audit row for the passwordless sign-in")
	}
	logStep("passwordless")

	// Refused: an answer posted twice; an old answer to a new challenge.
	b.open(t, admin+"/admin/passkeys", 200)
	first := runCeremony(t, b, "confirm", "", "")
	if first.Status != 200 {
		t.Fatalf("confirming with the passkey: %+v", first)
	}
	if again := runCeremony(t, b, "confirm", "", first.Answer); again.Status != http.StatusUnauthorized || !strings.Contains(again.Body, "not accepted") {
		t.Errorf("an old answer to a new challenge: %+v", again)
	}
	replayed := eval[int](t, b, `fetch('/admin/passkey/confirm/finish', {method: 'POST', redirect: 'manual', body: new URLSearchParams({
		csrf: document.querySelector('input[name=csrf]').value, credential: `+mustJSON(first.Answer)+`})}).then(r => r.status)`, chromedp.EvalAwaitPromise)
	if replayed != http.StatusBadRequest {
		t.Errorf("an answer replayed without a begin: %d", replayed)
	}
	// Refused: another person's passkey, made to answer this person's
	// challenge (its private key copied into this browser's authenticator,
	// as a thief of it would hold it).
	oc := otherCreds[0]
	b.do(t, "copying the other key", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		// Only the fields every Chromium knows (cdproto's Credential always
		// sends the newer CMTG ones, which this authenticator refuses).
		type cred struct {
			CredentialID         []byte  `json:"credentialId"`
			IsResidentCredential bool    `json:"isResidentCredential"`
			RpID                 string  `json:"rpId"`
			PrivateKey           []byte  `json:"privateKey"`
			SignCount            float64 `json:"signCount"`
		}
		type params struct {
			AuthenticatorID webauthn.AuthenticatorID `json:"authenticatorId"`
			Credential      cred                     `json:"credential"`
		}
		add := cdp.Command[params, cdp.Empty]{Method: webauthn.CommandAddCredential}
		_, err := cdp.Call(ctx, tg, add, params{AuthenticatorID: bAuth,
			Credential: cred{CredentialID: oc.CredentialID, RpID: oc.RpID, PrivateKey: oc.PrivateKey, SignCount: oc.SignCount}})
		return err
	}))
	foreign := runCeremony(t, b, "confirm", base64.RawURLEncoding.EncodeToString(oc.CredentialID), "")
	if foreign.Status != http.StatusUnauthorized {
		t.Errorf("another person's passkey: %+v", foreign)
	}
	if !audited(deskID, "2fa.fail", "passkey") {
		t.Error("no audit row for the refused passkeys")
	}
	logStep("refusals")

	// A sensitive action after the factor went stale: removing the
	// passkey asks to confirm, which the passkey does.
	e.Clock.Set(e.Clock.Now().Add(20 * time.Minute))
	b.open(t, admin+"/admin/passkeys", 200)
	b.do(t, "removing", chromedp.Click(chromedp.CSS(`tr[data-qalam=passkey] form button`)))
	until(t, b, "the confirm page", `location.pathname === '/admin/confirm'`)
	axe("confirm page")
	b.do(t, "confirming with the passkey", chromedp.Click(chromedp.CSS(`form[data-passkey=confirm] button[type=submit]`)))
	until(t, b, "back on the passkeys page", `location.pathname === '/admin/passkeys'`)
	if !audited(deskID, "2fa.confirm", "passkey") {
		t.Error("no audit row for confirming with the passkey")
	}
	b.do(t, "removing", chromedp.Click(chromedp.CSS(`tr[data-qalam=passkey] form button`)))
	until(t, b, "removed", `location.search === '?done=removed'`)
	if n := len(passkeys(deskID)); n != 0 || !audited(deskID, "passkey.remove", "test laptop") {
		t.Errorf("%d passkeys after removing", n)
	}

	// The removed passkey no longer signs in; the login page says so in
	// its live region.
	signOut(b)
	b.do(t, "signing in with the removed passkey", chromedp.Focus(chromedp.CSS(`form[data-passkey=login] button[type=submit]`)), chromedp.KeyEvent(kb.Enter))
	until(t, b, "the refusal told", `document.querySelector('form[data-passkey=login] [aria-live]').textContent.includes('not accepted')`)
	if !eval[bool](t, b, `document.activeElement === document.querySelector('form[data-passkey=login] button') && !document.activeElement.disabled`) {
		t.Error("after the refusal the focus is not back on the passkey button")
	}
	axe("login page with an error")
	checkHTML(t, pages)
	reqs, console := b.rec.since(req0, con0)
	if off := offOrigin(reqs, admin); len(off) > 0 {
		t.Errorf("requests off the admin origin: %v", off)
	}
	for _, c := range console {
		if strings.Contains(c.kind, "CSP") || strings.Contains(c.text, "Content Security Policy") || c.kind == "uncaught exception" {
			t.Errorf("console: %v", c)
		}
	}
}

func mustJSON(s string) string {
	j, _ := json.Marshal(s)
	return string(j)
}
