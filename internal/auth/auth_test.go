package auth_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"qalam/internal/auth"
	"qalam/internal/news"
	"qalam/internal/sqlite"
)

// cheap keeps tests fast; TestDefaultParams measures the real cost once.
var cheap = auth.Params{Time: 1, Memory: 1024, Threads: 1}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock() *clock               { return &clock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)} }
func client(ip string) auth.Client   { return auth.Client{IP: ip, Agent: "test"} }
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got %v, want %v", what, err, want)
	}
}

type env struct {
	store *sqlite.DB
	clock *clock
	auth  *auth.Auth
}

func newEnv(t *testing.T, mod ...func(*auth.Config)) *env {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "qalam.db"))
	must(t, err)
	t.Cleanup(func() { db.Close() })
	c := newClock()
	cfg := auth.Config{Store: db, Now: c.Now, Params: cheap, Issuer: "qalam test",
		Services: func(context.Context) ([]news.Service, error) {
			return []news.Service{{Code: "kk"}, {Code: "ru"}}, nil
		}}
	for _, m := range mod {
		m(&cfg)
	}
	return &env{store: db, clock: c, auth: auth.New(cfg)}
}

const password = "correct horse battery"

// person creates an account and sets its password through the setup
// link; with enroll it also sets up TOTP and returns the secret and the
// recovery codes. The returned token is a signed-in session's.
func (e *env) person(t *testing.T, email string, g news.Grant, enroll bool) (tok, secret string, codes []string) {
	t.Helper()
	ctx := context.Background()
	link, _, err := e.auth.CreateAccount(ctx, nil, email, "Person "+email, g, client("192.0.2.1"))
	must(t, err)
	tok, stage, err := e.auth.CompleteSetup(ctx, link.Token, password, client("192.0.2.1"), "")
	must(t, err)
	if !enroll {
		return tok, "", nil
	}
	a, err := e.auth.Authenticate(ctx, tok)
	must(t, err)
	if g.Role.Rank() >= news.RoleEditor.Rank() && stage != news.StageEnroll {
		t.Fatalf("%s after setup: stage %s, want enroll", g.Role, stage)
	}
	en, err := e.auth.StartEnroll(ctx, a)
	must(t, err)
	if !strings.HasPrefix(en.URI, "otpauth://totp/") || len(en.QR) == 0 || !strings.Contains(en.URI, en.Secret) {
		t.Fatalf("enrollment = %q %q (%d bytes of QR)", en.Secret, en.URI, len(en.QR))
	}
	code, err := totp.GenerateCode(en.Secret, e.clock.Now())
	must(t, err)
	tok, codes, err = e.auth.FinishEnroll(ctx, a, code, client("192.0.2.1"))
	must(t, err)
	if len(codes) != auth.RecoveryCodes {
		t.Fatalf("%d recovery codes", len(codes))
	}
	// The enrolling code's time step is used up: move on to the next.
	e.clock.Add(30 * time.Second)
	return tok, en.Secret, codes
}

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword(password, cheap)
	must(t, err)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q does not carry its parameters", h)
	}
	if ok, err := auth.VerifyPassword(password, h); !ok || err != nil {
		t.Fatalf("round trip: %v %v", ok, err)
	}
	if ok, _ := auth.VerifyPassword(password+"!", h); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := auth.HashPassword(password, cheap)
	if h2 == h {
		t.Fatal("no salt: two hashes of one password are equal")
	}
	if auth.NeedsRehash(h, cheap) || !auth.NeedsRehash(h, auth.DefaultParams) {
		t.Fatal("NeedsRehash wrong")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5"} {
		if ok, err := auth.VerifyPassword(password, bad); ok || err == nil {
			t.Errorf("bad hash %q: %v %v", bad, ok, err)
		}
	}
}

