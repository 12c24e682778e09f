package auth

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"qalam/internal/news"
)

// Passkey ceremonies: a browser asks to begin one, gets the options
// (with a fresh challenge) as JSON, lets the authenticator sign, and posts
// the result back to finish it. The challenge is kept here, on the
// server, under the session it was begun in (or, before sign-in, under a
// random key the browser holds in a short-lived cookie), used at most
// once and forgotten after CeremonyTTL. Ceremonies live in this process's
// memory: a newsroom running several processes behind one admin origin
// must send a browser's admin requests to one of them.

// CeremonyTTL is how long a begun passkey ceremony may be finished.
const CeremonyTTL = 5 * time.Minute

// maxCeremonies bounds the ceremonies pending at once (each a few hundred
// bytes), so begun-and-abandoned sign-ins cannot fill memory; and
// maxPerAddress bounds the passwordless sign-ins one address may have
// pending, so one address cannot take them all.
const (
	maxCeremonies = 10000
	maxPerAddress = 20
)

// MaxPasskeyName bounds a passkey's label.
const MaxPasskeyName = 60

// The passkey errors besides those of sign-in.
var (
	// ErrNoCeremony: a finish without a matching begin (never begun,
	// already finished or failed once, expired, or begun in another
	// session).
	ErrNoCeremony = errors.New("the passkey request expired or was already used; start again")
	// ErrBadPasskey: the authenticator's answer did not verify (wrong
	// challenge or origin, unknown credential, another person's
	// credential, bad signature, a signature counter gone backwards).
	ErrBadPasskey = errors.New("the passkey was not accepted")
	// ErrNoPasskeys: passkeys are off because the admin origin's host is
	// an IP address, which WebAuthn does not allow as a relying party.
	ErrNoPasskeys = errors.New("passkeys need the admin origin to be a host name, not an IP address")
)

// Ceremony kinds.
const (
	ceremonyRegister = "register"
	ceremonyFactor   = "factor"
	ceremonyConfirm  = "confirm"
	ceremonyLogin    = "login"
)

type ceremony struct {
	staff   string   // "" for a passwordless sign-in
	name    string   // the new passkey's label (registration)
	codes   []string // recovery codes waiting to be shown (enrollment)
	ip      string   // who began a passwordless sign-in
	data    webauthn.SessionData
	expires time.Time
}

// Passkeys is WebAuthn for the newsroom's one admin origin: registering
// passkeys, signing in with one (as the second factor, or alone), and
// confirming a sensitive action with one. A passkey is a news.Factor of
// kind FactorPasskey whose Data is the credential record as JSON (ID,
// public key, AAGUID, transports, flags including backup state) and whose
// LastStep is the authenticator's signature counter.
type Passkeys struct {
	au *Auth
	wa *webauthn.WebAuthn

	mu      sync.Mutex
	pending map[string]ceremony
	pruned  time.Time // when expired ceremonies were last dropped
}

// NewPasskeys sets up passkeys for the admin origin (scheme://host[:port]):
// the relying party ID is the origin's host name, and answers are
// accepted from exactly that origin. An IP address host gives
// ErrNoPasskeys.
func NewPasskeys(au *Auth, origin string) (*Passkeys, error) {
	scheme, hostport, ok := strings.Cut(origin, "://")
	if !ok || (scheme != "http" && scheme != "https") || hostport == "" {
		return nil, fmt.Errorf("passkeys: admin origin %q is not scheme://host", origin)
	}
	hostport = strings.ToLower(hostport)
	host := hostport
	if h, port, err := net.SplitHostPort(hostport); err == nil {
		host = h
		if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
			hostport = h // browsers leave a default port out of the origin
		}
	}
	host = strings.Trim(host, "[]")
	if net.ParseIP(host) != nil {
		return nil, ErrNoPasskeys
	}
	wa, err := webauthn.New(&webauthn.Config{
		RPID:          host,
		RPDisplayName: au.cfg.Issuer,
		RPOrigins:     []string{scheme + "://" + hostport},
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementRequired,
			UserVerification: protocol.VerificationPreferred,
		},
		AttestationPreference: protocol.PreferNoAttestation,
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: CeremonyTTL, TimeoutUVD: CeremonyTTL},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: CeremonyTTL, TimeoutUVD: CeremonyTTL},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("passkeys: %w", err)
	}
	return &Passkeys{au: au, wa: wa, pending: map[string]ceremony{}}, nil
}

