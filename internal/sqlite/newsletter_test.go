package sqlite_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"qalam/internal/news"
	"qalam/internal/sqlite"
)

var nlNow = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func nlService(t *testing.T, db *sqlite.DB, code string) {
	t.Helper()
	err := db.PutService(context.Background(), news.Service{Code: code, Name: "Service " + code, Lang: "en", Dir: "ltr",
		TimeZone: "Asia/Almaty", Position: 1, Default: code == "en"})
	if err != nil {
		t.Fatal(err)
	}
}

func confirmJobs(t *testing.T, db *sqlite.DB) []news.Job {
	t.Helper()
	js, err := db.Jobs(context.Background(), news.JobFilter{Kind: news.JobNewsletterConfirm})
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func TestNewsletterSubscribeConfirm(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	nlService(t, db, "en")

	if _, err := db.Subscribe(ctx, "en", "not an address", nlNow); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("bad address: %v, want ErrInvalid", err)
	}
	if _, err := db.Subscribe(ctx, "xx", "a@example.org", nlNow); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown service: %v, want ErrNotFound", err)
	}
	res, err := db.Subscribe(ctx, "en", "  Reader@Example.ORG ", nlNow)
	if err != nil {
		t.Fatal(err)
	}
	s := res.Subscriber
	if !res.Mailed || s.Email != "reader@example.org" || s.State != news.SubscriberPending || s.UnsubToken == "" {
		t.Fatalf("Subscribe = %+v", res)
	}
	js := confirmJobs(t, db)
	if len(js) != 1 || string(js[0].Payload) != `{"subscriber":"`+s.ID+`"}` {
		t.Fatalf("confirm jobs = %+v", js)
	}
	// Asking again at once sends nothing more; after ConfirmResend it does,
	// but only one confirmation job is ever live.
	if res, err := db.Subscribe(ctx, "en", "reader@example.org", nlNow.Add(time.Minute)); err != nil || res.Mailed || res.Subscriber.ID != s.ID {
		t.Errorf("second Subscribe = %+v, %v", res, err)
	}
	if res, err := db.Subscribe(ctx, "en", "reader@example.org", nlNow.Add(news.ConfirmResend)); err != nil || !res.Mailed {
		t.Errorf("later Subscribe = %+v, %v", res, err)
	}
	if n := len(confirmJobs(t, db)); n != 1 {
		t.Errorf("%d confirm jobs, want 1 live", n)
	}

	token := "the-token"
	if _, err := db.SetConfirmToken(ctx, s.ID, news.TokenHash(token), nlNow); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Confirm(ctx, "ru", news.TokenHash(token), nlNow); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("confirm on another service: %v", err)
	}
	got, err := db.Confirm(ctx, "en", news.TokenHash(token), nlNow.Add(time.Hour))
	if err != nil || got.State != news.SubscriberConfirmed || !got.Confirmed.Equal(nlNow.Add(time.Hour)) {
		t.Fatalf("Confirm = %+v, %v", got, err)
	}
	if _, err := db.Confirm(ctx, "en", news.TokenHash(token), nlNow.Add(time.Hour)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("second use of a token: %v, want ErrNotFound", err)
	}
	if _, err := db.SetConfirmToken(ctx, s.ID, "x", nlNow); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("SetConfirmToken on a confirmed subscriber: %v", err)
	}
	// A confirmed address asking again: nothing changes, nothing is mailed.
	if res, err := db.Subscribe(ctx, "en", "reader@example.org", nlNow.Add(2*time.Hour)); err != nil || res.Mailed ||
		res.Subscriber.State != news.SubscriberConfirmed {
		t.Errorf("Subscribe when confirmed = %+v, %v", res, err)
	}

	// Unsubscribing erases the address and is idempotent.
	u, err := db.Unsubscribe(ctx, "en", s.UnsubToken, nlNow.Add(3*time.Hour))
	if err != nil || u.State != news.SubscriberUnsubscribed || u.Email != "" {
		t.Fatalf("Unsubscribe = %+v, %v", u, err)
	}
	if u2, err := db.Unsubscribe(ctx, "en", s.UnsubToken, nlNow.Add(4*time.Hour)); err != nil || !u2.Unsubscribed.Equal(u.Unsubscribed) {
		t.Errorf("second Unsubscribe = %+v, %v", u2, err)
	}
	if _, err := db.Unsubscribe(ctx, "en", "nope", nlNow); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown token: %v", err)
	}
	all, err := db.Subscribers(ctx, "en", "")
	if err != nil || len(all) != 1 || all[0].Email != "" {
		t.Errorf("Subscribers = %+v, %v", all, err)
	}
	// Subscribing again is a new subscription that needs confirming.
	if res, err := db.Subscribe(ctx, "en", "reader@example.org", nlNow.Add(5*time.Hour)); err != nil || !res.Mailed || res.Subscriber.ID == s.ID {
		t.Errorf("re-Subscribe = %+v, %v", res, err)
	}
	if _, err := db.Subscribers(ctx, "en", "bogus"); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("bad state: %v", err)
	}
}

