package webhook_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"qalam/internal/demo"
	"qalam/internal/jobs"
	"qalam/internal/news"
	"qalam/internal/servertest"
	"qalam/internal/webhook"
)

// Over the demo newsroom: corrections, an embargo going live and a story
// taken down are each told once, and nothing readers may not see (drafts,
// an embargo before its time, withdrawn stories, the staff account)
// appears in any delivery.
func TestDemoNewsroom(t *testing.T) {
	ctx := context.Background()
	env := servertest.Demo(t)
	db, clk := env.Store, env.Clock
	rcv := newReceiver(t)
	ep := news.WebhookEndpoint{URL: rcv.URL + "/hook", Events: news.WebhookEvents, Active: true}
	secret, err := db.CreateWebhookEndpoint(ctx, &ep)
	must(t, err)
	sender := &webhook.Sender{Store: db, Client: webhook.Client(loopback), Primary: "https://news.example.org", Now: clk.Now, Log: discard}
	handlers := sender.Handlers()
	handlers[news.JobPublish] = jobs.Publish(db, clk.Now)
	runner := &jobs.Runner{Queue: db, Handlers: handlers, Now: clk.Now, Log: discard}
	run := func() {
		t.Helper()
		if _, err := runner.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	run() // whatever the seed left due: nothing for webhooks, which came after it

	now := clk.Now()
	_, err = db.AddCorrection(ctx, demo.CorrectedStoryID, news.Text("Түзету: сан қате берілген."), now)
	must(t, err)
	_, err = db.AddCorrection(ctx, demo.DraftStoryID, news.Text("A draft's correction"), now) // not public: nothing
	must(t, err)
	must(t, db.Unpublish(ctx, demo.UnpublishedStoryID, now)) // already down: nothing
	must(t, db.Unpublish(ctx, demo.LeadStoryKK, now))
	run()
	before := len(rcv.requests())

	// The embargo's time comes: its publish job goes live and tells.
	clk.Set(now.Add(49 * time.Hour))
	run()

	got := rcv.requests()
	var events []string
	for i, r := range got {
		signedAround := clk.Now()
		if i < before {
			signedAround = now
		}
		p := check(t, r, secret, signedAround)
		events = append(events, string(p.Event)+" "+p.Story.ID)
		for _, never := range []string{demo.StaffName, demo.StaffEmail, demo.StaffID, demo.DraftMarker, demo.UnpublishedMarker} {
			if strings.Contains(string(r.body), never) {
				t.Errorf("delivery %s carries %q", r.body, never)
			}
		}
		switch p.Story.ID {
		case demo.CorrectedStoryID:
			if p.Event != news.WebhookUpdate || p.Service != "kk" || !strings.HasPrefix(p.Story.URL, "https://news.example.org/kk/") ||
				len(p.Story.Corrections) != 3 || p.Story.Corrections[2].Text != "Түзету: сан қате берілген." {
				t.Errorf("correction delivery %s", r.body)
			}
		case demo.LeadStoryKK:
			if b, _ := json.Marshal(p.Story); string(b) != `{"id":"`+demo.LeadStoryKK+`"}` {
				t.Errorf("unpublish delivery says more than the id: %s", r.body)
			}
		case demo.ScheduledStoryID:
			if p.Event != news.WebhookPublish || !strings.Contains(p.Story.Headline, demo.ScheduledMarker) {
				t.Errorf("embargo delivery %s", r.body)
			}
		}
	}
	want := map[string]bool{
		"update " + demo.CorrectedStoryID:  true,
		"unpublish " + demo.LeadStoryKK:    true,
		"publish " + demo.ScheduledStoryID: true,
	}
	if len(events) != len(want) {
		t.Fatalf("deliveries %v, want %v", events, want)
	}
	for _, e := range events {
		if !want[e] {
			t.Errorf("unexpected delivery %s (all: %v)", e, events)
		}
	}
	if done, err := db.DeliveredWebhooks(ctx, demo.LeadStoryKK); err != nil || len(done) != 1 || done[0].Event != news.WebhookUnpublish {
		t.Errorf("DeliveredWebhooks(lead) = %+v, %v", done, err)
	}
}
