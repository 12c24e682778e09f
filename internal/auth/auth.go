// Package auth is the newsroom's sign-in and access control, without HTTP:
// passwords (argon2id), second factors (TOTP and recovery codes here,
// passkeys in passkey.go), server-side sessions, one-time setup links, attempt
// limits, the permission checks every admin action goes through, and the
// audit log. It works on a news.StaffStore.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"qalam/internal/news"
	"qalam/internal/ratelimit"
)

// Config is what Auth runs with. Zero durations take the defaults named.
type Config struct {
	Store news.StaffStore
	// Services lists the newsroom's services, so a grant must name one
	// that exists. Nil skips the check.
	Services func(ctx context.Context) ([]news.Service, error)
	Now      func() time.Time // default time.Now
	Log      *slog.Logger     // default discards
	Params   Params           // password hashing; default DefaultParams
	// Require2FA says which roles must hold a second factor; nil means
	// editors, chiefs and admins. A person holding any such role must
	// enroll before doing anything else.
	Require2FA map[news.Role]bool
	// Issuer labels the TOTP entry in authenticator apps, e.g. the admin
	// origin's host.
	Issuer string

	IdleTimeout     time.Duration // a session unused this long ends (12 h)
	AbsoluteTimeout time.Duration // a session ends this long after sign-in (7 d)
	PendingTimeout  time.Duration // a half-done sign-in ends (15 min)
	FreshFor        time.Duration // sensitive actions need a factor confirmed this recently (15 min)
	InviteTTL       time.Duration // an invitation link works this long (72 h)
	ResetTTL        time.Duration // a password-reset link works this long (24 h)

	// AccountLimit bounds failed attempts per account (sign-in and second
	// factor): default 5 at once, then one per 2 min. IPLimit bounds them
	// per client address: default 20, then one per 30 s.
	AccountLimit, IPLimit ratelimit.Config
}

// Auth is the newsroom's access control. It is safe for concurrent use.
type Auth struct {
	cfg     Config
	store   news.StaffStore
	acct    *ratelimit.Limiter
	ip      *ratelimit.Limiter
	hashing chan struct{} // bounds concurrent argon2 runs (64 MiB each)

	dummyOnce sync.Once
	dummy     string
	// verifies counts argon2 password checks: an unknown email must cost
	// one, like a known one (tests read it through export_test.go).
	verifies atomic.Int64
}

// New returns an Auth over cfg.Store.
func New(cfg Config) *Auth {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Params == (Params{}) {
		cfg.Params = DefaultParams
	}
	if cfg.Require2FA == nil {
		cfg.Require2FA = map[news.Role]bool{news.RoleEditor: true, news.RoleChief: true, news.RoleAdmin: true}
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "qalam"
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.IdleTimeout, 12*time.Hour)
	def(&cfg.AbsoluteTimeout, 7*24*time.Hour)
	def(&cfg.PendingTimeout, 15*time.Minute)
	def(&cfg.FreshFor, 15*time.Minute)
	def(&cfg.InviteTTL, 72*time.Hour)
	def(&cfg.ResetTTL, 24*time.Hour)
	lim := func(c ratelimit.Config, burst int, every time.Duration) *ratelimit.Limiter {
		if c.Burst == 0 {
			c.Burst = burst
		}
		if c.Every == 0 {
			c.Every = every
		}
		if c.Now == nil {
			c.Now = cfg.Now
		}
		return ratelimit.New(c)
	}
	return &Auth{
		cfg:     cfg,
		store:   cfg.Store,
		acct:    lim(cfg.AccountLimit, 5, 2*time.Minute),
		ip:      lim(cfg.IPLimit, 20, 30*time.Second),
		hashing: make(chan struct{}, max(1, runtime.GOMAXPROCS(0))),
	}
}

// Store returns the store Auth works on.
func (au *Auth) Store() news.StaffStore { return au.store }

// FreshFor is how recently a second factor must have been confirmed for a
// sensitive action.
func (au *Auth) FreshFor() time.Duration { return au.cfg.FreshFor }

// Client is who is asking: the staff member's address and browser, for
// the attempt limits, the session list and the audit log.
type Client struct {
	IP    string
	Agent string
}

