package news

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

// Webhooks: the newsroom registers endpoints (URLs of other systems) that
// are told, by a signed HTTP POST, when a story is published, updated or
// unpublished (package webhook sends them). Every event a story's change
// causes is one job queued in the same transaction as the change; its
// handler fans out to one delivery per endpoint that wants it, and a
// delivery is a row of its own, unique per (endpoint, event), so no retry
// ever makes a second one. A delivered webhook cannot be called back: the
// newsroom is told so (DeliveredWebhooks).
//
// An endpoint's secret is random, made by qalam and shown once. It is
// stored as it is, not hashed: qalam needs the secret itself to sign each
// delivery (HMAC), so a hash would be useless. Whoever reads the database
// can sign as qalam; rotate a secret that may have leaked.

// WebhookEvent is what happened to a story.
type WebhookEvent string

const (
	// WebhookPublish: readers can see the story for the first time (or
	// again, after it was unpublished).
	WebhookPublish WebhookEvent = "publish"
	// WebhookUpdate: a public story got a new live revision or a correction.
	WebhookUpdate WebhookEvent = "update"
	// WebhookUnpublish: a story readers could see was taken off the site.
	WebhookUnpublish WebhookEvent = "unpublish"
)

// WebhookEvents are all the events, in their usual order.
var WebhookEvents = []WebhookEvent{WebhookPublish, WebhookUpdate, WebhookUnpublish}

// Valid reports whether e is one of WebhookEvents.
func (e WebhookEvent) Valid() bool {
	return e == WebhookPublish || e == WebhookUpdate || e == WebhookUnpublish
}

// ParseWebhookEvents reads a comma-separated list of events ("publish,
// update"); "all" or "" means every event. ErrInvalid for an unknown one.
func ParseWebhookEvents(s string) ([]WebhookEvent, error) {
	if strings.TrimSpace(s) == "" || strings.TrimSpace(s) == "all" {
		return append([]WebhookEvent(nil), WebhookEvents...), nil
	}
	var out []WebhookEvent
	for _, f := range strings.Split(s, ",") {
		e := WebhookEvent(strings.TrimSpace(f))
		if !e.Valid() {
			return nil, Invalidf("unknown webhook event %q (want publish, update or unpublish)", e)
		}
		if !e.In(out) {
			out = append(out, e)
		}
	}
	return out, nil
}

// In reports whether e is among events.
func (e WebhookEvent) In(events []WebhookEvent) bool {
	for _, x := range events {
		if x == e {
			return true
		}
	}
	return false
}

// WebhookEndpoint is a URL told about story events. Its secret is not
// part of it: see WebhookStore.WebhookSecret.
type WebhookEndpoint struct {
	ID      string
	Service string // the service whose stories it hears of; "" for every service
	URL     string // http or https; may carry a token, so it is shown only to the newsroom
	Events  []WebhookEvent
	Active  bool
	Note    string // for the newsroom
	Created time.Time
}

// Wants reports whether the endpoint is told about event in service.
func (e WebhookEndpoint) Wants(service string, event WebhookEvent) bool {
	return e.Active && (e.Service == "" || e.Service == service) && event.In(e.Events)
}

// Validate checks an endpoint before it is stored: an absolute http or
// https URL with a host and no fragment, and at least one known event.
// Whether the service exists is the store's to check.
func (e WebhookEndpoint) Validate() error {
	u, err := url.Parse(e.URL)
	switch {
	case err != nil || e.URL != strings.TrimSpace(e.URL):
		return Invalidf("webhook URL is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return Invalidf("webhook URL must be http or https")
	case u.Hostname() == "":
		return Invalidf("webhook URL has no host")
	case u.Fragment != "" || strings.Contains(e.URL, "#"):
		return Invalidf("webhook URL must not have a #fragment")
	case len(e.URL) > 2000:
		return Invalidf("webhook URL is longer than 2000 characters")
	case len(e.Events) == 0:
		return Invalidf("a webhook endpoint needs at least one event")
	}
	for _, ev := range e.Events {
		if !ev.Valid() {
			return Invalidf("unknown webhook event %q", ev)
		}
	}
	return nil
}

// WebhookTarget is the part of a webhook URL that may be shown and
// recorded anywhere: scheme and host, never the path or query, where
// receivers' tokens live.
func WebhookTarget(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) // u.Host holds no user info
}

