package newsletter

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"qalam/internal/i18n"
	"qalam/internal/jobs"
	"qalam/internal/news"
)

// JobStore is what the jobs need: services, the day's stories, mirrors,
// the queue and the newsletter tables.
type JobStore interface {
	Services(ctx context.Context) ([]news.Service, error)
	Service(ctx context.Context, code string) (news.Service, error)
	ListPublished(ctx context.Context, q news.ListQuery, at time.Time) (news.Page, error)
	Mirrors(ctx context.Context) ([]news.Mirror, error)
	Enqueue(ctx context.Context, j news.Job) (news.Job, error)
	Jobs(ctx context.Context, f news.JobFilter) ([]news.Job, error)
	news.NewsletterStore
}

// Jobs sends the mails. Store, Mailer and Primary are required.
type Jobs struct {
	Store   JobStore
	Mailer  Mailer
	Primary string // the site's main origin: every link in a mail
	// Fingerprint of the newsroom's signing key, printed in every
	// edition's footer so readers can check signed copies; "" leaves it out.
	Fingerprint string
	// At is the local time of day, in each service's zone, when its
	// edition is prepared (the scheduler's rule).
	At         time.Duration
	Batch      int           // subscribers per send job; default 50
	MaxStories int           // in one edition; default 30
	Tick       time.Duration // the scheduler's period; default a minute
	Now        func() time.Time
	Log        *slog.Logger

	lastPrune time.Time // when the scheduler last queued the prune job
}

func (j *Jobs) now() time.Time {
	if j.Now != nil {
		return news.Time(j.Now())
	}
	return news.Time(time.Now())
}

func (j *Jobs) log() *slog.Logger {
	if j.Log != nil {
		return j.Log
	}
	return slog.Default()
}

// Handlers returns the handler of every newsletter job kind.
func (j *Jobs) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		news.JobNewsletterConfirm: j.confirm,
		news.JobNewsletterEdition: j.edition,
		news.JobNewsletterSend:    j.send,
		news.JobNewsletterPrune:   j.prune,
	}
}

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// confirm mails a pending subscriber a fresh confirmation link. Each
// attempt makes a new token (only its hash is stored), so a link from a
// mail that failed half-way never confirms anything.
func (j *Jobs) confirm(ctx context.Context, job news.Job) error {
	var p news.NewsletterConfirmPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil || p.Subscriber == "" {
		return fmt.Errorf("newsletter.confirm: bad payload")
	}
	token := newToken()
	s, err := j.Store.SetConfirmToken(ctx, p.Subscriber, news.TokenHash(token), j.now())
	if errors.Is(err, news.ErrNotFound) {
		return nil // confirmed meanwhile, or pruned: nothing to mail
	}
	if err != nil {
		return err
	}
	svc, err := j.Store.Service(ctx, s.Service)
	if err != nil {
		return err
	}
	m, err := ConfirmMessage(svc, j.Primary, s.Email, token)
	if err != nil {
		return err
	}
	sess, err := j.Mailer.Open(ctx)
	if err != nil {
		return err
	}
	defer sess.Close()
	if err := sess.Send(m); err != nil {
		if errors.Is(err, ErrRefused) {
			j.log().Warn("newsletter: confirmation refused by the mail server", "subscriber", s.ID, "err", err)
			return nil
		}
		return err
	}
	return nil
}

// dayWindow returns what the edition of day (YYYY-MM-DD) covers in loc:
// the 24 hours before that day's sending time at, so that no story falls
// between two editions.
func dayWindow(day string, at time.Duration, loc *time.Location) (time.Time, time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, day, loc)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	h, m := int(at/time.Hour), int(at%time.Hour/time.Minute)
	end := time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
	start := time.Date(d.Year(), d.Month(), d.Day()-1, h, m, 0, 0, loc)
	return start, end, nil
}

// edition prepares a service's edition of a day from the stories first
// published since the previous day's edition (see Content), then leaves the sending to send jobs
// queued in the same transaction.
func (j *Jobs) edition(ctx context.Context, job news.Job) error {
	var p news.NewsletterEditionPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil || p.Service == "" {
		return fmt.Errorf("newsletter.edition: bad payload")
	}
	if _, err := j.Store.EditionOfDay(ctx, p.Service, p.Day); err == nil {
		return nil // prepared already: a retry or a second scheduler
	} else if !errors.Is(err, news.ErrNotFound) {
		return err
	}
	svc, err := j.Store.Service(ctx, p.Service)
	if err != nil {
		return err
	}
	content, err := j.Content(ctx, svc, p.Day)
	if err != nil {
		return err
	}
	batch := j.Batch
	if batch <= 0 {
		batch = 50
	}
	e, created, err := j.Store.PrepareEdition(ctx, news.Edition{Service: svc.Code, Day: p.Day, Content: content}, batch, j.now())
	if err != nil {
		return err
	}
	if created {
		j.log().Info("newsletter edition prepared", "service", svc.Code, "day", p.Day, "edition", e.ID,
			"stories", len(content.Stories), "recipients", e.Recipients)
	}
	return nil
}