// The errors Auth returns besides news.ErrInvalid / ErrNotFound.
var (
	// ErrBadCredentials: unknown email, wrong password or disabled
	// account, deliberately not told apart.
	ErrBadCredentials = errors.New("the email or password is wrong")
	// ErrBadCode: a second-factor or recovery code that does not match or
	// was already used.
	ErrBadCode = errors.New("the code is wrong or was already used")
	// ErrNoSession: no valid session (missing, ended, expired, or its
	// person disabled).
	ErrNoSession = errors.New("not signed in")
	// ErrForbidden: the person's roles do not allow the action there.
	ErrForbidden = errors.New("your role does not allow this")
	// ErrStale: a sensitive action, and the second factor was last
	// confirmed too long ago (or never in this session).
	ErrStale = errors.New("confirm your second factor again first")
	// ErrSetupLink: a setup link that is unknown, used or expired.
	ErrSetupLink = errors.New("this link is unknown, already used or expired")
)

// ThrottledError says too many attempts failed; try again after RetryAfter.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed attempts; try again in %s", e.RetryAfter.Round(time.Second))
}

// Actor is a signed-in person as one request sees them.
//
// Its Lang (from news.Staff) is the language of the admin's own text the
// person chose, "" to follow the browser.
type Actor struct {
	news.StaffAccount
	Session news.StaffSession
	Token   string // the session's cookie token
	fresh   bool
}

// Allowed reports whether the actor's roles allow action in service.
func (a *Actor) Allowed(act news.Action, service string) bool {
	return news.Allowed(a.Grants, act, service)
}

// Fresh reports whether a second factor was confirmed recently enough for
// sensitive actions.
func (a *Actor) Fresh() bool { return a.fresh }

// Authorize is the check every action makes on the server: the role must
// allow it in the service, and a sensitive action needs a fresh second
// factor. It returns nil, ErrForbidden or ErrStale.
func (au *Auth) Authorize(a *Actor, act news.Action, service string) error {
	if a == nil || a.Session.Stage != news.StageFull {
		return ErrNoSession
	}
	if !a.Allowed(act, service) {
		return ErrForbidden
	}
	if news.Sensitive(act) && !a.fresh {
		return ErrStale
	}
	return nil
}

// newToken returns 256 random bits, URL-safe.
func newToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashToken is what the store keeps of a token.
func hashToken(t string) string {
	s := sha256.Sum256([]byte(t))
	return hex.EncodeToString(s[:])
}

// audit records an action; a failure to record is logged, not returned:
// the action has happened.
func (au *Auth) audit(ctx context.Context, actor, action, target, service string, c Client, detail string) {
	e := news.AuditEntry{At: au.cfg.Now(), Actor: actor, Action: action, Target: target, Service: service, IP: c.IP, Detail: viaToken(ctx, detail)}
	if err := au.store.AppendAudit(context.WithoutCancel(ctx), &e); err != nil {
		au.cfg.Log.Error("audit log write failed", "action", action, "err", err)
	}
}

// budget is one attempt limit and the key an attempt counts under.
type budget struct {
	lim *ratelimit.Limiter
	key string
}

// attempt takes one attempt from every budget before the attempt is made,
// so parallel requests cannot all pass before a failure is counted. Call
// finish(true) when the attempt succeeded (or failed for a reason of
// ours, not the asker's) to give them back: only failures count.
func attempt(bs ...budget) (finish func(succeeded bool), err error) {
	var dones []func(bool)
	for _, b := range bs {
		done, ok, wait := b.lim.Begin(b.key)
		if !ok {
			for _, d := range dones {
				d(true)
			}
			return nil, &ThrottledError{RetryAfter: wait}
		}
		dones = append(dones, done)
	}
	return func(ok bool) {
		for _, d := range dones {
			d(ok)
		}
	}, nil
}

func ipKey(c Client) string   { return "ip:" + c.IP }
func acctKey(s string) string { return "acct:" + strings.ToLower(strings.TrimSpace(s)) }

// verify runs argon2 with a bounded number at a time, so a flood of
// sign-ins cannot take all memory.
func (au *Auth) verify(ctx context.Context, password, hash string) (bool, error) {
	select {
	case au.hashing <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-au.hashing }()
	au.verifies.Add(1)
	return VerifyPassword(password, hash)
}

func (au *Auth) hash(ctx context.Context, password string) (string, error) {
	select {
	case au.hashing <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-au.hashing }()
	return HashPassword(password, au.cfg.Params)
}

