package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// tokenPerson makes a person with a second factor and returns their actor,
// fresh from enrolling.
func (e *env) tokenPerson(t *testing.T, email string, g news.Grant) *auth.Actor {
	t.Helper()
	tok, _, _ := e.person(t, email, g, true)
	a, err := e.auth.Authenticate(context.Background(), tok)
	must(t, err)
	if !a.Fresh() {
		t.Fatalf("%s is not fresh after enrolling", email)
	}
	return a
}

// refresh reads the actor's session again (after the clock moved).
func (e *env) refresh(t *testing.T, a *auth.Actor) *auth.Actor {
	t.Helper()
	b, err := e.auth.Authenticate(context.Background(), a.Token)
	must(t, err)
	return b
}

var secretShape = regexp.MustCompile(`^qalam_[a-z2-7]{52}$`)

func TestTokenCreateRules(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ed := e.tokenPerson(t, "editor@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	personal := func(role news.Role, svcs ...string) auth.TokenRequest {
		return auth.TokenRequest{Kind: news.TokenPersonal, Name: "script", Services: svcs, Role: role}
	}
	secret, tok, err := e.auth.CreateToken(ctx, ed, personal(news.RoleReporter, "kk"), client("192.0.2.7"))
	must(t, err)
	if !secretShape.MatchString(secret) {
		t.Fatalf("secret %q", secret)
	}
	sum := sha256.Sum256([]byte(secret))
	if tok.Hash != hex.EncodeToString(sum[:]) || strings.Contains(tok.Hash, secret) {
		t.Fatalf("stored hash %q", tok.Hash)
	}
	if got := tok.Expires.Sub(tok.Created); got != news.TokenDefaultTTL {
		t.Errorf("default lifetime %v", got)
	}
	stored, err := e.store.Token(ctx, tok.ID)
	must(t, err)
	if stored.Hash != tok.Hash || stored.CreatedBy != ed.ID || stored.Role != news.RoleReporter {
		t.Errorf("stored %+v", stored)
	}
	for what, req := range map[string]auth.TokenRequest{
		"more than the person":  personal(news.RoleChief, "kk"),
		"a service not theirs":  personal(news.RoleReporter, "ru"),
		"an unknown service":    personal(news.RoleReporter, "xx"),
		"no service":            personal(news.RoleReporter),
		"admin":                 personal(news.RoleAdmin, "kk"),
		"no name":               {Kind: news.TokenPersonal, Services: []string{"kk"}, Role: news.RoleReporter},
		"longer than a year":    {Kind: news.TokenPersonal, Name: "x", Services: []string{"kk"}, Role: news.RoleReporter, TTL: 366 * 24 * time.Hour},
		"an unknown kind":       {Kind: "robot", Name: "x", Services: []string{"kk"}, Role: news.RoleReporter},
		"integration, two svcs": {Kind: news.TokenIntegration, Name: "x", Services: []string{"kk", "ru"}, Role: news.RoleReporter},
	} {
		if _, _, err := e.auth.CreateToken(ctx, ed, req, client("192.0.2.7")); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", what, err)
		}
	}
	// An editor makes no integration tokens.
	_, _, err = e.auth.CreateToken(ctx, ed, auth.TokenRequest{Kind: news.TokenIntegration, Name: "CMS", Services: []string{"kk"}, Role: news.RoleReporter}, client(""))
	wantErr(t, "editor makes an integration token", err, auth.ErrForbidden)

	// A second factor confirmed more than 15 minutes ago is stale.
	e.clock.Add(16 * time.Minute)
	ed = e.refresh(t, ed)
	_, _, err = e.auth.CreateToken(ctx, ed, personal(news.RoleReporter, "kk"), client(""))
	wantErr(t, "stale factor", err, auth.ErrStale)

	// A token's request cannot make tokens.
	a, _, err := e.auth.UseToken(ctx, secret)
	must(t, err)
	_, _, err = e.auth.CreateToken(ctx, a, personal(news.RoleContributor, "kk"), client(""))
	wantErr(t, "a token makes a token", err, auth.ErrNoSession)

	// Integration tokens: a chief up to editor in their service, an admin
	// up to chief; nobody elsewhere.
	chief := e.tokenPerson(t, "chief@example.org", news.Grant{Service: "kk", Role: news.RoleChief})
	admin := e.tokenPerson(t, "admin@example.org", news.Grant{Role: news.RoleAdmin})
	integ := func(svc string, role news.Role) auth.TokenRequest {
		return auth.TokenRequest{Kind: news.TokenIntegration, Name: "CMS import " + svc, Services: []string{svc}, Role: role}
	}
	for _, c := range []struct {
		who  *auth.Actor
		req  auth.TokenRequest
		want error
	}{
		{chief, integ("kk", news.RoleEditor), nil},
		{chief, integ("kk", news.RoleChief), auth.ErrForbidden},
		{chief, integ("ru", news.RoleContributor), auth.ErrForbidden},
		{admin, integ("ru", news.RoleChief), nil},
		{admin, integ("ru", news.RoleAdmin), news.ErrInvalid},
	} {
		_, tok, err := e.auth.CreateToken(ctx, c.who, c.req, client("192.0.2.8"))
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s makes %s %s: %v, want %v", c.who.Email, c.req.Role, c.req.Services, err, c.want)
		}
		if err == nil && (tok.Kind != news.TokenIntegration || tok.CreatedBy != c.who.ID) {
			t.Errorf("integration token %+v", tok)
		}
	}
	// Each creation is in the audit log, never with the secret.
	log, err := e.store.Audit(ctx, 0, 100)
	must(t, err)
	n := 0
	for _, row := range log {
		if strings.Contains(row.Detail, secret) || strings.Contains(row.Detail, auth.TokenPrefix) {
			t.Errorf("secret in the audit log: %+v", row)
		}
		if row.Action == "token.create" {
			n++
			if row.Target == "" || row.IP != "192.0.2.7" && row.IP != "192.0.2.8" {
				t.Errorf("audit row %+v", row)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d token.create rows, want 3", n)
	}
}

func TestTokenUseNarrowsWithThePerson(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ed := e.tokenPerson(t, "editor@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	must(t, e.store.SetGrants(ctx, ed.ID, []news.Grant{{Service: "kk", Role: news.RoleEditor}, {Service: "ru", Role: news.RoleReporter}}))
	ed = e.refresh(t, ed)
	secret, tok, err := e.auth.CreateToken(ctx, ed, auth.TokenRequest{Kind: news.TokenPersonal, Name: "script", Services: []string{"kk", "ru"},
		Role: news.RoleReporter}, client(""))
	must(t, err)
	grants := func() []news.Grant {
		t.Helper()
		a, _, err := e.auth.UseToken(ctx, secret)
		must(t, err)
		if !a.Fresh() || a.ID != ed.ID {
			t.Fatalf("token actor %+v", a)
		}
		return a.Grants
	}
	// Capped by the token: reporter though the person is an editor in kk.
	if g := grants(); !slices.Equal(g, []news.Grant{{Service: "kk", Role: news.RoleReporter}, {Service: "ru", Role: news.RoleReporter}}) {
		t.Fatalf("effective %v", g)
	}
	a, _, _ := e.auth.UseToken(ctx, secret)
	if err := e.auth.Authorize(a, news.ActPublish, "kk"); err != auth.ErrForbidden {
		t.Errorf("reporter token publishes: %v", err)
	}
	if err := e.auth.Authorize(a, news.ActFile, "kk"); err != nil {
		t.Errorf("reporter token files: %v", err)
	}
	// Demoted in kk, removed from ru: the token narrows at once.
	must(t, e.store.SetGrants(ctx, ed.ID, []news.Grant{{Service: "kk", Role: news.RoleContributor}}))
	if g := grants(); !slices.Equal(g, []news.Grant{{Service: "kk", Role: news.RoleContributor}}) {
		t.Fatalf("after demotion %v", g)
	}
	// Made admin: still only the token's scope and role.
	must(t, e.store.SetGrants(ctx, ed.ID, []news.Grant{{Role: news.RoleAdmin}}))
	if g := grants(); !slices.Equal(g, []news.Grant{{Service: "kk", Role: news.RoleReporter}, {Service: "ru", Role: news.RoleReporter}}) || news.IsAdmin(g) {
		t.Fatalf("as admin %v", g)
	}
	// Last use is recorded.
	got, err := e.store.Token(ctx, tok.ID)
	must(t, err)
	if !got.LastUsed.Equal(e.clock.Now()) {
		t.Errorf("last used %v, now %v", got.LastUsed, e.clock.Now())
	}
	// Expiry.
	e.clock.Add(news.TokenDefaultTTL)
	if _, _, err := e.auth.UseToken(ctx, secret); err != auth.ErrBadToken {
		t.Errorf("expired token: %v", err)
	}
	// Malformed and unknown secrets are the same refusal.
	for _, s := range []string{"", "qalam_", secret[:len(secret)-1], strings.ToUpper(secret), "qalam_" + strings.Repeat("a", 52), "Bearer " + secret} {
		if _, _, err := e.auth.UseToken(ctx, s); err != auth.ErrBadToken {
			t.Errorf("secret %q: %v", s, err)
		}
	}
}

func TestTokenRevokeAndDisable(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.tokenPerson(t, "admin@example.org", news.Grant{Role: news.RoleAdmin})
	chief := e.tokenPerson(t, "chief@example.org", news.Grant{Service: "kk", Role: news.RoleChief})
	chief2 := e.tokenPerson(t, "chief2@example.org", news.Grant{Service: "kk", Role: news.RoleChief})
	ruChief := e.tokenPerson(t, "ruchief@example.org", news.Grant{Service: "ru", Role: news.RoleChief})
	rep := e.tokenPerson(t, "reporter@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	mk := func(a *auth.Actor, kind news.TokenKind, role news.Role) (string, news.APIToken) {
		t.Helper()
		s, tok, err := e.auth.CreateToken(ctx, a, auth.TokenRequest{Kind: kind, Name: "t " + a.Email, Services: []string{"kk"}, Role: role}, client("192.0.2.3"))
		must(t, err)
		return s, tok
	}
	repSecret, repTok := mk(rep, news.TokenPersonal, news.RoleReporter)
	intSecret, intTok := mk(chief, news.TokenIntegration, news.RoleEditor)
	chiefSecret, _ := mk(chief, news.TokenPersonal, news.RoleChief)

	// Who sees what.
	lists, err := e.auth.Tokens(ctx, chief2)
	must(t, err)
	if len(lists.Mine) != 0 || len(lists.Integrations) != 1 || lists.Integrations[0].ID != intTok.ID || !slices.Equal(lists.IntegrationServices, []string{"kk"}) {
		t.Errorf("another chief of kk sees %+v", lists)
	}
	lists, err = e.auth.Tokens(ctx, ruChief)
	must(t, err)
	if len(lists.Integrations) != 0 || !slices.Equal(lists.IntegrationServices, []string{"ru"}) {
		t.Errorf("the chief of ru sees %+v", lists)
	}
	lists, err = e.auth.Tokens(ctx, rep)
	must(t, err)
	if len(lists.Mine) != 1 || lists.Mine[0].ID != repTok.ID || len(lists.Integrations) != 0 || len(lists.IntegrationServices) != 0 {
		t.Errorf("the reporter sees %+v", lists)
	}
	// Others' tokens do not exist for those who may not manage them.
	_, err = e.auth.RevokeToken(ctx, ruChief, intTok.ID, client(""))
	wantErr(t, "ru chief revokes a kk integration", err, news.ErrNotFound)
	_, err = e.auth.RevokeToken(ctx, chief2, repTok.ID, client(""))
	wantErr(t, "a chief revokes a reporter's personal token", err, news.ErrNotFound)
	// Another chief of the service revokes the integration token, once.
	_, err = e.auth.RevokeToken(ctx, chief2, intTok.ID, client("192.0.2.4"))
	must(t, err)
	_, err = e.auth.RevokeToken(ctx, chief2, intTok.ID, client("192.0.2.4"))
	wantErr(t, "revoke twice", err, news.ErrInvalid)
	if _, _, err := e.auth.UseToken(ctx, intSecret); err != auth.ErrBadToken {
		t.Errorf("revoked token: %v", err)
	}

	// Disabling the chief revokes every token they made: personal and
	// integration alike.
	_, int2 := mk(chief, news.TokenIntegration, news.RoleReporter)
	_, err = e.auth.SetDisabled(ctx, admin, chief.ID, true, client("192.0.2.5"))
	must(t, err)
	for _, id := range []string{int2.ID} {
		got, err := e.store.Token(ctx, id)
		must(t, err)
		if got.Revoked.IsZero() || got.RevokedBy != admin.ID {
			t.Errorf("integration token after disabling its maker: %+v", got)
		}
	}
	if _, _, err := e.auth.UseToken(ctx, chiefSecret); err != auth.ErrBadToken {
		t.Errorf("disabled person's token: %v", err)
	}
	// Re-enabling does not bring tokens back.
	_, err = e.auth.SetDisabled(ctx, admin, chief.ID, false, client("192.0.2.5"))
	must(t, err)
	if _, _, err := e.auth.UseToken(ctx, chiefSecret); err != auth.ErrBadToken {
		t.Errorf("token after re-enabling: %v", err)
	}

	// Disabled behind auth's back (revocation failed or never ran): the
	// token is still refused, and revoked on the spot.
	if _, _, err := e.auth.UseToken(ctx, repSecret); err != nil {
		t.Fatal(err)
	}
	must(t, e.store.SetDisabled(ctx, rep.ID, true))
	if _, _, err := e.auth.UseToken(ctx, repSecret); err != auth.ErrBadToken {
		t.Errorf("disabled reporter's token: %v", err)
	}
	if got, _ := e.store.Token(ctx, repTok.ID); got.Revoked.IsZero() {
		t.Error("a disabled person's token was not revoked on use")
	}

	// The audit log: creations, revocations, the disabling's revocation.
	log, err := e.store.Audit(ctx, 0, 100)
	must(t, err)
	var revokes []string
	for _, row := range log {
		if row.Action == "token.revoke" {
			revokes = append(revokes, row.Detail)
		}
	}
	if len(revokes) != 3 || !strings.Contains(strings.Join(revokes, "|"), "2 tokens, on disabling their maker") {
		t.Errorf("revocations logged: %q", revokes)
	}
}

func TestAuditNamesTheToken(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	chief := e.tokenPerson(t, "chief@example.org", news.Grant{Service: "kk", Role: news.RoleChief})
	secret, tok, err := e.auth.CreateToken(ctx, chief, auth.TokenRequest{Kind: news.TokenIntegration, Name: "CMS import kk",
		Services: []string{"kk"}, Role: news.RoleEditor}, client(""))
	must(t, err)
	a, used, err := e.auth.UseToken(ctx, secret)
	must(t, err)
	e.auth.Audit(auth.WithToken(ctx, used), a, "story.publish", "story1", "kk", client("198.51.100.1"), "rev1")
	log, err := e.store.Audit(ctx, 0, 1)
	must(t, err)
	want := `rev1 [via integration "CMS import kk" (token ` + tok.ID + `)]`
	if len(log) != 1 || log[0].Detail != want || log[0].Actor != chief.ID || log[0].IP != "198.51.100.1" {
		t.Fatalf("audit row %+v, want detail %q", log, want)
	}
}
