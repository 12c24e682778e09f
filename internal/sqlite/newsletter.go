package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"qalam/internal/news"
)

var _ news.NewsletterStore = (*DB)(nil)

const subscriberCols = `id, service, COALESCE(email, ''), state, unsub_token, created, requested, confirmed, unsubscribed`

func scanSubscriber(sc rowScanner) (news.Subscriber, error) {
	var s news.Subscriber
	var state string
	err := sc.Scan(&s.ID, &s.Service, &s.Email, &state, &s.UnsubToken,
		timeCol(&s.Created), timeCol(&s.Requested), timeCol(&s.Confirmed), timeCol(&s.Unsubscribed))
	s.State = news.SubscriberState(state)
	return s, err
}

// newSecret returns 32 random bytes in unpadded base64url: a token for a
// link in a mail.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (db *DB) Subscribe(ctx context.Context, service, email string, now time.Time) (news.SubscribeResult, error) {
	email, err := news.NormalizeEmail(email)
	if err != nil {
		return news.SubscribeResult{}, err
	}
	now = news.Time(now)
	var res news.SubscribeResult
	err = db.write(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM services WHERE code = ?`, service).Scan(&one); err != nil {
			return dbErr(err, fmt.Sprintf("service %q", service))
		}
		s, err := scanSubscriber(tx.QueryRowContext(ctx, `SELECT `+subscriberCols+` FROM newsletter_subscribers
			WHERE service = ? AND email = ?`, service, email))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			s = news.Subscriber{ID: news.NewID(), Service: service, Email: email, State: news.SubscriberPending,
				UnsubToken: newSecret(), Created: now, Requested: now}
			if _, err := tx.ExecContext(ctx, `INSERT INTO newsletter_subscribers
				(id, service, email, state, confirm_hash, unsub_token, created, requested) VALUES (?, ?, ?, 'pending', NULL, ?, ?, ?)`,
				s.ID, s.Service, s.Email, s.UnsubToken, timeArg(now), timeArg(now)); err != nil {
				return dbErr(err, "subscriber")
			}
		case err != nil:
			return dbErr(err, "subscriber")
		case s.State == news.SubscriberConfirmed:
			res.Subscriber = s
			return nil
		case now.Sub(s.Created) >= news.PendingTTL:
			// A pending subscription whose link expired starts again.
			s.Created, s.Requested = now, now
			if _, err := tx.ExecContext(ctx, `UPDATE newsletter_subscribers SET created = ?, requested = ?, confirm_hash = NULL
				WHERE id = ?`, timeArg(now), timeArg(now), s.ID); err != nil {
				return dbErr(err, "subscriber")
			}
		case now.Sub(s.Requested) < news.ConfirmResend:
			res.Subscriber = s
			return nil
		default:
			s.Requested = now
			if _, err := tx.ExecContext(ctx, `UPDATE newsletter_subscribers SET requested = ? WHERE id = ?`,
				timeArg(now), s.ID); err != nil {
				return dbErr(err, "subscriber")
			}
		}
		res = news.SubscribeResult{Subscriber: s, Mailed: true}
		_, err = insertJob(ctx, tx, news.NewsletterConfirmJob(s.ID, now))
		if errors.Is(err, news.ErrConflict) {
			return nil // its confirmation mail is queued already
		}
		return err
	})
	return res, err
}

func (db *DB) SetConfirmToken(ctx context.Context, subscriberID, tokenHash string, now time.Time) (news.Subscriber, error) {
	if tokenHash == "" {
		return news.Subscriber{}, news.Invalidf("a confirmation token is needed")
	}
	var s news.Subscriber
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		s, err = scanSubscriber(tx.QueryRowContext(ctx, `UPDATE newsletter_subscribers SET confirm_hash = ?
			WHERE id = ? AND state = 'pending' RETURNING `+subscriberCols, tokenHash, subscriberID))
		return dbErr(err, fmt.Sprintf("pending subscriber %q", subscriberID))
	})
	return s, err
}

func (db *DB) Confirm(ctx context.Context, service, tokenHash string, now time.Time) (news.Subscriber, error) {
	now = news.Time(now)
	var s news.Subscriber
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		s, err = scanSubscriber(tx.QueryRowContext(ctx, `UPDATE newsletter_subscribers
			SET state = 'confirmed', confirm_hash = NULL, confirmed = ?
			WHERE service = ? AND confirm_hash = ? AND state = 'pending' AND created > ?
			RETURNING `+subscriberCols, timeArg(now), service, tokenHash, now.Add(-news.PendingTTL).UnixMicro()))
		return dbErr(err, "confirmation token")
	})
	return s, err
}

func (db *DB) SubscriberByUnsubToken(ctx context.Context, service, token string) (news.Subscriber, error) {
	s, err := scanSubscriber(db.r.QueryRowContext(ctx, `SELECT `+subscriberCols+` FROM newsletter_subscribers
		WHERE service = ? AND unsub_token = ?`, service, token))
	return s, dbErr(err, "unsubscribe token")
}

func (db *DB) Unsubscribe(ctx context.Context, service, token string, now time.Time) (news.Subscriber, error) {
	now = news.Time(now)
	var s news.Subscriber
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		s, err = scanSubscriber(tx.QueryRowContext(ctx, `UPDATE newsletter_subscribers
			SET state = 'unsubscribed', email = NULL, confirm_hash = NULL, unsubscribed = COALESCE(unsubscribed, ?)
			WHERE service = ? AND unsub_token = ?
			RETURNING `+subscriberCols, timeArg(now), service, token))
		return dbErr(err, "unsubscribe token")
	})
	return s, err
}

func (db *DB) Subscribers(ctx context.Context, service string, state news.SubscriberState) ([]news.Subscriber, error) {
	switch state {
	case "", news.SubscriberPending, news.SubscriberConfirmed, news.SubscriberUnsubscribed:
	default:
		return nil, news.Invalidf("unknown subscriber state %q", state)
	}
	return queryAll(ctx, db.r, "subscribers", scanSubscriber, `SELECT `+subscriberCols+` FROM newsletter_subscribers
		WHERE service = ? AND (? = '' OR state = ?) ORDER BY created, id`, service, string(state), string(state))
}

func (db *DB) PrunePending(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM newsletter_subscribers WHERE state = 'pending' AND created < ?`,
			news.Time(before).UnixMicro())
		if err != nil {
			return dbErr(err, "pending subscribers")
		}
		n, err = res.RowsAffected()
		return dbErr(err, "pending subscribers")
	})
	return int(n), err
}

