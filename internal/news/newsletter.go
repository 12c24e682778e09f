package news

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Newsletters: per-service email editions (a daily digest) sent to readers
// who subscribed with double opt-in. What is kept about a reader is the
// address and the times of their own steps, never an IP address or a
// User-Agent. An unconfirmed subscription is deleted after PendingTTL; an
// unsubscribed one keeps no address.

// SubscriberState is where a subscription is: pending (asked, not yet
// confirmed) → confirmed → unsubscribed.
type SubscriberState string

const (
	SubscriberPending      SubscriberState = "pending"
	SubscriberConfirmed    SubscriberState = "confirmed"
	SubscriberUnsubscribed SubscriberState = "unsubscribed"
)

// PendingTTL is how long an unconfirmed subscription, and its confirmation
// link, lives.
const PendingTTL = 48 * time.Hour

// ConfirmResend is the least time between two confirmation mails to one
// pending address, so a form cannot be used to flood someone's inbox.
const ConfirmResend = 15 * time.Minute

// Subscriber is one address subscribed to one service's newsletter. It is
// private: only chiefs and admins may see or export it.
type Subscriber struct {
	ID      string
	Service string
	Email   string // normalized (NormalizeEmail); "" once unsubscribed
	State   SubscriberState
	// UnsubToken is the secret of the subscriber's unsubscribe links. It
	// is stored as is, because every edition carries it; it only ever
	// allows unsubscribing.
	UnsubToken   string
	Created      time.Time // when this subscription was asked for
	Requested    time.Time // the latest confirmation mail asked for
	Confirmed    time.Time
	Unsubscribed time.Time
}

// NormalizeEmail checks an address typed into a form and returns it in the
// one form stored: trimmed and lowercased, a bare addr-spec (no display
// name), at most 254 bytes, with a dotted domain. ErrInvalid otherwise.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > 254 {
		return "", Invalidf("give an email address of at most 254 characters")
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`<>"(),;:\[]`, r) {
			return "", Invalidf("an email address has no spaces, quotes or brackets")
		}
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", Invalidf("not an email address")
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || len(local) > 64 || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", Invalidf("not an email address")
	}
	return s, nil
}

// TokenHash is how a confirmation token is stored: its SHA-256 in hex, so
// the database alone cannot confirm anyone.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SubscribeResult says what Subscribe did. The reader is told the same
// thing in every case, so the answer never reveals whether an address was
// subscribed already.
type SubscribeResult struct {
	Subscriber Subscriber
	// Mailed reports whether a confirmation mail was queued: for a new,
	// resumed or stale pending subscription, not for a confirmed one nor
	// within ConfirmResend of the previous mail.
	Mailed bool
}

// EditionState is where an edition is: sending (deliveries outstanding),
// sent (none pending), or empty (no stories that day: nothing is sent).
type EditionState string

const (
	EditionSending EditionState = "sending"
	EditionSent    EditionState = "sent"
	EditionEmpty   EditionState = "empty"
)

// Edition is one service's newsletter of one day. Its content is fixed
// when it is prepared, so every batch and every retry sends the same text.
type Edition struct {
	ID         string
	Service    string
	Day        string // YYYY-MM-DD in the service's time zone
	State      EditionState
	Content    EditionContent
	Recipients int // deliveries made when it was prepared
	Created    time.Time
}

// EditionContent is what an edition says, captured when it is prepared.
type EditionContent struct {
	Subject     string          `json:"subject"`
	DayLabel    string          `json:"day_label"` // the day as readers of the service write it
	Stories     []EditionStory  `json:"stories"`
	Mirrors     []EditionMirror `json:"mirrors,omitempty"`
	Fingerprint string          `json:"fingerprint,omitempty"` // the newsroom's signing key
}

// EditionStory is a story in an edition: plain-text headline and deck and
// an absolute link on the primary origin.
type EditionStory struct {
	Headline string `json:"headline"`
	Deck     string `json:"deck,omitempty"`
	URL      string `json:"url"`
}

// EditionMirror is a listed, active mirror named in an edition's footer.
type EditionMirror struct {
	URL  string     `json:"url"`
	Kind MirrorKind `json:"kind"`
}