func TestDefaultParams(t *testing.T) {
	start := time.Now()
	h, err := auth.HashPassword(password, auth.DefaultParams)
	must(t, err)
	took := time.Since(start)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=2,p=2$") {
		t.Fatalf("default hash %q", h)
	}
	t.Logf("argon2id t=2 m=64MiB p=2: %v", took)
}

// Signing in with a hash made under old parameters replaces it with one
// under the current parameters.
func TestParameterUpgrade(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.person(t, "a@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, false)
	stronger := auth.Params{Time: 2, Memory: 2048, Threads: 1}
	e2 := &env{store: e.store, clock: e.clock, auth: auth.New(auth.Config{Store: e.store, Now: e.clock.Now, Params: stronger})}
	_, _, err := e2.auth.Login(ctx, "a@example.org", password, client("192.0.2.9"), "")
	must(t, err)
	a, err := e.store.StaffByEmail(ctx, "a@example.org")
	must(t, err)
	if auth.NeedsRehash(a.PasswordHash, stronger) {
		t.Fatalf("hash not upgraded: %s", a.PasswordHash)
	}
	if _, _, err := e2.auth.Login(ctx, "a@example.org", password, client("192.0.2.9"), ""); err != nil {
		t.Fatalf("sign-in after the upgrade: %v", err)
	}
}

func TestLoginSecondFactorAndRecovery(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	_, secret, codes := e.person(t, "ed@example.org", news.Grant{Service: "kk", Role: news.RoleEditor}, true)
	c := client("198.51.100.4")

	tok, stage, err := e.auth.Login(ctx, "ED@example.org ", password, c, "")
	must(t, err)
	if stage != news.StagePassword {
		t.Fatalf("stage %s, want password", stage)
	}
	a, err := e.auth.Authenticate(ctx, tok)
	must(t, err)
	if err := e.auth.Authorize(a, news.ActWrite, "kk"); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("half-signed-in session may act: %v", err)
	}
	_, err = e.auth.SecondFactor(ctx, a, "000000", c)
	wantErr(t, "wrong code", err, auth.ErrBadCode)
	code, _ := totp.GenerateCode(secret, e.clock.Now())
	full, err := e.auth.SecondFactor(ctx, a, code, c)
	must(t, err)
	if full == tok {
		t.Fatal("token not rotated after the second factor")
	}
	if _, err := e.auth.Authenticate(ctx, tok); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("pre-factor token still valid: %v", err)
	}
	fa, err := e.auth.Authenticate(ctx, full)
	must(t, err)
	if !fa.Fresh() || fa.Session.Stage != news.StageFull {
		t.Fatalf("after the factor: stage %s fresh %v", fa.Session.Stage, fa.Fresh())
	}

	// The same code is never accepted twice (a replay), even in its window.
	tok2, _, err := e.auth.Login(ctx, "ed@example.org", password, c, "")
	must(t, err)
	a2, _ := e.auth.Authenticate(ctx, tok2)
	_, err = e.auth.SecondFactor(ctx, a2, code, c)
	wantErr(t, "replayed code", err, auth.ErrBadCode)

	// A recovery code works once, in any case and spacing.
	rc := strings.ToUpper(strings.ReplaceAll(codes[3], "-", " "))
	_, err = e.auth.SecondFactor(ctx, a2, rc, c)
	must(t, err)
	tok3, _, err := e.auth.Login(ctx, "ed@example.org", password, c, "")
	must(t, err)
	a3, _ := e.auth.Authenticate(ctx, tok3)
	_, err = e.auth.SecondFactor(ctx, a3, codes[3], c)
	wantErr(t, "recovery code twice", err, auth.ErrBadCode)
	if n, _ := e.auth.RecoveryCodesLeft(ctx, a3.ID); n != auth.RecoveryCodes-1 {
		t.Fatalf("%d recovery codes left", n)
	}
}

