package admin_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"qalam/internal/demo"
	"qalam/internal/news"
)

// An editor makes a published story a live blog and posts entries that
// readers see on the story page; a reporter cannot, whatever they post;
// closing stops entries; every step is audit-logged.
func TestLiveBlogDesk(t *testing.T) {
	d := newDemo(t)
	editor := d.person("live-editor@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	reporter := d.person("live-reporter@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	id := demo.LeadStoryKK
	base := "/admin/stories/" + id + "/live"

	editor.get(base)
	editor.want(200, "live blog page")
	if !strings.Contains(editor.body, "Make it a live blog") {
		t.Fatalf("live page:\n%s", editor.body)
	}
	editor.post(base, "op", "open")
	editor.wantRedirect(base+"?done=open", "open the live blog")
	editor.get(base)
	editor.post(base+"/entries", "title", "Сот залынан", "text", "Сот отырысы басталды.\n\nКуәгерлер <шақырылды>.")
	editor.wantRedirect(base+"?done=posted", "post an entry")
	editor.get(base)
	editor.post(base+"/entries", "title", "", "text", "   ")
	editor.want(http.StatusBadRequest, "an empty entry")

	status, body := d.reader(d.readerPath(id))
	if status != 200 || !strings.Contains(body, "Сот залынан") || !strings.Contains(body, "<p>Куәгерлер &lt;шақырылды&gt;.</p>") {
		t.Fatalf("the reader page lacks the entry (%d)", status)
	}
	if strings.Contains(body, "live-editor@example.org") || strings.Contains(body, "Name live-editor") {
		t.Error("the reader page names the staff member who posted")
	}

	// A reporter may not open, post or remove, even by posting the forms.
	reporter.get(base)
	reporter.want(http.StatusForbidden, "reporter on the live page")
	reporter.get("/admin/sessions")
	reporter.post(base+"/entries", "title", "x", "text", "reporter's entry")
	reporter.want(http.StatusForbidden, "reporter posting")
	if _, body := d.reader(d.readerPath(id)); strings.Contains(body, "reporter's entry") {
		t.Error("a reporter's entry reached readers")
	}

	// Remove, then close: no more entries.
	editor.get(base)
	entryID := between(editor.body, "/live/entries/", "/delete")
	editor.post(base + "/entries/" + entryID + "/delete")
	editor.wantRedirect(base+"?done=removed", "remove an entry")
	if _, body := d.reader(d.readerPath(id)); strings.Contains(body, "Сот залынан") {
		t.Error("a removed entry is still on the reader page")
	}
	editor.get(base)
	editor.post(base, "op", "close")
	editor.wantRedirect(base+"?done=close", "close")
	editor.get(base)
	editor.post(base+"/entries", "title", "late", "text", "after closing")
	editor.want(http.StatusBadRequest, "post to a closed live blog")

	// Opening again after 15 minutes asks for the second factor again.
	d.advance(16 * time.Minute)
	editor.get(base)
	editor.post(base, "op", "open")
	if !strings.HasPrefix(editor.location(), "/admin/confirm") {
		t.Errorf("opening with a stale factor: %d %s", editor.resp.StatusCode, editor.location())
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return ""
}
