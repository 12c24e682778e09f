// Package telegram posts each service's published stories to its Telegram
// channel through the Bot API, edits the post when the story is corrected
// or republished, and deletes it when the story is unpublished.
//
// It is configured per service by serve's --telegram service=chat pairs
// (e.g. kk=@zhasyl_aula_kk,ru=-1001234567890), the bot token from
// QALAM_TELEGRAM_TOKEN only, and --telegram-api (https://api.telegram.org;
// tests point it at a local server); it is off unless configured. The bot
// must be an administrator of each channel with the right to post, edit
// and delete messages.
//
// It is a reconciler, not a hook in the write path: a recurring job of kind
// JobSync, one per service (unique key "telegram.sync:<service>"), compares
// what is public with what the channel shows and closes the gap. Every
// serve process that has Telegram configured runs Schedule, which every
// Every (15 s) queues the service's job unless one is already queued or
// running (a failed attempt waiting for its retry counts as queued), so
// one job at a time exists per service across all processes. A job cannot
// queue its own successor under its own key while it runs, which is why
// the ticker, not the handler, re-queues; it also revives a job that
// failed for good. The ticker queues a job only when a pass may find work
// (the content version moved, a scheduled story went live, the last pass
// left a backlog) or Idle (10 min) has passed, so a quiet newsroom does
// not fill the jobs table with a row every 15 s.
//
// One pass of a service (Channel.Sync):
//
//   - The first pass ever records a watermark (now). Stories first
//     published at or before it are never posted, so turning Telegram on
//     never floods the channel with the archive. Nor is a story published
//     more than MaxAge (24 h) ago: a channel switched off for a week does
//     not catch up the backlog when switched on again.
//   - Every story public now and first published after both is posted,
//     oldest first, at most PerPass (5) a pass, which keeps a backlog within
//     Telegram's limit of about 20 messages a minute to a channel. Drafts,
//     scheduled stories before their time and unpublished stories are not
//     public (the Store's public reads say so), so they are never posted; a
//     scheduled story is posted on the first pass after it goes live.
//   - A post is claimed in the store (state sending) before the message
//     goes out and recorded with its message id after (posted), so a story
//     is posted at most once, by whichever process, even across crashes.
//     When the Bot API refuses the message (an answer with "ok": false)
//     nothing was posted: the claim is released and a later pass tries
//     again. When the connection breaks after the request went out, the
//     outcome is unknown: the claim stays "sending" and the story is never
//     posted again (a duplicate in a channel cannot be taken back from the
//     readers who saw it); the newsroom sees it in TelegramPosts.
//   - Every post of the last Window (a year) is compared with its story
//     (one query, news.TelegramStore.TelegramStale, then the public read of
//     each story that differs). One whose corrections or UpdatedAt changed
//     is edited (the caption of a photo post, the text of a text post) to
//     show the current headline, deck and corrections. One whose story is
//     no longer public is deleted if it was posted less than 48 hours ago
//     (news.TelegramRecall), the most Telegram allows a bot in a channel,
//     and otherwise recorded as unrecallable: that is what the newsroom is
//     told (TelegramPosts with State news.TelegramUnrecallable, and
//     TelegramPost.Recallable before unpublishing). A deleted story that
//     comes back is posted again (if first published within MaxAge, like
//     any post); an unrecallable one is followed again.
//
// A post is HTML (parse_mode HTML, every text escaped): the headline in
// bold, the deck, each correction under the service's own "Correction,
// <date>" label, and the story's link on the primary origin. With a lead
// image it is a photo (the media library's 1280-pixel variant read through
// its own handler, so only an image a public story uses: the same stripped
// file readers get, no metadata, uploaded as multipart) with that caption,
// at most 1024 characters; without one, or when the caption would not fit,
// a text message (at most 4096 characters) with the link's large preview.
// Edits that would not fit shorten the deck, then the corrections, with
// "…".
//
// A 429 answer fails the job; the process that got it makes no call for
// that service before the API's retry_after has passed, and the runner
// retries with its backoff. The bot token only ever appears in the request
// URL; errors and logs name the method, never the URL, and any text from
// the API that quotes the token has it cut out.
package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"qalam/internal/i18n"
	"qalam/internal/jobs"
	"qalam/internal/media"
	"qalam/internal/news"
)

