package live

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qalam/internal/i18n"
	"qalam/internal/news"
	"qalam/internal/render"
	"qalam/internal/scriptview"
	"qalam/internal/translit"
)

// A live blog's entries reach open story pages over
// /live/{view}/story/{id}/events: on connect every entry after the one the
// page (or the browser's Last-Event-ID on a reconnect) names, then each new
// one, with its number as the event id. .../entries.json?after=N answers
// the same for pages that poll. Only public stories' entries are served.

// Entry is one live-blog entry as pages insert it: the HTML is made by
// internal/render from the stored, sanitized document.
type Entry struct {
	Seq   int64         `json:"seq"`
	ISO   string        `json:"iso"`
	Time  string        `json:"time"` // in the service's language and time zone
	Title template.HTML `json:"title,omitempty"`
	Body  template.HTML `json:"body"`
}

// storyView finds the public live blog a path names.
type storyView struct {
	store news.LiveBlogStore
	svc   news.Service
	latin bool
	cat   *i18n.Catalog
	id    string
}

func (h *Hub) storyView(r *http.Request, view, id string) (storyView, error) {
	lb, ok := h.cfg.Store.(news.LiveBlogStore)
	if !ok || !news.ValidID(id) {
		return storyView{}, news.ErrNotFound
	}
	svc, latin, err := h.view(r.Context(), view)
	if err != nil {
		return storyView{}, err
	}
	p, err := h.cfg.Store.PublishedStory(r.Context(), id, news.Time(h.cfg.Now()))
	if err != nil {
		return storyView{}, err
	}
	if p.Story.Service != svc.Code {
		return storyView{}, news.ErrNotFound
	}
	if _, err := lb.LiveBlog(r.Context(), id); err != nil {
		return storyView{}, err
	}
	cat := i18n.For(svc.Lang)
	if latin {
		cat = scriptview.Catalog
	}
	return storyView{store: lb, svc: svc, latin: latin, cat: cat, id: id}, nil
}

// entries reads the entries after seq, ready to send.
func (h *Hub) entries(r *http.Request, v storyView, after int64) ([]Entry, error) {
	es, err := v.store.LiveEntries(r.Context(), v.id, after, news.Time(h.cfg.Now()), 500)
	if err != nil {
		return nil, err
	}
	loc := v.svc.Location()
	out := make([]Entry, 0, len(es))
	for _, e := range es {
		if v.latin {
			e.Title, e.Body = translit.LatinInline(e.Title), translit.LatinDoc(e.Body)
		}
		out = append(out, Entry{Seq: e.Seq, ISO: e.Posted.In(loc).Format(time.RFC3339), Time: v.cat.DateTime(e.Posted, loc),
			Title: render.Inline(e.Title), Body: render.Body(e.Body, render.Options{})})
	}
	return out, nil
}

func (h *Hub) serveStory(w http.ResponseWriter, r *http.Request, view, rest string) {
	id, file, ok := strings.Cut(rest, "/")
	if !ok || (file != "events" && file != "entries.json") || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	v, err := h.storyView(r, view, id)
	if errors.Is(err, news.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.cfg.Log.Error("live blog", "story", id, "err", err)
		http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
		return
	}
	// Resume after the entry the browser last saw (its Last-Event-ID on a
	// reconnect) or the page was rendered with (?after=).
	after, _ := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if after == 0 {
		after, _ = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	}
	if after < 0 {
		after = 0
	}
	if file == "entries.json" {
		es, err := h.entries(r, v, after)
		if err != nil {
			http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=5")
		json.NewEncoder(w).Encode(struct {
			Entries []Entry `json:"entries"`
		}{es})
		return
	}
	rc, done, ok := h.admit(w)
	if !ok {
		return
	}
	defer done()
	wake, leave := h.join(view + "/story/" + id)
	defer leave()
	sendNew := func() bool {
		// A story taken down ends its streams: nothing more goes out.
		if _, err := h.cfg.Store.PublishedStory(r.Context(), id, news.Time(h.cfg.Now())); err != nil {
			return false
		}
		es, err := h.entries(r, v, after)
		if err != nil {
			return false
		}
		for _, e := range es {
			data, err := json.Marshal(e)
			if err != nil {
				return false
			}
			if _, err := fmt.Fprintf(w, "id: %d\nevent: entry\ndata: %s\n\n", e.Seq, data); err != nil {
				return false
			}
			after = e.Seq
		}
		return rc.Flush() == nil
	}
	if !sendNew() {
		return
	}
	h.loop(w, r, rc, wake, sendNew)
}
