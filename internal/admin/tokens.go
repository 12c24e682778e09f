package admin

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// The tokens page (/admin/tokens): a person's own API tokens for the JSON
// API (api.go), and for chiefs and admins their services' integration
// tokens. Making a token needs a second factor confirmed in the last
// minutes (auth.CreateToken); its secret is shown once, on the page that
// answers the form, and never again. Revoking needs no fresh factor.

// tokensOn reports whether the admin offers tokens: the API needs stories,
// and the store must keep tokens.
func (a *Admin) tokensOn() bool {
	if a.cfg.Stories == nil || a.cfg.Workflow == nil {
		return false
	}
	_, ok := a.auth.Store().(news.TokenStore)
	return ok
}

func (a *Admin) tokenRoutes() {
	if !a.tokensOn() {
		return
	}
	a.handle("GET /admin/tokens", signedIn, a.tokensPage)
	a.handle("POST /admin/tokens", signedIn, a.tokenCreate)
	a.handle("POST /admin/tokens/{id}/revoke", signedIn, a.tokenRevoke)
}

// tokenRow is one token as the page lists it.
type tokenRow struct {
	news.APIToken
	MadeBy   string // the maker's name (integration tokens)
	State    string // "active", "expired" or "revoked"
	Services string
}

// tokensData is the page.
type tokensData struct {
	Mine, Integrations []tokenRow
	// MyServices are the services the person works in, for a personal
	// token; IntegrationServices where they may make integration tokens.
	MyServices          []news.Service
	IntegrationServices []news.Service
	// MyRoles and IntegrationRoles are the roles the forms offer.
	MyRoles, IntegrationRoles []news.Role
	DefaultDays, MaxDays      int
	// New is a token just made, with its secret (shown once).
	New    *tokenRow
	Secret string
	Prefix string
	Origin string
}

func (a *Admin) tokensData(r *http.Request, actor *auth.Actor) (*tokensData, error) {
	ctx := r.Context()
	lists, err := a.auth.Tokens(ctx, actor)
	if err != nil {
		return nil, err
	}
	svcs, err := a.cfg.Stories.Services(ctx)
	if err != nil {
		return nil, err
	}
	d := &tokensData{DefaultDays: int(news.TokenDefaultTTL.Hours() / 24), MaxDays: int(news.TokenMaxTTL.Hours() / 24),
		Prefix: auth.TokenPrefix, Origin: a.cfg.Origin.String()}
	top := news.RoleContributor
	for _, s := range svcs {
		for _, g := range (news.APIToken{Services: []string{s.Code}, Role: news.RoleChief}).Effective(actor.Grants) {
			d.MyServices = append(d.MyServices, s)
			if g.Role.Rank() > top.Rank() {
				top = g.Role
			}
		}
		if slices.Contains(lists.IntegrationServices, s.Code) {
			d.IntegrationServices = append(d.IntegrationServices, s)
		}
	}
	for _, role := range news.Roles {
		if role.Rank() <= top.Rank() && len(d.MyServices) > 0 {
			d.MyRoles = append(d.MyRoles, role)
		}
		ok := false
		for _, s := range d.IntegrationServices {
			ok = ok || news.CanGrant(actor.Grants, news.Grant{Service: s.Code, Role: role})
		}
		if ok && role != news.RoleAdmin {
			d.IntegrationRoles = append(d.IntegrationRoles, role)
		}
	}
	names := map[string]string{}
	row := func(t news.APIToken) tokenRow {
		if _, ok := names[t.CreatedBy]; !ok {
			names[t.CreatedBy] = a.staffName(ctx, t.CreatedBy)
		}
		return a.tokenRow(t, names[t.CreatedBy])
	}
	for _, t := range lists.Mine {
		d.Mine = append(d.Mine, row(t))
	}
	for _, t := range lists.Integrations {
		d.Integrations = append(d.Integrations, row(t))
	}
	return d, nil
}

func (a *Admin) tokenRow(t news.APIToken, madeBy string) tokenRow {
	state := "active"
	switch {
	case !t.Revoked.IsZero():
		state = "revoked"
	case !t.Active(a.auth.Now()):
		state = "expired"
	}
	return tokenRow{APIToken: t, MadeBy: madeBy, State: state, Services: strings.Join(t.Services, ", ")}
}

// tokensLang is the language the tokens page's Go-made text is in: the
// person's own choice, else English (the template's text follows render's
// choice, which also reads the browser's).
func tokensLang(actor *auth.Actor) string {
	if actor != nil && actor.Lang != "" {
		return actor.Lang
	}
	return "en"
}

func (a *Admin) showTokens(w http.ResponseWriter, r *http.Request, actor *auth.Actor, status int, d *tokensData, errMsg, notice string) error {
	if d == nil {
		var err error
		if d, err = a.tokensData(r, actor); err != nil {
			return err
		}
	}
	a.render(w, r, status, "tokens", &page{Title: tr(tokensLang(actor), "API tokens"), Here: "tokens", Actor: actor, Error: errMsg, Notice: notice, Data: d})
	return nil
}

func (a *Admin) tokensPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if actor.Token == "" {
		return auth.ErrForbidden
	}
	notice := ""
	if r.URL.Query().Get("done") == "revoked" {
		notice = tr(tokensLang(actor), "The token was revoked: it no longer works.")
	}
	return a.showTokens(w, r, actor, http.StatusOK, nil, "", notice)
}

// tokenCreate makes a token from the form and shows its secret once.
func (a *Admin) tokenCreate(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	req := auth.TokenRequest{Kind: news.TokenKind(r.PostFormValue("kind")), Name: r.PostFormValue("name"), Role: news.Role(r.PostFormValue("role"))}
	if req.Kind == news.TokenIntegration {
		req.Services = []string{r.PostFormValue("service")}
	} else {
		req.Services = r.PostForm["services"]
	}
	if s := strings.TrimSpace(r.PostFormValue("days")); s != "" {
		days, err := strconv.Atoi(s)
		if err != nil || days < 1 || days > int(news.TokenMaxTTL.Hours()/24) {
			return news.Invalidf("a token may work from 1 to %d days", int(news.TokenMaxTTL.Hours()/24))
		}
		req.TTL = time.Duration(days) * 24 * time.Hour
	}
	secret, tok, err := a.auth.CreateToken(r.Context(), actor, req, a.clientOf(r))
	if err != nil {
		return err
	}
	d, err := a.tokensData(r, actor)
	if err != nil {
		return err
	}
	row := a.tokenRow(tok, actor.Name)
	d.New, d.Secret = &row, secret
	return a.showTokens(w, r, actor, http.StatusOK, d, "", "")
}

func (a *Admin) tokenRevoke(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if _, err := a.auth.RevokeToken(r.Context(), actor, r.PathValue("id"), a.clientOf(r)); err != nil {
		return err
	}
	redirect(w, r, "/admin/tokens?done=revoked")
	return nil
}

// tokenRowCtx is one row of the tokens page's tables with the page, for
// the "token-row" template.
type tokenRowCtx struct {
	Page *page
	Row  tokenRow
}

// TokenRow pairs a token's row with the page, for templates.
func (p *page) TokenRow(r tokenRow) tokenRowCtx { return tokenRowCtx{Page: p, Row: r} }