// JobSync is the kind of the recurring job that brings one service's
// channel in step with its public stories.
const JobSync = "telegram.sync"

// SyncKey is the unique key of service's sync job.
func SyncKey(service string) string { return JobSync + ":" + service }

type syncPayload struct {
	Service string `json:"service"`
}

// Telegram's limits, in UTF-16 code units of the text readers see.
const (
	MaxCaption = 1024
	MaxText    = 4096
)

// Defaults for the Channel's zero fields.
const (
	DefaultEvery  = 15 * time.Second
	DefaultMaxAge = 24 * time.Hour
	DefaultWindow = 365 * 24 * time.Hour
	// DefaultPerPass keeps a backlog within Telegram's limit of about 20
	// messages a minute to one channel: 5 every 15 s.
	DefaultPerPass = 5
	DefaultIdle    = 10 * time.Minute
	photoWidth     = 1280 // Telegram shows photos at most this wide
)

// Store is what the channel reads and writes: the public reads, the posts
// and the job queue.
type Store interface {
	Service(ctx context.Context, code string) (news.Service, error)
	ListPublished(ctx context.Context, q news.ListQuery, at time.Time) (news.Page, error)
	PublishedStory(ctx context.Context, id string, at time.Time) (news.Published, error)
	PublicAsset(ctx context.Context, id string, at time.Time) (news.Asset, error)
	ContentVersion(ctx context.Context) (int64, error)
	Enqueue(ctx context.Context, j news.Job) (news.Job, error)
	news.TelegramStore
}

// Channel posts stories to the services' channels. Store, Bot, Media,
// Chats and Primary are required.
type Channel struct {
	Store   Store
	Bot     *Client
	Media   *media.Library    // where lead images' variants are read
	Chats   map[string]string // service code → chat ("@name" or numeric id)
	Primary string            // origin of story links, e.g. https://news.example.org
	Every   time.Duration     // how often each service is synced; default DefaultEvery
	MaxAge  time.Duration     // older stories are never posted; default DefaultMaxAge
	Window  time.Duration     // older posts are no longer followed; default DefaultWindow
	PerPass int               // new posts per pass at most, oldest first; default DefaultPerPass
	Idle    time.Duration     // a pass at least this often, change or not; default DefaultIdle
	Now     func() time.Time  // default time.Now
	Log     *slog.Logger      // default slog.Default()

	mu    sync.Mutex
	pause map[string]time.Time // service → no calls before (429 retry_after)
	last  map[string]seen      // service → what its job was last queued for
	more  map[string]bool      // service → the last pass here left a backlog
}

func (c *Channel) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Channel) log() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.Default()
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Handlers returns the job handlers to register with a jobs.Runner.
func (c *Channel) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{JobSync: c.handle}
}

func (c *Channel) handle(ctx context.Context, j news.Job) error {
	var p syncPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.Service == "" {
		return errors.New("telegram sync job: payload is not a service")
	}
	if _, ok := c.Chats[p.Service]; !ok {
		return nil // queued by a process configured otherwise; nothing to do here
	}
	return c.Sync(ctx, p.Service)
}

