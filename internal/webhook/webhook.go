// Package webhook tells other systems about story events: a signed HTTP
// POST to every active endpoint (news.WebhookEndpoint) that wants the
// event, when a story is published, updated (a new live revision or a
// correction) or unpublished.
//
// # How an event travels
//
// The story change queues a news.JobWebhookEvent job in its own
// transaction (package sqlite), so an event is never lost to a crash and
// never sent for a change that did not commit. Its handler fans the event
// out: one delivery row and one news.JobWebhookDeliver job per endpoint,
// made once (news.WebhookStore.QueueWebhookDeliveries). A delivery job
// POSTs the payload through package outbound, so an endpoint on a
// loopback, private or link-local address is refused (and recorded as
// failed at once, never contacted) unless the operator allowed its network
// with --outbound-allow. A 2xx answer is delivered; any other answer and
// any network error is retried with the job runner's backoff, up to
// news.WebhookDeliverAttempts attempts, after which the delivery is
// failed. A delivered delivery is never sent again, whatever job runs.
// Delivery is at least once: if qalam dies between the receiver's answer
// and recording it, the delivery is sent again with the same
// X-Qalam-Delivery, which receivers use to drop duplicates. Deliveries of
// one story's events may arrive out of order: order by occurred_at.
//
// # What a receiver gets
//
//	POST <endpoint URL>
//	Content-Type: application/json
//	User-Agent: qalam-webhook
//	X-Qalam-Event: publish | update | unpublish
//	X-Qalam-Delivery: <delivery id, the same on every attempt>
//	X-Qalam-Timestamp: <Unix seconds when this attempt was signed>
//	X-Qalam-Signature: sha256=<hex HMAC-SHA256 of timestamp + "." + body>
//
//	{"id": "<event id>", "event": "publish", "occurred_at": "2026-11-27T09:00:00Z",
//	 "service": "en",
//	 "story": {"id": "...", "url": "https://news.example.org/en/politics/slug-id",
//	           "headline": "...", "deck": "...", "lang": "en", "section": "politics",
//	           "published_at": "...", "updated_at": "...",
//	           "corrections": [{"at": "...", "text": "..."}]}}
//
// The story is read when each attempt is made, from what readers see then
// (plain text, on the site's primary origin). An "unpublish" event, and
// any event of a story no longer public when it is sent, carries the
// story's id only. Nothing about the newsroom's staff is ever sent, nor
// any draft or unpublished text.
//
// # Checking a delivery
//
// The secret is shown once, when the endpoint is made (qalam webhooks
// add) or its secret rotated (qalam webhooks secret). A receiver computes
// HMAC-SHA256 with the secret (its text, as shown, is the key) over the
// X-Qalam-Timestamp value, a ".", and the raw body; compares it with the
// hex after "sha256=" in constant time; and refuses timestamps far from
// its clock (replays). Verify does that in Go:
//
//	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
//	if err := webhook.Verify(secret, r.Header, body, time.Now(), webhook.DefaultTolerance); err != nil {
//		http.Error(w, "bad signature", http.StatusUnauthorized)
//		return
//	}
//
// The secret is stored in the database as it is, not hashed: qalam needs
// it to sign. Anyone who can read the database can sign as qalam.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"qalam/internal/jobs"
	"qalam/internal/news"
	"qalam/internal/outbound"
)

// Header names of a delivery.
const (
	HeaderEvent     = "X-Qalam-Event"
	HeaderDelivery  = "X-Qalam-Delivery"
	HeaderTimestamp = "X-Qalam-Timestamp"
	HeaderSignature = "X-Qalam-Signature"
)

// DefaultTolerance is how far a delivery's timestamp may be from the
// receiver's clock for Verify to accept it.
const DefaultTolerance = 5 * time.Minute

// Sign returns the X-Qalam-Signature value of body signed at timestamp
// (Unix seconds) with secret: "sha256=" and the hex HMAC-SHA256 of
// timestamp + "." + body.
func Sign(secret string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(timestamp, 10)))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Errors of Verify.
var (
	ErrNoSignature  = errors.New("webhook: no X-Qalam-Signature or X-Qalam-Timestamp header")
	ErrBadSignature = errors.New("webhook: signature does not match")
	ErrStale        = errors.New("webhook: timestamp too far from now")
)

