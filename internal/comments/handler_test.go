package comments_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"qalam/internal/comments"
	"qalam/internal/news"
	"qalam/internal/pagecache"
)

// The comments endpoint renders once per thread version: hits cost no
// render, a new or approved comment one more, and a comment waiting for
// review none. The Kazakh Latin story page links to the same comments,
// shown as written.
func TestServedFromCache(t *testing.T) {
	e := env(t)
	ctx := context.Background()
	h, err := comments.New(comments.Config{Store: e.Store, Cache: pagecache.New(1 << 20), Now: e.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	s, storyPath := story(t, e, "kk")
	cpath := comments.Path("kk", s.ID)
	setComments(t, e, "kk", true, news.PreModeration, 0)
	get := func(path string) (int, string) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w.Code, w.Body.String()
	}
	for range 3 {
		if code, _ := get(cpath + ".json"); code != 200 {
			t.Fatal(code)
		}
	}
	if n := h.Renders(); n != 1 {
		t.Fatalf("%d renders for three GETs", n)
	}
	c, err := e.Store.AddComment(ctx, news.NewComment{Story: s.ID, Name: "Айгүл", Body: "Қазақша пікір"}, e.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	get(cpath + ".json")
	if n := h.Renders(); n != 1 {
		t.Errorf("a pending comment caused a render (%d)", n)
	}
	if _, err := e.Store.SetCommentState(ctx, c.ID, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	_, body := get(cpath + ".json")
	get(cpath + ".json")
	if n := h.Renders(); n != 2 || !strings.Contains(body, "Қазақша пікір") {
		t.Errorf("after approval: %d renders, %s", h.Renders(), body)
	}
	// The Latin view's story page links to the comments, which stay in
	// the reader's own script.
	latin := strings.Replace(storyPath, "/kk/", "/kk-latn/", 1)
	resp, page := e.Get(t, latin)
	if resp.StatusCode == http.StatusMovedPermanently {
		resp, page = e.Get(t, resp.Header.Get("Location"))
	}
	if resp.StatusCode != 200 || !strings.Contains(page, `href="`+cpath+`"`) {
		t.Fatalf("Latin story page %d lacks %s", resp.StatusCode, cpath)
	}
	if _, body := get(cpath); !strings.Contains(body, "Қазақша пікір") || !strings.Contains(body, "Айгүл") {
		t.Errorf("comments page does not show the comment as written:\n%s", body)
	}
}