// RPID is the relying party ID passkeys are made for.
func (p *Passkeys) RPID() string { return p.wa.Config.RPID }

// put stores a ceremony under key, replacing one begun before under it.
func (p *Passkeys) put(key string, c ceremony) error {
	now := p.au.cfg.Now()
	c.expires = now.Add(CeremonyTTL)
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.pending) >= maxCeremonies || now.Sub(p.pruned) >= CeremonyTTL {
		for k, v := range p.pending {
			if !now.Before(v.expires) {
				delete(p.pending, k)
			}
		}
		p.pruned = now
	}
	// Only sign-ins begun without a session are bounded: a session has at
	// most one ceremony of each kind.
	if c.ip != "" {
		if len(p.pending) >= maxCeremonies {
			return &ThrottledError{RetryAfter: CeremonyTTL}
		}
		n := 0
		for _, v := range p.pending {
			if v.ip == c.ip && now.Before(v.expires) {
				n++
			}
		}
		if n >= maxPerAddress {
			return &ThrottledError{RetryAfter: CeremonyTTL}
		}
	}
	p.pending[key] = c
	return nil
}

// take removes the ceremony under key and returns it if it has not
// expired: each is finished at most once, whatever the outcome.
func (p *Passkeys) take(key string) (ceremony, error) {
	p.mu.Lock()
	c, ok := p.pending[key]
	delete(p.pending, key)
	p.mu.Unlock()
	if !ok || !p.au.cfg.Now().Before(c.expires) {
		return ceremony{}, ErrNoCeremony
	}
	return c, nil
}

// Pending counts the ceremonies waiting to be finished.
func (p *Passkeys) Pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.pending)
}

func sessionKey(kind string, a *Actor) string { return kind + ":" + a.Session.ID }

// user is a person as WebAuthn sees them: the staff ID is the user handle
// (not a secret; it names nobody to anyone without the database).
type user struct {
	acct    news.StaffAccount
	factors []news.Factor // passkeys only, in the order of creds
	creds   []webauthn.Credential
}

func (u *user) WebAuthnID() []byte                         { return []byte(u.acct.ID) }
func (u *user) WebAuthnName() string                       { return u.acct.Email }
func (u *user) WebAuthnDisplayName() string                { return u.acct.Name }
func (u *user) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// loadUser reads a person's passkeys. A record that does not decode is
// skipped (and logged): it can never verify.
func (p *Passkeys) loadUser(ctx context.Context, acct news.StaffAccount) (*user, error) {
	fs, err := p.au.store.Factors(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	u := &user{acct: acct}
	for _, f := range fs {
		if f.Kind != news.FactorPasskey {
			continue
		}
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(f.Data), &c); err != nil || len(c.ID) == 0 {
			p.au.cfg.Log.Error("passkey record does not decode", "factor", f.ID, "err", err)
			continue
		}
		c.Authenticator.SignCount = uint32(min(max(f.LastStep, 0), 1<<32-1))
		u.factors = append(u.factors, f)
		u.creds = append(u.creds, c)
	}
	return u, nil
}

// optionsJSON is what a begin answers: {"publicKey": {...}} with every
// binary field base64url-encoded.
func optionsJSON(v any) ([]byte, error) { return json.Marshal(v) }

