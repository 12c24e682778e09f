package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"qalam/internal/news"
)

var _ news.WebhookStore = (*DB)(nil)

// Webhooks. Nothing here bumps the content version: no page changes. The
// secret column is plain text on purpose (see news.WebhookStore).

const endpointCols = `id, service, url, on_publish, on_update, on_unpublish, active, note, created`

func scanEndpoint(sc rowScanner) (news.WebhookEndpoint, error) {
	var (
		e             news.WebhookEndpoint
		pub, upd, unp bool
	)
	err := sc.Scan(&e.ID, &e.Service, &e.URL, &pub, &upd, &unp, &e.Active, &e.Note, timeCol(&e.Created))
	for i, on := range []bool{pub, upd, unp} {
		if on {
			e.Events = append(e.Events, news.WebhookEvents[i])
		}
	}
	return e, err
}

// eventFlags are an endpoint's events as the on_publish, on_update and
// on_unpublish columns.
func eventFlags(events []news.WebhookEvent) []any {
	return []any{
		boolArg(news.WebhookPublish.In(events)),
		boolArg(news.WebhookUpdate.In(events)),
		boolArg(news.WebhookUnpublish.In(events)),
	}
}

// eventColumn is the endpoint column that says it wants ev.
func eventColumn(ev news.WebhookEvent) (string, error) {
	switch ev {
	case news.WebhookPublish:
		return "on_publish", nil
	case news.WebhookUpdate:
		return "on_update", nil
	case news.WebhookUnpublish:
		return "on_unpublish", nil
	}
	return "", news.Invalidf("unknown webhook event %q", ev)
}

func checkEndpoint(ctx context.Context, q querier, e news.WebhookEndpoint) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.Service == "" {
		return nil
	}
	var ok bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM services WHERE code = ?)`, e.Service).Scan(&ok); err != nil {
		return dbErr(err, "service")
	}
	if !ok {
		return news.Invalidf("service %q does not exist", e.Service)
	}
	return nil
}

func (db *DB) CreateWebhookEndpoint(ctx context.Context, e *news.WebhookEndpoint) (string, error) {
	if e.Created.IsZero() {
		e.Created = time.Now()
	}
	e.Created = news.Time(e.Created)
	id, secret := news.NewID(), news.NewWebhookSecret()
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := checkEndpoint(ctx, tx, *e); err != nil {
			return err
		}
		args := append([]any{id, e.Service, e.URL, secret}, eventFlags(e.Events)...)
		args = append(args, boolArg(e.Active), e.Note, timeArg(e.Created))
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_endpoints
			(id, service, url, secret, on_publish, on_update, on_unpublish, active, note, created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		return dbErr(err, "webhook endpoint")
	})
	if err != nil {
		return "", err
	}
	e.ID = id
	return secret, nil
}

func (db *DB) UpdateWebhookEndpoint(ctx context.Context, e news.WebhookEndpoint) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := checkEndpoint(ctx, tx, e); err != nil {
			return err
		}
		args := append([]any{e.Service, e.URL}, eventFlags(e.Events)...)
		args = append(args, boolArg(e.Active), e.Note, e.ID)
		res, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET service = ?, url = ?,
			on_publish = ?, on_update = ?, on_unpublish = ?, active = ?, note = ? WHERE id = ?`, args...)
		if err != nil {
			return dbErr(err, "webhook endpoint")
		}
		return endpointChanged(res, "webhook endpoint", e.ID)
	})
}

// endpointChanged returns ErrNotFound unless res changed a row.
func endpointChanged(res sql.Result, what, id string) error {
	if n, err := res.RowsAffected(); err != nil {
		return dbErr(err, what)
	} else if n == 0 {
		return fmt.Errorf("%s %q: %w", what, id, news.ErrNotFound)
	}
	return nil
}

func (db *DB) DeleteWebhookEndpoint(ctx context.Context, id string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM webhook_endpoints WHERE id = ?`, id)
		if err != nil {
			return dbErr(err, "webhook endpoint")
		}
		return endpointChanged(res, "webhook endpoint", id)
	})
}

func (db *DB) WebhookEndpoint(ctx context.Context, id string) (news.WebhookEndpoint, error) {
	e, err := scanEndpoint(db.r.QueryRowContext(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE id = ?`, id))
	return e, dbErr(err, fmt.Sprintf("webhook endpoint %q", id))
}

func (db *DB) WebhookEndpoints(ctx context.Context) ([]news.WebhookEndpoint, error) {
	return queryAll(ctx, db.r, "webhook endpoints", scanEndpoint,
		`SELECT `+endpointCols+` FROM webhook_endpoints ORDER BY created, id`)
}

