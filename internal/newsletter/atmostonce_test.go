package newsletter_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"qalam/internal/news"
)

// fakeSMTP is a small SMTP server whose answers depend on the recipient,
// to drive the failure cases a real server will not produce on demand:
// "drop" closes the connection after the whole message has been written
// and before answering it; "450" and "550" refuse the recipient.
type fakeSMTP struct {
	ln    net.Listener
	modes map[string]string
	mu    sync.Mutex
	data  map[string]int // complete messages written, by recipient
}

func newFakeSMTP(t *testing.T, modes map[string]string) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{ln: ln, modes: modes, data: map[string]int{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeSMTP) count(rcpt string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.data[rcpt]
}

func (f *fakeSMTP) setMode(rcpt, mode string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.modes[rcpt] = mode
}

func (f *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	say := func(s string) { c.Write([]byte(s + "\r\n")) }
	say("220 fake ESMTP")
	rcpt := ""
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-fake")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM"), cmd == "NOOP", cmd == "RSET":
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			rcpt = strings.ToLower(strings.Trim(strings.TrimPrefix(strings.TrimSpace(line)[8:], ":"), " <>"))
			f.mu.Lock()
			mode := f.modes[rcpt]
			f.mu.Unlock()
			switch mode {
			case "450":
				say("450 4.2.1 try later")
			case "550":
				say("550 5.1.1 no such user")
			default:
				say("250 ok")
			}
		case cmd == "DATA":
			say("354 go on")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			f.mu.Lock()
			f.data[rcpt]++
			mode := f.modes[rcpt]
			f.mu.Unlock()
			if mode == "drop" {
				return // the message is complete; the answer never comes
			}
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 what")
		}
	}
}

// confirmed makes confirmed subscribers of the English service directly.
func (f *fixture) confirmed(t *testing.T, emails ...string) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	for _, e := range emails {
		res, err := f.env.Store.Subscribe(ctx, "en", e, f.env.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.env.Store.SetConfirmToken(ctx, res.Subscriber.ID, news.TokenHash("t"+e), f.env.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := f.env.Store.Confirm(ctx, "en", news.TokenHash("t"+e), f.env.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		ids[e] = res.Subscriber.ID
	}
	return ids
}

// Every outcome of one delivery, and what a retry does with it: a message
// the server may have taken (connection lost after the final dot) or one a
// crashed worker had claimed is never sent again; a temporary refusal is
// retried; a permanent one is not.
func TestAtMostOncePerReader(t *testing.T) {
	smtp := newFakeSMTP(t, map[string]string{
		"drop@example.org": "drop", "later@example.org": "450", "gone@example.org": "550",
	})
	f := start(t, smtp.ln.Addr().String(), news.JobNewsletterEdition, news.JobNewsletterSend)
	ctx := context.Background()
	t0 := f.env.Clock.Now()
	f.jobs.Batch = 10
	ids := f.confirmed(t, "ok@example.org", "drop@example.org", "later@example.org", "gone@example.org", "crashed@example.org")
	f.publish(t, "once-story", "A story sent once", 10*time.Minute)
	if err := f.jobs.ScheduleOnce(ctx); err != nil {
		t.Fatal(err)
	}
	e, err := func() (news.Edition, error) {
		// Prepare the edition, then play a worker that claimed one delivery
		// and died before recording what the server said.
		f.run(t)
		return f.env.Store.EditionOfDay(ctx, "en", f.env.Clock.Now().In(f.svc.Location()).Format(time.DateOnly))
	}()
	if err != nil {
		t.Fatal(err)
	}
	states := func() map[string]news.DeliveryState {
		ds, err := f.env.Store.Deliveries(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]news.DeliveryState{}
		for _, d := range ds {
			m[d.Subscriber] = d.State
		}
		return m
	}
	// The first run stops at the temporary refusal and leaves the rest of
	// the batch pending for the retry; nothing is left in sending.
	for id, st := range states() {
		if st == news.DeliverySending {
			t.Errorf("delivery to %s left in sending", id)
		}
	}
	if s := states()[ids["later@example.org"]]; s != news.DeliveryPending {
		t.Errorf("temporary refusal left %s, want pending", s)
	}

	// The server accepts "later" now; the retry delivers everything still
	// pending, and nothing else.
	smtp.setMode("later@example.org", "")
	for range 3 {
		f.env.Clock.Set(f.env.Clock.Now().Add(2 * time.Minute))
		f.run(t)
	}
	for addr, n := range map[string]int{"ok@example.org": 1, "drop@example.org": 1, "later@example.org": 1, "gone@example.org": 0, "crashed@example.org": 1} {
		if c := smtp.count(addr); c != n {
			t.Errorf("%s got %d messages, want %d", addr, c, n)
		}
	}
	got := states()
	for addr, w := range map[string]news.DeliveryState{
		"ok@example.org": news.DeliverySent, "drop@example.org": news.DeliveryUncertain, "later@example.org": news.DeliverySent,
		"gone@example.org": news.DeliveryFailed, "crashed@example.org": news.DeliverySent,
	} {
		if got[ids[addr]] != w {
			t.Errorf("delivery to %s: %s, want %s", addr, got[ids[addr]], w)
		}
	}
	if e, _ := f.env.Store.Edition(ctx, e.ID); e.State != news.EditionSent {
		t.Errorf("edition %s, want sent", e.State)
	}

	// The crash window: a worker claimed a delivery (pending → sending),
	// the server took the mail, and the worker died before recording it.
	// The retry must not send it again.
	f.env.Clock.Set(t0.Add(24 * time.Hour))
	f.publish(t, "second-day", "The next day's story", 10*time.Minute)
	if err := f.jobs.ScheduleOnce(ctx); err != nil {
		t.Fatal(err)
	}
	// Prepare only, by calling the edition handler (the queued job finds
	// the edition made when it runs).
	day := f.env.Clock.Now().In(f.svc.Location()).Format(time.DateOnly)
	if err := f.jobs.Handlers()[news.JobNewsletterEdition](ctx, news.NewsletterEditionJob("en", day, f.env.Clock.Now())); err != nil {
		t.Fatal(err)
	}
	e2, err := f.env.Store.EditionOfDay(ctx, "en", day)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := f.env.Store.ClaimDelivery(ctx, e2.ID, ids["crashed@example.org"], f.env.Clock.Now()); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	before := smtp.count("crashed@example.org")
	f.run(t)
	f.env.Clock.Set(f.env.Clock.Now().Add(time.Hour))
	f.run(t)
	if c := smtp.count("crashed@example.org"); c != before {
		t.Errorf("the delivery a crashed worker held was sent again (%d → %d)", before, c)
	}
	if c := smtp.count("ok@example.org"); c != 2 {
		t.Errorf("ok@ got %d messages over two days, want 2", c)
	}
	if c := smtp.count("drop@example.org"); c != 2 {
		t.Errorf("drop@ got %d messages over two days, want 2 (one a day, never a retry)", c)
	}
}