// Verify checks a delivery as a receiver gets it: the headers (timestamp
// and signature), the raw body, the receiver's clock and how far from it
// the timestamp may be (DefaultTolerance is a good choice). It returns nil
// only for a body signed with secret within tolerance of now.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	tsText, sig := h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if tsText == "" || sig == "" {
		return ErrNoSignature
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return ErrNoSignature
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(strings.TrimSpace(sig))) {
		return ErrBadSignature
	}
	return nil
}

// Payload is the JSON body of a delivery.
type Payload struct {
	ID         string            `json:"id"` // the event's; every endpoint's delivery of it has the same
	Event      news.WebhookEvent `json:"event"`
	OccurredAt time.Time         `json:"occurred_at"`
	Service    string            `json:"service"`
	Story      Story             `json:"story"`
}

// Story is what a payload says of a story: public facts only, and only
// its id once it is not public.
type Story struct {
	ID          string       `json:"id"`
	URL         string       `json:"url,omitempty"`
	Headline    string       `json:"headline,omitempty"`
	Deck        string       `json:"deck,omitempty"`
	Lang        string       `json:"lang,omitempty"`
	Section     string       `json:"section,omitempty"`
	PublishedAt *time.Time   `json:"published_at,omitempty"`
	UpdatedAt   *time.Time   `json:"updated_at,omitempty"`
	Corrections []Correction `json:"corrections,omitempty"`
}

// Correction is a published correction, in plain text.
type Correction struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// Store is what the sender needs: the webhook store and the public reads
// a payload is made of.
type Store interface {
	news.WebhookStore
	Service(ctx context.Context, code string) (news.Service, error)
	PublishedStory(ctx context.Context, id string, at time.Time) (news.Published, error)
}

// Client returns the outbound client deliveries go through: the outbound
// rules with allow's networks allowed, 15 seconds per attempt, no
// redirects followed (a 3xx answer is not a delivery, and following one
// would re-send or drop the signed body), and at most 64 KiB read of an
// answer.
func Client(allow []netip.Prefix) *outbound.Client {
	return outbound.New(outbound.Options{Allow: allow, Timeout: 15 * time.Second, MaxRedirects: -1,
		MaxBody: 64 << 10, UserAgent: "qalam-webhook"})
}

// Sender runs the webhook jobs. Store, Client and Primary are required.
type Sender struct {
	Store   Store
	Client  *outbound.Client
	Primary string           // origin of story URLs, e.g. https://news.example.org
	Now     func() time.Time // default time.Now
	Log     *slog.Logger     // default slog.Default()
}

// Handlers are the sender's job handlers by kind.
func (s *Sender) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		news.JobWebhookEvent:   s.fanOut,
		news.JobWebhookDeliver: s.deliver,
	}
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sender) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func (s *Sender) fanOut(ctx context.Context, j news.Job) error {
	var ev news.WebhookOccurrence
	if err := json.Unmarshal(j.Payload, &ev); err != nil {
		return errors.New("webhook event job: payload is not an event")
	}
	ds, err := s.Store.QueueWebhookDeliveries(ctx, ev, s.now())
	if err != nil {
		return err
	}
	s.log().Info("webhook event", "event", ev.Event, "story", ev.StoryID, "deliveries", len(ds))
	return nil
}