func (db *DB) WebhookSecret(ctx context.Context, id string) (string, error) {
	var s string
	err := db.r.QueryRowContext(ctx, `SELECT secret FROM webhook_endpoints WHERE id = ?`, id).Scan(&s)
	return s, dbErr(err, fmt.Sprintf("webhook endpoint %q", id))
}

func (db *DB) RotateWebhookSecret(ctx context.Context, id string) (string, error) {
	secret := news.NewWebhookSecret()
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET secret = ? WHERE id = ?`, secret, id)
		if err != nil {
			return dbErr(err, "webhook endpoint")
		}
		return endpointChanged(res, "webhook endpoint", id)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// Events, queued inside the story changes that cause them (stories.go,
// jobs.go).

// wantsWebhook reports whether an active endpoint wants ev for service:
// one indexed lookup, so a newsroom without webhooks pays next to nothing
// in its publish transactions.
func wantsWebhook(ctx context.Context, tx *sql.Tx, service string, ev news.WebhookEvent) (bool, error) {
	col, err := eventColumn(ev)
	if err != nil {
		return false, err
	}
	var ok bool
	err = tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM webhook_endpoints
		WHERE active = 1 AND service IN ('', ?) AND `+col+` = 1)`, service).Scan(&ok)
	return ok, dbErr(err, "webhook endpoints")
}

// queueWebhook queues the JobWebhookEvent job of ev about story storyID of
// service, at at, inside tx, when some active endpoint wants it.
func queueWebhook(ctx context.Context, tx *sql.Tx, service, storyID string, ev news.WebhookEvent, at time.Time) error {
	ok, err := wantsWebhook(ctx, tx, service, ev)
	if err != nil || !ok {
		return err
	}
	_, err = insertJob(ctx, tx, news.NewWebhookEventJob(news.WebhookOccurrence{
		ID: news.NewID(), Event: ev, Service: service, StoryID: storyID, Occurred: news.Time(at)}))
	return err
}

// publicAt reports whether readers see the story at instant at.
func (p pubState) publicAt(at int64) bool {
	return p.pub == news.PubPublished || p.pub == news.PubScheduled && p.publishAt.Valid && p.publishAt.Int64 <= at
}

// queuePublishWebhook is Publish's event, decided before the story row
// changes: "publish" when the story was not recorded as published (a
// draft, an embargo, whether or not its time came, since Publish cancels
// the job that would have said so, or an unpublished story coming back),
// "update" when a published story gets another live revision, nothing when
// the same revision is published again.
func queuePublishWebhook(ctx context.Context, tx *sql.Tx, storyID, rev string, p pubState, at time.Time) error {
	ev := news.WebhookPublish
	if p.pub == news.PubPublished {
		var live string
		if err := tx.QueryRowContext(ctx, `SELECT live_rev FROM stories WHERE id = ?`, storyID).Scan(&live); err != nil {
			return dbErr(err, "story")
		}
		if live == rev {
			return nil
		}
		ev = news.WebhookUpdate
	}
	return queueWebhook(ctx, tx, p.service, storyID, ev, at)
}

// Deliveries.

const webhookDeliveryCols = `id, endpoint, target, event_id, event, service, story, occurred, state, attempts, last_status, last_error, created, delivered, finished`

func scanWebhookDelivery(sc rowScanner) (news.WebhookDelivery, error) {
	var d news.WebhookDelivery
	err := sc.Scan(&d.ID, &d.EndpointID, &d.Target, &d.WebhookOccurrence.ID, &d.Event, &d.Service, &d.StoryID,
		timeCol(&d.Occurred), &d.State, &d.Attempts, &d.LastStatus, &d.LastError, timeCol(&d.Created),
		timeCol(&d.Delivered), timeCol(&d.Finished))
	return d, err
}

