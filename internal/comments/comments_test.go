package comments_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"qalam/internal/comments"
	"qalam/internal/config"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// env is the real server on a copy of the demo newsroom, with 127.0.0.1 a
// trusted proxy so tests choose each reader's address in X-Forwarded-For.
func env(t *testing.T, modify ...func(*config.Options)) *servertest.Env {
	t.Helper()
	return servertest.Demo(t, append([]func(*config.Options){func(o *config.Options) {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	}}, modify...)...)
}

// story returns a public story of service and its page's path.
func story(t *testing.T, e *servertest.Env, service string) (news.Summary, string) {
	t.Helper()
	pg, err := e.Store.ListPublished(context.Background(), news.ListQuery{Service: service, Limit: 5}, e.Clock.Now())
	if err != nil || len(pg.Items) < 2 {
		t.Fatalf("no public stories in %s: %v", service, err)
	}
	s := pg.Items[0]
	return s, "/" + service + "/" + s.Section.Slug + "/" + url.PathEscape(s.Slug) + "-" + s.ID
}

func setComments(t *testing.T, e *servertest.Env, service string, on bool, mod news.Moderation, threshold int) {
	t.Helper()
	if err := e.Store.SetCommentSettings(context.Background(), news.CommentSettings{Service: service, Enabled: on, Moderation: mod, ReportThreshold: threshold}); err != nil {
		t.Fatal(err)
	}
	e.Fresh(t)
}

type reply struct {
	status int
	header http.Header
	body   string
	json   map[string]any
}

