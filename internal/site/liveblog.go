package site

import (
	"context"
	"errors"
	"html/template"
	"strconv"

	"qalam/internal/news"
	"qalam/internal/render"
	"qalam/internal/translit"
)

// A live blog's story page lists its entries newest first, readable without
// JavaScript; assets/static/live.js adds new ones as they arrive over the
// story's event stream (internal/live), resuming after the newest entry the
// page was rendered with.

// LiveBlogView is what a story page shows of its live blog.
type LiveBlogView struct {
	Open    bool
	Entries []LiveEntryView // newest first
	Stream  string          // "/live/kk/story/{id}/"
	After   int64           // the newest entry's number in the page
}

// LiveEntryView is one entry as a page shows it.
type LiveEntryView struct {
	ID    string
	Seq   int64
	Title template.HTML
	Body  template.HTML
	Time  template.HTML // <time> in the service's zone and language
	ISO   string
	Plain string // the text, for JSON-LD
	Head  string // the title as text, for JSON-LD
}

// liveEntryLimit bounds the entries a page carries; older ones stay in the
// store (and in the JSON-LD's count) but a page of a marathon live blog
// remains a page.
const liveEntryLimit = 500

// liveBlog loads a story's live blog for its page; nil when it is not one.
func (s *Site) liveBlog(ctx context.Context, rq *request, l *Layout, st news.Story) (*LiveBlogView, error) {
	lb, ok := s.store.(news.LiveBlogStore)
	if !ok {
		return nil, nil
	}
	b, err := lb.LiveBlog(ctx, st.ID)
	if errors.Is(err, news.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	entries, err := lb.LiveEntries(ctx, st.ID, 0, rq.at, liveEntryLimit)
	if err != nil {
		return nil, err
	}
	v := &LiveBlogView{Open: b.Open}
	if s.live {
		v.Stream = "/live" + rq.base + "/story/" + st.ID + "/"
	}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if rq.latin {
			e = LatinEntry(e)
		}
		v.Entries = append(v.Entries, LiveEntryView{ID: e.ID, Seq: e.Seq, Title: render.Inline(e.Title),
			Body: render.Body(e.Body, render.Options{}), Time: l.Time(e.Posted), ISO: iso(e.Posted.In(l.loc)),
			Plain: e.Body.PlainText(), Head: e.Title.Plain()})
		if e.Seq > v.After {
			v.After = e.Seq
		}
	}
	return v, nil
}

// LatinEntry is an entry in the Kazakh Latin view.
func LatinEntry(e news.LiveEntry) news.LiveEntry {
	e.Title = translit.LatinInline(e.Title)
	e.Body = translit.LatinDoc(e.Body)
	return e
}

// liveBlogPosting turns a story's NewsArticle JSON-LD into a
// LiveBlogPosting with its updates.
func liveBlogPosting(ld map[string]any, v *LiveBlogView, started string) {
	ld["@type"] = "LiveBlogPosting"
	ld["coverageStartTime"] = started
	updates := make([]map[string]any, 0, len(v.Entries))
	for _, e := range v.Entries {
		u := map[string]any{"@type": "BlogPosting", "datePublished": e.ISO, "articleBody": e.Plain, "url": ld["url"].(string) + "#entry-" + strconv.FormatInt(e.Seq, 10)}
		if e.Head != "" {
			u["headline"] = e.Head
		}
		updates = append(updates, u)
	}
	ld["liveBlogUpdate"] = updates
	if !v.Open && len(v.Entries) > 0 {
		ld["coverageEndTime"] = v.Entries[0].ISO
	}
}