func (s *Sender) deliver(ctx context.Context, j news.Job) error {
	var p news.WebhookDeliverPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.Delivery == "" {
		return errors.New("webhook delivery job: payload names no delivery")
	}
	d, err := s.Store.WebhookDelivery(ctx, p.Delivery)
	if errors.Is(err, news.ErrNotFound) {
		return nil // pruned: nothing left to send
	}
	if err != nil {
		return err
	}
	if d.State != news.WebhookPending {
		return nil // delivered or given up: never twice
	}
	log := s.log().With("delivery", d.ID, "event", d.Event, "story", d.StoryID, "target", d.Target)
	giveUp := func(why string) error {
		log.Warn("webhook delivery failed for good", "err", why)
		err := s.Store.FailWebhookDelivery(ctx, d.ID, why, s.now())
		if errors.Is(err, news.ErrConflict) {
			return nil
		}
		return err
	}
	ep, err := s.Store.WebhookEndpoint(ctx, d.EndpointID)
	if errors.Is(err, news.ErrNotFound) {
		return giveUp("the endpoint was removed")
	}
	if err != nil {
		return err
	}
	if !ep.Active {
		return giveUp("the endpoint was switched off")
	}
	secret, err := s.Store.WebhookSecret(ctx, ep.ID)
	if err != nil {
		return err
	}
	body, err := s.body(ctx, d)
	if err != nil {
		return err
	}

	at := s.now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return giveUp("the endpoint URL cannot be requested")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderEvent, string(d.Event))
	req.Header.Set(HeaderDelivery, d.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	req.Header.Set(HeaderSignature, Sign(secret, at.Unix(), body))
	resp, err := s.Client.Do(req)
	if errors.Is(err, outbound.ErrRefused) {
		// A policy answer, not a passing fault: retrying cannot help
		// until the operator changes the rules or the endpoint.
		return giveUp(err.Error())
	}
	last := j.Attempts >= j.MaxAttempts
	state := news.WebhookPending
	if last {
		state = news.WebhookFailed
	}
	if err != nil {
		msg := err.Error()
		if rerr := s.record(ctx, d.ID, 0, msg, state); rerr != nil {
			return rerr
		}
		return errors.New(msg)
	}
	io.Copy(io.Discard, resp.Body) // lets the connection be reused; bounded by the client
	resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if err := s.record(ctx, d.ID, resp.StatusCode, "", news.WebhookDelivered); err != nil {
			return err
		}
		log.Info("webhook delivered", "status", resp.StatusCode, "attempt", j.Attempts)
		return nil
	}
	msg := fmt.Sprintf("the endpoint answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	if err := s.record(ctx, d.ID, resp.StatusCode, msg, state); err != nil {
		return err
	}
	return errors.New(msg)
}

// record stores an attempt's outcome; a delivery no longer pending (some
// other worker finished it) is left as it is.
func (s *Sender) record(ctx context.Context, id string, status int, msg string, state news.WebhookDeliveryState) error {
	err := s.Store.RecordWebhookAttempt(ctx, id, status, msg, state, s.now())
	if errors.Is(err, news.ErrConflict) {
		return nil
	}
	return err
}

// body is the payload of delivery d as of now.
func (s *Sender) body(ctx context.Context, d news.WebhookDelivery) ([]byte, error) {
	p := Payload{ID: d.WebhookOccurrence.ID, Event: d.Event, OccurredAt: d.Occurred.UTC(), Service: d.Service,
		Story: Story{ID: d.StoryID}}
	if d.Event != news.WebhookUnpublish {
		pub, err := s.Store.PublishedStory(ctx, d.StoryID, s.now())
		switch {
		case errors.Is(err, news.ErrNotFound):
			// Not public any more: the id is all a receiver may learn.
		case err != nil:
			return nil, err
		default:
			svc, err := s.Store.Service(ctx, pub.Story.Service)
			if err != nil {
				return nil, err
			}
			p.Story = s.story(svc, pub)
		}
	}
	return json.Marshal(p)
}

// story is the payload's view of a public story.
func (s *Sender) story(svc news.Service, p news.Published) Story {
	path := "/" + p.Story.Service + "/" + p.Section.Slug + "/" + p.Story.Slug + "-" + p.Story.ID
	st := Story{
		ID:       p.Story.ID,
		URL:      strings.TrimRight(s.Primary, "/") + (&url.URL{Path: path}).EscapedPath(),
		Headline: p.Rev.Content.Headline.Plain(),
		Deck:     p.Rev.Content.Deck.Plain(),
		Lang:     svc.Lang,
		Section:  p.Section.Slug,
	}
	if t := p.Story.PublishAt; !t.IsZero() {
		t = t.UTC()
		st.PublishedAt = &t
	}
	if t := p.Story.UpdatedAt; !t.IsZero() {
		t = t.UTC()
		st.UpdatedAt = &t
	}
	for _, c := range p.Corrections {
		st.Corrections = append(st.Corrections, Correction{At: c.At.UTC(), Text: c.Text.Plain()})
	}
	return st
}