// post sends a form as a browser on this site would, from reader ip;
// asJSON asks for the script's JSON answer.
func post(t *testing.T, e *servertest.Env, path, ip string, asJSON bool, kv ...string) reply {
	t.Helper()
	f := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	req, err := http.NewRequest("POST", e.URL+path, strings.NewReader(f.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", e.URL)
	req.Header.Set("X-Forwarded-For", ip)
	if asJSON {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, body: string(b)}
	if asJSON {
		if err := json.Unmarshal(b, &r.json); err != nil {
			t.Fatalf("POST %s: not JSON (%d): %s", path, resp.StatusCode, b)
		}
	}
	return r
}

// thread is the JSON of a comments page.
type thread struct {
	PreMod   bool   `json:"premod"`
	Count    int    `json:"count"`
	Post     string `json:"post"`
	Comments []struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Paras   [][]comments.Part
		Replies []struct {
			ID    string `json:"id"`
			Name  string `json:"name"`
			Paras [][]comments.Part
		} `json:"replies"`
	} `json:"comments"`
	Labels map[string]string `json:"labels"`
}

func getThread(t *testing.T, e *servertest.Env, path string) (thread, *http.Response) {
	t.Helper()
	resp, body := e.Get(t, path+".json")
	var th thread
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s.json: %d %s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal([]byte(body), &th); err != nil {
		t.Fatal(err)
	}
	return th, resp
}

// Pre-moderation: a comment waits, invisible, until approved; the story
// page's cached HTML and ETag never change with it, the comments endpoint
// is served from the cache and changes after approval.
func TestPreModeration(t *testing.T) {
	e := env(t)
	ctx := context.Background()
	s, storyPath := story(t, e, "en")
	cpath := comments.Path("en", s.ID)

	// Off by default: no section on the story page, 404 on the endpoint.
	_, page := e.Get(t, storyPath)
	if strings.Contains(page, `data-qalam="comments"`) {
		t.Fatal("comments section while comments are off")
	}
	if resp, _ := e.Get(t, cpath); resp.StatusCode != 404 {
		t.Fatalf("comments page while off: %d", resp.StatusCode)
	}
	if r := post(t, e, cpath, "198.51.100.1", false, "name", "A", "text", "Hello"); r.status != 404 {
		t.Fatalf("post while off: %d", r.status)
	}

	setComments(t, e, "en", true, news.PreModeration, 0)
	resp, page := e.Get(t, storyPath)
	if !strings.Contains(page, `data-comments="`+cpath+`"`) || !strings.Contains(page, `href="`+cpath+`"`) ||
		!strings.Contains(page, "/assets/comments.") {
		t.Fatalf("story page lacks the comments section:\n%s", page)
	}
	etag := resp.Header.Get("Etag")
	rendersBefore := e.Server.Site.Renders()

	th, _ := getThread(t, e, cpath)
	if !th.PreMod || th.Count != 0 || th.Post != cpath || th.Labels["submit"] == "" {
		t.Fatalf("empty thread %+v", th)
	}
	r := post(t, e, cpath, "198.51.100.1", false, "name", "Ayan", "email", "ayan@example.org", "text", "A first comment")
	if r.status != 200 || !strings.Contains(r.body, "once a moderator approves") || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("no-JS post: %d %s", r.status, r.body)
	}
	if strings.Contains(r.body, "ayan@example.org") {
		t.Error("the answer shows the email address")
	}
	e.Fresh(t)
	if th, _ := getThread(t, e, cpath); th.Count != 0 {
		t.Fatalf("pending comment shown: %+v", th)
	}
	q, err := e.Store.ModerationQueue(ctx, "en", 10)
	if err != nil || len(q) != 1 || q[0].State != news.CommentPending {
		t.Fatalf("queue %+v %v", q, err)
	}
	// A second GET is the same cached answer.
	cachedAnswer(t, e, cpath)
	if _, err := e.Store.SetCommentState(ctx, q[0].ID, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	e.Fresh(t)
	th, _ = getThread(t, e, cpath)
	if th.Count != 1 || th.Comments[0].Name != "Ayan" {
		t.Fatalf("approved comment not shown: %+v", th)
	}
	resp, page2 := e.Get(t, storyPath)
	if resp.Header.Get("Etag") != etag || page2 != page {
		t.Error("the story page changed with a comment")
	}
	if e.Server.Site.Renders() != rendersBefore {
		t.Errorf("the story page was rendered again (%d → %d)", rendersBefore, e.Server.Site.Renders())
	}
	// The comments page without JavaScript shows it, email nowhere.
	resp, body := e.Get(t, cpath)
	if resp.StatusCode != 200 || !strings.Contains(body, "A first comment") || strings.Contains(body, "ayan@example.org") ||
		!strings.Contains(body, `href="`+storyPath+`"`) {
		t.Fatalf("comments page %d:\n%s", resp.StatusCode, body)
	}
	// Feeds and the lite page carry no comment; the lite page links to
	// the comments page, which needs no script.
	for _, p := range []string{"/feeds/en/rss.xml", "/lite" + storyPath} {
		if _, b := e.Get(t, p); strings.Contains(b, "A first comment") {
			t.Errorf("%s shows a comment", p)
		}
	}
	if _, b := e.Get(t, "/lite"+storyPath); !strings.Contains(b, `href="`+cpath+`"`) || strings.Contains(b, "<script") {
		t.Errorf("the lite story does not link its comments page %s (or loads a script)", cpath)
	}
}

// cachedAnswer checks that a second GET of a comments page is the same
// answer: a matching If-None-Match answers 304.
func cachedAnswer(t *testing.T, e *servertest.Env, cpath string) string {
	t.Helper()
	r1, b1 := e.Get(t, cpath+".json")
	r2, b2 := e.Get(t, cpath+".json", "If-None-Match", r1.Header.Get("Etag"))
	if r2.StatusCode != http.StatusNotModified || b2 != "" {
		t.Fatalf("cached comments: %d %q", r2.StatusCode, b2)
	}
	if !strings.Contains(r1.Header.Get("Cache-Control"), "public") {
		t.Errorf("comments JSON Cache-Control %q", r1.Header.Get("Cache-Control"))
	}
	return b1
}

// Post-moderation: shown at once; replies one level; reports hide.
func TestPostModeration(t *testing.T) {
	e := env(t)
	s, _ := story(t, e, "ru")
	cpath := comments.Path("ru", s.ID)
	setComments(t, e, "ru", true, news.PostModeration, 2)

	r := post(t, e, cpath, "198.51.100.2", true, "name", "Ерлан", "text", "Сразу видно")
	if r.status != 201 || r.json["state"] != "approved" || r.json["ok"] != true {
		t.Fatalf("post: %d %v", r.status, r.json)
	}
	th, _ := getThread(t, e, cpath)
	if th.Count != 1 || th.PreMod {
		t.Fatalf("thread %+v", th)
	}
	top := th.Comments[0].ID
	r = post(t, e, cpath, "198.51.100.3", true, "name", "B", "text", "A reply", "parent", top)
	if r.status != 201 {
		t.Fatalf("reply: %d %v", r.status, r.json)
	}
	th, _ = getThread(t, e, cpath)
	if len(th.Comments) != 1 || len(th.Comments[0].Replies) != 1 {
		t.Fatalf("reply not under its parent: %+v", th)
	}
	// A reply to a reply is attached to the top-level comment.
	r = post(t, e, cpath, "198.51.100.4", true, "name", "C", "text", "Reply to the reply", "parent", th.Comments[0].Replies[0].ID)
	if r.status != 201 {
		t.Fatalf("reply to reply: %d %v", r.status, r.json)
	}
	th, _ = getThread(t, e, cpath)
	if len(th.Comments) != 1 || len(th.Comments[0].Replies) != 2 {
		t.Fatalf("one level: %+v", th)
	}
	// A reply to an unknown comment is refused.
	if r := post(t, e, cpath, "198.51.100.4", true, "name", "C", "text", "Into the void", "parent", "nope"); r.status != 400 {
		t.Errorf("reply to nothing: %d", r.status)
	}
	// The no-JS reply page carries the parent.
	resp, body := e.Get(t, cpath+"/reply/"+top)
	if resp.StatusCode != 200 || !strings.Contains(body, `name="parent" value="`+top+`"`) {
		t.Fatalf("reply page %d:\n%s", resp.StatusCode, body)
	}
	// Two reports from two readers hide it pending review; one reader
	// reporting twice counts once.
	for _, ip := range []string{"203.0.113.1", "203.0.113.1"} {
		if r := post(t, e, cpath+"/report", ip, true, "id", top); r.status != 200 {
			t.Fatalf("report: %d %v", r.status, r.json)
		}
	}
	if th, _ := getThread(t, e, cpath); len(th.Comments) != 1 {
		t.Fatal("one reader's two reports hid the comment")
	}
	if r := post(t, e, cpath+"/report", "203.0.113.2", false, "id", top); r.status != 200 || !strings.Contains(r.body, "Спасибо") {
		t.Fatalf("report without JS: %d %s", r.status, r.body)
	}
	if th, _ := getThread(t, e, cpath); len(th.Comments) != 0 {
		t.Fatalf("reported comment still shown: %+v", th)
	}
	if r := post(t, e, cpath+"/report", "203.0.113.3", true, "id", top); r.status != 404 {
		t.Errorf("report of a hidden comment: %d", r.status)
	}
}

// Abuse: honeypot, links, duplicates, HTML, rate limits, bans, CSRF.
func TestAbuse(t *testing.T) {
	e := env(t)
	ctx := context.Background()
	s, _ := story(t, e, "en")
	cpath := comments.Path("en", s.ID)
	setComments(t, e, "en", true, news.PostModeration, 0)

	// A filled honeypot is answered like a person, and nothing is kept.
	if r := post(t, e, cpath, "192.0.2.10", true, "name", "Bot", "text", "Buy now", "website", "http://spam.example"); r.status != 200 || r.json["ok"] != true {
		t.Fatalf("honeypot: %d %v", r.status, r.json)
	}
	if q, _ := e.Store.ModerationQueue(ctx, "en", 10); len(q) != 0 {
		t.Fatalf("honeypot post stored: %+v", q)
	}
	if th, _ := getThread(t, e, cpath); th.Count != 0 {
		t.Fatal("honeypot post shown")
	}

	// HTML is text; javascript: is never a link; http(s) links are marked.
	body := `<script>alert(1)</script> <b>bold</b> javascript:alert(2) see https://example.org/a?b=1&c=2.`
	if r := post(t, e, cpath, "192.0.2.11", true, "name", `<img src=x onerror=alert(3)>`, "text", body); r.status != 201 {
		t.Fatalf("post: %d %v", r.status, r.json)
	}
	resp, page := e.Get(t, cpath)
	if resp.StatusCode != 200 || strings.Contains(page, "<script>alert") || strings.Contains(page, "<b>bold") || strings.Contains(page, "<img src=x") ||
		!strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(page, `href="javascript`) ||
		!strings.Contains(page, `<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener" dir="ltr">https://example.org/a?b=1&amp;c=2</a>.`) {
		t.Fatalf("comment markup:\n%s", page)
	}
	th, _ := getThread(t, e, cpath)
	var links []string
	for _, para := range th.Comments[0].Paras {
		for _, p := range para {
			if p.Href != "" {
				links = append(links, p.Href)
			}
		}
	}
	if len(links) != 1 || links[0] != "https://example.org/a?b=1&c=2" {
		t.Errorf("JSON links %v", links)
	}

	// Three links: held for review even under post-moderation; six:
	// refused.
	three := "see http://a.example/1 http://b.example/2 https://c.example/3"
	if r := post(t, e, cpath, "192.0.2.12", true, "name", "L", "text", three); r.status != 201 || r.json["state"] != "pending" {
		t.Fatalf("three links: %d %v", r.status, r.json)
	}
	six := three + " http://d.example http://e.example http://f.example"
	if r := post(t, e, cpath, "192.0.2.13", true, "name", "L", "text", six); r.status != 400 {
		t.Fatalf("six links: %d %v", r.status, r.json)
	}
	// The same text again on the story is refused, whoever sends it.
	if r := post(t, e, cpath, "192.0.2.14", true, "name", "Other", "text", strings.ToUpper(body)); r.status != 409 {
		t.Fatalf("duplicate: %d %v", r.status, r.json)
	}
	// Bad input gets the rule, and the no-JS form keeps what was typed.
	r := post(t, e, cpath, "192.0.2.15", false, "name", "Kept name", "email", "nope", "text", "Kept text")
	if r.status != 400 || !strings.Contains(r.body, "valid email") || !strings.Contains(r.body, "Kept text") || !strings.Contains(r.body, `value="Kept name"`) {
		t.Fatalf("bad email: %d %s", r.status, r.body)
	}
	if r := post(t, e, cpath, "192.0.2.15", true, "name", strings.Repeat("n", 61), "text", "fine text"); r.status != 400 {
		t.Errorf("long name: %d", r.status)
	}

	// Per client: 5 at once, then 429 with Retry-After.
	var last reply
	for i := range 7 {
		last = post(t, e, cpath, "192.0.2.99", true, "name", "R", "text", "Rate limited comment "+string(rune('a'+i)))
		if last.status == 429 {
			if i != 5 {
				t.Fatalf("429 after %d posts", i)
			}
			break
		}
	}
	if last.status != 429 || last.header.Get("Retry-After") == "" {
		t.Fatalf("per-client limit: %d %q", last.status, last.header.Get("Retry-After"))
	}

	// A cross-site form post is refused.
	req, _ := http.NewRequest("POST", e.URL+cpath, strings.NewReader("name=X&text=Cross+site"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := e.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site post: %d", resp.StatusCode)
	}

	// A ban by email holds on any address; a ban by client on any email.
	r = post(t, e, cpath, "192.0.2.20", true, "name", "Troll", "email", "troll@example.org", "text", "Trolling")
	if r.status != 201 {
		t.Fatal(r.status, r.json)
	}
	th, _ = getThread(t, e, cpath)
	var trollID string
	for _, c := range th.Comments {
		if c.Name == "Troll" {
			trollID = c.ID
		}
	}
	if _, err := e.Store.BanCommenter(ctx, trollID, e.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if r := post(t, e, cpath, "192.0.2.21", true, "name", "Troll", "email", "Troll@example.org", "text", "Back again"); r.status != 403 {
		t.Errorf("banned email: %d %v", r.status, r.json)
	}
	if r := post(t, e, cpath, "192.0.2.20", true, "name", "Nobody", "text", "Same machine"); r.status != 403 {
		t.Errorf("banned client: %d %v", r.status, r.json)
	}
	if r := post(t, e, cpath, "192.0.2.22", true, "name", "Nobody", "text", "Someone else"); r.status != 201 {
		t.Errorf("another reader after a ban: %d %v", r.status, r.json)
	}
}

// The per-story limit holds however many addresses post.
func TestPerStoryLimit(t *testing.T) {
	e := env(t)
	s, _ := story(t, e, "en")
	cpath := comments.Path("en", s.ID)
	setComments(t, e, "en", true, news.PreModeration, 0)
	for i := range 31 {
		r := post(t, e, cpath, "10.9.0."+string(rune('1'+i%9))+string(rune('0'+i/9)), true, "name", "N", "text", "Flood number "+strings.Repeat("x", i+1))
		if i < 30 && r.status != 201 {
			t.Fatalf("post %d: %d %v", i, r.status, r.json)
		}
		if i == 30 && (r.status != 429 || r.header.Get("Retry-After") == "") {
			t.Fatalf("post 31: %d, want 429", r.status)
		}
	}
}
