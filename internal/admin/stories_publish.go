package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// Publishing: publish now, schedule (an embargo, run from the job queue by
// Store.Schedule), unpublish and corrections. Publishing and unpublishing
// are sensitive: auth.Authorize wants a second factor confirmed in the last
// minutes, and fail sends the person to confirm it.

// missingFigureData lists the figures of c that lack alt text, a caption
// or a credit, which a story needs before it may be published.
func missingFigureData(c news.Content) []string { return missingFigureDataIn("en", c) }

// missingFigureDataIn is missingFigureData in lang.
func missingFigureDataIn(lang string, c news.Content) []string {
	var out []string
	check := func(where string, f news.Figure) {
		var miss []string
		if strings.TrimSpace(f.Alt) == "" {
			miss = append(miss, tr(lang, "no alt text"))
		}
		if strings.TrimSpace(f.Caption.Plain()) == "" {
			miss = append(miss, tr(lang, "no caption"))
		}
		if strings.TrimSpace(f.Credit) == "" {
			miss = append(miss, tr(lang, "no credit"))
		}
		if len(miss) > 0 {
			out = append(out, where+" ("+f.AssetID+"): "+strings.Join(miss, ", "))
		}
	}
	if c.Lead != nil {
		check(tr(lang, "lead image"), *c.Lead)
	}
	n := 0
	for _, b := range c.Body.Blocks {
		if b.Figure != nil {
			n++
			check(tr(lang, "image %d in the text", n), *b.Figure)
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func isNotFound(err error) bool { return errors.Is(err, news.ErrNotFound) }

// publishable loads the story for a publishing action and checks the role,
// the fresh factor and the figures.
func (a *Admin) publishable(r *http.Request, actor *auth.Actor) (*storyCtx, error) {
	return a.publishCheck(r.Context(), actor, r.PathValue("id"), r.PostFormValue("revision"))
}

// publishCheck is publishable's rules, shared with the API (api.go): the
// revision looked at ("" for any) must still be the newest.
func (a *Admin) publishCheck(ctx context.Context, actor *auth.Actor, id, revision string) (*storyCtx, error) {
	sc, err := a.loadStory(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := a.auth.Authorize(actor, news.ActPublish, sc.Story.Service); err != nil {
		return nil, err
	}
	if revision != "" && revision != sc.Story.HeadRev {
		return nil, refuse(http.StatusConflict, "The story changed while you were looking at it: someone saved a newer version. Reload it, check it and publish again.")
	}
	if miss := missingFigureDataIn(ctxLang(ctx), sc.Head.Content); len(miss) > 0 {
		return nil, refuse(http.StatusBadRequest, "Not published: every image needs alt text, a caption and a credit first. Missing: %s.", strings.Join(miss, "; "))
	}
	return sc, nil
}

func (a *Admin) storyPublish(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	sc, err := a.publishable(r, actor)
	if err != nil {
		return err
	}
	if err := a.goLive(r.Context(), actor, sc, time.Time{}, a.clientOf(r)); err != nil {
		return err
	}
	redirect(w, r, "/admin/stories/"+sc.Story.ID+"?done="+url.QueryEscape(say(r, actor, "Published. Readers see it within a second.")))
	return nil
}

func (a *Admin) storySchedule(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	sc, err := a.publishable(r, actor)
	if err != nil {
		return err
	}
	at, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(r.PostFormValue("at")), sc.Service.Location())
	if err != nil {
		return news.Invalidf("give the time as a date and time (YYYY-MM-DDTHH:MM) in %s", sc.Service.TimeZone)
	}
	if err := a.goLive(r.Context(), actor, sc, at, a.clientOf(r)); err != nil {
		return err
	}
	redirect(w, r, "/admin/stories/"+sc.Story.ID+"?done="+url.QueryEscape(say(r, actor, "Scheduled for %s.", at.Format("2006-01-02 15:04 MST"))))
	return nil
}

// goLive publishes a checked story's newest revision (publishCheck) now,
// or with a non-zero at schedules it for then through the job queue
// (Store.Schedule), marks it approved and audits it.
func (a *Admin) goLive(ctx context.Context, actor *auth.Actor, sc *storyCtx, at time.Time, c auth.Client) error {
	if at.IsZero() {
		if err := a.cfg.Stories.Publish(ctx, sc.Story.ID, sc.Story.HeadRev, a.auth.Now()); err != nil {
			return err
		}
	} else {
		if !at.After(a.auth.Now()) {
			return news.Invalidf("the time %s is not in the future; publish now instead", at.Format("2006-01-02 15:04 MST"))
		}
		if err := a.cfg.Stories.Schedule(ctx, sc.Story.ID, sc.Story.HeadRev, at); err != nil {
			return err
		}
	}
	if sc.Story.Status != news.StatusApproved {
		if err := a.cfg.Stories.SetStatus(ctx, sc.Story.ID, news.StatusApproved); err != nil {
			return err
		}
	}
	if at.IsZero() {
		a.auth.Audit(ctx, actor, "story.publish", sc.Story.ID, sc.Story.Service, c, sc.Story.HeadRev)
	} else {
		a.auth.Audit(ctx, actor, "story.schedule", sc.Story.ID, sc.Story.Service, c, at.UTC().Format(time.RFC3339))
	}
	return nil
}

// recallList is what qalam cannot take back once a story went out.
type recallList struct {
	Webhooks    []news.WebhookDelivery
	Telegram    []news.TelegramPost // past the recall window or marked unrecallable
	Newsletters []news.Edition
	Known       []string // which sources were looked at
}

// Empty reports whether nothing went out that stays out.
func (l *recallList) Empty() bool {
	return len(l.Webhooks)+len(l.Telegram)+len(l.Newsletters) == 0
}

func (a *Admin) recall(ctx context.Context, st news.Story, svc news.Service, now time.Time) (*recallList, error) {
	l := &recallList{}
	if a.cfg.Webhooks != nil {
		l.Known = append(l.Known, "webhooks")
		ds, err := a.cfg.Webhooks.DeliveredWebhooks(ctx, st.ID)
		if err != nil {
			return nil, err
		}
		l.Webhooks = ds
	}
	if a.cfg.Telegram != nil {
		l.Known = append(l.Known, "Telegram")
		posts, err := a.cfg.Telegram.TelegramPosts(ctx, news.TelegramFilter{Service: st.Service, StoryID: st.ID, Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, p := range posts {
			if p.State == news.TelegramUnrecallable || p.State == news.TelegramPosted && !p.Recallable(now) {
				l.Telegram = append(l.Telegram, p)
			}
		}
	}
	if a.cfg.Newsletters != nil && !st.PublishAt.IsZero() {
		l.Known = append(l.Known, "newsletters")
		// Editions are by day: look at each day from the story's first
		// publication to today (at most 31) for one that links to it.
		loc := svc.Location()
		day := st.PublishAt.In(loc)
		for i := 0; i < 31 && !day.After(now.In(loc).Add(24*time.Hour)); i++ {
			e, err := a.cfg.Newsletters.EditionOfDay(ctx, st.Service, day.Format("2006-01-02"))
			day = day.AddDate(0, 0, 1)
			if err != nil {
				if isNotFound(err) {
					continue
				}
				return nil, err
			}
			if e.State == news.EditionEmpty {
				continue
			}
			for _, s := range e.Content.Stories {
				if strings.HasSuffix(s.URL, "-"+st.ID) || strings.Contains(s.URL, "-"+st.ID+"?") {
					l.Newsletters = append(l.Newsletters, e)
					break
				}
			}
		}
	}
	return l, nil
}

type unpublishData struct {
	*storyCtx
	Headline string
	Recall   *recallList
	Done     bool
}

func (a *Admin) unpublishPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !sc.Publish {
		return auth.ErrForbidden
	}
	l, err := a.recall(ctx, sc.Story, sc.Service, a.auth.Now())
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "story-unpublish", &page{Title: say(r, actor, "Unpublish: %s", sc.Head.Content.Headline.Plain()), Here: "stories", Actor: actor,
		Data: unpublishData{storyCtx: sc, Headline: sc.Head.Content.Headline.Plain(), Recall: l}})
	return nil
}

func (a *Admin) storyUnpublish(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	l, err := a.unpublishStory(ctx, actor, sc, a.clientOf(r))
	if err != nil {
		return err
	}
	if sc, err = a.loadStory(ctx, actor, sc.Story.ID); err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "story-unpublish", &page{Title: say(r, actor, "Unpublished: %s", sc.Head.Content.Headline.Plain()), Here: "stories", Actor: actor,
		Notice: say(r, actor, "Unpublished. The story is gone from the site, feeds, API and search within a second; its address answers 410 Gone."),
		Data:   unpublishData{storyCtx: sc, Headline: sc.Head.Content.Headline.Plain(), Recall: l, Done: true}})
	return nil
}

// unpublishStory takes a published or scheduled story down, audits it and
// lists what went out that cannot be recalled (shared with the API).
func (a *Admin) unpublishStory(ctx context.Context, actor *auth.Actor, sc *storyCtx, c auth.Client) (*recallList, error) {
	if err := a.auth.Authorize(actor, news.ActPublish, sc.Story.Service); err != nil {
		return nil, err
	}
	if sc.Story.Pub != news.PubPublished && sc.Story.Pub != news.PubScheduled {
		return nil, refuse(http.StatusConflict, "This story is not published or scheduled, so there is nothing to unpublish.")
	}
	now := a.auth.Now()
	if err := a.cfg.Stories.Unpublish(ctx, sc.Story.ID, now); err != nil {
		return nil, err
	}
	a.auth.Audit(ctx, actor, "story.unpublish", sc.Story.ID, sc.Story.Service, c, "")
	return a.recall(ctx, sc.Story, sc.Service, now)
}

func (a *Admin) storyCorrect(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := a.auth.Authorize(actor, news.ActCorrect, sc.Story.Service); err != nil {
		return err
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	if text == "" {
		return news.Invalidf("write the correction readers will see")
	}
	if !sc.Story.PublicAt(a.auth.Now()) {
		return refuse(http.StatusConflict, "Only a published story takes a correction; fix a draft by editing it.")
	}
	if _, err := a.cfg.Stories.AddCorrection(ctx, sc.Story.ID, news.Text(text), a.auth.Now()); err != nil {
		return err
	}
	a.auth.Audit(ctx, actor, "story.correct", sc.Story.ID, sc.Story.Service, a.clientOf(r), text)
	redirect(w, r, "/admin/stories/"+sc.Story.ID+"?done="+url.QueryEscape(say(r, actor, "Correction added; readers see it with its time.")))
	return nil
}