// dummyHash is verified against for unknown emails, so they cost the same
// work as known ones.
func (au *Auth) dummyHash() string {
	au.dummyOnce.Do(func() {
		h, err := HashPassword(newToken(), au.cfg.Params)
		if err != nil {
			panic("auth: " + err.Error())
		}
		au.dummy = h
	})
	return au.dummy
}

// requires2FA reports whether any of the person's roles needs a second
// factor.
func (au *Auth) requires2FA(a news.StaffAccount) bool {
	for _, g := range a.Grants {
		if au.cfg.Require2FA[g.Role] {
			return true
		}
	}
	return false
}

// stageAfterPassword is where a person stands once their password is
// right: a second factor to give, one to enroll, or signed in.
func (au *Auth) stageAfterPassword(ctx context.Context, a news.StaffAccount) (news.SessionStage, error) {
	fs, err := au.store.Factors(ctx, a.ID)
	if err != nil {
		return "", err
	}
	switch {
	case len(fs) > 0:
		return news.StagePassword, nil
	case au.requires2FA(a):
		return news.StageEnroll, nil
	}
	return news.StageFull, nil
}

// startSession stores a new session for the person, replacing the session
// of old (the browser's previous cookie, if any), and returns its token.
func (au *Auth) startSession(ctx context.Context, staff string, stage news.SessionStage, factorAt time.Time, c Client, old string) (string, error) {
	now := au.cfg.Now()
	replaces := ""
	if old != "" {
		if s, err := au.store.SessionByToken(ctx, hashToken(old)); err == nil {
			replaces = s.ID
		}
	}
	agent := c.Agent
	if len(agent) > 160 {
		agent = strings.ToValidUTF8(agent[:160], "")
	}
	tok := newToken()
	s := news.StaffSession{ID: news.NewID(), TokenHash: hashToken(tok), Staff: staff, Stage: stage,
		Created: now, LastSeen: now, FactorAt: factorAt, IP: c.IP, Agent: agent}
	if err := au.store.CreateSession(ctx, s, replaces); err != nil {
		return "", err
	}
	return tok, nil
}

// Login checks an email and password. On success it starts a session
// (replacing the one of old, the browser's previous token, so every
// sign-in gets a new token) and returns its token and stage. Unknown
// emails, wrong passwords and disabled accounts all give
// ErrBadCredentials after the same work; too many failures per account or
// per address give *ThrottledError.
func (au *Auth) Login(ctx context.Context, email, password string, c Client, old string) (string, news.SessionStage, error) {
	email = strings.TrimSpace(email)
	finish, err := attempt(budget{au.ip, ipKey(c)}, budget{au.acct, acctKey(email)})
	if err != nil {
		return "", "", err
	}
	failed := false
	defer func() { finish(!failed) }()
	var acct news.StaffAccount
	if len(email) <= 254 {
		acct, err = au.store.StaffByEmail(ctx, email)
	} else {
		err = news.ErrNotFound
	}
	if err != nil && !errors.Is(err, news.ErrNotFound) {
		return "", "", err
	}
	found := err == nil && acct.PasswordHash != ""
	hash := au.dummyHash()
	if found {
		hash = acct.PasswordHash
	}
	pwOK := false
	if len(password) <= MaxPassword {
		pwOK, _ = au.verify(ctx, password, hash)
	} else {
		au.verify(ctx, "", hash) // the same work, whatever was sent
	}
	if !found || !pwOK || acct.Disabled {
		failed = true
		// Every failure writes one audit row, so a known email does not
		// answer slower than an unknown one. An unknown one's row names
		// nobody and keeps no address: whoever typed it may not be staff.
		if err == nil {
			au.audit(ctx, acct.ID, "login.fail", acct.ID, "", c, "")
		} else {
			au.audit(ctx, "", "login.fail", "", "", Client{}, "unknown account")
		}
		return "", "", ErrBadCredentials
	}
	if NeedsRehash(acct.PasswordHash, au.cfg.Params) {
		if h, err := au.hash(ctx, password); err == nil {
			if err := au.store.SetPassword(ctx, acct.ID, h); err != nil {
				au.cfg.Log.Warn("password rehash not stored", "err", err)
			}
		}
	}
	stage, err := au.stageAfterPassword(ctx, acct)
	if err != nil {
		return "", "", err
	}
	tok, err := au.startSession(ctx, acct.ID, stage, time.Time{}, c, old)
	if err != nil {
		return "", "", err
	}
	au.audit(ctx, acct.ID, "login", acct.ID, "", c, "stage "+string(stage))
	// Sessions never presented again would otherwise stay; sign-ins are
	// rare enough to sweep them here.
	now := au.cfg.Now()
	if err := au.store.PruneSessions(ctx, now.Add(-au.cfg.IdleTimeout), now.Add(-au.cfg.AbsoluteTimeout)); err != nil {
		au.cfg.Log.Warn("pruning expired sessions", "err", err)
	}
	return tok, stage, nil
}