const editionCols = `id, service, day, state, content, recipients, created`

func scanEdition(sc rowScanner) (news.Edition, error) {
	var e news.Edition
	var state string
	err := sc.Scan(&e.ID, &e.Service, &e.Day, &state, jsonCol(&e.Content), &e.Recipients, timeCol(&e.Created))
	e.State = news.EditionState(state)
	return e, err
}

func (db *DB) PrepareEdition(ctx context.Context, e news.Edition, batch int, now time.Time) (news.Edition, bool, error) {
	switch {
	case e.Service == "":
		return news.Edition{}, false, news.Invalidf("an edition needs a service")
	case !validDay(e.Day):
		return news.Edition{}, false, news.Invalidf("edition day %q: want YYYY-MM-DD", e.Day)
	case e.Content.Subject == "":
		return news.Edition{}, false, news.Invalidf("an edition needs a subject")
	case batch < 1:
		return news.Edition{}, false, news.Invalidf("a batch holds at least one subscriber")
	}
	now = news.Time(now)
	e.ID = news.NewID()
	e.Created = now
	e.State = news.EditionSending
	if len(e.Content.Stories) == 0 {
		e.State = news.EditionEmpty
	}
	created := false
	err := db.write(ctx, func(tx *sql.Tx) error {
		old, err := scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionCols+` FROM newsletter_editions
			WHERE service = ? AND day = ?`, e.Service, e.Day))
		if err == nil {
			e = old
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return dbErr(err, "edition")
		}
		var ids []string
		if e.State == news.EditionSending {
			ids, err = queryAll(ctx, tx, "subscribers", scanString, `SELECT id FROM newsletter_subscribers
				WHERE service = ? AND state = 'confirmed' ORDER BY id`, e.Service)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				e.State = news.EditionSent
			}
		}
		e.Recipients = len(ids)
		if _, err := tx.ExecContext(ctx, `INSERT INTO newsletter_editions (`+editionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			e.ID, e.Service, e.Day, string(e.State), jsonArg(e.Content), e.Recipients, timeArg(now)); err != nil {
			return dbErr(err, "edition")
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO newsletter_deliveries (edition, subscriber, state, attempts, updated)
				VALUES (?, ?, 'pending', 0, ?)`, e.ID, id, timeArg(now)); err != nil {
				return dbErr(err, "delivery")
			}
		}
		for n := 0; n*batch < len(ids); n++ {
			part := ids[n*batch : min((n+1)*batch, len(ids))]
			if _, err := insertJob(ctx, tx, news.NewsletterSendJob(e.ID, n, part, now)); err != nil {
				return err
			}
		}
		created = true
		return nil
	})
	if err != nil {
		return news.Edition{}, false, err
	}
	return e, created, nil
}

func validDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func (db *DB) Edition(ctx context.Context, id string) (news.Edition, error) {
	e, err := scanEdition(db.r.QueryRowContext(ctx, `SELECT `+editionCols+` FROM newsletter_editions WHERE id = ?`, id))
	return e, dbErr(err, fmt.Sprintf("edition %q", id))
}

func (db *DB) EditionOfDay(ctx context.Context, service, day string) (news.Edition, error) {
	e, err := scanEdition(db.r.QueryRowContext(ctx, `SELECT `+editionCols+` FROM newsletter_editions
		WHERE service = ? AND day = ?`, service, day))
	return e, dbErr(err, fmt.Sprintf("edition of %s on %s", service, day))
}

func (db *DB) ClaimDelivery(ctx context.Context, editionID, subscriberID string, now time.Time) (news.Recipient, bool, error) {
	nowUs := news.Time(now).UnixMicro()
	var (
		r  news.Recipient
		ok bool
	)
	err := db.write(ctx, func(tx *sql.Tx) error {
		var state, subState string
		var email sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT d.state, s.state, s.email, s.unsub_token
			FROM newsletter_deliveries d JOIN newsletter_subscribers s ON s.id = d.subscriber
			WHERE d.edition = ? AND d.subscriber = ?`, editionID, subscriberID).Scan(&state, &subState, &email, &r.UnsubToken)
		if err != nil {
			return dbErr(err, fmt.Sprintf("delivery of edition %q to %q", editionID, subscriberID))
		}
		if state != string(news.DeliveryPending) {
			return nil
		}
		next := news.DeliverySending
		if subState != string(news.SubscriberConfirmed) || !email.Valid {
			next = news.DeliverySkipped
		}
		// The state in the WHERE clause makes the claim exclusive even if
		// two workers got here with the same batch.
		res, err := tx.ExecContext(ctx, `UPDATE newsletter_deliveries SET state = ?, attempts = attempts + 1, updated = ?
			WHERE edition = ? AND subscriber = ? AND state = 'pending'`, string(next), nowUs, editionID, subscriberID)
		if err != nil {
			return dbErr(err, "delivery")
		}
		if n, _ := res.RowsAffected(); n == 1 && next == news.DeliverySending {
			r.Subscriber, r.Email, ok = subscriberID, email.String, true
		}
		return nil
	})
	if err != nil || !ok {
		return news.Recipient{}, false, err
	}
	return r, true, nil
}

