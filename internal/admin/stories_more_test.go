package admin_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"qalam/internal/news"
)

var linkRe = regexp.MustCompile(`id="new-link" class="link" type="text" readonly value="([^"]+)"`)

// TestPreview: an editor previews any revision as readers will see it
// (noindex, no-store), in the Latin view too; a preview link works without
// an account, is noindex and no-store, and stops at once when revoked or
// expired.
func TestPreview(t *testing.T) {
	d := newDemo(t)
	ed := d.person("ed@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	id := create(t, ed, d.section("kk").ID, "Жасырын жоба")
	base := open(t, ed, id)
	if st, _ := autosave(t, ed, id, base, bodyJSON(t, "Бірінші нұсқа.")); st != 200 {
		t.Fatal("autosave")
	}
	first := d.story(id).HeadRev
	if st, _ := autosave(t, ed, id, first, bodyJSON(t, "Екінші нұсқа.")); st != 200 {
		t.Fatal("autosave")
	}
	check := func(what string, resp *http.Response) {
		t.Helper()
		h := resp.Header
		if h.Get("Cache-Control") != "no-store" || !strings.Contains(h.Get("X-Robots-Tag"), "noindex") {
			t.Errorf("%s: headers %v", what, h)
		}
	}
	ed.get("/admin/stories/" + id + "/preview")
	ed.want(200, "preview")
	check("admin preview", ed.resp)
	if !strings.Contains(ed.body, "Екінші нұсқа.") || !strings.Contains(ed.body, `<html lang="kk"`) {
		t.Errorf("preview of the newest revision:\n%s", ed.body)
	}
	ed.get("/admin/stories/" + id + "/preview?rev=" + first)
	if !strings.Contains(ed.body, "Бірінші нұсқа.") || strings.Contains(ed.body, "Екінші нұсқа.") {
		t.Error("preview of an older revision")
	}
	ed.get("/admin/stories/" + id + "/preview?view=latn")
	if !strings.Contains(ed.body, "Ekınşı nūsqa.") || strings.Contains(ed.body, "Екінші нұсқа.") {
		t.Errorf("Latin preview:\n%s", ed.body)
	}
	// The lite page, in either script, as slow connections get it.
	ed.get("/admin/stories/" + id + "/preview?view=lite")
	ed.want(200, "lite preview")
	if !strings.Contains(ed.body, "Екінші нұсқа.") || strings.Contains(ed.body, "<script") || !strings.Contains(ed.body, `href="/lite/kk`) {
		t.Errorf("lite preview:\n%s", ed.body)
	}
	ed.get("/admin/stories/" + id + "/preview?view=lite-latn")
	if !strings.Contains(ed.body, "Ekınşı nūsqa.") || strings.Contains(ed.body, "<script") {
		t.Errorf("Latin lite preview:\n%s", ed.body)
	}
	ed.get("/admin/stories/" + id + "/preview?view=print")
	ed.want(200, "unknown view: the full page")
	if !strings.Contains(ed.body, "Екінші нұсқа.") || !strings.Contains(ed.body, "<script") {
		t.Error("an unknown view did not fall back to the full page")
	}
	ed.get("/admin/stories/" + id + "/phone?view=lite-latn")
	ed.want(200, "phone page")
	if !strings.Contains(ed.body, `width="360"`) || !strings.Contains(ed.body, "view=lite-latn") || strings.Count(ed.body, "/phone?rev=") != 4 {
		t.Errorf("phone page: no phone-width frame of the lite Latin page, or not four views:\n%s", ed.body)
	}
	// Nothing of it on the site.
	if code, _ := d.reader(d.readerPath(id)); code != 404 {
		t.Errorf("draft on the site: %d", code)
	}

	// A link for a colleague without an account.
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/"+id+"/links", "hours", "24")
	ed.want(200, "make link")
	m := linkRe.FindStringSubmatch(ed.body)
	if m == nil {
		t.Fatalf("no link shown:\n%s", ed.body)
	}
	link := strings.TrimPrefix(m[1], d.env.URL)
	if !strings.HasPrefix(link, "/preview/") {
		t.Fatalf("link %q", m[1])
	}
	resp, body := d.env.Get(t, link)
	if resp.StatusCode != 200 || !strings.Contains(body, "Екінші нұсқа.") {
		t.Fatalf("link: %d", resp.StatusCode)
	}
	check("preview link", resp)
	resp, _ = d.env.Get(t, link+"x")
	if resp.StatusCode != 404 {
		t.Errorf("wrong token: %d", resp.StatusCode)
	}
	// Revoked: gone at once, and no cache gives it back.
	ed.get("/admin/stories/" + id)
	lid := regexp.MustCompile(`/links/([a-z2-7]{12})/revoke`).FindStringSubmatch(ed.body)
	if lid == nil {
		t.Fatal("no revoke button")
	}
	ed.post("/admin/stories/" + id + "/links/" + lid[1] + "/revoke")
	ed.want(http.StatusSeeOther, "revoke")
	for range 2 {
		resp, body = d.env.Get(t, link)
		if resp.StatusCode != http.StatusGone || strings.Contains(body, "нұсқа") {
			t.Errorf("revoked link: %d", resp.StatusCode)
		}
		check("revoked link", resp)
	}
	// Expiry: a link of one hour stops after it.
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/"+id+"/links", "hours", "1")
	link = strings.TrimPrefix(linkRe.FindStringSubmatch(ed.body)[1], d.env.URL)
	if resp, _ := d.env.Get(t, link); resp.StatusCode != 200 {
		t.Fatalf("fresh link: %d", resp.StatusCode)
	}
	d.advance(61 * time.Minute)
	if resp, _ := d.env.Get(t, link); resp.StatusCode != http.StatusGone {
		t.Errorf("expired link: %d", resp.StatusCode)
	}
	// The reader origin never serves it under a service code either.
	if news.ValidServiceCode("preview") {
		t.Error("preview may be taken as a service code")
	}
}

// TestUnpublishRecall: unpublishing shows what cannot be recalled before
// and after; the story leaves the site at once (410).
func TestUnpublishRecall(t *testing.T) {
	d := newDemo(t)
	ed := d.person("ed@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	ctx := context.Background()
	st := d.env.NewStory(t, "kk", "recall", "Кері қайтару", "Мәтін.")
	d.env.Publish(t, st, d.clock.Now())
	// A webhook about it was delivered.
	ep := news.WebhookEndpoint{URL: "https://hooks.example.net/qalam?token=secret", Events: []news.WebhookEvent{news.WebhookPublish}, Active: true}
	if _, err := d.store.CreateWebhookEndpoint(ctx, &ep); err != nil {
		t.Fatal(err)
	}
	ds, err := d.store.QueueWebhookDeliveries(ctx, news.WebhookOccurrence{ID: news.NewID(), Event: news.WebhookPublish, Service: "kk", StoryID: st.ID, Occurred: d.clock.Now()}, d.clock.Now())
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries %v %v", ds, err)
	}
	if err := d.store.RecordWebhookAttempt(ctx, ds[0].ID, 200, "", news.WebhookDelivered, d.clock.Now()); err != nil {
		t.Fatal(err)
	}
	path := d.readerPath(st.ID)
	if code, _ := d.reader(path); code != 200 {
		t.Fatalf("published: %d", code)
	}
	// Nothing went out yet that stays out: the page says so.
	ed.get("/admin/stories/" + d.env.NewStory(t, "kk", "quiet", "Quiet", "x").ID + "/unpublish")
	if !strings.Contains(ed.body, "Nothing the newsroom sent about this story stays out") || !strings.Contains(ed.body, "static copies exported before now") {
		t.Errorf("empty recall list:\n%s", ed.body)
	}
	// Posted to Telegram three days ago (past the 48 h a bot may delete
	// it), and sent in that day's newsletter.
	posted := d.clock.Now().Add(-72 * time.Hour)
	if err := d.store.ClaimTelegramPost(ctx, "kk", st.ID, "@azattyq_test", posted); err != nil {
		t.Fatal(err)
	}
	if err := d.store.RecordTelegramPost(ctx, news.TelegramPost{Service: "kk", StoryID: st.ID, MessageID: 4242, Kind: news.TelegramText, Posted: posted}); err != nil {
		t.Fatal(err)
	}
	day := d.clock.Now().In(time.FixedZone("", 5*3600)).Format("2006-01-02")
	if _, _, err := d.store.PrepareEdition(ctx, news.Edition{Service: "kk", Day: day, Content: news.EditionContent{Subject: "Күн жаңалықтары",
		Stories: []news.EditionStory{{Headline: "Кері қайтару", URL: d.env.URL + path}}}}, 10, d.clock.Now()); err != nil {
		t.Fatal(err)
	}
	ed.get("/admin/stories/" + st.ID + "/unpublish")
	ed.want(200, "unpublish page")
	for _, want := range []string{"Webhooks already delivered", "https://hooks.example.net",
		"Telegram posts that can no longer be deleted", "@azattyq_test, message 4242", "Newsletters already sent", "Күн жаңалықтары"} {
		if !strings.Contains(ed.body, want) {
			t.Errorf("before: no %q\n%s", want, ed.body)
		}
	}
	if strings.Contains(ed.body, "token=secret") {
		t.Error("the webhook URL's token is shown")
	}
	// Cached on the site before; gone within a second after, with only
	// the server's own watcher purging the cache.
	if resp, _ := d.env.Get(t, path); resp.StatusCode != 200 {
		t.Fatalf("before: %d", resp.StatusCode)
	}
	ed.post("/admin/stories/" + st.ID + "/unpublish")
	ed.want(200, "unpublish")
	start := time.Now()
	for {
		resp, _ := d.env.Get(t, path)
		if resp.StatusCode == http.StatusGone {
			t.Logf("unpublished story answered 410 after %v", time.Since(start).Round(time.Millisecond))
			break
		}
		if time.Since(start) > time.Second {
			t.Fatalf("still %d a second after unpublishing", resp.StatusCode)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(ed.body, "Webhooks already delivered") || !strings.Contains(ed.body, "410 Gone") {
		t.Errorf("after:\n%s", ed.body)
	}
	if resp, _ := d.env.Get(t, "/api/v1/stories/"+st.ID); resp.StatusCode == 200 {
		t.Error("still in the API")
	}
	// Unpublishing needs a fresh factor too.
	st2 := d.env.NewStory(t, "kk", "recall-two", "Екінші", "Мәтін.")
	d.env.Publish(t, st2, d.clock.Now())
	d.advance(16 * time.Minute)
	ed.get("/admin/stories/" + st2.ID + "/unpublish")
	ed.post("/admin/stories/" + st2.ID + "/unpublish")
	confirm(t, ed)
	if d.story(st2.ID).Pub != news.PubPublished {
		t.Error("unpublished without a fresh factor")
	}
}

// TestRevisions: the history lists every save; two revisions compare word
// by word, escaped; restoring saves the old content as a new revision.
func TestRevisions(t *testing.T) {
	d := newDemo(t)
	ed := d.person("ed@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	id := create(t, ed, d.section("kk").ID, "Тарих")
	base := open(t, ed, id)
	_, r1 := autosave(t, ed, id, base, bodyJSON(t, "The river <b>rose</b> two metres.", "Same paragraph."))
	_, r2 := autosave(t, ed, id, r1, bodyJSON(t, "The river rose three metres.", "Same paragraph."))
	ed.get("/admin/stories/" + id + "/revisions?a=" + r1 + "&b=" + r2)
	ed.want(200, "revisions")
	if strings.Contains(ed.body, "<b>rose</b>") {
		t.Error("revision text not escaped")
	}
	for _, want := range []string{"<del>&lt;b&gt;rose&lt;/b&gt; two</del>", "<ins>rose three</ins>", `data-kind="same">Same paragraph.`} {
		if !strings.Contains(ed.body, want) {
			t.Errorf("diff lacks %q\n%s", want, ed.body)
		}
	}
	if n := strings.Count(ed.body, `data-qalam="revision"`); n != 3 {
		t.Errorf("%d revisions listed", n)
	}
	ed.post("/admin/stories/"+id+"/restore", "revision", r1, "base_revision", r2)
	ed.want(http.StatusSeeOther, "restore")
	revs, err := d.store.Revisions(context.Background(), id)
	if err != nil || len(revs) != 4 {
		t.Fatalf("after restore: %d revisions, %v", len(revs), err)
	}
	if got := revs[0].Content.Body.PlainText(); !strings.Contains(got, "two metres") || revs[0].ParentID != r2 {
		t.Errorf("restored content %q parent %s", got, revs[0].ParentID)
	}
}

// TestCuration: editors pin a lead and top stories, reorder them by
// buttons, and readers' home page follows.
func TestCuration(t *testing.T) {
	d := newDemo(t)
	ed := d.person("ed@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	x := d.env.NewStory(t, "kk", "curated-x", "Бірінші таңдау", "Мәтін.")
	y := d.env.NewStory(t, "kk", "curated-y", "Екінші таңдау", "Мәтін.")
	d.env.Publish(t, x, d.clock.Now().Add(-48*time.Hour))
	d.env.Publish(t, y, d.clock.Now().Add(-47*time.Hour))
	ed.get("/admin/curation?service=kk")
	ed.want(200, "curation")
	ed.post("/admin/curation", "service", "kk", "story", x.ID, "op", "lead")
	ed.want(http.StatusSeeOther, "lead")
	ed.get("/admin/curation?service=kk")
	ed.post("/admin/curation", "service", "kk", "story", y.ID, "op", "pin")
	ed.want(http.StatusSeeOther, "pin")
	order := func() (int, int) {
		t.Helper()
		_, home := d.reader("/kk/")
		return strings.Index(home, "Бірінші таңдау"), strings.Index(home, "Екінші таңдау")
	}
	if ix, iy := order(); ix < 0 || iy < 0 || ix > iy {
		t.Errorf("home order x=%d y=%d", ix, iy)
	}
	curated := func() []string {
		t.Helper()
		cur, err := d.store.Curated(context.Background(), "kk", d.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range cur {
			ids = append(ids, c.ID)
		}
		return ids
	}
	ids := curated()
	if ids[0] != x.ID || ids[len(ids)-1] != y.ID {
		t.Fatalf("lead then pinned at the end: %v", ids)
	}
	ed.get("/admin/curation?service=kk")
	ed.post("/admin/curation", "service", "kk", "story", y.ID, "op", "up")
	ed.want(http.StatusSeeOther, "up")
	if after := curated(); len(after) != len(ids) || after[len(ids)-2] != y.ID {
		t.Errorf("after move up: %v", after)
	}
	ed.get("/admin/curation?service=kk")
	ed.post("/admin/curation", "service", "kk", "story", y.ID, "op", "down")
	ed.want(http.StatusSeeOther, "down")
	if after := curated(); len(after) != len(ids) || after[len(ids)-1] != y.ID {
		t.Errorf("after move down: %v", after)
	}
	ed.get("/admin/curation?service=kk")
	ed.post("/admin/curation", "service", "kk", "story", y.ID, "op", "lead")
	ed.want(http.StatusSeeOther, "lead y")
	if ix, iy := order(); ix < 0 || iy < 0 || iy > ix {
		t.Errorf("after making y lead: x=%d y=%d", ix, iy)
	}
	if after := curated(); after[0] != y.ID || after[1] != x.ID {
		t.Errorf("after lead: %v", after)
	}
	ed.get("/admin/curation?service=kk")
	ed.post("/admin/curation", "service", "kk", "story", y.ID, "op", "unpin")
	ed.want(http.StatusSeeOther, "unpin")
	if after := curated(); len(after) != len(ids)-1 || after[0] != x.ID {
		t.Errorf("after unpin %v", after)
	}
	// A draft cannot be pinned; nor can another service's editors curate.
	draft := d.env.NewStory(t, "kk", "curated-draft", "Draft", "x")
	ed.get("/admin/curation?service=kk")
	ed.post("/admin/curation", "service", "kk", "story", draft.ID, "op", "pin")
	ed.want(http.StatusBadRequest, "pin a draft")
	ed.post("/admin/curation", "service", "ru", "story", x.ID, "op", "pin")
	ed.want(http.StatusForbidden, "curate ru")
}

// TestTranslation: "translate into" makes a linked draft in another
// service; once both are published, each story page names the other in
// hreflang.
func TestTranslation(t *testing.T) {
	d := newDemo(t)
	ed := d.person("admin@example.org", news.Grant{Role: news.RoleAdmin})
	id := create(t, ed, d.section("kk").ID, "Су тасқыны")
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/"+id+"/translate", "service", "ru")
	ed.want(http.StatusSeeOther, "translate")
	sm := storyPathRe.FindStringSubmatch(ed.location())
	if sm == nil {
		t.Fatalf("translation at %q", ed.location())
	}
	ru := sm[1]
	if a, b := d.story(id), d.story(ru); a.Group == "" || a.Group != b.Group || b.Service != "ru" || b.Status != news.StatusDraft {
		t.Fatalf("not linked: %+v %+v", a, b)
	}
	base := open(t, ed, ru)
	ed.post("/admin/stories/"+ru, "base_revision", base, "headline", "Наводнение", "body", bodyJSON(t, "Текст."))
	ed.want(http.StatusSeeOther, "save translation")
	for _, sid := range []string{id, ru} {
		ed.get("/admin/stories/" + sid)
		ed.post("/admin/stories/"+sid+"/publish", "revision", d.story(sid).HeadRev)
		ed.want(http.StatusSeeOther, "publish "+sid)
	}
	_, page := d.reader(d.readerPath(id))
	if !strings.Contains(page, `hreflang="ru"`) || !strings.Contains(page, ru) {
		t.Errorf("kk page has no hreflang to ru")
	}
	_, page = d.reader(d.readerPath(ru))
	if !strings.Contains(page, `hreflang="kk"`) || !strings.Contains(page, id) {
		t.Errorf("ru page has no hreflang to kk")
	}
	// A second translation into the same service is refused.
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/"+id+"/translate", "service", "ru")
	ed.want(http.StatusBadRequest, "second ru translation")
}

// TestPreviewImages: a draft's new image, which readers cannot fetch yet,
// shows in the editor's preview and through a preview link, never cached.
func TestPreviewImages(t *testing.T) {
	d := newDemo(t)
	ed := d.person("ed@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	asset, err := d.env.Media.Ingest(context.Background(), buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	id := create(t, ed, d.section("kk").ID, "Суретті жоба")
	base := open(t, ed, id)
	ed.post("/admin/stories/"+id, "base_revision", base, "headline", "Суретті жоба", "lead_asset", asset.ID, "lead_alt", "A test pattern",
		"lead_caption", "Pattern", "lead_credit", "Desk")
	ed.want(http.StatusSeeOther, "save with image")
	ed.get("/admin/stories/" + id + "/preview")
	m := regexp.MustCompile(`/admin/stories/` + id + `/media/` + asset.ID + `/[0-9a-f]{16}-[0-9]+\.jpg`).FindString(ed.body)
	if m == "" || strings.Contains(ed.body, `"/media/`+asset.ID) {
		t.Fatalf("preview image URLs:\n%s", ed.body)
	}
	ed.get(m)
	if ed.resp.StatusCode != 200 || ed.resp.Header.Get("Content-Type") != "image/jpeg" || ed.resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("preview image: %d %v", ed.resp.StatusCode, ed.resp.Header)
	}
	public := strings.TrimPrefix(m, "/admin/stories/"+id)
	if resp, _ := d.env.Get(t, public); resp.StatusCode != 404 {
		t.Errorf("draft image public: %d", resp.StatusCode)
	}
	// Another story's preview does not serve it.
	other := d.env.NewStory(t, "kk", "no-image", "No image", "x")
	ed.get(strings.Replace(m, id, other.ID, 1))
	if ed.resp.StatusCode != 404 {
		t.Errorf("image through another story: %d", ed.resp.StatusCode)
	}
	// Through a preview link, until it is revoked.
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/"+id+"/links", "hours", "2")
	link := strings.TrimPrefix(linkRe.FindStringSubmatch(ed.body)[1], d.env.URL)
	_, page := d.env.Get(t, link)
	src := regexp.MustCompile(regexp.QuoteMeta(link) + `/media/` + asset.ID + `/[0-9a-f]{16}-[0-9]+\.jpg`).FindString(page)
	if src == "" {
		t.Fatalf("link page image URLs:\n%s", page)
	}
	if resp, _ := d.env.Get(t, src); resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("link image: %d %v", resp.StatusCode, resp.Header)
	}
	ed.get("/admin/stories/" + id)
	lid := regexp.MustCompile(`/links/([a-z2-7]{12})/revoke`).FindStringSubmatch(ed.body)
	ed.post("/admin/stories/" + id + "/links/" + lid[1] + "/revoke")
	if resp, _ := d.env.Get(t, src); resp.StatusCode != http.StatusGone {
		t.Errorf("image of a revoked link: %d", resp.StatusCode)
	}
}