// DeliveryState is one edition's delivery to one subscriber: pending →
// sending → sent, or back to pending after a failure the mail server
// proved harmless, or failed (refused for good), skipped (unsubscribed
// before their turn), uncertain (the server may have taken it: never
// retried, so nobody gets an edition twice). A delivery left in sending by
// a crashed worker is never retried either.
type DeliveryState string

const (
	DeliveryPending   DeliveryState = "pending"
	DeliverySending   DeliveryState = "sending"
	DeliverySent      DeliveryState = "sent"
	DeliveryFailed    DeliveryState = "failed"
	DeliverySkipped   DeliveryState = "skipped"
	DeliveryUncertain DeliveryState = "uncertain"
)

// Delivery is one edition to one subscriber.
type Delivery struct {
	Edition    string
	Subscriber string
	State      DeliveryState
	Attempts   int // claims so far
	Updated    time.Time
}

// Recipient is what sending one delivery needs: the address and the
// unsubscribe secret.
type Recipient struct {
	Subscriber string
	Email      string
	UnsubToken string
}

// NewsletterStore keeps subscribers, editions and deliveries. Errors wrap
// ErrNotFound, ErrConflict or ErrInvalid as each method says; times come
// back in UTC truncated to microseconds. No method takes or stores an IP
// address or a User-Agent.
type NewsletterStore interface {
	// Subscribe asks for email (normalized by NormalizeEmail) to get
	// service's newsletter. A new address, an unsubscribed one or a pending
	// one whose link has expired becomes pending with a fresh Created; a
	// pending one keeps its state. When a confirmation mail is due (see
	// SubscribeResult.Mailed) a JobNewsletterConfirm job is queued in the
	// same transaction. A confirmed address is left as it is. ErrInvalid
	// for a bad address; ErrNotFound for an unknown service.
	Subscribe(ctx context.Context, service, email string, now time.Time) (SubscribeResult, error)
	// SetConfirmToken stores the hash of a fresh confirmation token for a
	// pending subscriber, replacing any earlier one, and returns the
	// subscriber. ErrNotFound when it is no longer pending.
	SetConfirmToken(ctx context.Context, subscriberID, tokenHash string, now time.Time) (Subscriber, error)
	// Confirm confirms the pending subscriber of service whose token hashes
	// to tokenHash, within PendingTTL of its Created, and forgets the hash:
	// a token works once. ErrNotFound otherwise.
	Confirm(ctx context.Context, service, tokenHash string, now time.Time) (Subscriber, error)
	// SubscriberByUnsubToken finds service's subscriber with an unsubscribe
	// token, in any state. ErrNotFound otherwise.
	SubscriberByUnsubToken(ctx context.Context, service, token string) (Subscriber, error)
	// Unsubscribe ends the subscription with an unsubscribe token and
	// erases its address; doing it again changes nothing. ErrNotFound for
	// an unknown token.
	Unsubscribe(ctx context.Context, service, token string, now time.Time) (Subscriber, error)
	// Subscribers lists service's subscribers in a state ("" for all), by
	// Created then ID, for the export that chiefs and admins may make.
	// ErrInvalid for an unknown state.
	Subscribers(ctx context.Context, service string, state SubscriberState) ([]Subscriber, error)
	// PrunePending deletes pending subscriptions created before before and
	// returns how many.
	PrunePending(ctx context.Context, before time.Time) (int, error)

	// PrepareEdition stores e (ID assigned; State sending, or empty when it
	// has no stories), makes a pending delivery for every confirmed
	// subscriber of its service, and queues JobNewsletterSend jobs of at
	// most batch subscribers each, all in one transaction. If the service
	// already has an edition of that day, nothing changes and that one is
	// returned with created false. ErrInvalid for a missing service, day or
	// subject, or batch < 1.
	PrepareEdition(ctx context.Context, e Edition, batch int, now time.Time) (out Edition, created bool, err error)
	// Edition returns an edition by ID. ErrNotFound.
	Edition(ctx context.Context, id string) (Edition, error)
	// EditionOfDay returns service's edition of day. ErrNotFound.
	EditionOfDay(ctx context.Context, service, day string) (Edition, error)
	// ClaimDelivery moves a pending delivery to sending and returns its
	// recipient, ok true. A delivery in any other state is not claimed (ok
	// false); a pending one whose subscriber is no longer confirmed becomes
	// skipped. Only one caller ever claims a delivery, so it is sent at
	// most once. ErrNotFound for an unknown delivery.
	ClaimDelivery(ctx context.Context, editionID, subscriberID string, now time.Time) (Recipient, bool, error)
	// FinishDelivery records the outcome of a claimed delivery: sent,
	// failed, uncertain, or pending to try again. Only a delivery in
	// sending changes (ErrConflict otherwise); ErrInvalid for another state.
	FinishDelivery(ctx context.Context, editionID, subscriberID string, state DeliveryState, now time.Time) error
	// Deliveries lists an edition's deliveries by subscriber ID.
	Deliveries(ctx context.Context, editionID string) ([]Delivery, error)
	// SettleEdition marks a sending edition sent once none of its
	// deliveries is pending, and returns it.
	SettleEdition(ctx context.Context, editionID string) (Edition, error)
}