// BeginRegister starts adding a passkey named name to the actor's
// account. It needs a signed-in session with a fresh second factor (a new
// factor is as sensitive as the account), unless the person has none yet;
// or the enrollment stage, where the passkey becomes the person's first
// second factor (FinishEnroll).
func (p *Passkeys) BeginRegister(ctx context.Context, a *Actor, name string) ([]byte, error) {
	if a == nil || (a.Session.Stage != news.StageFull && a.Session.Stage != news.StageEnroll) {
		return nil, ErrNoSession
	}
	if !a.fresh {
		has, err := p.au.HasFactor(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		if has {
			return nil, ErrStale
		}
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "passkey"
	}
	if utf8.RuneCountInString(name) > MaxPasskeyName || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return nil, news.Invalidf("a passkey's name is at most %d characters, on one line", MaxPasskeyName)
	}
	u, err := p.loadUser(ctx, a.StaffAccount)
	if err != nil {
		return nil, err
	}
	var exclude []protocol.CredentialDescriptor
	for _, c := range u.creds {
		exclude = append(exclude, c.Descriptor())
	}
	opts, data, err := p.wa.BeginRegistration(u, webauthn.WithExclusions(exclude))
	if err != nil {
		return nil, err
	}
	if err := p.put(sessionKey(ceremonyRegister, a), ceremony{staff: a.ID, name: name, data: *data}); err != nil {
		return nil, err
	}
	return optionsJSON(opts)
}

// FinishRegister checks the authenticator's answer to BeginRegister in a
// signed-in session and stores the new passkey.
func (p *Passkeys) FinishRegister(ctx context.Context, a *Actor, response []byte, c Client) (news.Factor, error) {
	if a == nil || a.Session.Stage != news.StageFull {
		return news.Factor{}, ErrNoSession
	}
	return p.register(ctx, a, response, c)
}

// FinishEnroll completes enrollment with a passkey instead of an
// authenticator app, as Auth.FinishEnroll does with a TOTP code: the
// passkey is stored, the person gets fresh recovery codes (shown once:
// only their hashes are kept), and the session is replaced by a signed-in
// one with the factor fresh. It returns the new token; the codes wait for
// TakeCodes in that session, for CeremonyTTL.
func (p *Passkeys) FinishEnroll(ctx context.Context, a *Actor, response []byte, c Client) (string, error) {
	if a == nil || a.Session.Stage != news.StageEnroll {
		return "", ErrNoSession
	}
	if _, err := p.register(ctx, a, response, c); err != nil {
		return "", err
	}
	codes, err := p.au.newRecoveryCodes(ctx, a.ID)
	if err != nil {
		return "", err
	}
	tok, err := p.au.startSession(ctx, a.ID, news.StageFull, p.au.cfg.Now(), c, a.Token)
	if err != nil {
		return "", err
	}
	p.au.audit(ctx, a.ID, "2fa.enroll", a.ID, "", c, "passkey")
	if err := p.put("codes:"+hashToken(tok), ceremony{staff: a.ID, codes: codes}); err != nil {
		return "", err
	}
	return tok, nil
}

// TakeCodes returns, once, the recovery codes FinishEnroll made for the
// actor's session; nil if there are none (shown already, or expired).
func (p *Passkeys) TakeCodes(a *Actor) []string {
	if a == nil {
		return nil
	}
	c, err := p.take("codes:" + hashToken(a.Token))
	if err != nil || c.staff != a.ID {
		return nil
	}
	return c.codes
}

func (p *Passkeys) register(ctx context.Context, a *Actor, response []byte, c Client) (news.Factor, error) {
	cer, err := p.take(sessionKey(ceremonyRegister, a))
	if err != nil {
		return news.Factor{}, err
	}
	finish, err := attempt(budget{p.au.ip, ipKey(c)}, budget{p.au.acct, acctKey(a.Email)})
	if err != nil {
		return news.Factor{}, err
	}
	u, err := p.loadUser(ctx, a.StaffAccount)
	if err != nil {
		finish(true)
		return news.Factor{}, err
	}
	var cred *webauthn.Credential
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err == nil {
		cred, err = p.wa.CreateCredential(u, cer.data, parsed)
	}
	finish(err == nil)
	if err != nil {
		p.au.cfg.Log.Info("passkey registration refused", "staff", a.ID, "err", err)
		p.au.audit(ctx, a.ID, "passkey.fail", a.ID, "", c, "registration")
		return news.Factor{}, ErrBadPasskey
	}
	for _, old := range u.creds {
		if subtle.ConstantTimeCompare(old.ID, cred.ID) == 1 {
			return news.Factor{}, news.Invalidf("this passkey is already on your account")
		}
	}
	data, err := json.Marshal(cred)
	if err != nil {
		return news.Factor{}, err
	}
	now := p.au.cfg.Now()
	f := news.Factor{Staff: a.ID, Kind: news.FactorPasskey, Name: cer.name, Data: string(data),
		LastStep: int64(cred.Authenticator.SignCount), Created: now, LastUsed: now}
	if err := p.au.store.AddFactor(ctx, &f); err != nil {
		return news.Factor{}, err
	}
	p.au.audit(ctx, a.ID, "passkey.add", a.ID, "", c, cer.name)
	return f, nil
}