// Authenticate finds the session of a cookie's token and its person. It
// ends sessions past their idle or absolute timeout (or a half-done
// sign-in past its short one) and refuses disabled people: ErrNoSession.
func (au *Auth) Authenticate(ctx context.Context, token string) (*Actor, error) {
	if token == "" || len(token) > 100 {
		return nil, ErrNoSession
	}
	s, err := au.store.SessionByToken(ctx, hashToken(token))
	if errors.Is(err, news.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	now := au.cfg.Now()
	expired := now.Sub(s.LastSeen) > au.cfg.IdleTimeout || now.Sub(s.Created) > au.cfg.AbsoluteTimeout ||
		(s.Stage != news.StageFull && now.Sub(s.Created) > au.cfg.PendingTimeout)
	if expired {
		if err := au.store.DeleteSession(ctx, s.Staff, s.ID); err != nil && !errors.Is(err, news.ErrNotFound) {
			return nil, err
		}
		return nil, ErrNoSession
	}
	acct, err := au.store.StaffAccount(ctx, s.Staff)
	if errors.Is(err, news.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	if acct.Disabled {
		if _, err := au.store.DeleteStaffSessions(ctx, acct.ID, ""); err != nil {
			return nil, err
		}
		return nil, ErrNoSession
	}
	// Record use at most once a minute: a page view need not be a write.
	if now.Sub(s.LastSeen) > time.Minute {
		if err := au.store.TouchSession(ctx, s.ID, now); err != nil && !errors.Is(err, news.ErrNotFound) {
			return nil, err
		}
		s.LastSeen = now
	}
	fresh := !s.FactorAt.IsZero() && now.Sub(s.FactorAt) <= au.cfg.FreshFor && !s.FactorAt.After(now)
	return &Actor{StaffAccount: acct, Session: s, Token: token, fresh: fresh}, nil
}

// Logout ends the actor's session.
func (au *Auth) Logout(ctx context.Context, a *Actor, c Client) error {
	if err := au.store.DeleteSession(ctx, a.ID, a.Session.ID); err != nil && !errors.Is(err, news.ErrNotFound) {
		return err
	}
	au.audit(ctx, a.ID, "logout", a.ID, "", c, "")
	return nil
}

// Sessions lists the actor's own sessions.
func (au *Auth) Sessions(ctx context.Context, a *Actor) ([]news.StaffSession, error) {
	return au.store.StaffSessions(ctx, a.ID)
}

// EndSession ends one of the actor's own sessions; ErrNotFound if the
// actor has no such session (another person's included).
func (au *Auth) EndSession(ctx context.Context, a *Actor, id string, c Client) error {
	if err := au.store.DeleteSession(ctx, a.ID, id); err != nil {
		return err
	}
	au.audit(ctx, a.ID, "session.end", a.ID, "", c, "one session")
	return nil
}

// EndOtherSessions ends every session of the actor but the current one and
// says how many.
func (au *Auth) EndOtherSessions(ctx context.Context, a *Actor, c Client) (int, error) {
	n, err := au.store.DeleteStaffSessions(ctx, a.ID, a.Session.ID)
	if err != nil {
		return 0, err
	}
	au.audit(ctx, a.ID, "session.end", a.ID, "", c, fmt.Sprintf("%d other sessions", n))
	return n, nil
}

// Audit records a staff action taken through another part of the newsroom
// (mirrors, notices, publishing): who, what, on what, from where.
func (au *Auth) Audit(ctx context.Context, a *Actor, action, target, service string, c Client, detail string) {
	actor := ""
	if a != nil {
		actor = a.ID
	}
	au.audit(ctx, actor, action, target, service, c, detail)
}

// Now is the clock the newsroom runs on (injectable in tests).
func (au *Auth) Now() time.Time { return au.cfg.Now() }
