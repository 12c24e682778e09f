package admin

import (
	"errors"
	"net/http"
	"strings"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// A story's live blog (news.LiveBlogStore): editors make a story a live
// blog (opening or closing it is publishing: a fresh second factor), then
// post short timestamped entries that readers see arrive on the story page
// (internal/live). Entries are plain text paragraphs with an optional
// title; posting one needs ActLive (editors), not a fresh factor each time.

type liveData struct {
	Story    *storyCtx
	Headline string
	Blog     *news.LiveBlog
	Entries  []liveRow // newest first
	Public   string    // the story's reader path when it is public
}

type liveRow struct {
	news.LiveEntry
	Text  string
	Title string
	By    string
}

func (a *Admin) liveStore() news.LiveBlogStore {
	lb, _ := a.cfg.Stories.(news.LiveBlogStore)
	return lb
}

func (a *Admin) liveRoutes() {
	if a.cfg.Stories == nil || a.cfg.Workflow == nil || a.liveStore() == nil {
		return
	}
	h := func(pattern string, fn handlerFunc) { a.handle(pattern, signedIn, a.storyFail(fn)) }
	h("GET /admin/stories/{id}/live", a.livePage)
	h("POST /admin/stories/{id}/live", a.liveSwitch)
	h("POST /admin/stories/{id}/live/entries", a.livePost)
	h("POST /admin/stories/{id}/live/entries/{entry}/delete", a.liveDelete)
}

func (a *Admin) livePage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	sc, err := a.loadStory(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !actor.Allowed(news.ActLive, sc.Story.Service) {
		return auth.ErrForbidden
	}
	d := liveData{Story: sc, Headline: sc.Head.Content.Headline.Plain()}
	lb := a.liveStore()
	b, err := lb.LiveBlog(r.Context(), sc.Story.ID)
	switch {
	case err == nil:
		d.Blog = &b
		es, err := lb.LiveEntries(r.Context(), sc.Story.ID, 0, a.auth.Now().AddDate(10, 0, 0), 500)
		if err != nil {
			return err
		}
		for i := len(es) - 1; i >= 0; i-- {
			e := es[i]
			d.Entries = append(d.Entries, liveRow{LiveEntry: e, Text: e.Body.PlainText(), Title: e.Title.Plain(), By: a.staffName(r.Context(), e.By)})
		}
	case !errors.Is(err, news.ErrNotFound):
		return err
	}
	var notice string
	switch r.URL.Query().Get("done") {
	case "open":
		notice = say(r, actor, "The live blog is open.")
	case "close":
		notice = say(r, actor, "The live blog is closed.")
	case "posted":
		notice = say(r, actor, "Entry posted.")
	case "removed":
		notice = say(r, actor, "Entry removed.")
	}
	a.render(w, r, http.StatusOK, "story-live", &page{Title: say(r, actor, "Live blog"), Here: "stories", Actor: actor, Notice: notice, Data: d})
	return nil
}

// liveSwitch opens or closes the live blog: publishing, so a fresh factor.
func (a *Admin) liveSwitch(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	sc, err := a.loadStory(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := a.auth.Authorize(actor, news.ActPublish, sc.Story.Service); err != nil {
		return err
	}
	open := r.PostFormValue("op") == "open"
	if err := a.liveStore().SetLiveBlog(r.Context(), sc.Story.ID, open, a.auth.Now()); err != nil {
		return err
	}
	action := "live.close"
	if open {
		action = "live.open"
	}
	a.auth.Audit(r.Context(), actor, action, sc.Story.ID, sc.Story.Service, a.clientOf(r), "")
	redirect(w, r, "/admin/stories/"+sc.Story.ID+"/live?done="+strings.TrimPrefix(action, "live."))
	return nil
}

// maxEntryBytes bounds one entry's text.
const maxEntryBytes = 8 << 10

func (a *Admin) livePost(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	sc, err := a.loadStory(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := a.auth.Authorize(actor, news.ActLive, sc.Story.Service); err != nil {
		return err
	}
	title := strings.TrimSpace(r.PostFormValue("title"))
	text := strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")
	if len(text) > maxEntryBytes || len(title) > 200 {
		return news.Invalidf("an entry may have a 200-character title and %d bytes of text", maxEntryBytes)
	}
	e := news.LiveEntry{StoryID: sc.Story.ID, Title: news.Text(title), Posted: a.auth.Now(), By: actor.ID}
	if title == "" {
		e.Title = nil
	}
	// Paragraphs are separated by blank lines; a single line break stays
	// inside its paragraph as a space.
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.Join(strings.Fields(para), " ")
		if para != "" {
			e.Body.Blocks = append(e.Body.Blocks, news.Block{Type: news.BlockParagraph, Text: news.Text(para)})
		}
	}
	if len(e.Body.Blocks) > 0 {
		e.Body.Version = news.DocVersion
	}
	if err := a.liveStore().PostLiveEntry(r.Context(), &e); err != nil {
		if errors.Is(err, news.ErrConflict) {
			return news.Invalidf("the live blog is closed: open it again to post")
		}
		return err
	}
	a.auth.Audit(r.Context(), actor, "live.entry", sc.Story.ID, sc.Story.Service, a.clientOf(r), e.ID)
	redirect(w, r, "/admin/stories/"+sc.Story.ID+"/live?done=posted")
	return nil
}

func (a *Admin) liveDelete(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	sc, err := a.loadStory(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := a.auth.Authorize(actor, news.ActLive, sc.Story.Service); err != nil {
		return err
	}
	// Only an entry of this story.
	es, err := a.liveStore().LiveEntries(r.Context(), sc.Story.ID, 0, a.auth.Now().AddDate(10, 0, 0), 500)
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.ID == r.PathValue("entry") {
			if err := a.liveStore().DeleteLiveEntry(r.Context(), e.ID); err != nil {
				return err
			}
			a.auth.Audit(r.Context(), actor, "live.entry.remove", sc.Story.ID, sc.Story.Service, a.clientOf(r), e.ID)
			redirect(w, r, "/admin/stories/"+sc.Story.ID+"/live?done=removed")
			return nil
		}
	}
	return news.ErrNotFound
}