func TestNoEnumeration(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.person(t, "known@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, false)
	_, _, errKnown := e.auth.Login(ctx, "known@example.org", "wrong password!", client("192.0.2.10"), "")
	_, _, errUnknown := e.auth.Login(ctx, "nobody@example.org", "wrong password!", client("192.0.2.11"), "")
	if errKnown != auth.ErrBadCredentials || errUnknown != auth.ErrBadCredentials {
		t.Fatalf("known: %v, unknown: %v", errKnown, errUnknown)
	}
	// A disabled person with the right password gets the same answer.
	a, _ := e.store.StaffByEmail(ctx, "known@example.org")
	must(t, e.store.SetDisabled(ctx, a.ID, true))
	_, _, err := e.auth.Login(ctx, "known@example.org", password, client("192.0.2.12"), "")
	if err != auth.ErrBadCredentials {
		t.Fatalf("disabled: %v", err)
	}
}

func TestThrottle(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.person(t, "r@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, false)
	// Per account: failures from many addresses.
	for i := range 5 {
		_, _, err := e.auth.Login(ctx, "r@example.org", "nope nope nope", client("10.0.0."+string(rune('1'+i))), "")
		wantErr(t, "failure", err, auth.ErrBadCredentials)
	}
	_, _, err := e.auth.Login(ctx, "r@example.org", password, client("10.0.1.1"), "")
	var th *auth.ThrottledError
	if !errors.As(err, &th) || th.RetryAfter != 2*time.Minute {
		t.Fatalf("6th attempt on the account: %v", err)
	}
	e.clock.Add(2 * time.Minute)
	if _, _, err := e.auth.Login(ctx, "r@example.org", password, client("10.0.1.1"), ""); err != nil {
		t.Fatalf("after waiting: %v", err)
	}
	// Per address: failures over many accounts, unknown ones included.
	for i := range 20 {
		_, _, err := e.auth.Login(ctx, "nobody"+string(rune('a'+i))+"@example.org", "x", client("10.9.9.9"), "")
		wantErr(t, "failure", err, auth.ErrBadCredentials)
	}
	_, _, err = e.auth.Login(ctx, "someone-else@example.org", "x", client("10.9.9.9"), "")
	if !errors.As(err, &th) || th.RetryAfter != 30*time.Second {
		t.Fatalf("21st attempt from one address: %v", err)
	}
}

func TestSessionTimeouts(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tok, _, _ := e.person(t, "r@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, false)
	// Used every 11 hours, the session lives up to the absolute 7 days.
	for e.clock.Add(11 * time.Hour); ; e.clock.Add(11 * time.Hour) {
		_, err := e.auth.Authenticate(ctx, tok)
		if err != nil {
			break
		}
	}
	a, _ := e.store.StaffByEmail(ctx, "r@example.org")
	if ss, _ := e.store.StaffSessions(ctx, a.ID); len(ss) != 0 {
		t.Fatal("expired session not deleted")
	}
	// Idle for more than 12 hours ends a session.
	tok, _, err := e.auth.Login(ctx, "r@example.org", password, client("192.0.2.1"), "")
	must(t, err)
	e.clock.Add(12*time.Hour + time.Second)
	_, err = e.auth.Authenticate(ctx, tok)
	wantErr(t, "idle session", err, auth.ErrNoSession)
}

func TestAbsoluteTimeout(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tok, _, _ := e.person(t, "r@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, false)
	start := e.clock.Now()
	for {
		e.clock.Add(6 * time.Hour)
		if _, err := e.auth.Authenticate(ctx, tok); err != nil {
			break
		}
	}
	if lived := e.clock.Now().Sub(start); lived <= 7*24*time.Hour-6*time.Hour || lived > 7*24*time.Hour+6*time.Hour {
		t.Fatalf("session lived %v", lived)
	}
}

func TestLogoutAndDisableEndSessions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	adminTok, secret, _ := e.person(t, "admin@example.org", news.Grant{Role: news.RoleAdmin}, true)
	rTok, _, _ := e.person(t, "r@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, false)
	other, _, err := e.auth.Login(ctx, "r@example.org", password, client("192.0.2.7"), "")
	must(t, err)

	r, err := e.auth.Authenticate(ctx, rTok)
	must(t, err)
	must(t, e.auth.Logout(ctx, r, client("192.0.2.1")))
	_, err = e.auth.Authenticate(ctx, rTok)
	wantErr(t, "after logout", err, auth.ErrNoSession)
	if _, err := e.auth.Authenticate(ctx, other); err != nil {
		t.Fatalf("logout ended another session: %v", err)
	}

	e.clock.Add(16 * time.Minute)
	admin, err := e.auth.Authenticate(ctx, adminTok)
	must(t, err)
	_, err = e.auth.SetDisabled(ctx, admin, r.ID, true, client("192.0.2.1"))
	wantErr(t, "disable with a stale factor", err, auth.ErrStale)
	_, err = e.auth.Authenticate(ctx, other)
	must(t, err)
	code, _ := totp.GenerateCode(secret, e.clock.Now())
	must(t, e.auth.Confirm(ctx, admin, code, client("192.0.2.1")))
	_, err = e.auth.SetDisabled(ctx, admin, admin.ID, true, client("192.0.2.1"))
	wantErr(t, "disable oneself", err, news.ErrInvalid)
	_, err = e.auth.SetDisabled(ctx, admin, r.ID, true, client("192.0.2.1"))
	must(t, err)
	_, err = e.auth.Authenticate(ctx, other)
	wantErr(t, "session of a disabled person", err, auth.ErrNoSession)
	_, _, err = e.auth.Login(ctx, "r@example.org", password, client("192.0.2.7"), "")
	wantErr(t, "sign-in when disabled", err, auth.ErrBadCredentials)

	log, err := e.store.Audit(ctx, 0, 100)
	must(t, err)
	var actions []string
	for _, l := range log {
		actions = append(actions, l.Action)
	}
	got := strings.Join(actions, " ")
	for _, want := range []string{"disable", "login", "logout", "invite", "2fa.confirm", "2fa.enroll", "setup.invite", "login.fail"} {
		if !strings.Contains(" "+got+" ", " "+want+" ") {
			t.Errorf("audit log lacks %q: %s", want, got)
		}
	}
	if log[0].Action != "login.fail" || log[1].Action != "disable" || log[1].Actor != admin.ID || log[1].Target != r.ID || log[1].IP != "192.0.2.1" {
		t.Errorf("newest entries: %+v %+v", log[0], log[1])
	}
}

func TestSetupLinkOnceAndExpires(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	link, _, err := e.auth.CreateAccount(ctx, nil, "new@example.org", "New", news.Grant{Service: "kk", Role: news.RoleContributor}, client(""))
	must(t, err)
	if _, _, err := e.auth.SetupLink(ctx, link.Token); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.auth.CompleteSetup(ctx, link.Token, "short", client("192.0.2.1"), "")
	wantErr(t, "short password", err, news.ErrInvalid)
	// A refused password does not use the link up.
	_, _, err = e.auth.CompleteSetup(ctx, link.Token, password, client("192.0.2.1"), "")
	must(t, err)
	_, _, err = e.auth.CompleteSetup(ctx, link.Token, password+"2", client("192.0.2.1"), "")
	wantErr(t, "second use", err, auth.ErrSetupLink)
	_, _, err = e.auth.SetupLink(ctx, link.Token)
	wantErr(t, "used link shown", err, auth.ErrSetupLink)

	late, _, err := e.auth.CreateAccount(ctx, nil, "late@example.org", "Late", news.Grant{Service: "kk", Role: news.RoleContributor}, client(""))
	must(t, err)
	e.clock.Add(72*time.Hour + time.Second)
	_, _, err = e.auth.CompleteSetup(ctx, late.Token, password, client("192.0.2.1"), "")
	wantErr(t, "expired link", err, auth.ErrSetupLink)

	_, _, err = e.auth.CreateAccount(ctx, nil, "x@example.org", "X", news.Grant{Service: "zz", Role: news.RoleEditor}, client(""))
	wantErr(t, "unknown service", err, news.ErrInvalid)

	// A disabled person's link does nothing.
	off, acct, err := e.auth.CreateAccount(ctx, nil, "off@example.org", "Off", news.Grant{Service: "kk", Role: news.RoleContributor}, client(""))
	must(t, err)
	must(t, e.store.SetDisabled(ctx, acct.ID, true))
	_, _, err = e.auth.SetupLink(ctx, off.Token)
	wantErr(t, "disabled person's link shown", err, auth.ErrSetupLink)
	_, _, err = e.auth.CompleteSetup(ctx, off.Token, password, client("192.0.2.1"), "")
	wantErr(t, "disabled person's link used", err, auth.ErrSetupLink)
}

// A reset sets a new password and nothing else: the second factor stays
// and the next sign-in still asks for it.
func TestResetKeepsSecondFactor(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	adminTok, _, _ := e.person(t, "admin@example.org", news.Grant{Role: news.RoleAdmin}, true)
	edTok, secret, _ := e.person(t, "ed@example.org", news.Grant{Service: "kk", Role: news.RoleEditor}, true)
	admin, err := e.auth.Authenticate(ctx, adminTok)
	must(t, err)
	ed, err := e.auth.Authenticate(ctx, edTok)
	must(t, err)
	// The admin's factor was confirmed 30 s ago (person() moved the clock).
	reset, _, err := e.auth.IssueReset(ctx, admin, ed.ID, client("192.0.2.1"))
	must(t, err)
	tok, stage, err := e.auth.CompleteSetup(ctx, reset.Token, "a whole new password", client("192.0.2.2"), "")
	must(t, err)
	if stage != news.StagePassword {
		t.Fatalf("after a reset: stage %s, want password (second factor due)", stage)
	}
	if _, err := e.auth.Authenticate(ctx, edTok); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("reset left an old session: %v", err)
	}
	if ok, _ := e.auth.HasFactor(ctx, ed.ID); !ok {
		t.Fatal("reset removed the second factor")
	}
	a, _ := e.auth.Authenticate(ctx, tok)
	code, _ := totp.GenerateCode(secret, e.clock.Now())
	if _, err := e.auth.SecondFactor(ctx, a, code, client("192.0.2.2")); err != nil {
		t.Fatal(err)
	}
	_, stage, err = e.auth.Login(ctx, "ed@example.org", "a whole new password", client("192.0.2.2"), "")
	must(t, err)
	if stage != news.StagePassword {
		t.Fatalf("sign-in after reset: stage %s", stage)
	}
}

func TestConfirmAgain(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tok, secret, _ := e.person(t, "chief@example.org", news.Grant{Service: "kk", Role: news.RoleChief}, true)
	a, _ := e.auth.Authenticate(ctx, tok)
	must(t, e.auth.Authorize(a, news.ActBanner, "kk"))
	e.clock.Add(15 * time.Minute)
	a, _ = e.auth.Authenticate(ctx, tok)
	wantErr(t, "stale", e.auth.Authorize(a, news.ActBanner, "kk"), auth.ErrStale)
	must(t, e.auth.Authorize(a, news.ActWrite, "kk")) // not sensitive
	wantErr(t, "other service", e.auth.Authorize(a, news.ActWrite, "ru"), auth.ErrForbidden)
	code, _ := totp.GenerateCode(secret, e.clock.Now())
	must(t, e.auth.Confirm(ctx, a, code, client("192.0.2.1")))
	a, _ = e.auth.Authenticate(ctx, tok)
	must(t, e.auth.Authorize(a, news.ActBanner, "kk"))
}

// Which roles must enroll is configurable; by default editors and above.
func TestRequire2FAPerRole(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		require map[news.Role]bool
		role    news.Role
		want    news.SessionStage
	}{
		{nil, news.RoleContributor, news.StageFull},
		{nil, news.RoleReporter, news.StageFull},
		{nil, news.RoleEditor, news.StageEnroll},
		{nil, news.RoleChief, news.StageEnroll},
		{map[news.Role]bool{news.RoleReporter: true}, news.RoleReporter, news.StageEnroll},
		{map[news.Role]bool{news.RoleReporter: true}, news.RoleEditor, news.StageFull},
	} {
		e := newEnv(t, func(c *auth.Config) { c.Require2FA = tc.require })
		link, _, err := e.auth.CreateAccount(ctx, nil, "p@example.org", "P", news.Grant{Service: "kk", Role: tc.role}, client(""))
		must(t, err)
		_, stage, err := e.auth.CompleteSetup(ctx, link.Token, password, client("192.0.2.1"), "")
		must(t, err)
		if stage != tc.want {
			t.Errorf("require %v, %s: stage %s, want %s", tc.require, tc.role, stage, tc.want)
		}
	}
}

// An unknown email costs the same argon2 work as a known one with a wrong
// password: exactly one password check each, so their answers take alike
// (counted, not timed: a timed test is at the mercy of a busy machine).
func TestUnknownEmailSameWork(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, func(c *auth.Config) { c.AccountLimit.Burst = 100; c.IPLimit.Burst = 100 })
	e.person(t, "known@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, false)
	for _, email := range []string{"nobody@example.org", "known@example.org", "NOBODY@example.org", "known@example.org"} {
		before := e.auth.Verifies()
		_, _, err := e.auth.Login(ctx, email, "wrong password", client("192.0.2.1"), "")
		wantErr(t, email, err, auth.ErrBadCredentials)
		if n := e.auth.Verifies() - before; n != 1 {
			t.Errorf("a failed sign-in as %s ran %d password checks, want 1", email, n)
		}
	}
}

// Parallel guesses cannot outrun the count: attempts are taken before the
// password is checked.
func TestParallelGuessesAreCounted(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.person(t, "r@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, false)
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[string]int{}
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := e.auth.Login(ctx, "r@example.org", "guess guess guess", client(fmt.Sprint("10.1.0.", i)), "")
			var th *auth.ThrottledError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, auth.ErrBadCredentials):
				counts["bad"]++
			case errors.As(err, &th):
				counts["throttled"]++
			default:
				t.Errorf("guess: %v", err)
			}
		}()
	}
	wg.Wait()
	if counts["bad"] != 5 || counts["throttled"] != 25 {
		t.Fatalf("30 parallel guesses: %v, want 5 checked and 25 throttled", counts)
	}
}

