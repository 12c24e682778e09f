package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"qalam/internal/news"
)

// checkService makes sure a grant's service exists.
func (au *Auth) checkService(ctx context.Context, g news.Grant) error {
	if err := g.Validate(); err != nil {
		return err
	}
	if g.Service == "" || au.cfg.Services == nil {
		return nil
	}
	svcs, err := au.cfg.Services(ctx)
	if err != nil {
		return err
	}
	for _, s := range svcs {
		if s.Code == g.Service {
			return nil
		}
	}
	return news.Invalidf("there is no service %q", g.Service)
}

// Link is a one-time setup link's token (shown once, never stored) and
// when it stops working.
type Link struct {
	Token   string
	Expires time.Time
}

// CreateAccount makes a new person with one grant and returns the token
// of their one-time setup link (valid InviteTTL). by is the inviting
// person, or nil on the command line (the operator, who holds the data
// dir, may make anyone, the first admin included). An inviting person
// must be allowed to give the grant and have a fresh second factor.
func (au *Auth) CreateAccount(ctx context.Context, by *Actor, email, name string, g news.Grant, c Client) (Link, news.StaffAccount, error) {
	actor := ""
	if by != nil {
		if by.Session.Stage != news.StageFull {
			return Link{}, news.StaffAccount{}, ErrNoSession
		}
		if !news.CanGrant(by.Grants, g) {
			return Link{}, news.StaffAccount{}, ErrForbidden
		}
		if !by.fresh {
			return Link{}, news.StaffAccount{}, ErrStale
		}
		actor = by.ID
	}
	if err := au.checkService(ctx, g); err != nil {
		return Link{}, news.StaffAccount{}, err
	}
	now := au.cfg.Now()
	tok := newToken()
	a := news.StaffAccount{Staff: news.Staff{Email: strings.TrimSpace(email), Name: strings.TrimSpace(name), Created: now}, Grants: []news.Grant{g}}
	link := news.SetupToken{TokenHash: hashToken(tok), Purpose: news.SetupInvite, CreatedBy: actor, Created: now, Expires: now.Add(au.cfg.InviteTTL)}
	if err := au.store.CreateStaffAccount(ctx, &a, link); err != nil {
		return Link{}, news.StaffAccount{}, err
	}
	au.audit(ctx, actor, "invite", a.ID, g.Service, c, fmt.Sprintf("%s <%s> as %s", a.Name, a.Email, g))
	return Link{Token: tok, Expires: link.Expires}, a, nil
}

// SetupLink returns the link's record and its person while the link can
// still be used; ErrSetupLink otherwise. It uses nothing up.
func (au *Auth) SetupLink(ctx context.Context, token string) (news.SetupToken, news.StaffAccount, error) {
	if token == "" || len(token) > 100 {
		return news.SetupToken{}, news.StaffAccount{}, ErrSetupLink
	}
	t, err := au.store.SetupToken(ctx, hashToken(token), au.cfg.Now())
	if errors.Is(err, news.ErrNotFound) {
		return t, news.StaffAccount{}, ErrSetupLink
	}
	if err != nil {
		return t, news.StaffAccount{}, err
	}
	a, err := au.store.StaffAccount(ctx, t.Staff)
	if errors.Is(err, news.ErrNotFound) || a.Disabled {
		return t, a, ErrSetupLink
	}
	return t, a, err
}

// CompleteSetup sets a password through a one-time link, using the link
// up, and signs the person in (replacing the session of old). A reset
// link changes only the password: second factors stay, the sign-in still
// waits for one, and every other session of the person ends.
func (au *Auth) CompleteSetup(ctx context.Context, token, password string, c Client, old string) (string, news.SessionStage, error) {
	finish, err := attempt(budget{au.ip, ipKey(c)})
	if err != nil {
		return "", "", err
	}
	badLink := false
	defer func() { finish(!badLink) }()
	if err := CheckPassword(password); err != nil {
		return "", "", news.Invalidf("%s", err.Error())
	}
	if token == "" || len(token) > 100 {
		badLink = true
		return "", "", ErrSetupLink
	}
	t, err := au.store.UseSetupToken(ctx, hashToken(token), au.cfg.Now())
	if errors.Is(err, news.ErrNotFound) {
		badLink = true
		return "", "", ErrSetupLink
	}
	if err != nil {
		return "", "", err
	}
	a, err := au.store.StaffAccount(ctx, t.Staff)
	if errors.Is(err, news.ErrNotFound) || (err == nil && a.Disabled) {
		return "", "", ErrSetupLink
	}
	if err != nil {
		return "", "", err
	}
	h, err := au.hash(ctx, password)
	if err != nil {
		return "", "", err
	}
	if err := au.store.SetPassword(ctx, a.ID, h); err != nil {
		return "", "", err
	}
	if t.Purpose == news.SetupReset {
		if _, err := au.store.DeleteStaffSessions(ctx, a.ID, ""); err != nil {
			return "", "", err
		}
		old = ""
	}
	stage, err := au.stageAfterPassword(ctx, a)
	if err != nil {
		return "", "", err
	}
	tok, err := au.startSession(ctx, a.ID, stage, time.Time{}, c, old)
	if err != nil {
		return "", "", err
	}
	au.audit(ctx, a.ID, "setup."+string(t.Purpose), a.ID, "", c, "password set")
	return tok, stage, nil
}