// Schedule queues each configured service's sync job every Every until ctx
// ends.
func (c *Channel) Schedule(ctx context.Context) {
	t := time.NewTicker(orDefault(c.Every, DefaultEvery))
	defer t.Stop()
	for {
		if err := c.Enqueue(ctx); err != nil && ctx.Err() == nil {
			c.log().Warn("telegram scheduler", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Enqueue queues, due now, the sync job of each configured service where
// there may be work (see wanted), unless one is live already.
func (c *Channel) Enqueue(ctx context.Context) error {
	now := c.now()
	version, err := c.Store.ContentVersion(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, svc := range slices.Sorted(mapKeys(c.Chats)) {
		newest, err := c.newest(ctx, svc, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !c.wanted(svc, version, newest, now) {
			continue
		}
		b, _ := json.Marshal(syncPayload{Service: svc})
		_, err = c.Store.Enqueue(ctx, news.Job{Kind: JobSync, Key: SyncKey(svc), Payload: b, RunAt: now})
		if errors.Is(err, news.ErrConflict) {
			// A job is live; it may have read the store before this change,
			// so the next tick asks again.
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.mu.Lock()
		if c.last == nil {
			c.last = map[string]seen{}
		}
		c.last[svc] = seen{version: version, newest: newest, at: now}
		delete(c.more, svc)
		c.mu.Unlock()
	}
	return errors.Join(errs...)
}

// seen is what the ticker last queued a service's job for.
type seen struct {
	version int64     // the content version
	newest  time.Time // the newest public story's PublishAt
	at      time.Time
}

// wanted reports whether a pass may find work: on the first tick; when the
// content version moved (a publication, correction, update or unpublishing
// anywhere); when a story became public without it (a scheduled story's
// time came: the newest PublishAt moved); when the last pass left a
// backlog; and at least every Idle in any case. This keeps the jobs table
// from gaining a row every 15 s per service when nothing happens.
func (c *Channel) wanted(svc string, version int64, newest, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.last[svc]
	return !ok || l.version != version || !l.newest.Equal(newest) || c.more[svc] ||
		now.Sub(l.at) >= orDefault(c.Idle, DefaultIdle) || now.Before(l.at)
}

// newest is the PublishAt of the service's newest public story at now.
func (c *Channel) newest(ctx context.Context, svc string, now time.Time) (time.Time, error) {
	page, err := c.Store.ListPublished(ctx, news.ListQuery{Service: svc, Limit: 1}, now)
	if err != nil || len(page.Items) == 0 {
		return time.Time{}, err
	}
	return page.Items[0].PublishAt, nil
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Sync brings one service's channel in step with its public stories (see
// the package doc). It stops at the first error from the Bot API that is
// not about one message alone (rate limits, a wrong token or chat, the
// network), so a later pass carries on from where it stopped.
func (c *Channel) Sync(ctx context.Context, service string) error {
	chat := c.Chats[service]
	if chat == "" {
		return fmt.Errorf("telegram: no chat for service %q", service)
	}
	now := c.now()
	c.mu.Lock()
	until := c.pause[service]
	c.mu.Unlock()
	if now.Before(until) {
		return fmt.Errorf("telegram: rate limited by the Bot API until %s", until.UTC().Format(time.RFC3339))
	}
	svc, err := c.Store.Service(ctx, service)
	if err != nil {
		return err
	}
	wm, err := c.Store.TelegramWatermark(ctx, service, now)
	if err != nil {
		return err
	}
	err = c.postNew(ctx, svc, chat, wm, now)
	if err == nil {
		err = c.follow(ctx, svc, now)
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.RetryAfter > 0 {
		c.mu.Lock()
		if c.pause == nil {
			c.pause = map[string]time.Time{}
		}
		c.pause[service] = now.Add(ae.RetryAfter)
		c.mu.Unlock()
	}
	return err
}

// postNew posts the service's stories published after the watermark (and
// within MaxAge) that have no post yet, oldest first.
func (c *Channel) postNew(ctx context.Context, svc news.Service, chat string, wm, now time.Time) error {
	since := wm
	if t := now.Add(-orDefault(c.MaxAge, DefaultMaxAge)); t.After(since) {
		since = t
	}
	var fresh []news.Summary
	cursor := ""
	for {
		page, err := c.Store.ListPublished(ctx, news.ListQuery{Service: svc.Code, Limit: 100, Cursor: cursor}, now)
		if err != nil {
			return err
		}
		done := page.Next == ""
		for _, s := range page.Items {
			if !s.PublishAt.After(since) {
				done = true
				break
			}
			fresh = append(fresh, s)
		}
		if done {
			break
		}
		cursor = page.Next
	}
	if len(fresh) == 0 {
		return nil
	}
	// Posts of these stories were claimed after they were published, so
	// after since.
	posts, err := c.Store.TelegramPosts(ctx, news.TelegramFilter{Service: svc.Code, Since: since, Limit: 10000})
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, p := range posts {
		have[p.StoryID] = p.State != news.TelegramDeleted
	}
	left := c.PerPass
	if left <= 0 {
		left = DefaultPerPass
	}
	for i := len(fresh) - 1; i >= 0; i-- {
		if have[fresh[i].ID] {
			continue
		}
		if left == 0 {
			c.mu.Lock()
			if c.more == nil {
				c.more = map[string]bool{}
			}
			c.more[svc.Code] = true // the next tick queues another pass
			c.mu.Unlock()
			break
		}
		if err := c.post(ctx, svc, chat, fresh[i].ID, now); err != nil {
			return err
		}
		left--
	}
	return nil
}

// post sends one story: claimed first, recorded after.
func (c *Channel) post(ctx context.Context, svc news.Service, chat, storyID string, now time.Time) error {
	p, err := c.Store.PublishedStory(ctx, storyID, now)
	if errors.Is(err, news.ErrNotFound) {
		return nil // unpublished since the list was read
	}
	if err != nil {
		return err
	}
	img, err := c.leadImage(ctx, p, now)
	if err != nil {
		return err
	}
	link := c.link(p)
	caption, fits := compose(svc, p, link, MaxCaption, false)
	if err := c.Store.ClaimTelegramPost(ctx, svc.Code, storyID, chat, now); err != nil {
		if errors.Is(err, news.ErrConflict) {
			return nil // another process was first
		}
		return err
	}
	var msg Message
	kind := news.TelegramText
	if img != nil && fits {
		kind = news.TelegramPhoto
		msg, err = c.Bot.SendPhoto(ctx, chat, img, caption)
		var ae *APIError
		if errors.As(err, &ae) && ae.Code == http.StatusBadRequest && !chatProblem(ae) {
			// The photo itself was refused (size, format): the story still
			// goes out, as text.
			c.log().Warn("telegram refused the lead image; posting text", "service", svc.Code, "story", storyID, "err", err)
			kind, err = news.TelegramText, nil
		}
	}
	if err == nil && kind == news.TelegramText {
		text, _ := compose(svc, p, link, MaxText, true)
		msg, err = c.Bot.SendMessage(ctx, chat, text, link)
	}
	if err != nil {
		var ne *NetError
		if errors.As(err, &ne) && ne.MaybeSent {
			c.log().Error("telegram post outcome unknown; it will not be sent again", "service", svc.Code, "story", storyID, "err", err)
			return err
		}
		if rerr := c.Store.ReleaseTelegramPost(ctx, svc.Code, storyID); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	err = c.Store.RecordTelegramPost(ctx, news.TelegramPost{Service: svc.Code, StoryID: storyID, MessageID: msg.MessageID,
		Kind: kind, Posted: now, Corrections: len(p.Corrections), Updated: p.Story.UpdatedAt})
	if err != nil {
		return fmt.Errorf("telegram: message %d posted but not recorded: %w", msg.MessageID, err)
	}
	c.log().Info("telegram post", "service", svc.Code, "story", storyID, "message", msg.MessageID, "kind", string(kind))
	return nil
}

// chatProblem reports whether a 400 answer is about the chat or the bot's
// rights rather than the message: trying another message would not help.
func chatProblem(e *APIError) bool {
	d := strings.ToLower(e.Description)
	return strings.Contains(d, "chat") || strings.Contains(d, "rights") || strings.Contains(d, "bot")
}

// follow keeps the posts of the last Window in step: edits, deletions and
// what cannot be recalled.
func (c *Channel) follow(ctx context.Context, svc news.Service, now time.Time) error {
	posts, err := c.Store.TelegramStale(ctx, svc.Code, now.Add(-orDefault(c.Window, DefaultWindow)), now)
	if err != nil {
		return err
	}
	for _, post := range posts {
		p, err := c.Store.PublishedStory(ctx, post.StoryID, now)
		switch {
		case errors.Is(err, news.ErrNotFound):
			if post.State == news.TelegramPosted {
				if err := c.recall(ctx, post, now); err != nil {
					return err
				}
			}
			continue
		case err != nil:
			return err
		}
		if post.State == news.TelegramUnrecallable {
			// The story is public again and its message never left.
			if err := c.Store.SetTelegramState(ctx, svc.Code, post.StoryID, news.TelegramUnrecallable, news.TelegramPosted, now); err != nil {
				return err
			}
		}
		if len(p.Corrections) == post.Corrections && p.Story.UpdatedAt.Equal(post.Updated) {
			continue
		}
		if err := c.edit(ctx, svc, post, p, now); err != nil {
			return err
		}
	}
	return nil
}

// edit rewrites a post to show the story as it is now.
func (c *Channel) edit(ctx context.Context, svc news.Service, post news.TelegramPost, p news.Published, now time.Time) error {
	link := c.link(p)
	var err error
	if post.Kind == news.TelegramPhoto {
		caption, _ := compose(svc, p, link, MaxCaption, true)
		err = c.Bot.EditMessageCaption(ctx, post.Chat, post.MessageID, caption)
	} else {
		text, _ := compose(svc, p, link, MaxText, true)
		err = c.Bot.EditMessageText(ctx, post.Chat, post.MessageID, text, link)
	}
	var ae *APIError
	switch {
	case err == nil:
	case errors.As(err, &ae) && ae.Code == http.StatusBadRequest && strings.Contains(ae.Description, "not modified"):
		// It already shows this.
	case errors.As(err, &ae) && ae.Code == http.StatusBadRequest && !chatProblem(ae):
		// The message is gone from the channel or can no longer be edited;
		// asking again would not change the answer.
		c.log().Warn("telegram edit refused", "service", svc.Code, "story", post.StoryID, "err", err)
	default:
		return err
	}
	if err := c.Store.RecordTelegramEdit(ctx, svc.Code, post.StoryID, len(p.Corrections), p.Story.UpdatedAt, now); err != nil {
		return err
	}
	c.log().Info("telegram edit", "service", svc.Code, "story", post.StoryID, "message", post.MessageID)
	return nil
}

// recall deletes the message of a story no longer public, or records that
// it cannot be deleted any more.
func (c *Channel) recall(ctx context.Context, post news.TelegramPost, now time.Time) error {
	to := news.TelegramUnrecallable
	if post.Recallable(now) {
		err := c.Bot.DeleteMessage(ctx, post.Chat, post.MessageID)
		var ae *APIError
		switch {
		case err == nil:
			to = news.TelegramDeleted
		case errors.As(err, &ae) && ae.Code == http.StatusBadRequest && strings.Contains(ae.Description, "not found"):
			to = news.TelegramDeleted // someone deleted it by hand
		case errors.As(err, &ae) && ae.Code == http.StatusBadRequest && !chatProblem(ae):
			// "message can't be deleted": Telegram's clock decides.
		default:
			return err
		}
	}
	err := c.Store.SetTelegramState(ctx, post.Service, post.StoryID, news.TelegramPosted, to, now)
	if errors.Is(err, news.ErrConflict) {
		return nil // another process got there first
	}
	if err != nil {
		return err
	}
	if to == news.TelegramUnrecallable {
		c.log().Warn("telegram post of an unpublished story cannot be recalled", "service", post.Service,
			"story", post.StoryID, "message", post.MessageID, "posted", post.Posted)
	} else {
		c.log().Info("telegram post deleted", "service", post.Service, "story", post.StoryID, "message", post.MessageID)
	}
	return nil
}

// link is the story's address on the primary origin, as the site builds it.
func (c *Channel) link(p news.Published) string {
	path := "/" + p.Story.Service + "/" + p.Section.Slug + "/" + p.Story.Slug + "-" + p.Story.ID
	return strings.TrimRight(c.Primary, "/") + (&url.URL{Path: path}).EscapedPath()
}

// leadImage returns the bytes of the lead image's variant as readers get
// it from /media/ (through the media library's own handler, which serves
// only assets a public story uses), or nil when the story has none.
func (c *Channel) leadImage(ctx context.Context, p news.Published, now time.Time) ([]byte, error) {
	lead := p.Rev.Content.Lead
	if lead == nil || c.Media == nil {
		return nil, nil
	}
	a, ok := p.Assets[lead.AssetID]
	if !ok {
		return nil, nil
	}
	v := media.Pick(a, photoWidth)
	if v.URL == "" {
		return nil, nil
	}
	h := c.Media.Handler(func(ctx context.Context, id string) (news.Asset, error) {
		return c.Store.PublicAsset(ctx, id, now)
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("telegram: lead image %s: %w", a.ID, err)
	}
	rec := &memWriter{header: http.Header{}, Code: http.StatusOK}
	h.ServeHTTP(rec, req)
	switch rec.Code {
	case http.StatusOK:
		return rec.Body.Bytes(), nil
	case http.StatusNotFound:
		c.log().Warn("telegram: lead image file missing; posting text", "story", p.Story.ID, "asset", a.ID)
		return nil, nil
	}
	return nil, fmt.Errorf("telegram: reading lead image %s: status %d", a.ID, rec.Code)
}

// memWriter keeps a response in memory.
type memWriter struct {
	header http.Header
	Code   int
	Body   bytes.Buffer
	wrote  bool
}

func (w *memWriter) Header() http.Header { return w.header }

func (w *memWriter) WriteHeader(code int) {
	if !w.wrote {
		w.Code, w.wrote = code, true
	}
}

func (w *memWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.Body.Write(b)
}

// compose writes a post's HTML: headline, deck, corrections and link,
// shortened (deck first, then corrections) to at most limit UTF-16 units of
// visible text. fits reports whether nothing had to be shortened; shorten
// false returns as soon as it is clear it does not.
func compose(svc news.Service, p news.Published, link string, limit int, shorten bool) (string, bool) {
	cat := i18n.For(svc.Lang)
	headline := oneLine(p.Rev.Content.Headline.Plain())
	deck := strings.TrimSpace(p.Rev.Content.Deck.Plain())
	type corr struct{ label, text string }
	var corrs []corr
	for _, k := range p.Corrections {
		corrs = append(corrs, corr{cat.T("corrections.item", cat.Date(k.At, svc.Location())), strings.TrimSpace(k.Text.Plain())})
	}
	render := func(headline, deck string, corrs []corr) (string, int) {
		var h, v strings.Builder // HTML and the visible text
		add := func(open, text, close string) {
			if v.Len() > 0 {
				h.WriteString("\n\n")
				v.WriteString("\n\n")
			}
			h.WriteString(open + html.EscapeString(text) + close)
			v.WriteString(text)
		}
		add("<b>", headline, "</b>")
		if deck != "" {
			add("", deck, "")
		}
		for _, k := range corrs {
			add("<i>", k.label, "</i>")
			h.WriteString("\n" + html.EscapeString(k.text))
			v.WriteString("\n" + k.text)
		}
		add(`<a href="`+html.EscapeString(link)+`">`, link, "</a>")
		return h.String(), utf16Len(v.String())
	}
	out, n := render(headline, deck, corrs)
	if n <= limit {
		return out, true
	}
	if !shorten {
		return "", false
	}
	over := n - limit
	if d := utf16Len(deck); d > 0 {
		deck = cut(deck, max(d-over, 0))
		if out, n = render(headline, deck, corrs); n <= limit {
			return out, false
		}
		over = n - limit
	}
	for i := range corrs {
		t := utf16Len(corrs[i].text)
		corrs[i].text = cut(corrs[i].text, max(t-over, 0))
		if out, n = render(headline, deck, corrs); n <= limit {
			return out, false
		}
		over = n - limit
	}
	headline = cut(headline, max(utf16Len(headline)-over, 1))
	out, _ = render(headline, deck, corrs)
	return out, false
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// cut shortens s to at most n UTF-16 units, ending with "…" (n counts it).
func cut(s string, n int) string {
	if utf16Len(s) <= n {
		return s
	}
	if n <= 1 {
		return ""
	}
	var b strings.Builder
	used := 1 // the ellipsis
	for _, r := range s {
		if used+utf16.RuneLen(r) > n {
			break
		}
		b.WriteRune(r)
		used += utf16.RuneLen(r)
	}
	return strings.TrimSpace(b.String()) + "…"
}
