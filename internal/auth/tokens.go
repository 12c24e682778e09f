package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"qalam/internal/news"
)

// API tokens (news.APIToken): made in the admin with a fresh second factor,
// shown once, stored as a SHA-256 only, and checked at every use against
// what their maker may do at that moment (news.APIToken.Effective).
//
// A token's request acts as an Actor whose grants are the token's effective
// grants and whose second factor counts as fresh (the token was made with
// one; a script cannot give one). Every audit entry written while serving
// it names the token (WithToken).

// TokenPrefix starts every token's secret, so secret scanners and people
// can tell a leaked qalam token at a glance.
const TokenPrefix = "qalam_"

// tokenSecretLen is the secret's length: the prefix and 256 random bits in
// lowercase base32.
const tokenSecretLen = len(TokenPrefix) + 52

// ErrBadToken is every refusal of a token itself: missing, malformed,
// unknown, expired, revoked, or its maker disabled. They are deliberately
// not told apart.
var ErrBadToken = errors.New("the API token is missing, unknown, expired or revoked")

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newTokenSecret returns a fresh secret.
func newTokenSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return TokenPrefix + strings.ToLower(tokenEncoding.EncodeToString(b[:]))
}

// tokenStore is the store's token half; a store without one has no tokens.
func (au *Auth) tokenStore() (news.TokenStore, error) {
	ts, ok := au.store.(news.TokenStore)
	if !ok {
		return nil, errors.New("auth: the store keeps no API tokens")
	}
	return ts, nil
}

type tokenKey struct{}

// WithToken marks ctx as serving a request made with token t: every audit
// entry written under it names the token.
func WithToken(ctx context.Context, t news.APIToken) context.Context {
	return context.WithValue(ctx, tokenKey{}, t)
}

// TokenFrom returns the token ctx serves, if any.
func TokenFrom(ctx context.Context) (news.APIToken, bool) {
	t, ok := ctx.Value(tokenKey{}).(news.APIToken)
	return t, ok
}

// TokenLabel names a token for people and the audit log, e.g.
// `integration "CMS import kk" (token 2f...)`.
func TokenLabel(t news.APIToken) string {
	if t.Kind == news.TokenIntegration {
		return fmt.Sprintf("integration %q (token %s)", t.Name, t.ID)
	}
	return fmt.Sprintf("personal token %q (%s)", t.Name, t.ID)
}

// viaToken adds the token a request was made with to an audit entry's
// detail.
func viaToken(ctx context.Context, detail string) string {
	t, ok := TokenFrom(ctx)
	if !ok {
		return detail
	}
	if detail != "" {
		detail += " "
	}
	return detail + "[via " + TokenLabel(t) + "]"
}

// TokenRequest is what a person asks for when making a token.
type TokenRequest struct {
	Kind news.TokenKind
	Name string
	// Services is the scope's services; an integration token names one.
	Services []string
	Role     news.Role
	// TTL is how long it works: 0 for news.TokenDefaultTTL, at most
	// news.TokenMaxTTL.
	TTL time.Duration
}