// target loads a person the actor wants to act on, checking the actor may
// manage them and has a fresh second factor.
func (au *Auth) target(ctx context.Context, by *Actor, staff string) (news.StaffAccount, error) {
	if by == nil || by.Session.Stage != news.StageFull {
		return news.StaffAccount{}, ErrNoSession
	}
	if !news.IsAdmin(by.Grants) && len(au.staffServices(by)) == 0 {
		return news.StaffAccount{}, ErrForbidden
	}
	t, err := au.store.StaffAccount(ctx, staff)
	if errors.Is(err, news.ErrNotFound) {
		// Not telling a chief whether someone outside their services exists.
		return t, ErrForbidden
	}
	if err != nil {
		return t, err
	}
	if !news.CanManage(by.Grants, t.Grants) {
		return t, ErrForbidden
	}
	if !by.fresh {
		return t, ErrStale
	}
	return t, nil
}

// staffServices lists the services where a person may manage staff.
func (au *Auth) staffServices(a *Actor) []string {
	var out []string
	for _, g := range a.Grants {
		if g.Service != "" && news.Allowed(a.Grants, news.ActStaff, g.Service) {
			out = append(out, g.Service)
		}
	}
	return out
}

// IssueReset makes a one-time password-reset link (valid ResetTTL) for a
// person the actor manages and returns its token. The reset leaves their
// second factors alone.
func (au *Auth) IssueReset(ctx context.Context, by *Actor, staff string, c Client) (Link, news.StaffAccount, error) {
	t, err := au.target(ctx, by, staff)
	if err != nil {
		return Link{}, t, err
	}
	if t.Disabled {
		return Link{}, t, news.Invalidf("%s is disabled; enable them first", t.Name)
	}
	now := au.cfg.Now()
	tok := newToken()
	link := news.SetupToken{TokenHash: hashToken(tok), Staff: t.ID, Purpose: news.SetupReset,
		CreatedBy: by.ID, Created: now, Expires: now.Add(au.cfg.ResetTTL)}
	if err := au.store.AddSetupToken(ctx, link); err != nil {
		return Link{}, t, err
	}
	au.audit(ctx, by.ID, "reset.issue", t.ID, "", c, t.Email)
	return Link{Token: tok, Expires: link.Expires}, t, nil
}

// OperatorReset makes a password-reset link for a person on the command
// line (the operator holds the data dir), e.g. for a locked-out admin. As
// with IssueReset, second factors stay.
func (au *Auth) OperatorReset(ctx context.Context, email string) (Link, news.StaffAccount, error) {
	t, err := au.store.StaffByEmail(ctx, email)
	if err != nil {
		return Link{}, t, err
	}
	if t.Disabled {
		return Link{}, t, news.Invalidf("%s is disabled", t.Email)
	}
	now := au.cfg.Now()
	tok := newToken()
	link := news.SetupToken{TokenHash: hashToken(tok), Staff: t.ID, Purpose: news.SetupReset, Created: now, Expires: now.Add(au.cfg.ResetTTL)}
	if err := au.store.AddSetupToken(ctx, link); err != nil {
		return Link{}, t, err
	}
	au.audit(ctx, "", "reset.issue", t.ID, "", Client{}, t.Email+" (command line)")
	return Link{Token: tok, Expires: link.Expires}, t, nil
}

// SetLang stores the language of the admin's text the actor chose for
// themselves ("en", "ru", "kk", or "" to follow the browser). It needs a
// full session but no fresh second factor: it changes nothing but words.
func (au *Auth) SetLang(ctx context.Context, by *Actor, lang string) error {
	if by == nil || by.Session.Stage != news.StageFull {
		return ErrForbidden
	}
	if err := au.store.SetStaffLang(ctx, by.ID, lang); err != nil {
		return err
	}
	by.Lang = lang
	return nil
}

// SetDisabled disables (ending every session at once) or re-enables a
// person the actor manages. Nobody disables themselves.
func (au *Auth) SetDisabled(ctx context.Context, by *Actor, staff string, disabled bool, c Client) (news.StaffAccount, error) {
	t, err := au.target(ctx, by, staff)
	if err != nil {
		return t, err
	}
	if t.ID == by.ID {
		return t, news.Invalidf("you cannot disable yourself")
	}
	if err := au.store.SetDisabled(ctx, t.ID, disabled); err != nil {
		return t, err
	}
	t.Disabled = disabled
	action := "enable"
	if disabled {
		action = "disable"
	}
	au.audit(ctx, by.ID, action, t.ID, "", c, t.Email)
	if disabled {
		return t, au.revokeTokensOf(ctx, by, t.ID, c) // they saw every secret
	}
	return t, nil
}

