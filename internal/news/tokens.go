package news

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// API tokens let scripts and other systems use the admin's JSON API
// (/admin/api/v1/) without a browser. A token's secret is shown once when
// it is made; only its SHA-256 is stored. Its scope names services and a
// highest role; at every use what it may do is the lesser of that scope and
// what the person who made it may do at that moment, so taking a role away
// narrows their tokens at once, and disabling them revokes every token
// they made.

// TokenKind says whom a token belongs to.
type TokenKind string

const (
	// TokenPersonal belongs to the person who made it and acts as them.
	TokenPersonal TokenKind = "personal"
	// TokenIntegration belongs to a named integration of one service (a
	// CMS import, say). A chief of the service or an admin makes it.
	TokenIntegration TokenKind = "integration"
)

// Bounds on tokens.
const (
	// TokenDefaultTTL is a new token's lifetime unless its maker chooses.
	TokenDefaultTTL = 90 * 24 * time.Hour
	// TokenMaxTTL is the longest lifetime a token may have.
	TokenMaxTTL = 365 * 24 * time.Hour
	// MaxTokenName bounds a token's name, in characters.
	MaxTokenName = 80
)

// APIToken is one API token's record. The secret itself is never stored.
type APIToken struct {
	ID   string // handle for listing, revoking and the audit log; not a secret
	Hash string // hex SHA-256 of the secret
	Kind TokenKind
	// Name is the maker's label of a personal token ("laptop script"), or
	// the integration's name ("CMS import kk").
	Name string
	// CreatedBy is the person who made it: a personal token's owner, whom
	// it acts as; an integration token's maker, who saw its secret.
	CreatedBy string
	// Services is the scope's services (an integration token has one);
	// Role the highest role it may act with there. Never RoleAdmin.
	Services []string
	Role     Role
	Created  time.Time
	Expires  time.Time
	LastUsed time.Time // zero if never used
	// Revoked is when it was revoked, zero while it is not; RevokedBy
	// names who revoked it ("" when the system did, e.g. on disabling).
	Revoked   time.Time
	RevokedBy string
}

// Validate checks a token's shape before it is stored.
func (t APIToken) Validate() error {
	switch {
	case t.Kind != TokenPersonal && t.Kind != TokenIntegration:
		return Invalidf("token kind %q: want personal or integration", t.Kind)
	case !ValidTokenHash(t.Hash):
		return Invalidf("a token needs the SHA-256 of its secret")
	case t.CreatedBy == "":
		return Invalidf("a token needs the person who made it")
	case !t.Role.Valid() || t.Role == RoleAdmin:
		return Invalidf("a token's role %q: want contributor, reporter, editor or chief", t.Role)
	case len(t.Services) == 0:
		return Invalidf("a token needs at least one service")
	case t.Kind == TokenIntegration && len(t.Services) != 1:
		return Invalidf("an integration token works in exactly one service")
	case t.Created.IsZero() || !t.Expires.After(t.Created):
		return Invalidf("a token must expire after it is made")
	case t.Expires.Sub(t.Created) > TokenMaxTTL:
		return Invalidf("a token may live at most %d days", int(TokenMaxTTL.Hours()/24))
	}
	if err := CheckTokenName(t.Name); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, s := range t.Services {
		if s == "" || seen[s] || strings.ContainsAny(s, " ,\t\r\n") {
			return Invalidf("a token's services must be distinct service codes")
		}
		seen[s] = true
	}
	return nil
}

// CheckTokenName checks a token's name: 1 to MaxTokenName characters of
// plain text.
func CheckTokenName(name string) error {
	n := utf8.RuneCountInString(name)
	if strings.TrimSpace(name) != name || n == 0 || n > MaxTokenName || !utf8.ValidString(name) ||
		strings.ContainsFunc(name, unicode.IsControl) {
		return Invalidf("give the token a name of 1 to %d characters", MaxTokenName)
	}
	return nil
}

// ValidTokenHash reports whether s looks like a hex SHA-256.
func ValidTokenHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Active reports whether the token may be used at now: not revoked, not
// expired.
func (t APIToken) Active(now time.Time) bool {
	return t.Revoked.IsZero() && now.Before(t.Expires)
}

// Effective is what the token may do now, given the grants its maker
// holds now: in each service of its scope, the lesser of the token's role
// and the maker's role there (an admin's counts as any). It never holds an
// admin grant, and a service where the maker has no role drops out.
func (t APIToken) Effective(maker []Grant) []Grant {
	admin := IsAdmin(maker)
	var out []Grant
	for _, s := range t.Services {
		have := Role("")
		if admin {
			have = RoleAdmin
		}
		for _, g := range maker {
			if g.Service == s && g.Role.Rank() > have.Rank() {
				have = g.Role
			}
		}
		if have == "" {
			continue
		}
		r := t.Role
		if have.Rank() < r.Rank() {
			r = have
		}
		out = append(out, Grant{Service: s, Role: r})
	}
	return out
}

// HasService reports whether the token's scope names service.
func (t APIToken) HasService(service string) bool { return slices.Contains(t.Services, service) }

// TokenFilter selects tokens to list. Empty fields match everything.
type TokenFilter struct {
	Kind      TokenKind
	CreatedBy string
	Service   string // tokens whose scope names this service
}

// TokenStore keeps API tokens. Like StaffStore it is private: nothing
// public reads it, and no write bumps the content version.
type TokenStore interface {
	// AddToken stores a new token; assigns t.ID. ErrInvalid for a bad
	// token, ErrNotFound when its maker is unknown, ErrConflict for a
	// hash already stored.
	AddToken(ctx context.Context, t *APIToken) error
	// TokenByHash finds a token by its secret's hash, in any state;
	// ErrNotFound.
	TokenByHash(ctx context.Context, hash string) (APIToken, error)
	// Token returns one token by ID; ErrNotFound.
	Token(ctx context.Context, id string) (APIToken, error)
	// Tokens lists tokens matching f, revoked and expired ones included,
	// newest first, at most limit.
	Tokens(ctx context.Context, f TokenFilter, limit int) ([]APIToken, error)
	// RevokeToken revokes one token, once: ErrNotFound for an unknown or
	// already revoked one.
	RevokeToken(ctx context.Context, id, by string, at time.Time) error
	// RevokeTokensBy revokes every unrevoked token the person made (their
	// personal tokens and the integration tokens whose secret they saw)
	// and says how many.
	RevokeTokensBy(ctx context.Context, staff, by string, at time.Time) (int, error)
	// TouchToken records a token's last use; ErrNotFound.
	TouchToken(ctx context.Context, id string, at time.Time) error
}
