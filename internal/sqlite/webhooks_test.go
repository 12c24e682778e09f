package sqlite_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"qalam/internal/news"
	"qalam/internal/sqlite"
)

func TestWebhookEndpoints(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	t.Cleanup(func() { db.Close() })
	nlService(t, db, "en")

	for name, e := range map[string]news.WebhookEndpoint{
		"ftp URL":         {URL: "ftp://example.org/", Events: news.WebhookEvents},
		"no host":         {URL: "https:///x", Events: news.WebhookEvents},
		"relative":        {URL: "/hook", Events: news.WebhookEvents},
		"fragment":        {URL: "https://example.org/#x", Events: news.WebhookEvents},
		"no events":       {URL: "https://example.org/"},
		"unknown event":   {URL: "https://example.org/", Events: []news.WebhookEvent{"delete"}},
		"unknown service": {URL: "https://example.org/", Service: "xx", Events: news.WebhookEvents},
	} {
		if _, err := db.CreateWebhookEndpoint(ctx, &e); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if eps, _ := db.WebhookEndpoints(ctx); len(eps) != 0 {
		t.Fatalf("refused endpoints were stored: %v", eps)
	}

	e := news.WebhookEndpoint{Service: "en", URL: "https://hooks.example.org/in?token=t0k", Events: []news.WebhookEvent{news.WebhookPublish, news.WebhookUnpublish},
		Active: true, Note: "partner", Created: nlNow}
	secret, err := db.CreateWebhookEndpoint(ctx, &e)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "qwhs_") || len(secret) < 40 || e.ID == "" {
		t.Errorf("secret %q, id %q", secret, e.ID)
	}
	got, err := db.WebhookEndpoint(ctx, e.ID)
	if err != nil || got.URL != e.URL || !slices.Equal(got.Events, e.Events) || !got.Active || got.Service != "en" || !got.Created.Equal(nlNow) {
		t.Errorf("stored %+v, %v; want %+v", got, err, e)
	}
	if s, err := db.WebhookSecret(ctx, e.ID); err != nil || s != secret {
		t.Errorf("WebhookSecret = %q, %v", s, err)
	}
	rotated, err := db.RotateWebhookSecret(ctx, e.ID)
	if err != nil || rotated == secret {
		t.Errorf("rotated %q, %v", rotated, err)
	}
	if s, _ := db.WebhookSecret(ctx, e.ID); s != rotated {
		t.Errorf("secret after rotation %q, want %q", s, rotated)
	}
	other := news.WebhookEndpoint{URL: "http://10.0.0.5/x", Events: []news.WebhookEvent{news.WebhookUpdate}}
	otherSecret, err := db.CreateWebhookEndpoint(ctx, &other)
	if err != nil || otherSecret == rotated {
		t.Fatal(err)
	}
	got.Active, got.Events = false, []news.WebhookEvent{news.WebhookUpdate}
	if err := db.UpdateWebhookEndpoint(ctx, got); err != nil {
		t.Fatal(err)
	}
	if g, _ := db.WebhookEndpoint(ctx, e.ID); g.Active || !slices.Equal(g.Events, got.Events) {
		t.Errorf("after update %+v", g)
	}
	if s, _ := db.WebhookSecret(ctx, e.ID); s != rotated {
		t.Errorf("an update changed the secret")
	}
	eps, err := db.WebhookEndpoints(ctx)
	if err != nil || len(eps) != 2 || eps[0].ID != e.ID {
		t.Errorf("endpoints %v, %v", eps, err)
	}
	if err := db.UpdateWebhookEndpoint(ctx, news.WebhookEndpoint{ID: "nope", URL: "https://x.org/", Events: news.WebhookEvents}); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("update of unknown: %v", err)
	}
	if err := db.DeleteWebhookEndpoint(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteWebhookEndpoint(ctx, other.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if _, err := db.RotateWebhookSecret(ctx, other.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("rotate of deleted: %v", err)
	}
}

// webhookJobs returns the events of the webhook jobs queued so far, in
// order, as "event story".
func webhookJobs(t *testing.T, db *sqlite.DB) []string {
	t.Helper()
	js, err := db.Jobs(context.Background(), news.JobFilter{Kind: news.JobWebhookEvent, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, j := range js {
		var ev news.WebhookOccurrence
		if err := json.Unmarshal(j.Payload, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.ID == "" || ev.Service == "" || j.Key != news.JobWebhookEvent+":"+ev.ID {
			t.Errorf("job %+v: event %+v", j, ev)
		}
		out = append(out, string(ev.Event)+" "+ev.StoryID)
	}
	return out
}

func TestWebhookEventsQueuedWithChanges(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	t.Cleanup(func() { db.Close() })
	nlService(t, db, "en")
	nlService(t, db, "ru")
	at := nlNow
	step := func() time.Time { at = at.Add(time.Minute); return at }

	// No endpoint: publishing queues nothing.
	quiet := tgStory(t, db, "en")
	whMust(t, db.Publish(ctx, quiet.ID, quiet.HeadRev, step()))
	if js := webhookJobs(t, db); len(js) != 0 {
		t.Fatalf("jobs without endpoints: %v", js)
	}

	// An inactive endpoint and one of another service hear nothing either.
	off := news.WebhookEndpoint{URL: "https://a.example/", Events: news.WebhookEvents}
	ru := news.WebhookEndpoint{URL: "https://b.example/", Service: "ru", Events: news.WebhookEvents, Active: true}
	for _, e := range []*news.WebhookEndpoint{&off, &ru} {
		if _, err := db.CreateWebhookEndpoint(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	st := tgStory(t, db, "en")
	whMust(t, db.Publish(ctx, st.ID, st.HeadRev, step()))
	if js := webhookJobs(t, db); len(js) != 0 {
		t.Fatalf("jobs for inactive or other-service endpoints: %v", js)
	}

	// An endpoint for every service that wants publish and unpublish only.
	pubOnly := news.WebhookEndpoint{URL: "https://c.example/", Events: []news.WebhookEvent{news.WebhookPublish, news.WebhookUnpublish}, Active: true}
	if _, err := db.CreateWebhookEndpoint(ctx, &pubOnly); err != nil {
		t.Fatal(err)
	}
	a := tgStory(t, db, "en")
	whMust(t, db.Publish(ctx, a.ID, a.HeadRev, step()))
	whMust(t, db.Publish(ctx, a.ID, a.HeadRev, step())) // the same revision again: no event
	rev, err := db.SaveRevision(ctx, a.ID, a.HeadRev, news.Content{Headline: news.Text("New"), Body: news.Doc{Version: news.DocVersion}}, "", step())
	whMust(t, err)
	whMust(t, db.Publish(ctx, a.ID, rev.ID, step())) // an update, which it does not want
	want := []string{"publish " + a.ID}
	if js := webhookJobs(t, db); !slices.Equal(js, want) {
		t.Fatalf("jobs %v, want %v", js, want)
	}

	// Now every event.
	pubOnly.Events = news.WebhookEvents
	whMust(t, db.UpdateWebhookEndpoint(ctx, pubOnly))
	rev2, err := db.SaveRevision(ctx, a.ID, rev.ID, news.Content{Headline: news.Text("Newer"), Body: news.Doc{Version: news.DocVersion}}, "", step())
	whMust(t, err)
	whMust(t, db.Publish(ctx, a.ID, rev2.ID, step()))
	_, err = db.AddCorrection(ctx, a.ID, news.Text("We got a name wrong."), step())
	whMust(t, err)
	whMust(t, db.Unpublish(ctx, a.ID, step()))
	whMust(t, db.Unpublish(ctx, a.ID, step())) // already off: nothing
	_, err = db.AddCorrection(ctx, a.ID, news.Text("Off the site now."), step())
	whMust(t, err)                                    // not public: no event
	whMust(t, db.Publish(ctx, a.ID, rev2.ID, step())) // back: publish again
	want = append(want, "update "+a.ID, "update "+a.ID, "unpublish "+a.ID, "publish "+a.ID)

	// A draft's correction and an embargo cancelled before its time say nothing.
	d := tgStory(t, db, "en")
	_, err = db.AddCorrection(ctx, d.ID, news.Text("Draft."), step())
	whMust(t, err)
	whMust(t, db.Schedule(ctx, d.ID, d.HeadRev, at.Add(time.Hour)))
	whMust(t, db.Unpublish(ctx, d.ID, step()))

	// A scheduled story going live is a publish, queued by GoLive.
	s := tgStory(t, db, "en")
	embargo := step().Add(time.Hour)
	whMust(t, db.Schedule(ctx, s.ID, s.HeadRev, embargo))
	if ok, err := db.GoLive(ctx, s.ID, s.HeadRev, embargo); err != nil || !ok {
		t.Fatalf("GoLive = %v, %v", ok, err)
	}
	if ok, _ := db.GoLive(ctx, s.ID, s.HeadRev, embargo); ok {
		t.Fatal("GoLive twice")
	}
	want = append(want, "publish "+s.ID)

	// An embargo published by hand before the job ran is a publish too.
	e := tgStory(t, db, "en")
	whMust(t, db.Schedule(ctx, e.ID, e.HeadRev, at.Add(-time.Minute)))
	whMust(t, db.Publish(ctx, e.ID, e.HeadRev, step()))
	want = append(want, "publish "+e.ID)

	// Jobs list by due time: GoLive's comes at the embargo, last.
	want[len(want)-1], want[len(want)-2] = want[len(want)-2], want[len(want)-1]
	if js := webhookJobs(t, db); !slices.Equal(js, want) {
		t.Errorf("jobs\n %v\nwant\n %v", js, want)
	}
}

func TestWebhookDeliveries(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	t.Cleanup(func() { db.Close() })
	nlService(t, db, "en")
	nlService(t, db, "ru")
	st := tgStory(t, db, "en")
	var eps []news.WebhookEndpoint
	for i, e := range []news.WebhookEndpoint{
		{URL: "https://user:pw@one.example/hook/T0KEN?x=1", Events: news.WebhookEvents, Active: true},
		{URL: "https://two.example/", Service: "en", Events: []news.WebhookEvent{news.WebhookPublish}, Active: true},
		{URL: "https://three.example/", Service: "ru", Events: news.WebhookEvents, Active: true},
		{URL: "https://four.example/", Events: []news.WebhookEvent{news.WebhookUnpublish}, Active: true},
		{URL: "https://five.example/", Events: news.WebhookEvents, Active: false},
	} {
		e.Created = nlNow.Add(time.Duration(i) * time.Second)
		if _, err := db.CreateWebhookEndpoint(ctx, &e); err != nil {
			t.Fatal(err)
		}
		eps = append(eps, e)
	}
	ev := news.WebhookOccurrence{ID: news.NewID(), Event: news.WebhookPublish, Service: "en", StoryID: st.ID, Occurred: nlNow}
	if _, err := db.QueueWebhookDeliveries(ctx, news.WebhookOccurrence{Event: "x", ID: "1", Service: "en", StoryID: st.ID, Occurred: nlNow}, nlNow); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("unknown event: %v", err)
	}
	ds, err := db.QueueWebhookDeliveries(ctx, ev, nlNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].EndpointID != eps[0].ID || ds[1].EndpointID != eps[1].ID {
		t.Fatalf("deliveries %+v, want endpoints one and two", ds)
	}
	if ds[0].Target != "https://one.example" {
		t.Errorf("target %q: want scheme and host only", ds[0].Target)
	}
	// Fanning out again makes nothing new, neither row nor job.
	if again, err := db.QueueWebhookDeliveries(ctx, ev, nlNow.Add(time.Minute)); err != nil || len(again) != 0 {
		t.Errorf("second fan-out: %v, %v", again, err)
	}
	js, err := db.Jobs(ctx, news.JobFilter{Kind: news.JobWebhookDeliver})
	whMust(t, err)
	if len(js) != 2 || js[0].MaxAttempts != news.WebhookDeliverAttempts {
		t.Fatalf("deliver jobs %+v", js)
	}
	for _, d := range ds {
		k, err := db.Jobs(ctx, news.JobFilter{Key: news.JobWebhookDeliver + ":" + d.EndpointID + ":" + ev.ID})
		if err != nil || len(k) != 1 || !strings.Contains(string(k[0].Payload), d.ID) {
			t.Errorf("job of delivery %s: %+v, %v", d.ID, k, err)
		}
	}
	all, err := db.WebhookDeliveries(ctx, news.WebhookDeliveryFilter{StoryID: st.ID})
	if err != nil || len(all) != 2 {
		t.Fatalf("deliveries %v, %v", all, err)
	}

	d := ds[0]
	whMust(t, db.RecordWebhookAttempt(ctx, d.ID, 500, "HTTP 500", news.WebhookPending, nlNow.Add(time.Second)))
	whMust(t, db.RecordWebhookAttempt(ctx, d.ID, 200, "", news.WebhookDelivered, nlNow.Add(2*time.Second)))
	got, err := db.WebhookDelivery(ctx, d.ID)
	if err != nil || got.State != news.WebhookDelivered || got.Attempts != 2 || got.LastStatus != 200 ||
		!got.Delivered.Equal(nlNow.Add(2*time.Second)) || got.WebhookOccurrence != d.WebhookOccurrence {
		t.Errorf("delivered: %+v, %v", got, err)
	}
	// Once delivered, never again.
	if err := db.RecordWebhookAttempt(ctx, d.ID, 200, "", news.WebhookDelivered, nlNow.Add(3*time.Second)); !errors.Is(err, news.ErrConflict) {
		t.Errorf("second delivery: %v, want ErrConflict", err)
	}
	if err := db.FailWebhookDelivery(ctx, d.ID, "gone", nlNow); !errors.Is(err, news.ErrConflict) {
		t.Errorf("failing a delivered one: %v, want ErrConflict", err)
	}
	if err := db.RecordWebhookAttempt(ctx, "nope", 200, "", news.WebhookDelivered, nlNow); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown delivery: %v", err)
	}
	whMust(t, db.FailWebhookDelivery(ctx, ds[1].ID, "the endpoint was removed", nlNow.Add(time.Second)))
	if g, _ := db.WebhookDelivery(ctx, ds[1].ID); g.State != news.WebhookFailed || g.Attempts != 0 || g.LastError != "the endpoint was removed" {
		t.Errorf("failed: %+v", g)
	}

	// What cannot be recalled survives the endpoint's removal.
	whMust(t, db.DeleteWebhookEndpoint(ctx, eps[0].ID))
	done, err := db.DeliveredWebhooks(ctx, st.ID)
	if err != nil || len(done) != 1 || done[0].ID != d.ID || done[0].Target != "https://one.example" {
		t.Errorf("DeliveredWebhooks = %+v, %v", done, err)
	}
	if f, err := db.WebhookDeliveries(ctx, news.WebhookDeliveryFilter{State: news.WebhookFailed}); err != nil || len(f) != 1 {
		t.Errorf("failed listing %v, %v", f, err)
	}
	if _, err := db.WebhookDeliveries(ctx, news.WebhookDeliveryFilter{State: "lost"}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("unknown state: %v", err)
	}
}

func whMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