// A person's choice of the admin's language needs no fresh factor, is
// theirs alone and reaches every session of theirs.
func TestSetLang(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tok, _, _ := e.person(t, "r@example.org", news.Grant{Service: "kk", Role: news.RoleEditor}, true)
	other, _, err := e.auth.Login(ctx, "r@example.org", password, client("192.0.2.7"), "")
	must(t, err)
	// The other sign-in still waits for its second factor: it may not.
	p, err := e.auth.Authenticate(ctx, other)
	must(t, err)
	wantErr(t, "SetLang before the second factor", e.auth.SetLang(ctx, p, "ru"), auth.ErrForbidden)
	e.clock.Add(time.Hour) // long past a fresh factor
	a, err := e.auth.Authenticate(ctx, tok)
	must(t, err)
	if a.Lang != "" {
		t.Fatalf("new account's lang %q, want \"\"", a.Lang)
	}
	must(t, e.auth.SetLang(ctx, a, "kk"))
	if a.Lang != "kk" {
		t.Errorf("actor's lang after SetLang: %q", a.Lang)
	}
	b, err := e.auth.Authenticate(ctx, tok)
	must(t, err)
	if b.Lang != "kk" {
		t.Errorf("lang seen by a later request: %q, want kk", b.Lang)
	}
	wantErr(t, "SetLang fa", e.auth.SetLang(ctx, a, "fa"), news.ErrInvalid)
}