// beginAssertion starts an assertion for a known person, allowing only
// their own passkeys.
func (p *Passkeys) beginAssertion(ctx context.Context, a *Actor, kind string) ([]byte, error) {
	u, err := p.loadUser(ctx, a.StaffAccount)
	if err != nil {
		return nil, err
	}
	if len(u.creds) == 0 {
		return nil, news.Invalidf("you have no passkey yet")
	}
	opts, data, err := p.wa.BeginLogin(u)
	if err != nil {
		return nil, err
	}
	if err := p.put(sessionKey(kind, a), ceremony{staff: a.ID, data: *data}); err != nil {
		return nil, err
	}
	return optionsJSON(opts)
}

// verifyAssertion checks an assertion against the person's passkeys and
// the ceremony, refuses a signature counter that did not move forward
// (unless the authenticator reports 0: it keeps no counter), and records
// the new counter. It returns the passkey used and whether the person was
// verified (PIN or biometrics) by the authenticator.
func (p *Passkeys) verifyAssertion(ctx context.Context, u *user, cer ceremony, parsed *protocol.ParsedCredentialAssertionData) (news.Factor, bool, error) {
	var err error
	if len(cer.data.UserID) == 0 { // a passwordless sign-in: u was found by the answer's user handle
		_, _, err = p.wa.ValidatePasskeyLogin(func(_, _ []byte) (webauthn.User, error) { return u, nil }, cer.data, parsed)
	} else {
		_, err = p.wa.ValidateLogin(u, cer.data, parsed)
	}
	if err != nil {
		return news.Factor{}, false, err
	}
	var f news.Factor
	found := false
	for i, c := range u.creds {
		if subtle.ConstantTimeCompare(c.ID, parsed.RawID) == 1 {
			f, found = u.factors[i], true
			break
		}
	}
	if !found {
		return news.Factor{}, false, errors.New("credential not among the person's passkeys")
	}
	count := int64(parsed.Response.AuthenticatorData.Counter)
	if count != 0 {
		if count <= f.LastStep {
			return f, false, fmt.Errorf("signature counter %d after %d: a cloned authenticator?", count, f.LastStep)
		}
		// The same atomic "only forward" write TOTP steps use, so two
		// answers with one counter value cannot both pass.
		if err := p.au.store.UseTOTPStep(ctx, f.ID, count, p.au.cfg.Now()); err != nil {
			return f, false, err
		}
	}
	return f, parsed.Response.AuthenticatorData.Flags.HasUserVerified(), nil
}

// BeginFactor starts a passkey assertion as the second factor of a
// sign-in waiting for one.
func (p *Passkeys) BeginFactor(ctx context.Context, a *Actor) ([]byte, error) {
	if a == nil || a.Session.Stage != news.StagePassword {
		return nil, ErrNoSession
	}
	return p.beginAssertion(ctx, a, ceremonyFactor)
}

// FinishFactor completes a sign-in with a passkey as its second factor,
// under the same attempt limits as codes. On success the session is
// replaced by a signed-in one (a new token) with the factor fresh.
func (p *Passkeys) FinishFactor(ctx context.Context, a *Actor, response []byte, c Client) (string, error) {
	if a == nil || a.Session.Stage != news.StagePassword {
		return "", ErrNoSession
	}
	if err := p.proveAssertion(ctx, a, ceremonyFactor, response, c); err != nil {
		return "", err
	}
	tok, err := p.au.startSession(ctx, a.ID, news.StageFull, p.au.cfg.Now(), c, a.Token)
	if err != nil {
		return "", err
	}
	p.au.audit(ctx, a.ID, "2fa", a.ID, "", c, "passkey")
	return tok, nil
}

