package news

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Role is what a person may do in one service. Roles are ordered: each
// may do everything the ones before it may.
type Role string

const (
	// RoleContributor writes drafts; cannot publish.
	RoleContributor Role = "contributor"
	// RoleReporter writes and files stories and uploads media.
	RoleReporter Role = "reporter"
	// RoleEditor reviews, publishes, unpublishes and corrects.
	RoleEditor Role = "editor"
	// RoleChief runs a service: its staff, sections, notices and banner.
	RoleChief Role = "chief"
	// RoleAdmin may do everything in every service. An admin grant names
	// no service.
	RoleAdmin Role = "admin"
)

// Roles lists the roles from least to most.
var Roles = []Role{RoleContributor, RoleReporter, RoleEditor, RoleChief, RoleAdmin}

// Rank orders roles (contributor 1 ... admin 5); 0 for an unknown one.
func (r Role) Rank() int { return slices.Index(Roles, r) + 1 }

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return r.Rank() > 0 }

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", Invalidf("role %q: want one of contributor, reporter, editor, chief, admin", s)
	}
	return r, nil
}

// Grant gives a person a role in one service. Admin grants have Service ""
// (every service); every other grant names one.
type Grant struct {
	Service string
	Role    Role
}

// Validate checks the grant's shape (not whether the service exists).
func (g Grant) Validate() error {
	switch {
	case !g.Role.Valid():
		return Invalidf("role %q is unknown", g.Role)
	case g.Role == RoleAdmin && g.Service != "":
		return Invalidf("an admin works in every service; give no service")
	case g.Role != RoleAdmin && g.Service == "":
		return Invalidf("a %s works in a service; name it", g.Role)
	}
	return nil
}

func (g Grant) String() string {
	if g.Role == RoleAdmin {
		return "admin"
	}
	return fmt.Sprintf("%s in %s", g.Role, g.Service)
}

// Action names something a person may be allowed to do.
type Action string

const (
	// ActWrite: create and edit one's own drafts.
	ActWrite Action = "write"
	// ActFile: submit stories for review, upload media.
	ActFile Action = "file"
	// ActReview: edit others' stories, approve or send back.
	ActReview Action = "review"
	// ActPublish: publish, schedule, unpublish.
	ActPublish Action = "publish"
	// ActCorrect: append a correction to a published story.
	ActCorrect Action = "correct"
	// ActSections: create, rename, order sections.
	ActSections Action = "sections"
	// ActNotices: edit the service's notices.
	ActNotices Action = "notices"
	// ActBanner: set or clear the service's breaking-news banner.
	ActBanner Action = "banner"
	// ActStaff: invite people into the service, disable them, issue
	// password-reset links, change their roles.
	ActStaff Action = "staff"
	// ActTokens: create API tokens for the service.
	ActTokens Action = "tokens"
	// ActServices: create and configure services and mirrors (admins).
	ActServices Action = "services"
	// ActAudit: read the audit log (admins).
	ActAudit Action = "audit"
	// ActModerate: approve, reject and ban readers' comments, and switch
	// comments off on a story.
	ActModerate Action = "moderate"
	// ActExport: see and export readers' addresses (commenter emails,
	// newsletter subscribers) and set the service's comment rules.
	ActExport Action = "export"
	// ActLive: post and remove entries of a live blog the service runs
	// (opening one is publishing: ActPublish).
	ActLive Action = "live"
)

// minRole is the least role that may take each action in its service.
// ActServices and ActAudit span every service, so only admins may.
var minRole = map[Action]Role{
	ActWrite:    RoleContributor,
	ActFile:     RoleReporter,
	ActReview:   RoleEditor,
	ActPublish:  RoleEditor,
	ActCorrect:  RoleEditor,
	ActSections: RoleChief,
	ActNotices:  RoleChief,
	ActBanner:   RoleEditor, // "a service chief or editor sets, edits and clears" it
	ActStaff:    RoleChief,
	ActTokens:   RoleChief,
	ActServices: RoleAdmin,
	ActAudit:    RoleAdmin,
	ActModerate: RoleEditor,
	ActExport:   RoleChief,
	ActLive:     RoleEditor,
}

