package storetest

import (
	"testing"
	"time"

	"qalam/internal/news"
)

// TokenBackend is a store that keeps staff accounts and API tokens.
type TokenBackend interface {
	news.StaffStore
	news.TokenStore
	Close() error
}

// RunTokens runs the conformance tests of news.TokenStore. open must
// return a new, empty, migrated store for each call; the suite closes it.
func RunTokens(t *testing.T, open func(t *testing.T) TokenBackend) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s TokenBackend)
	}{
		{"RoundTrip", testTokenRoundTrip},
		{"Invalid", testTokenInvalid},
		{"ListAndFilter", testTokenList},
		{"Revoke", testTokenRevoke},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

// tokenMaker stores a staff account to make tokens with.
func tokenMaker(t *testing.T, s TokenBackend, email string) string {
	t.Helper()
	a := news.StaffAccount{Staff: news.Staff{Email: email, Name: "Maker " + email, Created: t0},
		Grants: []news.Grant{{Service: "kk", Role: news.RoleChief}}}
	must(t, s.CreateStaffAccount(ctx, &a, news.SetupToken{TokenHash: hash("link " + email), Purpose: news.SetupInvite, Created: t0, Expires: t0.Add(time.Hour)}))
	return a.ID
}

func newToken(maker, secret string) news.APIToken {
	return news.APIToken{Hash: hash(secret), Kind: news.TokenPersonal, Name: "laptop script", CreatedBy: maker,
		Services: []string{"ru", "kk"}, Role: news.RoleReporter, Created: odd, Expires: odd.Add(news.TokenDefaultTTL)}
}

func testTokenRoundTrip(t *testing.T, s TokenBackend) {
	maker := tokenMaker(t, s, "maker@example.org")
	tok := newToken(maker, "secret one")
	must(t, s.AddToken(ctx, &tok))
	if !news.ValidID(tok.ID) {
		t.Fatalf("AddToken assigned ID %q", tok.ID)
	}
	want := tok
	want.Created, want.Expires = news.Time(odd), news.Time(odd.Add(news.TokenDefaultTTL))
	same(t, "AddToken's token", tok, want)
	got, err := s.TokenByHash(ctx, hash("secret one"))
	must(t, err)
	want.Services = []string{"kk", "ru"} // sorted
	same(t, "TokenByHash", got, want)
	got, err = s.Token(ctx, tok.ID)
	must(t, err)
	same(t, "Token", got, want)
	_, err = s.TokenByHash(ctx, hash("another secret"))
	wantErr(t, "TokenByHash(unknown)", err, news.ErrNotFound)
	_, err = s.Token(ctx, news.NewID())
	wantErr(t, "Token(unknown)", err, news.ErrNotFound)

	// Last use.
	must(t, s.TouchToken(ctx, tok.ID, odd.Add(time.Hour)))
	got, err = s.Token(ctx, tok.ID)
	must(t, err)
	if !got.LastUsed.Equal(news.Time(odd.Add(time.Hour))) {
		t.Errorf("LastUsed %v", got.LastUsed)
	}
	wantErr(t, "TouchToken(unknown)", s.TouchToken(ctx, news.NewID(), odd), news.ErrNotFound)

	// The same secret's hash twice is a conflict.
	dup := newToken(maker, "secret one")
	wantErr(t, "same hash", s.AddToken(ctx, &dup), news.ErrConflict)
	// An integration token keeps its one service.
	it := newToken(maker, "secret two")
	it.Kind, it.Name, it.Services, it.Role = news.TokenIntegration, "CMS import kk", []string{"kk"}, news.RoleEditor
	must(t, s.AddToken(ctx, &it))
	got, err = s.Token(ctx, it.ID)
	must(t, err)
	if got.Kind != news.TokenIntegration || got.Name != "CMS import kk" || len(got.Services) != 1 || got.Role != news.RoleEditor {
		t.Errorf("integration token %+v", got)
	}
}

func testTokenInvalid(t *testing.T, s TokenBackend) {
	maker := tokenMaker(t, s, "maker@example.org")
	for name, change := range map[string]func(*news.APIToken){
		"kind":             func(x *news.APIToken) { x.Kind = "robot" },
		"hash":             func(x *news.APIToken) { x.Hash = "secret in plain" },
		"no maker":         func(x *news.APIToken) { x.CreatedBy = "" },
		"admin role":       func(x *news.APIToken) { x.Role = news.RoleAdmin },
		"unknown role":     func(x *news.APIToken) { x.Role = "owner" },
		"no services":      func(x *news.APIToken) { x.Services = nil },
		"service twice":    func(x *news.APIToken) { x.Services = []string{"kk", "kk"} },
		"empty service":    func(x *news.APIToken) { x.Services = []string{""} },
		"integration, two": func(x *news.APIToken) { x.Kind = news.TokenIntegration },
		"no name":          func(x *news.APIToken) { x.Name = "" },
		"name with space":  func(x *news.APIToken) { x.Name = " x" },
		"control in name":  func(x *news.APIToken) { x.Name = "a\nb" },
		"expired at birth": func(x *news.APIToken) { x.Expires = x.Created },
		"too long a life":  func(x *news.APIToken) { x.Expires = x.Created.Add(news.TokenMaxTTL + time.Hour) },
	} {
		tok := newToken(maker, "secret "+name)
		change(&tok)
		wantErr(t, name, s.AddToken(ctx, &tok), news.ErrInvalid)
	}
	tok := newToken(news.NewID(), "secret unknown maker")
	wantErr(t, "unknown maker", s.AddToken(ctx, &tok), news.ErrNotFound)
	if ts, err := s.Tokens(ctx, news.TokenFilter{}, 0); err != nil || len(ts) != 0 {
		t.Errorf("refused tokens were stored: %v %v", ts, err)
	}
}

func testTokenList(t *testing.T, s TokenBackend) {
	a := tokenMaker(t, s, "a@example.org")
	b := tokenMaker(t, s, "b@example.org")
	mk := func(maker, secret string, kind news.TokenKind, svcs []string, minute int) news.APIToken {
		tok := newToken(maker, secret)
		tok.Kind, tok.Services, tok.Created, tok.Expires = kind, svcs, at(minute), at(minute).Add(time.Hour)
		must(t, s.AddToken(ctx, &tok))
		return tok
	}
	p1 := mk(a, "p1", news.TokenPersonal, []string{"kk", "ru"}, 1)
	i1 := mk(a, "i1", news.TokenIntegration, []string{"kk"}, 2)
	p2 := mk(b, "p2", news.TokenPersonal, []string{"ru"}, 3)
	i2 := mk(b, "i2", news.TokenIntegration, []string{"ru"}, 4)
	list := func(f news.TokenFilter, limit int) []string {
		t.Helper()
		ts, err := s.Tokens(ctx, f, limit)
		must(t, err)
		var out []string
		for _, x := range ts {
			if len(x.Services) == 0 {
				t.Errorf("token %s listed without its services", x.ID)
			}
			out = append(out, x.ID)
		}
		return out
	}
	same(t, "all, newest first", list(news.TokenFilter{}, 0), []string{i2.ID, p2.ID, i1.ID, p1.ID})
	same(t, "limit", list(news.TokenFilter{}, 2), []string{i2.ID, p2.ID})
	same(t, "by maker", list(news.TokenFilter{CreatedBy: a}, 0), []string{i1.ID, p1.ID})
	same(t, "by service", list(news.TokenFilter{Service: "kk"}, 0), []string{i1.ID, p1.ID})
	same(t, "integrations of ru", list(news.TokenFilter{Service: "ru", Kind: news.TokenIntegration}, 0), []string{i2.ID})
	same(t, "personal of b", list(news.TokenFilter{CreatedBy: b, Kind: news.TokenPersonal}, 0), []string{p2.ID})
	if got := list(news.TokenFilter{Service: "fa"}, 0); len(got) != 0 {
		t.Errorf("tokens of a service none names: %v", got)
	}
}

func testTokenRevoke(t *testing.T, s TokenBackend) {
	a := tokenMaker(t, s, "a@example.org")
	b := tokenMaker(t, s, "b@example.org")
	var mine []news.APIToken
	for _, secret := range []string{"x1", "x2", "x3"} {
		tok := newToken(a, secret)
		must(t, s.AddToken(ctx, &tok))
		mine = append(mine, tok)
	}
	theirs := newToken(b, "y1")
	must(t, s.AddToken(ctx, &theirs))

	must(t, s.RevokeToken(ctx, mine[0].ID, b, odd))
	got, err := s.Token(ctx, mine[0].ID)
	must(t, err)
	if !got.Revoked.Equal(news.Time(odd)) || got.RevokedBy != b || got.Active(odd) {
		t.Errorf("revoked token %+v", got)
	}
	wantErr(t, "revoke twice", s.RevokeToken(ctx, mine[0].ID, b, odd), news.ErrNotFound)
	wantErr(t, "revoke unknown", s.RevokeToken(ctx, news.NewID(), b, odd), news.ErrNotFound)

	// Every token a person made, once; another's stay.
	n, err := s.RevokeTokensBy(ctx, a, "", at(5))
	must(t, err)
	if n != 2 {
		t.Errorf("RevokeTokensBy revoked %d, want 2", n)
	}
	for _, tok := range mine {
		got, err := s.Token(ctx, tok.ID)
		must(t, err)
		if got.Revoked.IsZero() {
			t.Errorf("token %s not revoked", tok.ID)
		}
	}
	if got, _ := s.Token(ctx, mine[0].ID); got.RevokedBy != b || !got.Revoked.Equal(news.Time(odd)) {
		t.Errorf("a second revocation changed the first: %+v", got)
	}
	if got, _ := s.Token(ctx, mine[1].ID); got.RevokedBy != "" || !got.Revoked.Equal(at(5)) {
		t.Errorf("system revocation: %+v", got)
	}
	if got, _ := s.Token(ctx, theirs.ID); !got.Revoked.IsZero() {
		t.Errorf("another's token revoked: %+v", got)
	}
	if n, err := s.RevokeTokensBy(ctx, a, "", at(6)); err != nil || n != 0 {
		t.Errorf("RevokeTokensBy again: %d %v", n, err)
	}
}
