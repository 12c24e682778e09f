package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"qalam/assets"
	"qalam/internal/admin"
	"qalam/internal/auth"
	"qalam/internal/config"
	"qalam/internal/news"
	"qalam/internal/ratelimit"
	"qalam/internal/servertest"
)

// syncBuffer is a log sink tests read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// apiStack is the admin over a copy of the demo newsroom, built here (not
// through the server) so a test chooses its attempt limits and reads its
// log: every record at debug level goes to log.
type apiStack struct {
	*demoStack
	log *syncBuffer
}

func newAPIStack(t *testing.T, rate, failures ratelimit.Config) *apiStack {
	t.Helper()
	env := servertest.Demo(t)
	c := &clock{t: env.Clock.Now()}
	au := auth.New(auth.Config{Store: env.Store, Now: c.Now, Params: auth.Params{Time: 1, Memory: 1024, Threads: 1}, Services: env.Store.Services})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := ln.Addr().String()
	logs := &syncBuffer{}
	a, err := admin.New(admin.Config{Auth: au, Static: assets.LoadStatic(), Origin: config.Origin{Scheme: "http", Host: host},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, NotFound: http.NotFoundHandler(),
		Log:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Stories: env.Store, Workflow: env.Store, Webhooks: env.Store, Telegram: env.Store, Newsletters: env.Store,
		ReaderOrigin: env.URL, Library: env.Media, APIRate: rate, APIAuthFailures: failures})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(a)
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	t.Cleanup(hs.Close)
	return &apiStack{demoStack: &demoStack{stack: &stack{t: t, store: env.Store, clock: c, auth: au, url: "http://" + host, host: host}, env: env}, log: logs}
}

var newTokenRe = regexp.MustCompile(`id="new-token"[^>]*value="(qalam_[a-z2-7]+)"`)

// makeToken makes a token on the tokens page and returns its secret.
func makeToken(t *testing.T, m *member, kv ...string) string {
	t.Helper()
	m.get("/admin/tokens")
	m.want(http.StatusOK, "tokens page")
	m.post("/admin/tokens", kv...)
	m.want(http.StatusOK, "make a token")
	sm := newTokenRe.FindStringSubmatch(m.body)
	if sm == nil {
		t.Fatalf("no secret on the page:\n%s", m.body)
	}
	return sm[1]
}

func personalToken(t *testing.T, m *member, role news.Role, services ...string) string {
	t.Helper()
	kv := []string{"kind", "personal", "name", "script " + string(role), "role", string(role), "days", "30"}
	for _, s := range services {
		kv = append(kv, "services", s)
	}
	f := formWithMulti(kv)
	return makeTokenForm(t, m, f)
}

// formWithMulti keeps repeated keys (services) that post's kv would merge.
func formWithMulti(kv []string) [][2]string {
	var out [][2]string
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, [2]string{kv[i], kv[i+1]})
	}
	return out
}

func makeTokenForm(t *testing.T, m *member, f [][2]string) string {
	t.Helper()
	m.get("/admin/tokens")
	m.want(http.StatusOK, "tokens page")
	vals := map[string][]string{"csrf": {m.csrf}, "back": {"/admin/tokens"}}
	for _, kv := range f {
		vals[kv[0]] = append(vals[kv[0]], kv[1])
	}
	m.do("POST", "/admin/tokens", vals)
	m.want(http.StatusOK, "make a token")
	sm := newTokenRe.FindStringSubmatch(m.body)
	if sm == nil {
		t.Fatalf("no secret on the page:\n%s", m.body)
	}
	return sm[1]
}

// apiCall is one API answer.
type apiCall struct {
	status int
	header http.Header
	raw    string
	json   map[string]any
}

func (c apiCall) str(k string) string { s, _ := c.json[k].(string); return s }

// call sends a request to the API as a script would: no cookie, no Origin,
// no Sec-Fetch-Site; body is JSON unless it is a *bytes.Buffer (sent with
// ctype).
func (s *apiStack) call(method, path, secret string, body any, header ...string) apiCall {
	s.t.Helper()
	var rd io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case *multipartBody:
		rd, ctype = bytes.NewReader(b.data), b.ctype
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	req.Header.Set("X-Forwarded-For", "203.0.113.50")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	c := apiCall{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		s.t.Fatalf("%s %s: Content-Type %q, body %q", method, path, ct, raw)
	}
	if err := json.Unmarshal(raw, &c.json); err != nil {
		s.t.Fatalf("%s %s: not a JSON object: %q", method, path, raw)
	}
	if c.status >= 400 && c.str("error") == "" {
		s.t.Fatalf("%s %s: %d without an error message: %s", method, path, c.status, raw)
	}
	return c
}

func (s *apiStack) want(c apiCall, status int, what string) apiCall {
	s.t.Helper()
	if c.status != status {
		s.t.Fatalf("%s: %d, want %d: %s", what, c.status, status, c.raw)
	}
	return c
}

type multipartBody struct {
	data  []byte
	ctype string
}

func multipartOf(t *testing.T, file []byte, fields ...string) *multipartBody {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", "photo.jpg")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	mw.Close()
	return &multipartBody{data: buf.Bytes(), ctype: mw.FormDataContentType()}
}