// Actions lists every action, for tests and documentation.
func Actions() []Action {
	out := make([]Action, 0, len(minRole))
	for a := range minRole {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// sensitive actions need a second factor confirmed in the last few
// minutes (auth enforces the window).
var sensitive = map[Action]bool{
	ActPublish: true, ActBanner: true, ActNotices: true, ActStaff: true, ActTokens: true, ActServices: true,
	ActExport: true,
}

// Sensitive reports whether an action needs a freshly confirmed second
// factor.
func Sensitive(a Action) bool { return sensitive[a] }

// Allowed reports whether a person with grants may take action a in
// service ("" for actions that span all services, which only admins take).
// Unknown actions are refused.
func Allowed(grants []Grant, a Action, service string) bool {
	need, ok := minRole[a]
	if !ok {
		return false
	}
	for _, g := range grants {
		if g.Role == RoleAdmin {
			return true
		}
		if service != "" && g.Service == service && g.Role.Rank() >= need.Rank() {
			return true
		}
	}
	return false
}

// IsAdmin reports whether grants include the admin role.
func IsAdmin(grants []Grant) bool {
	return slices.ContainsFunc(grants, func(g Grant) bool { return g.Role == RoleAdmin })
}

// CanGrant reports whether a person with grants may give grant g to
// someone: admins any grant; a service's chief roles below chief in that
// service (only admins make chiefs and admins).
func CanGrant(grants []Grant, g Grant) bool {
	if g.Validate() != nil {
		return false
	}
	if IsAdmin(grants) {
		return true
	}
	return g.Role.Rank() < RoleChief.Rank() && Allowed(grants, ActStaff, g.Service)
}

// CanManage reports whether a person with grants may disable, enable or
// reset the person holding target: admins anyone; a chief someone whose
// every grant is below chief in a service the chief runs. A person with no
// grants is the admins' to manage.
func CanManage(grants, target []Grant) bool {
	if IsAdmin(grants) {
		return true
	}
	if len(target) == 0 {
		return false
	}
	for _, g := range target {
		if !CanGrant(grants, g) {
			return false
		}
	}
	return true
}

// StaffAccount is a Staff with what access control knows of them. It is
// private like Staff.
type StaffAccount struct {
	Staff
	Disabled bool
	Grants   []Grant
	// PasswordHash is the encoded argon2id hash with its parameters; ""
	// until the person sets a password through their setup link.
	PasswordHash string
}

// FactorKind is a kind of second factor.
type FactorKind string

const (
	// FactorTOTP is an authenticator app's time-based code (RFC 6238).
	FactorTOTP FactorKind = "totp"
	// FactorPasskey is a WebAuthn credential (internal/auth/passkey.go);
	// LastStep holds its signature counter.
	FactorPasskey FactorKind = "webauthn"
)

// Factor is one second factor of a person. A person may hold several, of
// any kind; the second-factor step accepts any of them.
type Factor struct {
	ID    string
	Staff string
	Kind  FactorKind
	Name  string // the person's label, e.g. "phone"
	// Data is the factor's secret: the base32 TOTP secret, or a passkey's
	// credential record.
	Data string
	// LastStep is the last TOTP time step accepted, so a code is never
	// accepted twice.
	LastStep int64
	Created  time.Time
	LastUsed time.Time
}

// SessionStage says how far a signed-in person has got.
type SessionStage string

const (
	// StagePassword: the password was right; a second factor is due.
	StagePassword SessionStage = "password"
	// StageEnroll: the person's role requires a second factor they have
	// not set up yet; enrolling is all they may do.
	StageEnroll SessionStage = "enroll"
	// StageFull: signed in.
	StageFull SessionStage = "full"
)

// StaffSession is a signed-in browser. The cookie's token is never
// stored, only its hash.
type StaffSession struct {
	ID        string // handle for listing and ending it; not a secret
	TokenHash string // hex SHA-256 of the cookie's token
	Staff     string
	Stage     SessionStage
	Created   time.Time
	LastSeen  time.Time
	// FactorAt is when a second factor was last confirmed in this
	// session; zero if never.
	FactorAt time.Time
	// PendingTOTP is a TOTP secret shown during enrollment, kept until a
	// code from it is confirmed.
	PendingTOTP string
	IP          string // the staff member's address at sign-in
	Agent       string // their browser's User-Agent, shortened
}

// SetupPurpose says what a one-time setup link is for.
type SetupPurpose string

const (
	// SetupInvite: a new person sets their password (and then enrolls).
	SetupInvite SetupPurpose = "invite"
	// SetupReset: a person sets a new password; their second factors stay.
	SetupReset SetupPurpose = "reset"
)

// SetupToken is a one-time link's record; only the token's hash is stored.
type SetupToken struct {
	TokenHash string
	Staff     string
	Purpose   SetupPurpose
	CreatedBy string // Staff.ID, "" when made on the command line
	Created   time.Time
	Expires   time.Time
	Used      time.Time // zero until used
}

// AuditEntry records one staff action. IP is the staff member's address:
// staff are not readers, and readers' addresses are never recorded.
type AuditEntry struct {
	ID      int64
	At      time.Time
	Actor   string // Staff.ID, "" for the command line
	Action  string // e.g. "login", "login.fail", "invite", "disable"
	Target  string // what it acted on, e.g. a Staff.ID
	Service string
	IP      string
	Detail  string
}

// StaffStore keeps staff accounts, their credentials, sessions and the
// audit log. It is a separate interface from Store: only the admin and the
// command line need it.
type StaffStore interface {
	// CreateStaffAccount stores a new account with its grants and its
	// first setup link in one transaction; assigns a.ID. ErrConflict on a
	// taken email, ErrInvalid on a bad email, name or grant.
	CreateStaffAccount(ctx context.Context, a *StaffAccount, link SetupToken) error
	// StaffAccount returns one account; ErrNotFound.
	StaffAccount(ctx context.Context, id string) (StaffAccount, error)
	// StaffByEmail finds an account by email, case-insensitively;
	// ErrNotFound.
	StaffByEmail(ctx context.Context, email string) (StaffAccount, error)
	// StaffAccounts lists every account by name.
	StaffAccounts(ctx context.Context) ([]StaffAccount, error)
	// SetPassword stores a new password hash; ErrNotFound.
	SetPassword(ctx context.Context, staff, hash string) error
	// SetDisabled disables or enables an account; disabling ends all its
	// sessions in the same transaction. ErrNotFound.
	SetDisabled(ctx context.Context, staff string, disabled bool) error
	// SetGrants replaces an account's grants; ErrNotFound, ErrInvalid.
	SetGrants(ctx context.Context, staff string, grants []Grant) error
	// SetStaffLang stores the language of the admin a person chose ("" to
	// follow the browser); ErrNotFound, ErrInvalid for another language.
	SetStaffLang(ctx context.Context, staff, lang string) error

	// AddSetupToken stores a one-time link; ErrNotFound for an unknown staff.
	AddSetupToken(ctx context.Context, t SetupToken) error
	// SetupToken returns a link's record if it is unused and unexpired at
	// now; ErrNotFound otherwise.
	SetupToken(ctx context.Context, hash string, now time.Time) (SetupToken, error)
	// UseSetupToken marks a link used, once: it returns ErrNotFound for an
	// unknown, used or expired link, so two uses cannot both succeed.
	UseSetupToken(ctx context.Context, hash string, now time.Time) (SetupToken, error)

	// Factors lists a person's second factors, oldest first.
	Factors(ctx context.Context, staff string) ([]Factor, error)
	// AddFactor stores a second factor; assigns f.ID.
	AddFactor(ctx context.Context, f *Factor) error
	// UseTOTPStep records that a TOTP factor accepted the code of step,
	// atomically: ErrConflict if that step or a later one was already
	// accepted (a replayed code). ErrNotFound.
	UseTOTPStep(ctx context.Context, factor string, step int64, at time.Time) error
	// DeleteFactor removes one of a person's second factors. With keepOne
	// it refuses (ErrConflict) to remove the person's last factor, checked
	// in the same transaction. ErrNotFound if the person has no such factor.
	DeleteFactor(ctx context.Context, staff, id string, keepOne bool) error
	// SetRecoveryCodes replaces a person's recovery codes by these hashes.
	SetRecoveryCodes(ctx context.Context, staff string, hashes []string, at time.Time) error
	// UseRecoveryCode marks an unused code used; ErrNotFound if the person
	// has no such unused code.
	UseRecoveryCode(ctx context.Context, staff, hash string, at time.Time) error
	// RecoveryCodesLeft counts a person's unused recovery codes.
	RecoveryCodesLeft(ctx context.Context, staff string) (int, error)

	// CreateSession stores a session, first deleting the session replaced
	// (if any; "" for none) in the same transaction, so signing in or
	// passing the second factor rotates the token.
	CreateSession(ctx context.Context, s StaffSession, replaces string) error
	// SessionByToken finds a session by its token's hash; ErrNotFound.
	SessionByToken(ctx context.Context, tokenHash string) (StaffSession, error)
	// UpdateSession stores a session's stage, last use, factor time and
	// pending TOTP secret; ErrNotFound.
	UpdateSession(ctx context.Context, s StaffSession) error
	// TouchSession records a session's last use (only that, so it never
	// undoes a concurrent change of stage or factor time); ErrNotFound.
	TouchSession(ctx context.Context, id string, at time.Time) error
	// DeleteSession ends one session of a person; ErrNotFound if that
	// person has no such session.
	DeleteSession(ctx context.Context, staff, id string) error
	// DeleteStaffSessions ends every session of a person but except ("" for
	// none) and says how many it ended.
	DeleteStaffSessions(ctx context.Context, staff, except string) (int, error)
	// StaffSessions lists a person's sessions, newest use first.
	StaffSessions(ctx context.Context, staff string) ([]StaffSession, error)
	// PruneSessions deletes sessions idle since before idle or created
	// before created.
	PruneSessions(ctx context.Context, idle, created time.Time) error

	// AppendAudit records a staff action; assigns ID.
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// Audit lists up to limit entries, newest first, before ID before (0
	// for the newest).
	Audit(ctx context.Context, before int64, limit int) ([]AuditEntry, error)
}