// CreateToken makes a token and returns its secret, which is never stored
// and cannot be shown again. It needs a browser session (tokens do not make
// tokens) with a fresh second factor. A personal token may name only
// services where the person works, with a role no higher than theirs
// there; an integration token is made by a chief of its service (roles
// news.CanGrant lets them give) or an admin.
func (au *Auth) CreateToken(ctx context.Context, by *Actor, req TokenRequest, c Client) (string, news.APIToken, error) {
	var none news.APIToken
	if by == nil || by.Session.Stage != news.StageFull || by.Token == "" {
		return "", none, ErrNoSession
	}
	name := strings.TrimSpace(req.Name)
	if err := news.CheckTokenName(name); err != nil {
		return "", none, err
	}
	if req.Role == news.RoleAdmin {
		return "", none, news.Invalidf("a token's highest role is chief: tokens never act as admins")
	}
	if _, err := news.ParseRole(string(req.Role)); err != nil {
		return "", none, err
	}
	var svcs []string
	for _, s := range req.Services {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(svcs, s) {
			svcs = append(svcs, s)
		}
	}
	sort.Strings(svcs)
	if len(svcs) == 0 {
		return "", none, news.Invalidf("choose at least one service")
	}
	for _, s := range svcs {
		if err := au.checkService(ctx, news.Grant{Service: s, Role: req.Role}); err != nil {
			return "", none, err
		}
	}
	ttl := req.TTL
	if ttl == 0 {
		ttl = news.TokenDefaultTTL
	}
	if ttl < time.Hour || ttl > news.TokenMaxTTL {
		return "", none, news.Invalidf("a token may work from 1 to %d days", int(news.TokenMaxTTL.Hours()/24))
	}
	switch req.Kind {
	case news.TokenPersonal:
		mine := news.APIToken{Services: svcs, Role: req.Role}.Effective(by.Grants)
		for _, s := range svcs {
			i := slices.IndexFunc(mine, func(g news.Grant) bool { return g.Service == s })
			if i < 0 {
				return "", none, news.Invalidf("you have no role in %s, so a token of yours cannot work there", s)
			}
			if mine[i].Role != req.Role {
				return "", none, news.Invalidf("you are %s in %s; a token of yours cannot do more than you", mine[i].Role, s)
			}
		}
	case news.TokenIntegration:
		if len(svcs) != 1 {
			return "", none, news.Invalidf("an integration token works in exactly one service")
		}
		if !by.Allowed(news.ActTokens, svcs[0]) || !news.CanGrant(by.Grants, news.Grant{Service: svcs[0], Role: req.Role}) {
			return "", none, ErrForbidden
		}
	default:
		return "", none, news.Invalidf("token kind %q: want personal or integration", req.Kind)
	}
	if !by.fresh {
		return "", none, ErrStale
	}
	ts, err := au.tokenStore()
	if err != nil {
		return "", none, err
	}
	now := au.cfg.Now()
	secret := newTokenSecret()
	t := news.APIToken{Hash: hashToken(secret), Kind: req.Kind, Name: name, CreatedBy: by.ID, Services: svcs, Role: req.Role,
		Created: now, Expires: now.Add(ttl)}
	if err := ts.AddToken(ctx, &t); err != nil {
		return "", none, err
	}
	svc := ""
	if len(svcs) == 1 {
		svc = svcs[0]
	}
	au.audit(ctx, by.ID, "token.create", t.ID, svc, c, fmt.Sprintf("%s: %s in %s, expires %s", TokenLabel(t), t.Role,
		strings.Join(t.Services, ", "), t.Expires.UTC().Format("2006-01-02")))
	return secret, t, nil
}

// mayManageToken reports whether the actor may see and revoke t: its maker;
// for an integration token a chief of its service; an admin any token.
func mayManageToken(by *Actor, t news.APIToken) bool {
	if t.CreatedBy == by.ID || news.IsAdmin(by.Grants) {
		return true
	}
	return t.Kind == news.TokenIntegration && len(t.Services) == 1 && by.Allowed(news.ActTokens, t.Services[0])
}

// RevokeToken revokes a token the actor may manage (mayManageToken); any
// other is ErrNotFound, so nobody learns of tokens they cannot see.
// Revoking needs no fresh second factor: taking power away should be easy.
func (au *Auth) RevokeToken(ctx context.Context, by *Actor, id string, c Client) (news.APIToken, error) {
	if by == nil || by.Session.Stage != news.StageFull {
		return news.APIToken{}, ErrNoSession
	}
	ts, err := au.tokenStore()
	if err != nil {
		return news.APIToken{}, err
	}
	if !news.ValidID(id) {
		return news.APIToken{}, news.ErrNotFound
	}
	t, err := ts.Token(ctx, id)
	if err != nil {
		return t, err
	}
	if !mayManageToken(by, t) {
		return t, news.ErrNotFound
	}
	if !t.Revoked.IsZero() {
		return t, news.Invalidf("this token was already revoked")
	}
	now := au.cfg.Now()
	if err := ts.RevokeToken(ctx, t.ID, by.ID, now); err != nil {
		return t, err
	}
	t.Revoked, t.RevokedBy = now, by.ID
	svc := ""
	if len(t.Services) == 1 {
		svc = t.Services[0]
	}
	au.audit(ctx, by.ID, "token.revoke", t.ID, svc, c, TokenLabel(t))
	return t, nil
}

// TokenLists is what the tokens page shows one person.
type TokenLists struct {
	// Mine is the person's own personal tokens.
	Mine []news.APIToken
	// Integrations is the integration tokens they may see and revoke:
	// of the services they run (all for admins), and those they made.
	Integrations []news.APIToken
	// IntegrationServices is where they may make integration tokens.
	IntegrationServices []string
}