// SetRole gives a person a role in one service, replacing the role they
// had there, or with remove takes their role there away. The actor must be
// able to grant both the new role and the one it replaces (so a chief
// cannot demote another chief), and needs a fresh second factor. Nobody
// changes their own roles. The person's sessions end, so their next
// sign-in meets the new role's rules (an editor must enroll a second
// factor).
func (au *Auth) SetRole(ctx context.Context, by *Actor, staff string, g news.Grant, remove bool, c Client) (news.StaffAccount, error) {
	if by == nil || by.Session.Stage != news.StageFull {
		return news.StaffAccount{}, ErrNoSession
	}
	if err := g.Validate(); err != nil {
		return news.StaffAccount{}, err
	}
	if staff == by.ID {
		return news.StaffAccount{}, news.Invalidf("you cannot change your own roles")
	}
	if !news.CanGrant(by.Grants, g) {
		return news.StaffAccount{}, ErrForbidden
	}
	t, err := au.store.StaffAccount(ctx, staff)
	if errors.Is(err, news.ErrNotFound) {
		return t, ErrForbidden
	}
	if err != nil {
		return t, err
	}
	var kept []news.Grant
	var had *news.Grant
	for _, old := range t.Grants {
		if old.Service == g.Service {
			had = &old
			continue
		}
		kept = append(kept, old)
	}
	if had != nil && !news.CanGrant(by.Grants, *had) {
		return t, ErrForbidden
	}
	if !by.fresh {
		return t, ErrStale
	}
	if remove && (had == nil || had.Role != g.Role) {
		return t, news.Invalidf("%s is not %s", t.Name, g)
	}
	if err := au.checkService(ctx, g); err != nil {
		return t, err
	}
	if !remove {
		kept = append(kept, g)
	}
	if err := au.store.SetGrants(ctx, t.ID, kept); err != nil {
		return t, err
	}
	if _, err := au.store.DeleteStaffSessions(ctx, t.ID, ""); err != nil {
		return t, err
	}
	t.Grants = kept
	action, detail := "role.set", g.String()
	if remove {
		action = "role.remove"
	} else if had != nil {
		detail = had.String() + " → " + g.String()
	}
	au.audit(ctx, by.ID, action, t.ID, g.Service, c, detail)
	return t, nil
}

// Person is an account as the people page lists it.
type Person struct {
	news.StaffAccount
	Manageable bool // the viewer may disable, enable or reset them
}

// People lists the people the actor may see: everyone for admins; for a
// chief, everyone holding a role in a service they run. Others:
// ErrForbidden.
func (au *Auth) People(ctx context.Context, by *Actor) ([]Person, error) {
	if by == nil || by.Session.Stage != news.StageFull {
		return nil, ErrNoSession
	}
	admin := news.IsAdmin(by.Grants)
	mine := au.staffServices(by)
	if !admin && len(mine) == 0 {
		return nil, ErrForbidden
	}
	all, err := au.store.StaffAccounts(ctx)
	if err != nil {
		return nil, err
	}
	var out []Person
	for _, a := range all {
		visible := admin
		for _, g := range a.Grants {
			for _, s := range mine {
				visible = visible || g.Service == s
			}
		}
		if visible {
			out = append(out, Person{StaffAccount: a, Manageable: a.ID != by.ID && news.CanManage(by.Grants, a.Grants)})
		}
	}
	return out, nil
}

// Grantable lists the grants the actor may give in invitations, over the
// services that exist.
func (au *Auth) Grantable(ctx context.Context, by *Actor) ([]news.Grant, error) {
	var codes []string
	if au.cfg.Services != nil {
		svcs, err := au.cfg.Services(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range svcs {
			codes = append(codes, s.Code)
		}
	} else {
		codes = au.staffServices(by)
	}
	var out []news.Grant
	for _, r := range news.Roles {
		if r == news.RoleAdmin {
			if news.CanGrant(by.Grants, news.Grant{Role: r}) {
				out = append(out, news.Grant{Role: r})
			}
			continue
		}
		for _, s := range codes {
			if g := (news.Grant{Service: s, Role: r}); news.CanGrant(by.Grants, g) {
				out = append(out, g)
			}
		}
	}
	return out, nil
}

// AuditLog lists the newest audit entries before ID before; admins only.
func (au *Auth) AuditLog(ctx context.Context, by *Actor, before int64) ([]news.AuditEntry, error) {
	if err := au.Authorize(by, news.ActAudit, ""); err != nil {
		return nil, err
	}
	return au.store.Audit(ctx, before, 100)
}