func storyBody(headline string, paras ...string) map[string]any {
	blocks := []map[string]any{}
	for _, p := range paras {
		blocks = append(blocks, map[string]any{"type": news.BlockParagraph, "text": []map[string]any{{"text": p}}})
	}
	return map[string]any{"headline": headline, "body": map[string]any{"v": news.DocVersion, "blocks": blocks}}
}

func withFields(m map[string]any, kv ...any) map[string]any {
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// otherStory stores a draft made by someone else in service.
func (s *apiStack) otherStory(service, by string) news.Story {
	s.t.Helper()
	st, err := s.store.CreateStory(context.Background(), news.NewStory{Service: service, SectionID: s.section(service).ID, Slug: "others-" + news.NewID(),
		Content:   news.Content{Headline: news.Text("Someone else's story"), Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Text.")}}}},
		CreatedBy: by, Created: s.clock.Now()})
	if err != nil {
		s.t.Fatal(err)
	}
	return st
}

// TestAPIRoleMatrix drives each role's personal token (scoped to kk at
// the person's own role) over every write the API offers, in its own
// service (kk) and another (ru), on its own and on others' stories. An
// admin's token too is bound to its scope: it may do nothing in ru.
func TestAPIRoleMatrix(t *testing.T) {
	s := newAPIStack(t, ratelimit.Config{Burst: 10000, Every: time.Millisecond}, ratelimit.Config{})
	ctx := context.Background()
	other := s.staff("other@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	if err := s.store.SetGrants(ctx, other.id, []news.Grant{{Service: "kk", Role: news.RoleReporter}, {Service: "ru", Role: news.RoleReporter}}); err != nil {
		t.Fatal(err)
	}
	type want map[string][2]int // action → {kk, ru}
	const ok, made, no = http.StatusOK, http.StatusCreated, http.StatusForbidden
	matrix := []struct {
		grant news.Grant
		want  want
	}{
		{news.Grant{Role: news.RoleAdmin}, want{"create": {made, no}, "update own": {ok, no}, "update others'": {ok, no}, "submit own": {ok, no},
			"publish own": {ok, no}, "publish others'": {ok, no}, "unpublish": {ok, no}, "media": {made, no}, "banner": {ok, no}}},
		{news.Grant{Service: "kk", Role: news.RoleChief}, want{"create": {made, no}, "update own": {ok, no}, "update others'": {ok, no}, "submit own": {ok, no},
			"publish own": {ok, no}, "publish others'": {ok, no}, "unpublish": {ok, no}, "media": {made, no}, "banner": {ok, no}}},
		{news.Grant{Service: "kk", Role: news.RoleEditor}, want{"create": {made, no}, "update own": {ok, no}, "update others'": {ok, no}, "submit own": {ok, no},
			"publish own": {ok, no}, "publish others'": {ok, no}, "unpublish": {ok, no}, "media": {made, no}, "banner": {ok, no}}},
		{news.Grant{Service: "kk", Role: news.RoleReporter}, want{"create": {made, no}, "update own": {ok, no}, "update others'": {no, no}, "submit own": {ok, no},
			"publish own": {no, no}, "publish others'": {no, no}, "unpublish": {no, no}, "media": {made, no}, "banner": {no, no}}},
		{news.Grant{Service: "kk", Role: news.RoleContributor}, want{"create": {made, no}, "update own": {ok, no}, "update others'": {no, no}, "submit own": {no, no},
			"publish own": {no, no}, "publish others'": {no, no}, "unpublish": {no, no}, "media": {no, no}, "banner": {no, no}}},
	}
	jpg := jpegOf(t, photo(320, 200))
	for i, row := range matrix {
		role := row.grant.Role
		m := s.staff(fmt.Sprintf("%s@example.org", role), row.grant)
		tokRole := role
		if role == news.RoleAdmin {
			tokRole = news.RoleChief
		}
		secret := personalToken(t, m, tokRole, "kk")
		for col, svc := range []string{"kk", "ru"} {
			check := func(what string, c apiCall) {
				t.Helper()
				if w := row.want[what][col]; c.status != w {
					t.Errorf("%s %s in %s: %d, want %d: %s", role, what, svc, c.status, w, c.raw)
				}
			}
			// Create, in the token's service and outside it.
			c := s.call("POST", "/admin/api/v1/stories", secret, withFields(storyBody(fmt.Sprintf("%s's story %d in %s", role, i, svc), "Первый абзац."),
				"service", svc, "section", s.section(svc).Slug))
			check("create", c)
			// Stories to act on: own (made by the person, or for ru where
			// they cannot make one, stored directly) and others'.
			own := c.str("id")
			ownRev := c.str("revision")
			if c.status != made {
				st := s.otherStory(svc, m.id)
				own, ownRev = st.ID, st.HeadRev
			}
			c = s.call("PUT", "/admin/api/v1/stories/"+own, secret, withFields(storyBody("Updated headline", "Екінші нұсқа."), "base_revision", ownRev))
			check("update own", c)
			if c.status == ok {
				ownRev = c.str("revision")
				if c.str("headline") != "Updated headline" || ownRev == "" {
					t.Errorf("%s update answer %s", role, c.raw)
				}
			}
			others := s.otherStory(svc, other.id)
			c = s.call("PUT", "/admin/api/v1/stories/"+others.ID, secret, withFields(storyBody("Edited by "+string(role)), "base_revision", others.HeadRev))
			check("update others'", c)
			c = s.call("POST", "/admin/api/v1/stories/"+own+"/submit", secret, nil)
			check("submit own", c)
			if c.status == ok && c.str("status") != "review" {
				t.Errorf("%s submit: status %q", role, c.str("status"))
			}
			c = s.call("POST", "/admin/api/v1/stories/"+own+"/publish", secret, map[string]any{"revision": ownRev})
			check("publish own", c)
			if c.status == ok && (c.str("publication") != "published" || c.str("url") == "") {
				t.Errorf("%s publish answer %s", role, c.raw)
			}
			others2 := s.otherStory(svc, other.id)
			c = s.call("POST", "/admin/api/v1/stories/"+others2.ID+"/publish", secret, map[string]any{"revision": others2.HeadRev})
			check("publish others'", c)
			// Unpublish a story published by someone else.
			pub := s.otherStory(svc, other.id)
			if err := s.store.Publish(ctx, pub.ID, pub.HeadRev, s.clock.Now()); err != nil {
				t.Fatal(err)
			}
			c = s.call("POST", "/admin/api/v1/stories/"+pub.ID+"/unpublish", secret, nil)
			check("unpublish", c)
			if c.status == ok {
				if c.str("publication") != "unpublished" || c.json["cannot_recall"] == nil {
					t.Errorf("%s unpublish answer %s", role, c.raw)
				}
			}
			c = s.call("POST", "/admin/api/v1/media", secret, multipartOf(t, jpg, "service", svc, "alt", "Alt", "caption", "Caption", "credit", "Credit"))
			check("media", c)
			c = s.call("PUT", "/admin/api/v1/banner/"+svc, secret, map[string]any{"label": "Срочно", "text": "Banner by " + string(role)})
			check("banner", c)
			if c.status == ok && (c.json["active"] != true || c.str("text") != "Banner by "+string(role)) {
				t.Errorf("%s banner answer %s", role, c.raw)
			}
		}
	}
}

// TestAPIScopeCapsRole: an editor's reporter token cannot publish, though
// the editor may; the same person's editor token can. Demotion narrows a
// token at once, and a role taken away leaves it nothing there.
func TestAPIScopeCapsRole(t *testing.T) {
	s := newAPIStack(t, ratelimit.Config{}, ratelimit.Config{})
	ctx := context.Background()
	adm := s.staff("admin@example.org", news.Grant{Role: news.RoleAdmin})
	ed := s.staff("editor@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	rep := personalToken(t, ed, news.RoleReporter, "kk")
	edTok := personalToken(t, ed, news.RoleEditor, "kk")
	c := s.want(s.call("POST", "/admin/api/v1/stories", rep, withFields(storyBody("Capped", "Text."), "service", "kk", "section", s.section("kk").Slug)), http.StatusCreated, "create")
	id, rev := c.str("id"), c.str("revision")
	if c.json["can"].(map[string]any)["publish"] != false {
		t.Errorf("reporter token's can: %v", c.json["can"])
	}
	s.want(s.call("POST", "/admin/api/v1/stories/"+id+"/publish", rep, map[string]any{"revision": rev}), http.StatusForbidden, "reporter token publishes")
	s.want(s.call("PUT", "/admin/api/v1/banner/kk", rep, map[string]any{"text": "x"}), http.StatusForbidden, "reporter token sets the banner")
	me := s.want(s.call("GET", "/admin/api/v1/me", rep, nil), http.StatusOK, "me")
	if g := me.json["grants"].([]any); len(g) != 1 || g[0].(map[string]any)["role"] != "reporter" {
		t.Errorf("me: %s", me.raw)
	}
	// The editor demoted to reporter on the people page: the editor token
	// can no longer publish, at once.
	adm.get("/admin/people")
	adm.post("/admin/people/"+ed.id+"/role", "grant", "kk:reporter")
	adm.want(http.StatusSeeOther, "demote")
	s.want(s.call("POST", "/admin/api/v1/stories/"+id+"/publish", edTok, map[string]any{"revision": rev}), http.StatusForbidden, "demoted editor's token publishes")
	// Made editor again: the token works again (it was narrowed, not
	// revoked).
	if err := s.store.SetGrants(ctx, ed.id, []news.Grant{{Service: "kk", Role: news.RoleEditor}}); err != nil {
		t.Fatal(err)
	}
	s.want(s.call("POST", "/admin/api/v1/stories/"+id+"/publish", edTok, map[string]any{"revision": rev}), http.StatusOK, "editor token publishes")
	// Role taken away: nothing left.
	if err := s.store.SetGrants(ctx, ed.id, nil); err != nil {
		t.Fatal(err)
	}
	s.want(s.call("GET", "/admin/api/v1/stories/"+id, edTok, nil), http.StatusForbidden, "no role, get")
	me = s.want(s.call("GET", "/admin/api/v1/me", edTok, nil), http.StatusOK, "me without roles")
	if g := me.json["grants"].([]any); len(g) != 0 {
		t.Errorf("grants with no role: %s", me.raw)
	}
}

// TestAPIUnauthorizedSameness: no token, a malformed, unknown, expired or
// revoked one, a disabled person's, and a browser's session cookie all get
// the same 401, byte for byte.
func TestAPIUnauthorizedSameness(t *testing.T) {
	s := newAPIStack(t, ratelimit.Config{}, ratelimit.Config{Burst: 1000, Every: time.Millisecond})
	adm := s.staff("admin@example.org", news.Grant{Role: news.RoleAdmin})
	rep := s.staff("reporter@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	good := personalToken(t, rep, news.RoleReporter, "kk")
	s.want(s.call("GET", "/admin/api/v1/me", good, nil), http.StatusOK, "good token")
	s.advance(time.Minute) // listed newest first
	revoked := personalToken(t, rep, news.RoleReporter, "kk")
	rep.get("/admin/tokens")
	ids := regexp.MustCompile(`action="/admin/tokens/([a-z2-7]{12})/revoke"`).FindAllStringSubmatch(rep.body, -1)
	if len(ids) != 2 {
		t.Fatalf("revoke forms: %v\n%s", ids, rep.body)
	}
	rep.post("/admin/tokens/" + ids[0][1] + "/revoke") // the newest: revoked
	rep.wantRedirect("/admin/tokens?done=revoked", "revoke")
	expiring := personalToken(t, rep, news.RoleReporter, "kk")
	disabledPerson := s.staff("contrib@example.org", news.Grant{Service: "kk", Role: news.RoleContributor})
	disabled := personalToken(t, disabledPerson, news.RoleContributor, "kk")
	adm.get("/admin/people")
	adm.post("/admin/people/" + disabledPerson.id + "/disable")
	adm.wantRedirect("/admin/people", "disable")

	var first apiCall
	cases := []struct {
		what   string
		secret string
		header []string
	}{
		{"no token", "", nil},
		{"not bearer", "", []string{"Authorization", "Basic " + good}},
		{"malformed", "qalam_nope", nil},
		{"unknown", "qalam_" + strings.Repeat("a", 52), nil},
		{"revoked", revoked, nil},
		{"disabled person's", disabled, nil},
		{"session cookie", "", []string{"Cookie", admin.CookieName + "=" + rep.cookie}},
		{"session cookie, same-origin browser", "", []string{"Cookie", admin.CookieName + "=" + rep.cookie, "Origin", s.url, "Sec-Fetch-Site", "same-origin"}},
	}
	for i, c := range cases {
		got := s.call("GET", "/admin/api/v1/me", c.secret, nil, c.header...)
		if got.status != http.StatusUnauthorized || got.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: %d %q", c.what, got.status, got.header.Get("WWW-Authenticate"))
		}
		if i == 0 {
			first = got
		} else if got.raw != first.raw {
			t.Errorf("%s answers %q, no token answers %q", c.what, got.raw, first.raw)
		}
	}
	// A write with the cookie is refused too, and changes nothing.
	post := s.call("POST", "/admin/api/v1/stories", "", withFields(storyBody("Via cookie"), "service", "kk", "section", s.section("kk").Slug),
		"Cookie", admin.CookieName+"="+rep.cookie)
	if post.status != http.StatusUnauthorized || post.raw != first.raw {
		t.Errorf("cookie write: %d %s", post.status, post.raw)
	}
	// Expiry: the clock past 30 days.
	s.advance(31 * 24 * time.Hour)
	if got := s.call("GET", "/admin/api/v1/me", expiring, nil); got.status != http.StatusUnauthorized || got.raw != first.raw {
		t.Errorf("expired: %d %s", got.status, got.raw)
	}
}

// TestAPIDisableRevokesIntegrationTokens: an integration token made by a
// chief stops working when an admin disables the chief, and stays
// revoked.
func TestAPIDisableRevokesIntegrationTokens(t *testing.T) {
	s := newAPIStack(t, ratelimit.Config{}, ratelimit.Config{})
	ctx := context.Background()
	adm := s.staff("admin@example.org", news.Grant{Role: news.RoleAdmin})
	chief := s.staff("chief@example.org", news.Grant{Service: "kk", Role: news.RoleChief})
	chief2 := s.staff("chief2@example.org", news.Grant{Service: "kk", Role: news.RoleChief})
	ruChief := s.staff("ruchief@example.org", news.Grant{Service: "ru", Role: news.RoleChief})
	integ := makeToken(t, chief, "kind", "integration", "name", "CMS import kk", "service", "kk", "role", "editor", "days", "90")
	c := s.want(s.call("GET", "/admin/api/v1/me", integ, nil), http.StatusOK, "integration token")
	tokID := c.json["token"].(map[string]any)["id"].(string)
	// A chief may not give more than editor, nor work in another service.
	chief.get("/admin/tokens")
	chief.post("/admin/tokens", "kind", "integration", "name", "Too much", "service", "kk", "role", "chief")
	chief.want(http.StatusForbidden, "chief makes a chief integration token")
	chief.get("/admin/tokens")
	chief.post("/admin/tokens", "kind", "integration", "name", "Elsewhere", "service", "ru", "role", "reporter")
	chief.want(http.StatusForbidden, "kk chief makes a ru integration token")
	// The other chief of kk sees it and could revoke it; the ru chief does not see it.
	chief2.get("/admin/tokens")
	if !strings.Contains(chief2.body, `data-token="`+tokID+`"`) || !strings.Contains(chief2.body, "CMS import kk") {
		t.Errorf("the other kk chief does not see the integration token:\n%s", chief2.body)
	}
	ruChief.get("/admin/tokens")
	if strings.Contains(ruChief.body, tokID) {
		t.Error("the ru chief sees a kk integration token")
	}
	ruChief.post("/admin/tokens/" + tokID + "/revoke")
	ruChief.want(http.StatusNotFound, "the ru chief revokes a kk integration token")

	adm.get("/admin/people")
	adm.post("/admin/people/" + chief.id + "/disable")
	adm.wantRedirect("/admin/people", "disable the chief")
	s.want(s.call("GET", "/admin/api/v1/me", integ, nil), http.StatusUnauthorized, "integration token of a disabled chief")
	tok, err := s.store.Token(ctx, tokID)
	if err != nil || tok.Revoked.IsZero() || tok.RevokedBy != adm.id {
		t.Fatalf("token after disabling its maker: %+v %v", tok, err)
	}
	adm.get("/admin/people")
	adm.post("/admin/people/" + chief.id + "/enable")
	adm.wantRedirect("/admin/people", "enable the chief")
	s.want(s.call("GET", "/admin/api/v1/me", integ, nil), http.StatusUnauthorized, "integration token after re-enabling")
}

// TestAPIAuditNamesToken: every write through a token is in the audit log
// under its maker, from the caller's address, naming the token; making and
// revoking tokens too. No secret is in the audit log, the admin's log or
// the database files.
func TestAPIAuditNamesToken(t *testing.T) {
	s := newAPIStack(t, ratelimit.Config{}, ratelimit.Config{})
	ctx := context.Background()
	chief := s.staff("chief@example.org", news.Grant{Service: "kk", Role: news.RoleChief})
	integ := makeToken(t, chief, "kind", "integration", "name", "CMS import kk", "service", "kk", "role", "editor", "days", "90")
	c := s.want(s.call("POST", "/admin/api/v1/stories", integ, withFields(storyBody("From the CMS", "Мәтін."), "service", "kk", "section", s.section("kk").Slug)),
		http.StatusCreated, "create")
	id := c.str("id")
	if loc := c.header.Get("Location"); loc != "/admin/api/v1/stories/"+id {
		t.Errorf("Location %q", loc)
	}
	c = s.want(s.call("POST", "/admin/api/v1/stories/"+id+"/publish", integ, map[string]any{"revision": c.str("revision")}), http.StatusOK, "publish")
	s.want(s.call("DELETE", "/admin/api/v1/banner/kk", integ, nil), http.StatusOK, "clear the banner")
	s.want(s.call("POST", "/admin/api/v1/stories/"+id+"/unpublish", integ, nil), http.StatusOK, "unpublish")
	// A failing request logs an error: it must not carry the token.
	s.want(s.call("GET", "/admin/api/v1/stories/"+id, integ+"x", nil), http.StatusUnauthorized, "bad token")

	log, err := s.store.Audit(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range log {
		if strings.Contains(e.Detail, integ) || strings.Contains(e.Detail, auth.TokenPrefix) {
			t.Errorf("secret in the audit log: %+v", e)
		}
		switch e.Action {
		case "story.create", "story.publish", "banner.clear", "story.unpublish":
			seen[e.Action] = true
			if e.Actor != chief.id || e.IP != "203.0.113.50" || !strings.Contains(e.Detail, `[via integration "CMS import kk" (token `) {
				t.Errorf("audit row %+v", e)
			}
		case "token.create":
			seen[e.Action] = true
			if e.Actor != chief.id || e.Service != "kk" || !strings.Contains(e.Detail, "CMS import kk") {
				t.Errorf("token.create row %+v", e)
			}
		}
	}
	if len(seen) != 5 {
		t.Errorf("audit actions seen: %v", seen)
	}
	if strings.Contains(s.log.String(), integ) || strings.Contains(s.log.String(), integ[6:20]) {
		t.Errorf("the secret is in the admin's log:\n%s", s.log.String())
	}
	assertNotInDataDir(t, s, integ)
}

// staff makes a person who has enrolled a second factor, so they may
// make tokens at once.
func (s *apiStack) staff(email string, g news.Grant) *member {
	s.t.Helper()
	s.sync()
	return s.member(email, g, "192.0.2.9", true)
}

func readFileIfAny(name string) ([]byte, error) {
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// assertNotInDataDir reads every file of the data dir for the secret.
func assertNotInDataDir(t *testing.T, s *apiStack, secret string) {
	t.Helper()
	if _, err := s.env.Store.ContentVersion(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"qalam.db", "qalam.db-wal"} {
		b, err := readFileIfAny(s.env.Dir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte(secret[6:30])) {
			t.Errorf("%s holds the token's secret", name)
		}
	}
}

// TestAPIStaleBaseAndValidation: a second save from the same base is
// refused naming who saved first, as the editor's autosave is; bodies are
// sanitized by the editor's own code; bad input is a clear 400/413/415.
func TestAPIStaleBaseAndValidation(t *testing.T) {
	s := newAPIStack(t, ratelimit.Config{}, ratelimit.Config{})
	ed := s.staff("editor@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	ed2 := s.staff("editor2@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	t1 := personalToken(t, ed, news.RoleEditor, "kk")
	t2 := personalToken(t, ed2, news.RoleEditor, "kk")
	c := s.want(s.call("POST", "/admin/api/v1/stories", t1, withFields(storyBody("Base", "One."), "service", "kk", "section", s.section("kk").Slug)), http.StatusCreated, "create")
	id, base := c.str("id"), c.str("revision")
	s.want(s.call("PUT", "/admin/api/v1/stories/"+id, t2, withFields(storyBody("Second editor's", "Two."), "base_revision", base)), http.StatusOK, "first save")
	c = s.want(s.call("PUT", "/admin/api/v1/stories/"+id, t1, withFields(storyBody("Mine", "Three."), "base_revision", base)), http.StatusConflict, "stale save")
	if !strings.Contains(c.str("error"), "Name editor2@example.org") {
		t.Errorf("the refusal does not name who saved first: %s", c.raw)
	}
	got := s.want(s.call("GET", "/admin/api/v1/stories/"+id, t1, nil), http.StatusOK, "get")
	if got.str("headline") != "Second editor's" {
		t.Errorf("after the refused save: %s", got.raw)
	}
	// A browser holding the story open locks the API out too.
	open(t, ed2, id)
	c = s.want(s.call("PUT", "/admin/api/v1/stories/"+id, t1, withFields(storyBody("Mine"), "base_revision", got.str("revision"))), http.StatusConflict, "locked")
	if !strings.Contains(c.str("error"), "Name editor2@example.org has this story open") {
		t.Errorf("lock refusal: %s", c.raw)
	}
	ed2.post("/admin/stories/" + id + "/release")

	// The stored body is what the editor's sanitizer makes of it: a
	// javascript: link and an unknown mark are gone.
	evil := map[string]any{"v": news.DocVersion, "blocks": []map[string]any{{"type": news.BlockParagraph, "text": []map[string]any{
		{"text": "click", "marks": []map[string]any{{"t": "link", "href": "javascript:alert(1)"}}}}}}}
	c = s.call("PUT", "/admin/api/v1/stories/"+id, t1, map[string]any{"base_revision": got.str("revision"), "body": evil})
	if c.status != http.StatusBadRequest {
		t.Errorf("javascript: link: %d %s", c.status, c.raw)
	}
	pm := `{"base_revision":"` + got.str("revision") + `","editor_body":{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"From the editor's JSON","marks":[{"type":"blink"}]}]}]}}`
	c = s.want(s.call("PUT", "/admin/api/v1/stories/"+id, t1, pm), http.StatusOK, "editor JSON")
	if !strings.Contains(c.raw, "From the editor's JSON") || strings.Contains(c.raw, "blink") {
		t.Errorf("editor JSON stored as %s", c.raw)
	}
	for what, tc := range map[string]struct {
		body   any
		ctype  string
		status int
	}{
		"unknown field":    {`{"headline":"x","service":"kk","section":"` + s.section("kk").Slug + `","colour":"red"}`, "", http.StatusBadRequest},
		"not JSON":         {`headline=x`, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		"two objects":      {`{"headline":"x"}{"headline":"y"}`, "", http.StatusBadRequest},
		"no section":       {`{"headline":"x","service":"kk"}`, "", http.StatusBadRequest},
		"unknown section":  {`{"headline":"x","service":"kk","section":"nowhere"}`, "", http.StatusBadRequest},
		"empty headline":   {`{"headline":"  ","service":"kk","section":"` + s.section("kk").Slug + `"}`, "", http.StatusBadRequest},
		"both bodies":      {`{"headline":"x","service":"kk","section":"` + s.section("kk").Slug + `","body":{"v":1,"blocks":[]},"editor_body":{"type":"doc","content":[]}}`, "", http.StatusBadRequest},
		"too large":        {`{"headline":"` + strings.Repeat("x", 3<<20) + `"}`, "", http.StatusRequestEntityTooLarge},
		"with base":        {`{"headline":"x","service":"kk","section":"` + s.section("kk").Slug + `","base_revision":"abc"}`, "", http.StatusBadRequest},
		"service unnamed":  {`{"headline":"x"}`, "", http.StatusForbidden},
		"service not mine": {`{"headline":"x","service":"ru","section":"` + s.section("ru").Slug + `"}`, "", http.StatusForbidden},
	} {
		hdr := []string{}
		if tc.ctype != "" {
			hdr = []string{"Content-Type", tc.ctype}
		}
		if c := s.call("POST", "/admin/api/v1/stories", t1, tc.body, hdr...); c.status != tc.status {
			t.Errorf("%s: %d, want %d: %.200s", what, c.status, tc.status, c.raw)
		}
	}
	for what, c := range map[string]apiCall{
		"unknown story":   s.call("GET", "/admin/api/v1/stories/aaaaaaaaaaaa", t1, nil),
		"unknown path":    s.call("GET", "/admin/api/v1/nothing", t1, nil),
		"wrong method":    s.call("DELETE", "/admin/api/v1/stories/"+id, t1, nil),
		"publish, no rev": s.call("POST", "/admin/api/v1/stories/"+id+"/publish", t1, map[string]any{}),
		"publish, old":    s.call("POST", "/admin/api/v1/stories/"+id+"/publish", t1, map[string]any{"revision": base}),
		"schedule, past":  s.call("POST", "/admin/api/v1/stories/"+id+"/publish", t1, map[string]any{"revision": c.str("revision"), "at": "2020-01-01T00:00:00Z"}),
		"schedule, bad":   s.call("POST", "/admin/api/v1/stories/"+id+"/publish", t1, map[string]any{"revision": c.str("revision"), "at": "tomorrow"}),
		"unpublish draft": s.call("POST", "/admin/api/v1/stories/"+id+"/unpublish", t1, nil),
	} {
		want := map[string]int{"unknown story": 404, "unknown path": 404, "wrong method": 405, "publish, no rev": 400, "publish, old": 409,
			"schedule, past": 400, "schedule, bad": 400, "unpublish draft": 409}[what]
		if c.status != want {
			t.Errorf("%s: %d, want %d: %s", what, c.status, want, c.raw)
		}
	}
}

// TestAPIPublishRules: the page's publish rules hold for the API: images
// need alt text, caption and credit; "at" schedules through the job queue;
// unpublishing answers what cannot be recalled.
func TestAPIPublishRules(t *testing.T) {
	s := newAPIStack(t, ratelimit.Config{}, ratelimit.Config{})
	ctx := context.Background()
	ed := s.staff("editor@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	tok := personalToken(t, ed, news.RoleEditor, "kk")
	up := s.want(s.call("POST", "/admin/api/v1/media", tok, multipartOf(t, withGPS(jpegOf(t, photo(640, 400))), "service", "kk", "alt", "Алматы")), http.StatusCreated, "upload")
	asset := up.str("id")
	files := storedFiles(t, s.demoStack, asset)
	for name, b := range files {
		checkNoMetadata(t, name, b)
	}
	body := withFields(storyBody("With a photo", "Text."), "service", "kk", "section", s.section("kk").Slug,
		"lead", map[string]any{"asset": asset, "alt": "Алматы", "caption": "", "credit": ""})
	c := s.want(s.call("POST", "/admin/api/v1/stories", tok, body), http.StatusCreated, "create")
	id := c.str("id")
	c = s.want(s.call("POST", "/admin/api/v1/stories/"+id+"/publish", tok, map[string]any{"revision": c.str("revision")}), http.StatusBadRequest, "publish without caption")
	if !strings.Contains(c.str("error"), "no caption, no credit") {
		t.Errorf("refusal: %s", c.raw)
	}
	got := s.want(s.call("GET", "/admin/api/v1/stories/"+id, tok, nil), http.StatusOK, "get")
	c = s.want(s.call("PUT", "/admin/api/v1/stories/"+id, tok, map[string]any{"base_revision": got.str("revision"),
		"lead": map[string]any{"asset": asset, "alt": "Алматы", "caption": "Таң", "credit": "Азаттық"}}), http.StatusOK, "add caption")
	at := s.clock.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	c = s.want(s.call("POST", "/admin/api/v1/stories/"+id+"/publish", tok, map[string]any{"revision": c.str("revision"), "at": at.Format(time.RFC3339)}), http.StatusOK, "schedule")
	if c.str("publication") != "scheduled" || c.str("publish_at") != at.Format(time.RFC3339) || c.str("url") != "" {
		t.Errorf("scheduled answer %s", c.raw)
	}
	jobs, err := s.store.Jobs(ctx, news.JobFilter{})
	if err != nil {
		t.Fatal(err)
	}
	queued := false
	for _, j := range jobs {
		queued = queued || strings.Contains(string(j.Payload), id) && j.RunAt.Equal(at)
	}
	if !queued {
		t.Errorf("no publish job at %v for %s: %+v", at, id, jobs)
	}
	c = s.want(s.call("POST", "/admin/api/v1/stories/"+id+"/unpublish", tok, nil), http.StatusOK, "unpublish the scheduled story")
	rc, _ := c.json["cannot_recall"].(map[string]any)
	if rc == nil || len(rc["checked"].([]any)) != 3 || rc["webhooks"] == nil {
		t.Errorf("cannot_recall %s", c.raw)
	}
}

// TestAPIRateLimits: past its budget a token gets 429 with Retry-After;
// failed token checks from one address are limited too, and then even a
// good token from there waits.
func TestAPIRateLimits(t *testing.T) {
	s := newAPIStack(t, ratelimit.Config{Burst: 3, Every: time.Hour}, ratelimit.Config{Burst: 2, Every: time.Hour})
	rep := s.staff("reporter@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	tok := personalToken(t, rep, news.RoleReporter, "kk")
	for i := range 3 {
		s.want(s.call("GET", "/admin/api/v1/me", tok, nil), http.StatusOK, fmt.Sprintf("request %d", i+1))
	}
	c := s.want(s.call("GET", "/admin/api/v1/me", tok, nil), http.StatusTooManyRequests, "fourth request")
	if ra := c.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q", ra)
	}
	other := personalToken(t, rep, news.RoleReporter, "kk")
	s.want(s.call("GET", "/admin/api/v1/me", other, nil), http.StatusOK, "another token has its own budget")
	bad := "qalam_" + strings.Repeat("b", 52)
	s.want(s.call("GET", "/admin/api/v1/me", bad, nil), http.StatusUnauthorized, "bad 1")
	s.want(s.call("GET", "/admin/api/v1/me", bad, nil), http.StatusUnauthorized, "bad 2")
	c = s.want(s.call("GET", "/admin/api/v1/me", bad, nil), http.StatusTooManyRequests, "bad 3")
	if c.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	s.want(s.call("GET", "/admin/api/v1/me", other, nil), http.StatusTooManyRequests, "good token from a throttled address")
	s.want(s.call("GET", "/admin/api/v1/me", other, nil, "X-Forwarded-For", "203.0.113.51"), http.StatusOK, "good token from another address")
}

// TestAPICrossOrigin: a script's request (no Origin, no Sec-Fetch-Site)
// passes the admin's cross-origin check; a browser's cross-site request
// does not, token or not.
func TestAPICrossOrigin(t *testing.T) {
	s := newAPIStack(t, ratelimit.Config{}, ratelimit.Config{})
	ed := s.staff("editor@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	tok := personalToken(t, ed, news.RoleEditor, "kk")
	s.want(s.call("PUT", "/admin/api/v1/banner/kk", tok, map[string]any{"text": "From a script"}), http.StatusOK, "script")
	req, _ := http.NewRequest("PUT", s.url+"/admin/api/v1/banner/kk", strings.NewReader(`{"text":"From a page elsewhere"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site: %d", resp.StatusCode)
	}
	b, err := s.store.Banner(context.Background(), "kk")
	if err != nil || b.Text != "From a script" {
		t.Errorf("banner %+v %v", b, err)
	}
}

// TestTokensPage: the secret is shown once; making a token needs a fresh
// second factor; the page lists and revokes.
func TestTokensPage(t *testing.T) {
	s := newAPIStack(t, ratelimit.Config{}, ratelimit.Config{})
	rep := s.staff("reporter@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	rep.get("/admin")
	if !strings.Contains(rep.body, `href="/admin/tokens"`) {
		t.Errorf("no tokens link in the navigation:\n%s", rep.body)
	}
	secret := personalToken(t, rep, news.RoleReporter, "kk")
	rep.get("/admin/tokens")
	rep.want(http.StatusOK, "tokens page")
	if strings.Contains(rep.body, secret) || !strings.Contains(rep.body, "script reporter") || !strings.Contains(rep.body, `data-qalam="token"`) {
		t.Errorf("tokens page after making one:\n%s", rep.body)
	}
	if strings.Contains(rep.body, `name="kind" value="integration"`) {
		t.Error("a reporter is offered integration tokens")
	}
	// More than the person: refused with the rule.
	rep.post("/admin/tokens", "kind", "personal", "name", "x", "services", "kk", "role", "editor")
	rep.want(http.StatusBadRequest, "a token above the person")
	if !strings.Contains(html.UnescapeString(rep.body), "cannot do more than you") {
		t.Errorf("refusal:\n%s", rep.body)
	}
	// A stale factor: confirm first, then back to the page.
	s.advance(16 * time.Minute)
	rep.get("/admin/tokens")
	rep.post("/admin/tokens", "kind", "personal", "name", "late", "services", "kk", "role", "reporter")
	rep.wantRedirect("/admin/confirm?next=%2Fadmin%2Ftokens", "stale factor")
	rep.get("/admin/confirm?next=%2Fadmin%2Ftokens")
	rep.post("/admin/confirm", "code", rep.code(), "next", "/admin/tokens")
	rep.wantRedirect("/admin/tokens", "confirmed")
	if s2 := personalToken(t, rep, news.RoleReporter, "kk"); s2 == secret {
		t.Fatal("the same secret twice")
	}
	// Translated.
	if err := s.store.SetStaffLang(context.Background(), rep.id, "ru"); err != nil {
		t.Fatal(err)
	}
	rep.get("/admin/tokens")
	if !strings.Contains(rep.body, "Ваши личные токены") || !strings.Contains(rep.body, "<title>API-токены") {
		t.Errorf("Russian tokens page:\n%s", rep.body)
	}
}