// Content builds what a service's edition of day says: the stories first
// published in the 24 hours before that day's sending time At in the
// service's zone (as public now), oldest first, the listed active mirrors
// and the key fingerprint.
func (j *Jobs) Content(ctx context.Context, svc news.Service, day string) (news.EditionContent, error) {
	loc := svc.Location()
	start, end, err := dayWindow(day, j.At, loc)
	if err != nil {
		return news.EditionContent{}, news.Invalidf("edition day %q: %v", day, err)
	}
	maxStories := j.MaxStories
	if maxStories <= 0 {
		maxStories = 30
	}
	cat := i18n.For(svc.Lang)
	c := news.EditionContent{
		DayLabel:    cat.Date(end, loc),
		Fingerprint: j.Fingerprint,
	}
	c.Subject = cat.T("newsletter.edition.subject", svc.Name, c.DayLabel)
	at := j.now()
	var stories []news.EditionStory
	cursor := ""
	for {
		page, err := j.Store.ListPublished(ctx, news.ListQuery{Service: svc.Code, Limit: 100, Cursor: cursor}, at)
		if err != nil {
			return news.EditionContent{}, err
		}
		done := page.Next == ""
		for _, s := range page.Items {
			if s.PublishAt.Before(start) {
				done = true
				break
			}
			if !s.PublishAt.Before(end) {
				continue
			}
			stories = append(stories, news.EditionStory{
				Headline: s.Headline.Plain(),
				Deck:     s.Deck.Plain(),
				URL:      j.storyURL(svc, s),
			})
		}
		if done {
			break
		}
		cursor = page.Next
	}
	// Newest first from the list; the digest reads through the day, and
	// keeps the latest stories when there are too many.
	if len(stories) > maxStories {
		stories = stories[:maxStories]
	}
	for i, k := 0, len(stories)-1; i < k; i, k = i+1, k-1 {
		stories[i], stories[k] = stories[k], stories[i]
	}
	c.Stories = stories
	mirrors, err := j.Store.Mirrors(ctx)
	if err != nil {
		return news.EditionContent{}, err
	}
	for _, m := range mirrors {
		if m.Listed && m.Active {
			c.Mirrors = append(c.Mirrors, news.EditionMirror{URL: m.Origin + "/", Kind: m.Kind})
		}
	}
	return c, nil
}

// storyURL is a story's canonical URL on the primary origin, as the site
// writes it (/{service}/{section}/{slug}-{id}).
func (j *Jobs) storyURL(svc news.Service, s news.Summary) string {
	u := url.URL{Path: "/" + svc.Code + "/" + s.Section.Slug + "/" + s.Slug + "-" + s.ID}
	return strings.TrimSuffix(j.Primary, "/") + u.EscapedPath()
}