// BeginConfirm starts a passkey assertion confirming the second factor in
// a signed-in session.
func (p *Passkeys) BeginConfirm(ctx context.Context, a *Actor) ([]byte, error) {
	if a == nil || a.Session.Stage != news.StageFull {
		return nil, ErrNoSession
	}
	return p.beginAssertion(ctx, a, ceremonyConfirm)
}

// FinishConfirm re-proves the second factor with a passkey, so sensitive
// actions are allowed for the next FreshFor (as Auth.Confirm does).
func (p *Passkeys) FinishConfirm(ctx context.Context, a *Actor, response []byte, c Client) error {
	if a == nil || a.Session.Stage != news.StageFull {
		return ErrNoSession
	}
	if err := p.proveAssertion(ctx, a, ceremonyConfirm, response, c); err != nil {
		return err
	}
	a.Session.FactorAt = p.au.cfg.Now()
	if err := p.au.store.UpdateSession(ctx, a.Session); err != nil {
		return err
	}
	a.fresh = true
	p.au.audit(ctx, a.ID, "2fa.confirm", a.ID, "", c, "passkey")
	return nil
}

// proveAssertion takes the actor's ceremony of kind and verifies the
// answer under the person's and the address's attempt limits.
func (p *Passkeys) proveAssertion(ctx context.Context, a *Actor, kind string, response []byte, c Client) error {
	cer, err := p.take(sessionKey(kind, a))
	if err != nil {
		return err
	}
	finish, err := attempt(budget{p.au.ip, ipKey(c)}, budget{p.au.acct, acctKey(a.Email)})
	if err != nil {
		return err
	}
	u, err := p.loadUser(ctx, a.StaffAccount)
	if err != nil {
		finish(true)
		return err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err == nil {
		_, _, err = p.verifyAssertion(ctx, u, cer, parsed)
	}
	finish(err == nil)
	if err != nil {
		p.au.cfg.Log.Info("passkey refused", "staff", a.ID, "ceremony", kind, "err", err)
		p.au.audit(ctx, a.ID, "2fa.fail", a.ID, "", c, "passkey")
		return ErrBadPasskey
	}
	return nil
}

// BeginLogin starts a passwordless sign-in: no person is named, the
// authenticator offers the passkeys it holds for this origin, and must
// verify its user. It returns the key the browser keeps (in a short-lived
// cookie) to finish with, and the options. One address may have a few
// pending at once (*ThrottledError past that).
func (p *Passkeys) BeginLogin(ctx context.Context, c Client) (key string, options []byte, err error) {
	opts, data, err := p.wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return "", nil, err
	}
	key = newToken()
	if err := p.put(ceremonyLogin+":"+hashToken(key), ceremony{data: *data, ip: "ip:" + c.IP}); err != nil {
		return "", nil, err
	}
	options, err = optionsJSON(opts)
	return key, options, err
}