// Job kinds of newsletters.
const (
	// JobNewsletterConfirm mails a pending subscriber a confirmation link;
	// payload NewsletterConfirmPayload.
	JobNewsletterConfirm = "newsletter.confirm"
	// JobNewsletterEdition prepares a service's edition of a day; payload
	// NewsletterEditionPayload.
	JobNewsletterEdition = "newsletter.edition"
	// JobNewsletterSend sends one batch of an edition's deliveries; payload
	// NewsletterSendPayload.
	JobNewsletterSend = "newsletter.send"
	// JobNewsletterPrune deletes pending subscriptions older than
	// PendingTTL; no payload.
	JobNewsletterPrune = "newsletter.prune"
)

// NewsletterConfirmPayload names the subscriber to mail. The address and
// the token are not in it: job payloads outlive the job.
type NewsletterConfirmPayload struct {
	Subscriber string `json:"subscriber"`
}

// NewsletterEditionPayload names the edition to prepare.
type NewsletterEditionPayload struct {
	Service string `json:"service"`
	Day     string `json:"day"`
}

// NewsletterSendPayload is one batch of an edition's deliveries.
type NewsletterSendPayload struct {
	Edition     string   `json:"edition"`
	Subscribers []string `json:"subscribers"`
}

// NewsletterConfirmJob returns the job that mails subscriber id its
// confirmation link; one is live per subscriber.
func NewsletterConfirmJob(id string, at time.Time) Job {
	p, _ := json.Marshal(NewsletterConfirmPayload{Subscriber: id})
	return Job{Kind: JobNewsletterConfirm, Key: JobNewsletterConfirm + ":" + id, Payload: p, RunAt: at, MaxAttempts: 8}
}

// NewsletterEditionKey is the Key of the job preparing service's edition
// of day: one live per service and day.
func NewsletterEditionKey(service, day string) string {
	return JobNewsletterEdition + ":" + service + ":" + day
}

// NewsletterEditionJob returns the job that prepares service's edition of
// day.
func NewsletterEditionJob(service, day string, at time.Time) Job {
	p, _ := json.Marshal(NewsletterEditionPayload{Service: service, Day: day})
	return Job{Kind: JobNewsletterEdition, Key: NewsletterEditionKey(service, day), Payload: p, RunAt: at}
}

// NewsletterSendJob returns the job that sends batch n of an edition to
// subscribers. Retries wait up to an hour each, so a mail server down for
// most of a day still gets the edition once it is back.
func NewsletterSendJob(editionID string, n int, subscribers []string, at time.Time) Job {
	p, _ := json.Marshal(NewsletterSendPayload{Edition: editionID, Subscribers: subscribers})
	return Job{Kind: JobNewsletterSend, Key: JobNewsletterSend + ":" + editionID + ":" + strconv.Itoa(n), Payload: p, RunAt: at, MaxAttempts: 24}
}