// send sends one batch of an edition. Each delivery is claimed (pending →
// sending) before its mail goes out and recorded as sent the moment the
// server has taken it, so no reader gets an edition twice: see
// DeliveryState for what a crash in between leaves.
func (j *Jobs) send(ctx context.Context, job news.Job) error {
	var p news.NewsletterSendPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil || p.Edition == "" {
		return fmt.Errorf("newsletter.send: bad payload")
	}
	e, err := j.Store.Edition(ctx, p.Edition)
	if err != nil {
		return err
	}
	svc, err := j.Store.Service(ctx, e.Service)
	if err != nil {
		return err
	}
	var sess Session
	defer func() {
		if sess != nil {
			sess.Close()
		}
	}()
	var deferred error
	sent, left := 0, 0
	for i, id := range p.Subscribers {
		if ctx.Err() != nil {
			deferred = ctx.Err()
			left = len(p.Subscribers) - i
			break
		}
		// Connect before claiming, so a server that is down leaves every
		// delivery pending.
		if sess == nil {
			if sess, err = j.Mailer.Open(ctx); err != nil {
				return fmt.Errorf("edition %s batch: %w", e.ID, err)
			}
		}
		r, ok, err := j.Store.ClaimDelivery(ctx, e.ID, id, j.now())
		if errors.Is(err, news.ErrNotFound) {
			continue // the subscriber was pruned
		}
		if err != nil {
			return err
		}
		if !ok {
			continue // sent, skipped or taken by another worker
		}
		m, err := EditionMessage(svc, j.Primary, e, r)
		if err == nil {
			err = sess.Send(m)
		}
		// Record the outcome even if the lease just ran out: the claim is
		// ours and the truth must be kept.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		var ferr error
		switch {
		case err == nil:
			ferr = j.Store.FinishDelivery(rctx, e.ID, id, news.DeliverySent, j.now())
			sent++
		case errors.Is(err, ErrRefused):
			ferr = j.Store.FinishDelivery(rctx, e.ID, id, news.DeliveryFailed, j.now())
			j.log().Warn("newsletter: recipient refused", "edition", e.ID, "subscriber", id, "err", err)
		case errors.Is(err, ErrUncertain):
			ferr = j.Store.FinishDelivery(rctx, e.ID, id, news.DeliveryUncertain, j.now())
			j.log().Warn("newsletter: delivery uncertain, not retried", "edition", e.ID, "subscriber", id, "err", err)
		default:
			ferr = j.Store.FinishDelivery(rctx, e.ID, id, news.DeliveryPending, j.now())
			deferred = err
			left = len(p.Subscribers) - i
		}
		cancel()
		if ferr != nil {
			return fmt.Errorf("recording a delivery of edition %s: %w", e.ID, ferr)
		}
		if deferred != nil {
			break // the connection is likely gone: retry the rest later
		}
		if errors.Is(err, ErrUncertain) {
			sess.Close() // the connection broke: the next one gets a new one
			sess = nil
		}
	}
	if _, err := j.Store.SettleEdition(context.WithoutCancel(ctx), e.ID); err != nil {
		return err
	}
	if deferred != nil {
		return fmt.Errorf("edition %s: %d sent, %d left for a retry: %w", e.ID, sent, left, deferred)
	}
	return nil
}

// prune deletes subscriptions left unconfirmed for PendingTTL.
func (j *Jobs) prune(ctx context.Context, _ news.Job) error {
	n, err := j.Store.PrunePending(ctx, j.now().Add(-news.PendingTTL))
	if err == nil && n > 0 {
		j.log().Info("newsletter: unconfirmed subscriptions deleted", "count", n)
	}
	return err
}

// PruneKey is the Key of the prune job: one live at a time.
const PruneKey = news.JobNewsletterPrune

// Schedule enqueues each service's edition at its local time, and the
// prune job every hour, until ctx ends. Every serve process may run it:
// job keys and the one edition per service and day keep the work single.
func (j *Jobs) Schedule(ctx context.Context) {
	tick := j.Tick
	if tick <= 0 {
		tick = time.Minute
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		if err := j.ScheduleOnce(ctx); err != nil && ctx.Err() == nil {
			j.log().Warn("newsletter scheduler", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ScheduleOnce is one pass of the scheduler: for every service whose local
// time of day has passed At, today's edition job is queued unless a job
// with its key exists in any state; the prune job is queued once an hour
// (not while one is live). One goroutine at a time may call it.
func (j *Jobs) ScheduleOnce(ctx context.Context) error {
	now := j.now()
	services, err := j.Store.Services(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, svc := range services {
		local := now.In(svc.Location())
		midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, local.Location())
		if local.Sub(midnight) < j.At {
			continue
		}
		day := local.Format(time.DateOnly)
		if err := j.ensure(ctx, news.NewsletterEditionJob(svc.Code, day, now)); err != nil {
			errs = append(errs, err)
		}
	}
	if j.lastPrune.IsZero() || now.Sub(j.lastPrune) >= time.Hour || now.Before(j.lastPrune) {
		_, err := j.Store.Enqueue(ctx, news.Job{Kind: news.JobNewsletterPrune, Key: PruneKey, RunAt: now})
		if err == nil || errors.Is(err, news.ErrConflict) {
			j.lastPrune = now
		} else {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ensure enqueues job unless a job with its key exists in any state.
func (j *Jobs) ensure(ctx context.Context, job news.Job) error {
	existing, err := j.Store.Jobs(ctx, news.JobFilter{Key: job.Key, Limit: 1})
	if err != nil || len(existing) > 0 {
		return err
	}
	_, err = j.Store.Enqueue(ctx, job)
	if errors.Is(err, news.ErrConflict) {
		return nil // another process was first
	}
	return err
}