func TestNewsletterConfirmExpiresAndPrune(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	nlService(t, db, "en")
	res, err := db.Subscribe(ctx, "en", "late@example.org", nlNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetConfirmToken(ctx, res.Subscriber.ID, news.TokenHash("t"), nlNow); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Confirm(ctx, "en", news.TokenHash("t"), nlNow.Add(news.PendingTTL)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("expired token: %v, want ErrNotFound", err)
	}
	if _, err := db.Subscribe(ctx, "en", "keep@example.org", nlNow.Add(47*time.Hour)); err != nil {
		t.Fatal(err)
	}
	n, err := db.PrunePending(ctx, nlNow.Add(48*time.Hour).Add(-news.PendingTTL).Add(time.Second))
	if err != nil || n != 1 {
		t.Fatalf("PrunePending = %d, %v; want 1", n, err)
	}
	left, _ := db.Subscribers(ctx, "en", news.SubscriberPending)
	if len(left) != 1 || left[0].Email != "keep@example.org" {
		t.Errorf("left = %+v", left)
	}
}

// subscribeConfirmed makes n confirmed subscribers of service.
func subscribeConfirmed(t *testing.T, db *sqlite.DB, service string, emails ...string) []news.Subscriber {
	t.Helper()
	ctx := context.Background()
	var out []news.Subscriber
	for _, e := range emails {
		res, err := db.Subscribe(ctx, service, e, nlNow)
		if err != nil {
			t.Fatal(err)
		}
		tok := "tok-" + e
		if _, err := db.SetConfirmToken(ctx, res.Subscriber.ID, news.TokenHash(tok), nlNow); err != nil {
			t.Fatal(err)
		}
		s, err := db.Confirm(ctx, service, news.TokenHash(tok), nlNow)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestNewsletterEditionDeliveries(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	nlService(t, db, "en")
	subs := subscribeConfirmed(t, db, "en", "a@example.org", "b@example.org", "c@example.org")
	if _, err := db.Subscribe(ctx, "en", "pending@example.org", nlNow); err != nil {
		t.Fatal(err)
	}
	content := news.EditionContent{Subject: "Today", Stories: []news.EditionStory{{Headline: "H", URL: "https://x/en/a"}}}
	e, created, err := db.PrepareEdition(ctx, news.Edition{Service: "en", Day: "2026-11-27", Content: content}, 2, nlNow)
	if err != nil || !created || e.Recipients != 3 || e.State != news.EditionSending {
		t.Fatalf("PrepareEdition = %+v, %v, %v", e, created, err)
	}
	// Preparing the same day again changes nothing.
	again, created, err := db.PrepareEdition(ctx, news.Edition{Service: "en", Day: "2026-11-27", Content: content}, 2, nlNow)
	if err != nil || created || again.ID != e.ID {
		t.Fatalf("second PrepareEdition = %+v, %v, %v", again, created, err)
	}
	sends, err := db.Jobs(ctx, news.JobFilter{Kind: news.JobNewsletterSend})
	if err != nil || len(sends) != 2 {
		t.Fatalf("send jobs = %+v, %v; want 2 batches", sends, err)
	}
	var batched []string
	for _, j := range sends {
		var p news.NewsletterSendPayload
		if err := json.Unmarshal(j.Payload, &p); err != nil || p.Edition != e.ID {
			t.Fatalf("payload %s: %v", j.Payload, err)
		}
		batched = append(batched, p.Subscribers...)
	}
	if len(batched) != 3 {
		t.Errorf("batches hold %v", batched)
	}
	if got, err := db.Edition(ctx, e.ID); err != nil || got.Content.Subject != "Today" || len(got.Content.Stories) != 1 {
		t.Errorf("Edition = %+v, %v", got, err)
	}
	if got, err := db.EditionOfDay(ctx, "en", "2026-11-27"); err != nil || got.ID != e.ID {
		t.Errorf("EditionOfDay = %+v, %v", got, err)
	}

	// Claims are exclusive: many claimers, one winner per delivery.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := map[string]int{}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, s := range subs {
				r, ok, err := db.ClaimDelivery(ctx, e.ID, s.ID, nlNow)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					wins[r.Email]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(wins) != 3 || wins["a@example.org"] != 1 || wins["b@example.org"] != 1 || wins["c@example.org"] != 1 {
		t.Fatalf("claims = %v, want each address once", wins)
	}
	if err := db.FinishDelivery(ctx, e.ID, subs[0].ID, news.DeliverySent, nlNow); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishDelivery(ctx, e.ID, subs[0].ID, news.DeliverySent, nlNow); !errors.Is(err, news.ErrConflict) {
		t.Errorf("finishing twice: %v, want ErrConflict", err)
	}
	if err := db.FinishDelivery(ctx, e.ID, subs[1].ID, news.DeliverySkipped, nlNow); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("finishing as skipped: %v, want ErrInvalid", err)
	}
	// A harmless failure puts it back; it can be claimed again.
	if err := db.FinishDelivery(ctx, e.ID, subs[1].ID, news.DeliveryPending, nlNow); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishDelivery(ctx, e.ID, subs[2].ID, news.DeliveryUncertain, nlNow); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.ClaimDelivery(ctx, e.ID, subs[2].ID, nlNow); ok {
		t.Error("an uncertain delivery was claimed again")
	}
	if e2, _ := db.SettleEdition(ctx, e.ID); e2.State != news.EditionSending {
		t.Errorf("edition with a pending delivery settled as %s", e2.State)
	}
	// Unsubscribed before their turn: skipped, never claimed.
	if _, err := db.Unsubscribe(ctx, "en", subs[1].UnsubToken, nlNow); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.ClaimDelivery(ctx, e.ID, subs[1].ID, nlNow); ok || err != nil {
		t.Errorf("claim after unsubscribing: %v, %v", ok, err)
	}
	ds, _ := db.Deliveries(ctx, e.ID)
	states := map[string]news.DeliveryState{}
	for _, d := range ds {
		states[d.Subscriber] = d.State
	}
	if states[subs[0].ID] != news.DeliverySent || states[subs[1].ID] != news.DeliverySkipped || states[subs[2].ID] != news.DeliveryUncertain {
		t.Errorf("delivery states = %v", states)
	}
	if e2, _ := db.SettleEdition(ctx, e.ID); e2.State != news.EditionSent {
		t.Errorf("settled edition is %s, want sent", e2.State)
	}
	if _, _, err := db.ClaimDelivery(ctx, e.ID, "nobody", nlNow); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown delivery: %v", err)
	}

	// A day without stories is empty and sends nothing.
	empty, _, err := db.PrepareEdition(ctx, news.Edition{Service: "en", Day: "2026-11-28", Content: news.EditionContent{Subject: "x"}}, 2, nlNow)
	if err != nil || empty.State != news.EditionEmpty || empty.Recipients != 0 {
		t.Errorf("empty edition = %+v, %v", empty, err)
	}
	for _, bad := range []news.Edition{{Day: "2026-11-27", Content: content}, {Service: "en", Day: "27.11.2026", Content: content}, {Service: "en", Day: "2026-11-29"}} {
		if _, _, err := db.PrepareEdition(ctx, bad, 2, nlNow); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("PrepareEdition(%+v): %v, want ErrInvalid", bad, err)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{"A@B.org": "a@b.org", " x.y+z@mail.example.kz ": "x.y+z@mail.example.kz"} {
		if got, err := news.NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "a", "a@b", "Name <a@b.org>", "a@@b.org", "a b@c.org", "a@b..org", "a@.b.org", "a@b.org\r\nBcc: x@y.org"} {
		if got, err := news.NormalizeEmail(bad); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want ErrInvalid", bad, got, err)
		}
	}
}