func (db *DB) FinishDelivery(ctx context.Context, editionID, subscriberID string, state news.DeliveryState, now time.Time) error {
	switch state {
	case news.DeliverySent, news.DeliveryFailed, news.DeliveryUncertain, news.DeliveryPending:
	default:
		return news.Invalidf("a delivery cannot finish as %q", state)
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE newsletter_deliveries SET state = ?, updated = ?
			WHERE edition = ? AND subscriber = ? AND state = 'sending'`,
			string(state), news.Time(now).UnixMicro(), editionID, subscriberID)
		if err != nil {
			return dbErr(err, "delivery")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delivery of edition %q to %q is not being sent: %w", editionID, subscriberID, news.ErrConflict)
		}
		return nil
	})
}

func scanDelivery(sc rowScanner) (news.Delivery, error) {
	var d news.Delivery
	var state string
	err := sc.Scan(&d.Edition, &d.Subscriber, &state, &d.Attempts, timeCol(&d.Updated))
	d.State = news.DeliveryState(state)
	return d, err
}

func (db *DB) Deliveries(ctx context.Context, editionID string) ([]news.Delivery, error) {
	return queryAll(ctx, db.r, "deliveries", scanDelivery, `SELECT edition, subscriber, state, attempts, updated
		FROM newsletter_deliveries WHERE edition = ? ORDER BY subscriber`, editionID)
}

func (db *DB) SettleEdition(ctx context.Context, editionID string) (news.Edition, error) {
	var e news.Edition
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE newsletter_editions SET state = 'sent'
			WHERE id = ? AND state = 'sending'
			AND NOT EXISTS (SELECT 1 FROM newsletter_deliveries WHERE edition = ? AND state = 'pending')`,
			editionID, editionID); err != nil {
			return dbErr(err, "edition")
		}
		var err error
		e, err = scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionCols+` FROM newsletter_editions WHERE id = ?`, editionID))
		return dbErr(err, fmt.Sprintf("edition %q", editionID))
	})
	return e, err
}