func (db *DB) QueueWebhookDeliveries(ctx context.Context, ev news.WebhookOccurrence, now time.Time) ([]news.WebhookDelivery, error) {
	switch {
	case ev.ID == "" || ev.StoryID == "" || ev.Service == "":
		return nil, news.Invalidf("a webhook event needs an ID, a story and a service")
	case !ev.Event.Valid():
		return nil, news.Invalidf("unknown webhook event %q", ev.Event)
	case ev.Occurred.IsZero():
		return nil, news.Invalidf("a webhook event needs its time")
	}
	col, _ := eventColumn(ev.Event)
	now = news.Time(now)
	var out []news.WebhookDelivery
	err := db.write(ctx, func(tx *sql.Tx) error {
		eps, err := queryAll(ctx, tx, "webhook endpoints", scanEndpoint, `SELECT `+endpointCols+` FROM webhook_endpoints
			WHERE active = 1 AND service IN ('', ?) AND `+col+` = 1 ORDER BY created, id`, ev.Service)
		if err != nil {
			return err
		}
		for _, e := range eps {
			d := news.WebhookDelivery{ID: news.NewID(), EndpointID: e.ID, Target: news.WebhookTarget(e.URL),
				WebhookOccurrence: ev, State: news.WebhookPending, Created: now}
			d.Occurred = news.Time(d.Occurred)
			res, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries
				(id, endpoint, target, event_id, event, service, story, occurred, state, created)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (endpoint, event_id) DO NOTHING`,
				d.ID, d.EndpointID, d.Target, ev.ID, string(ev.Event), ev.Service, ev.StoryID, timeArg(d.Occurred), timeArg(now))
			if err != nil {
				return dbErr(err, "webhook delivery")
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // fanned out before: that delivery has its own job
			}
			if _, err := insertJob(ctx, tx, news.NewWebhookDeliverJob(d, now)); err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (db *DB) WebhookDelivery(ctx context.Context, id string) (news.WebhookDelivery, error) {
	d, err := scanWebhookDelivery(db.r.QueryRowContext(ctx, `SELECT `+webhookDeliveryCols+` FROM webhook_deliveries WHERE id = ?`, id))
	return d, dbErr(err, fmt.Sprintf("webhook delivery %q", id))
}

// maxDeliveryError bounds what a delivery keeps of an error.
const maxDeliveryError = 1000

func (db *DB) RecordWebhookAttempt(ctx context.Context, id string, status int, errMsg string, state news.WebhookDeliveryState, at time.Time) error {
	var delivered, finished any
	at = news.Time(at)
	switch state {
	case news.WebhookPending:
	case news.WebhookDelivered:
		delivered, finished = timeArg(at), timeArg(at)
	case news.WebhookFailed:
		finished = timeArg(at)
	default:
		return news.Invalidf("unknown webhook delivery state %q", state)
	}
	if len(errMsg) > maxDeliveryError {
		errMsg = strings.ToValidUTF8(errMsg[:maxDeliveryError], "") + "…"
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ?,
			last_error = ?, state = ?, delivered = ?, finished = ? WHERE id = ? AND state = 'pending'`,
			status, errMsg, string(state), delivered, finished, id)
		if err != nil {
			return dbErr(err, "webhook delivery")
		}
		return deliveryNotPending(ctx, tx, res, id)
	})
}

// deliveryNotPending explains an UPDATE ... WHERE state = 'pending' that changed
// nothing: ErrNotFound, or ErrConflict naming the state it is in.
func deliveryNotPending(ctx context.Context, tx *sql.Tx, res sql.Result, id string) error {
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return dbErr(err, "webhook delivery")
	}
	var state string
	if err := tx.QueryRowContext(ctx, `SELECT state FROM webhook_deliveries WHERE id = ?`, id).Scan(&state); err != nil {
		return dbErr(err, fmt.Sprintf("webhook delivery %q", id))
	}
	return fmt.Errorf("webhook delivery %s is %s, not pending: %w", id, state, news.ErrConflict)
}

func (db *DB) FailWebhookDelivery(ctx context.Context, id, why string, at time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET state = 'failed', last_error = ?, finished = ?
			WHERE id = ? AND state = 'pending'`, why, timeArg(news.Time(at)), id)
		if err != nil {
			return dbErr(err, "webhook delivery")
		}
		return deliveryNotPending(ctx, tx, res, id)
	})
}

func (db *DB) WebhookDeliveries(ctx context.Context, f news.WebhookDeliveryFilter) ([]news.WebhookDelivery, error) {
	switch f.State {
	case "", news.WebhookPending, news.WebhookDelivered, news.WebhookFailed:
	default:
		return nil, news.Invalidf("unknown webhook delivery state %q", f.State)
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	if f.Limit < 1 || f.Limit > 1000 {
		return nil, news.Invalidf("webhook delivery listing limit %d is not within 1..1000", f.Limit)
	}
	var (
		where []string
		args  []any
	)
	for _, c := range []struct{ col, v string }{{"endpoint", f.EndpointID}, {"story", f.StoryID}, {"state", string(f.State)}} {
		if c.v != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	q := `SELECT ` + webhookDeliveryCols + ` FROM webhook_deliveries`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY created DESC, id DESC LIMIT ?`
	return queryAll(ctx, db.r, "webhook deliveries", scanWebhookDelivery, q, append(args, f.Limit)...)
}

func (db *DB) DeliveredWebhooks(ctx context.Context, storyID string) ([]news.WebhookDelivery, error) {
	return queryAll(ctx, db.r, "webhook deliveries", scanWebhookDelivery, `SELECT `+webhookDeliveryCols+` FROM webhook_deliveries
		WHERE story = ? AND state = 'delivered' ORDER BY delivered, id`, storyID)
}