// NewWebhookSecret returns a new random signing secret: "qwhs_" and 32
// random bytes in base64url.
func NewWebhookSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "qwhs_" + base64.RawURLEncoding.EncodeToString(b)
}

// WebhookOccurrence is one event of one story: what the job queued with
// the change carries, and every delivery of it repeats.
type WebhookOccurrence struct {
	ID       string       `json:"id"` // the event's ID, shared by its deliveries
	Event    WebhookEvent `json:"event"`
	Service  string       `json:"service"`
	StoryID  string       `json:"story"`
	Occurred time.Time    `json:"occurred_at"`
}

// WebhookDeliveryState is where a delivery is: pending (being tried,
// perhaps again later) → delivered (the endpoint answered 2xx) or failed
// (given up: attempts used, refused by the outbound rules, or the
// endpoint was removed or switched off).
type WebhookDeliveryState string

const (
	WebhookPending   WebhookDeliveryState = "pending"
	WebhookDelivered WebhookDeliveryState = "delivered"
	WebhookFailed    WebhookDeliveryState = "failed"
)

// WebhookDelivery is one event sent (or to be sent) to one endpoint.
type WebhookDelivery struct {
	ID         string // sent as X-Qalam-Delivery; the same on every attempt
	EndpointID string // kept after the endpoint is removed
	Target     string // the endpoint's scheme and host at the time (WebhookTarget)
	WebhookOccurrence
	State      WebhookDeliveryState
	Attempts   int    // HTTP requests made
	LastStatus int    // of the latest answer; 0 when none came
	LastError  string // why the latest attempt failed, without secrets
	Created    time.Time
	Delivered  time.Time // when a 2xx answer came
	Finished   time.Time // when it became delivered or failed
}

// WebhookDeliveryFilter selects deliveries for a listing; empty fields
// select all.
type WebhookDeliveryFilter struct {
	EndpointID string
	StoryID    string
	State      WebhookDeliveryState
	Limit      int // 1..1000; 0 means 100
}