// FinishLogin completes a passwordless sign-in begun under key. A passkey
// whose authenticator verified its user counts as both factors: the new
// session (replacing old's) is signed in with the factor fresh. Every
// refusal is the same ErrBadPasskey, whether the credential is unknown,
// belongs to a disabled account or does not verify, so nothing tells
// accounts apart; failures count against the address (and, when the
// credential names an account, against it too).
func (p *Passkeys) FinishLogin(ctx context.Context, key string, response []byte, c Client, old string) (string, error) {
	if key == "" || len(key) > 100 {
		return "", ErrNoCeremony
	}
	cer, err := p.take(ceremonyLogin + ":" + hashToken(key))
	if err != nil {
		return "", err
	}
	finishIP, err := attempt(budget{p.au.ip, ipKey(c)})
	if err != nil {
		return "", err
	}
	ok := false
	defer func() { finishIP(ok) }()
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil || len(parsed.Response.UserHandle) == 0 || len(parsed.Response.UserHandle) > 64 {
		p.au.audit(ctx, "", "login.fail", "", "", Client{}, "passkey")
		return "", ErrBadPasskey
	}
	acct, err := p.au.store.StaffAccount(ctx, string(parsed.Response.UserHandle))
	if errors.Is(err, news.ErrNotFound) {
		p.au.audit(ctx, "", "login.fail", "", "", Client{}, "passkey of no account")
		return "", ErrBadPasskey
	}
	if err != nil {
		ok = true // ours, not the asker's
		return "", err
	}
	finishAcct, err := attempt(budget{p.au.acct, acctKey(acct.Email)})
	if err != nil {
		return "", err
	}
	u, err := p.loadUser(ctx, acct)
	verified := false
	if err == nil {
		_, verified, err = p.verifyAssertion(ctx, u, cer, parsed)
	}
	if err == nil && (!verified || acct.Disabled) {
		err = errors.New("user not verified, or account disabled")
	}
	ok = err == nil
	finishAcct(ok)
	if err != nil {
		p.au.cfg.Log.Info("passkey sign-in refused", "staff", acct.ID, "err", err)
		p.au.audit(ctx, acct.ID, "login.fail", acct.ID, "", c, "passkey")
		return "", ErrBadPasskey
	}
	tok, err := p.au.startSession(ctx, acct.ID, news.StageFull, p.au.cfg.Now(), c, old)
	if err != nil {
		return "", err
	}
	p.au.audit(ctx, acct.ID, "login", acct.ID, "", c, "passkey")
	return tok, nil
}

// Has reports whether the person holds a passkey.
func (p *Passkeys) Has(ctx context.Context, staff string) (bool, error) {
	fs, err := p.au.store.Factors(ctx, staff)
	if err != nil {
		return false, err
	}
	for _, f := range fs {
		if f.Kind == news.FactorPasskey {
			return true, nil
		}
	}
	return false, nil
}

// PasskeyInfo is one passkey as its owner sees it in the list.
type PasskeyInfo struct {
	ID, Name          string
	Created, LastUsed time.Time
	// Synced says the authenticator may copy it to the person's other
	// devices (backup eligible); BackedUp, that it has been.
	Synced, BackedUp bool
}

// List returns the actor's passkeys, oldest first.
func (p *Passkeys) List(ctx context.Context, a *Actor) ([]PasskeyInfo, error) {
	if a == nil || a.Session.Stage != news.StageFull {
		return nil, ErrNoSession
	}
	u, err := p.loadUser(ctx, a.StaffAccount)
	if err != nil {
		return nil, err
	}
	out := make([]PasskeyInfo, len(u.factors))
	for i, f := range u.factors {
		out[i] = PasskeyInfo{ID: f.ID, Name: f.Name, Created: f.Created, LastUsed: f.LastUsed,
			Synced: u.creds[i].Flags.BackupEligible, BackedUp: u.creds[i].Flags.BackupState}
	}
	return out, nil
}

// Remove deletes one of the actor's passkeys. It needs a fresh second
// factor, and never removes a person's last second factor while one of
// their roles requires one (news.ErrInvalid then).
func (p *Passkeys) Remove(ctx context.Context, a *Actor, id string, c Client) error {
	if a == nil || a.Session.Stage != news.StageFull {
		return ErrNoSession
	}
	if !a.fresh {
		return ErrStale
	}
	fs, err := p.au.store.Factors(ctx, a.ID)
	if err != nil {
		return err
	}
	name := ""
	for _, f := range fs {
		if f.ID == id && f.Kind == news.FactorPasskey {
			name = f.Name
		}
	}
	if name == "" {
		return fmt.Errorf("passkey %q: %w", id, news.ErrNotFound)
	}
	err = p.au.store.DeleteFactor(ctx, a.ID, id, p.au.requires2FA(a.StaffAccount))
	if errors.Is(err, news.ErrConflict) {
		return news.Invalidf("this is your last second factor and your role requires one: add another passkey or an authenticator app first")
	}
	if err != nil {
		return err
	}
	p.au.audit(ctx, a.ID, "passkey.remove", a.ID, "", c, name)
	return nil
}