// Tokens lists the tokens the actor may see, newest first, revoked and
// expired ones included (the page says which).
func (au *Auth) Tokens(ctx context.Context, by *Actor) (TokenLists, error) {
	var out TokenLists
	if by == nil || by.Session.Stage != news.StageFull {
		return out, ErrNoSession
	}
	ts, err := au.tokenStore()
	if err != nil {
		return out, err
	}
	if out.Mine, err = ts.Tokens(ctx, news.TokenFilter{Kind: news.TokenPersonal, CreatedBy: by.ID}, 500); err != nil {
		return out, err
	}
	var svcs []string
	if au.cfg.Services != nil {
		all, err := au.cfg.Services(ctx)
		if err != nil {
			return out, err
		}
		for _, s := range all {
			svcs = append(svcs, s.Code)
		}
	} else {
		for _, g := range by.Grants {
			if g.Service != "" {
				svcs = append(svcs, g.Service)
			}
		}
	}
	for _, s := range svcs {
		if by.Allowed(news.ActTokens, s) {
			out.IntegrationServices = append(out.IntegrationServices, s)
		}
	}
	seen := map[string]bool{}
	add := func(f news.TokenFilter) error {
		list, err := ts.Tokens(ctx, f, 500)
		for _, t := range list {
			if !seen[t.ID] && mayManageToken(by, t) {
				seen[t.ID] = true
				out.Integrations = append(out.Integrations, t)
			}
		}
		return err
	}
	if news.IsAdmin(by.Grants) {
		err = add(news.TokenFilter{Kind: news.TokenIntegration})
	} else {
		for _, s := range out.IntegrationServices {
			if err = add(news.TokenFilter{Kind: news.TokenIntegration, Service: s}); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = add(news.TokenFilter{Kind: news.TokenIntegration, CreatedBy: by.ID})
	}
	sort.SliceStable(out.Integrations, func(i, j int) bool { return out.Integrations[i].Created.After(out.Integrations[j].Created) })
	return out, err
}

// UseToken checks a token's secret (found by its hash, compared in
// constant time) and returns the Actor its request acts as: its maker,
// with the token's effective grants (news.APIToken.Effective) and a
// second factor that counts as fresh. Every refusal is ErrBadToken. A
// disabled maker's tokens are refused, and revoked then if they were not
// yet. The last use is recorded at most once a minute.
func (au *Auth) UseToken(ctx context.Context, secret string) (*Actor, news.APIToken, error) {
	var none news.APIToken
	if len(secret) != tokenSecretLen || !strings.HasPrefix(secret, TokenPrefix) {
		return nil, none, ErrBadToken
	}
	ts, err := au.tokenStore()
	if err != nil {
		return nil, none, err
	}
	h := hashToken(secret)
	t, err := ts.TokenByHash(ctx, h)
	if errors.Is(err, news.ErrNotFound) {
		return nil, none, ErrBadToken
	}
	if err != nil {
		return nil, none, err
	}
	now := au.cfg.Now()
	if subtle.ConstantTimeCompare([]byte(t.Hash), []byte(h)) != 1 || !t.Active(now) {
		return nil, none, ErrBadToken
	}
	acct, err := au.store.StaffAccount(ctx, t.CreatedBy)
	if errors.Is(err, news.ErrNotFound) {
		return nil, none, ErrBadToken
	}
	if err != nil {
		return nil, none, err
	}
	if acct.Disabled {
		// Disabling revokes; if that failed, finish it now.
		if n, err := ts.RevokeTokensBy(ctx, acct.ID, "", now); err != nil {
			au.cfg.Log.Error("revoking a disabled person's tokens", "err", err)
		} else if n > 0 {
			au.audit(ctx, "", "token.revoke", acct.ID, "", Client{}, fmt.Sprintf("%d tokens of a disabled person", n))
		}
		return nil, none, ErrBadToken
	}
	if now.Sub(t.LastUsed) > time.Minute {
		if err := ts.TouchToken(ctx, t.ID, now); err != nil && !errors.Is(err, news.ErrNotFound) {
			return nil, none, err
		}
		t.LastUsed = now
	}
	acct.Grants = t.Effective(acct.Grants)
	return &Actor{StaffAccount: acct, Session: news.StaffSession{Staff: acct.ID, Stage: news.StageFull, Created: t.Created, LastSeen: now},
		fresh: true}, t, nil
}

// revokeTokensOf revokes every token a person made, on disabling them.
func (au *Auth) revokeTokensOf(ctx context.Context, by *Actor, staff string, c Client) error {
	ts, ok := au.store.(news.TokenStore)
	if !ok {
		return nil
	}
	n, err := ts.RevokeTokensBy(ctx, staff, by.ID, au.cfg.Now())
	if err != nil {
		return err
	}
	if n > 0 {
		au.audit(ctx, by.ID, "token.revoke", staff, "", c, fmt.Sprintf("%d tokens, on disabling their maker", n))
	}
	return nil
}
