package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"qalam/internal/editor"
	"qalam/internal/news"
)

// bodyWithFigures is an editor document of a paragraph and the figures.
func bodyWithFigures(t *testing.T, figs ...news.Figure) string {
	t.Helper()
	d := news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("The river rose overnight.")}}}
	for i := range figs {
		d.Blocks = append(d.Blocks, news.Block{Type: news.BlockFigure, Figure: &figs[i]},
			news.Block{Type: news.BlockParagraph, Text: news.Text("More text.")})
	}
	raw, err := editor.ToEditor(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// The caption, credit and alt rule holds for an image in the story's
// body, not only the lead image: publishing is refused, naming the image
// and what it lacks, until its caption and credit are set; a body image
// without alt text cannot even be saved. A complete image elsewhere in the
// body is not named.
func TestBodyFigureMetadataBeforePublishing(t *testing.T) {
	d := newDemo(t)
	ed := d.person("figures-ed@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	ed.get("/admin/media?service=kk")
	upload(t, ed, "kk", "complete.jpg", "image/jpeg", jpegOf(t, photo(800, 500)))
	done := uploaded(t, ed, "first upload")
	ed.get("/admin/media?service=kk")
	upload(t, ed, "kk", "flood.jpg", "image/jpeg", jpegOf(t, photo(900, 600)))
	flood := uploaded(t, ed, "second upload")

	complete := news.Figure{AssetID: done, Alt: "A dam", Caption: news.Text("The dam on Thursday"), Credit: "Photo: the desk"}
	id := create(t, ed, d.section("kk").ID, "Photos in the text")
	path := d.readerPath(id)

	publish := func() {
		t.Helper()
		ed.get("/admin/stories/" + id)
		ed.post("/admin/stories/"+id+"/publish", "revision", d.story(id).HeadRev)
	}
	refused := func(what, want string) {
		t.Helper()
		publish()
		ed.want(http.StatusBadRequest, what)
		if !strings.Contains(ed.body, want) {
			t.Errorf("%s: the message lacks %q:\n%s", what, want, ed.body)
		}
		if strings.Contains(ed.body, "("+done+")") {
			t.Errorf("%s: the message names the complete image %s", what, done)
		}
		if s := d.story(id); s.Pub != news.PubNone {
			t.Fatalf("%s: published anyway (%s)", what, s.Pub)
		}
		if code, _ := d.reader(path); code != http.StatusNotFound {
			t.Errorf("%s: readers get %d", what, code)
		}
	}
	save := func(figs ...news.Figure) {
		t.Helper()
		base := open(t, ed, id)
		if status, msg := autosave(t, ed, id, base, bodyWithFigures(t, figs...)); status != 200 {
			t.Fatalf("autosave: %d %s", status, msg)
		}
	}

	// The second image in the text has alt text only.
	save(complete, news.Figure{AssetID: flood, Alt: "A flooded street"})
	refused("publish without caption and credit", "image 2 in the text ("+flood+"): no caption, no credit")

	// A caption, still no credit.
	save(complete, news.Figure{AssetID: flood, Alt: "A flooded street", Caption: news.Text("Tole Bi street")})
	refused("publish without credit", "image 2 in the text ("+flood+"): no credit")

	// A credit, no caption; the incomplete image is now the first.
	save(news.Figure{AssetID: flood, Alt: "A flooded street", Credit: "Photo: a reader"}, complete)
	refused("publish without caption", "image 1 in the text ("+flood+"): no caption")

	// Without alt text the body is not even saved: the head stays.
	head := d.story(id).HeadRev
	base := open(t, ed, id)
	noAlt := strings.Replace(bodyWithFigures(t, news.Figure{AssetID: flood, Alt: "zzaltqq", Caption: news.Text("Tole Bi street"), Credit: "Photo: a reader"}),
		`"alt":"zzaltqq"`, `"alt":"  "`, 1)
	if !strings.Contains(noAlt, `"alt":"  "`) {
		t.Fatalf("the editor document has no alt attribute to empty: %s", noAlt)
	}
	if status, msg := autosave(t, ed, id, base, noAlt); status == 200 || !strings.Contains(msg, "alt text") {
		t.Errorf("a body image without alt text saved: %d %q", status, msg)
	}
	if d.story(id).HeadRev != head {
		t.Error("the refused save made a revision")
	}
	refused("publish after the refused save", "image 1 in the text ("+flood+"): no caption")

	// Caption, credit and alt: published, and readers see them.
	save(news.Figure{AssetID: flood, Alt: "A flooded street", Caption: news.Text("Tole Bi street on Friday"), Credit: "Photo: a reader"}, complete)
	publish()
	ed.want(http.StatusSeeOther, "publish with every image complete")
	if s := d.story(id); s.Pub != news.PubPublished {
		t.Fatalf("not published: %s", s.Pub)
	}
	code, page := d.reader(path)
	if code != 200 {
		t.Fatalf("story page %d", code)
	}
	for _, want := range []string{"Tole Bi street on Friday", "Photo: a reader", `alt="A flooded street"`, "/media/" + flood + "/"} {
		if !strings.Contains(page, want) {
			t.Errorf("the story page lacks %q", want)
		}
	}
}