// WebhookStore keeps endpoints and deliveries. Errors wrap ErrNotFound,
// ErrConflict or ErrInvalid as each method says; times come back in UTC
// truncated to microseconds.
type WebhookStore interface {
	// CreateWebhookEndpoint stores a new endpoint with a new secret
	// (NewWebhookSecret), which it returns: the one time it is shown. It
	// sets e.ID and e.Created (now if zero). ErrInvalid for a URL that is
	// not http(s) with a host, no events or an unknown one, or an unknown
	// service.
	CreateWebhookEndpoint(ctx context.Context, e *WebhookEndpoint) (secret string, err error)
	// UpdateWebhookEndpoint changes an endpoint's service, URL, events,
	// activity and note; its secret stays. ErrNotFound; ErrInvalid as
	// CreateWebhookEndpoint.
	UpdateWebhookEndpoint(ctx context.Context, e WebhookEndpoint) error
	// DeleteWebhookEndpoint removes an endpoint; its deliveries are kept
	// (what was delivered stays delivered) and pending ones fail when
	// their turn comes. ErrNotFound.
	DeleteWebhookEndpoint(ctx context.Context, id string) error
	// WebhookEndpoint returns one endpoint. ErrNotFound.
	WebhookEndpoint(ctx context.Context, id string) (WebhookEndpoint, error)
	// WebhookEndpoints lists every endpoint, oldest first.
	WebhookEndpoints(ctx context.Context) ([]WebhookEndpoint, error)
	// WebhookSecret returns an endpoint's signing secret, for signing a
	// delivery; never for showing. ErrNotFound.
	WebhookSecret(ctx context.Context, id string) (string, error)
	// RotateWebhookSecret gives an endpoint a new secret and returns it
	// (shown once). ErrNotFound.
	RotateWebhookSecret(ctx context.Context, id string) (string, error)

	// QueueWebhookDeliveries fans an event out: for every active endpoint
	// that wants it, a pending delivery and a JobWebhookDeliver job are
	// stored in one transaction. An endpoint that has a delivery of this
	// event already gets nothing new, so running it again is harmless. It
	// returns the deliveries it created. ErrInvalid for an event without
	// ID, story or service or of an unknown kind.
	QueueWebhookDeliveries(ctx context.Context, ev WebhookOccurrence, now time.Time) ([]WebhookDelivery, error)
	// WebhookDelivery returns one delivery. ErrNotFound.
	WebhookDelivery(ctx context.Context, id string) (WebhookDelivery, error)
	// RecordWebhookAttempt records one HTTP attempt of a pending delivery
	// at at: attempts one more, the answer's status (0 for none) and the
	// error ("" on success). state is the delivery's state after it:
	// pending (to be retried), delivered or failed. ErrNotFound; ErrConflict
	// when the delivery is no longer pending (nothing changes: a delivery
	// is never made twice); ErrInvalid for an unknown state.
	RecordWebhookAttempt(ctx context.Context, id string, status int, errMsg string, state WebhookDeliveryState, at time.Time) error
	// FailWebhookDelivery gives up on a pending delivery without an
	// attempt (the endpoint is gone or off), recording why. ErrNotFound;
	// ErrConflict when it is not pending.
	FailWebhookDelivery(ctx context.Context, id, why string, at time.Time) error
	// WebhookDeliveries lists deliveries, newest first. ErrInvalid for an
	// unknown state or a limit out of range.
	WebhookDeliveries(ctx context.Context, f WebhookDeliveryFilter) ([]WebhookDelivery, error)
	// DeliveredWebhooks lists the webhooks delivered about a story, oldest
	// first: what the newsroom must be told cannot be recalled when it
	// unpublishes or corrects it.
	DeliveredWebhooks(ctx context.Context, storyID string) ([]WebhookDelivery, error)
}

// Job kinds of webhooks.
const (
	// JobWebhookEvent fans one event out to its endpoints; it is queued
	// with the story change (Publish, Unpublish, AddCorrection, GoLive)
	// when an active endpoint wants the event. Payload: WebhookOccurrence.
	JobWebhookEvent = "webhook.event"
	// JobWebhookDeliver sends one delivery; payload WebhookDeliverPayload.
	JobWebhookDeliver = "webhook.deliver"
)

// WebhookDeliverAttempts is how many times a delivery is tried, with the
// job runner's backoff in between (about three and a half hours in all).
const WebhookDeliverAttempts = 12

// WebhookDeliverPayload is the Payload of a JobWebhookDeliver job.
type WebhookDeliverPayload struct {
	Delivery string `json:"delivery"`
}

// NewWebhookEventJob returns the job that fans ev out, due at ev.Occurred.
func NewWebhookEventJob(ev WebhookOccurrence) Job {
	p, err := json.Marshal(ev)
	if err != nil {
		panic("news: cannot encode a webhook event: " + err.Error()) // strings and a time
	}
	return Job{Kind: JobWebhookEvent, Key: JobWebhookEvent + ":" + ev.ID, Payload: p, RunAt: ev.Occurred, MaxAttempts: 5}
}

// NewWebhookDeliverJob returns the job that sends delivery d, keyed by its
// endpoint and event: one live job per delivery.
func NewWebhookDeliverJob(d WebhookDelivery, at time.Time) Job {
	p, err := json.Marshal(WebhookDeliverPayload{Delivery: d.ID})
	if err != nil {
		panic("news: cannot encode a webhook delivery: " + err.Error())
	}
	return Job{Kind: JobWebhookDeliver, Key: JobWebhookDeliver + ":" + d.EndpointID + ":" + d.WebhookOccurrence.ID,
		Payload: p, RunAt: at, MaxAttempts: WebhookDeliverAttempts}
}
