package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"qalam/internal/news"
	"qalam/internal/servertest"
)

// waitFor polls a JavaScript condition in the page for up to 10 s.
func waitFor(t *testing.T, b *tab, what, cond string) {
	t.Helper()
	ok := eval[bool](t, b, `new Promise(resolve => {
		const start = Date.now();
		const tick = () => {
			let v = false;
			try { v = !!(`+cond+`); } catch (e) {}
			if (v) { resolve(true); return; }
			if (Date.now() - start > 10000) { resolve(false); return; }
			setTimeout(tick, 50);
		};
		tick();
	})`, chromedp.EvalAwaitPromise)
	if !ok {
		t.Fatalf("%s: not after 10 s (%s)\n%s", what, cond, eval[string](t, b, "document.body.innerText"))
	}
}

// A reader comments on a story page with JavaScript (pending under
// pre-moderation, shown at once under post-moderation), and on the
// comments page without it; the comments page and the story page with its
// comments pass axe and the HTML checker, and nothing is requested off the
// site or blocked by the CSP.
func TestCommentsInBrowser(t *testing.T) {
	needBrowser(t)
	inject := axeSource(t)
	e := servertest.Demo(t)
	ctx := context.Background()
	pg, err := e.Store.ListPublished(ctx, news.ListQuery{Service: "en", Limit: 1}, e.Clock.Now())
	if err != nil || len(pg.Items) == 0 {
		t.Fatalf("no story: %v", err)
	}
	s := pg.Items[0]
	storyURL := e.URL + "/en/" + s.Section.Slug + "/" + url.PathEscape(s.Slug) + "-" + s.ID
	commentsURL := e.URL + "/comments/en/" + s.ID
	set := func(mod news.Moderation) {
		if err := e.Store.SetCommentSettings(ctx, news.CommentSettings{Service: "en", Enabled: true, Moderation: mod}); err != nil {
			t.Fatal(err)
		}
		e.Fresh(t)
	}
	set(news.PreModeration)

	b := newTab(t, 120*time.Second)
	req0, con0 := b.rec.mark()
	b.open(t, storyURL, 200)
	waitFor(t, b, "the inline comment form", `document.querySelector('[data-qalam="comment-form-inline"]')`)
	b.do(t, "writing a comment",
		chromedp.SendKeys(chromedp.CSS("#ci-name"), "Browser reader"),
		chromedp.SendKeys(chromedp.CSS("#ci-text"), "Written in a browser <b>not bold</b>"),
		chromedp.Click(chromedp.CSS(`[data-qalam="comment-form-inline"] button[type=submit]`)))
	waitFor(t, b, "the pending notice", `document.querySelector('[data-qalam="comments-message"]').textContent.includes('moderator')`)
	q, err := e.Store.ModerationQueue(ctx, "en", 10)
	if err != nil || len(q) != 1 || q[0].Body != "Written in a browser <b>not bold</b>" {
		t.Fatalf("queue %+v %v", q, err)
	}
	if eval[bool](t, b, `document.body.textContent.includes('Written in a browser')`) {
		t.Error("a pending comment is shown")
	}
	if _, err := e.Store.SetCommentState(ctx, q[0].ID, news.CommentApproved); err != nil {
		t.Fatal(err)
	}

	// Post-moderation: the comment shows at once, as text.
	set(news.PostModeration)
	b.open(t, storyURL, 200)
	waitFor(t, b, "the approved comment", `document.querySelector('[data-qalam="comments-inline"]').textContent.includes('not bold')`)
	if eval[int](t, b, `document.querySelectorAll('[data-qalam="comments-inline"] b').length`) != 0 {
		t.Error("a reader's markup became HTML")
	}
	b.do(t, "writing a second comment",
		chromedp.SendKeys(chromedp.CSS("#ci-name"), "Second reader"),
		chromedp.SendKeys(chromedp.CSS("#ci-text"), "Shown at once, see https://example.org/x"),
		chromedp.Click(chromedp.CSS(`[data-qalam="comment-form-inline"] button[type=submit]`)))
	waitFor(t, b, "the new comment", `document.querySelector('[data-qalam="comments-inline"]').textContent.includes('Shown at once')`)
	if rel := eval[string](t, b, `document.querySelector('[data-qalam="comments-inline"] a[href="https://example.org/x"]').rel`); rel != "nofollow ugc noopener" {
		t.Errorf("link rel %q", rel)
	}
	for _, v := range runAxe(t, b, inject).Violations {
		t.Errorf("story page with comments: axe %s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "))
	}
	b.open(t, commentsURL, 200)
	for _, v := range runAxe(t, b, inject).Violations {
		t.Errorf("comments page: axe %s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "))
	}
	reqs, console := b.rec.since(req0, con0)
	if off := offOrigin(reqs, e.URL); len(off) > 0 {
		t.Errorf("requests off the site: %v", off)
	}
	if len(console) > 0 {
		t.Errorf("console problems: %v", console)
	}

	// Without JavaScript: the story page links to the comments page, whose
	// form works.
	nb := newTab(t, 60*time.Second)
	nb.do(t, "disabling JavaScript", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	nb.open(t, storyURL, 200)
	if href := eval[string](t, nb, `document.querySelector('[data-qalam="comments-link"]').href`); href != commentsURL {
		t.Fatalf("comments link %q", href)
	}
	nb.open(t, commentsURL, 200)
	if !eval[bool](t, nb, `document.body.textContent.includes('Shown at once')`) {
		t.Error("the comments page without JavaScript lacks the comments")
	}
	nb.do(t, "commenting without JavaScript",
		chromedp.SendKeys(chromedp.CSS("#c-name"), "No script"),
		chromedp.SendKeys(chromedp.CSS("#c-text"), "Posted by a plain form"),
		chromedp.Click(chromedp.CSS(`[data-qalam="comment-form"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-qalam="comments-message"]`)))
	if !eval[bool](t, nb, `document.querySelector('[data-qalam="comment-list"]').textContent.includes('Posted by a plain form')`) {
		t.Errorf("the posted comment is not on the page:\n%s", eval[string](t, nb, "document.body.innerText"))
	}

	// The Nu HTML checker on the story page and the comments page.
	t.Run("html", func(t *testing.T) {
		needTools(t)
		jar, err := filepath.Abs(vnuPath)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		var files []string
		for name, u := range map[string]string{"story.html": storyURL, "comments.html": commentsURL, "reply.html": commentsURL + "/reply/" + q[0].ID} {
			resp, body := e.Get(t, u)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", u, resp.StatusCode)
			}
			f := filepath.Join(dir, name)
			os.WriteFile(f, []byte(body), 0o644)
			files = append(files, f)
		}
		cmd := exec.Command("java", append([]string{"-jar", jar, "--format", "json", "--errors-only"}, files...)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.Run() // exits 1 when a document has errors
		out := stderr.Bytes()
		if len(bytes.TrimSpace(out)) == 0 {
			out = stdout.Bytes()
		}
		var report struct {
			Messages []vnuMessage `json:"messages"`
		}
		if err := json.Unmarshal(out, &report); err != nil {
			t.Fatalf("the HTML checker's output: %v: %.500s", err, out)
		}
		for _, m := range report.Messages {
			t.Errorf("HTML checker: %s: %s %s (line %d)", filepath.Base(m.URL), m.Type, m.Message, m.LastLine)
		}
	})
}
