package telegram_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"qalam/internal/demo"
	"qalam/internal/jobs"
	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/servertest"
	"qalam/internal/telegram"
)

const token = "7654321:AAH-secret-token_x9"

// clock is a settable now shared by the channel, the runner and the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

type fixture struct {
	t     *testing.T
	ctx   context.Context
	e     *servertest.Env
	bot   *fakeBot
	ch    *telegram.Channel
	clock *clock
	logs  *syncBuffer
	t0    time.Time
}

// setup starts the demo newsroom, a fake Bot API with channels @en and
// @ru, and a channel for en and ru whose first pass has set the watermark
// at t0 (an hour after the demo's now).
func setup(t *testing.T) *fixture {
	t.Helper()
	e := servertest.Demo(t)
	t0 := servertest.DemoNow.Add(time.Hour)
	clk := &clock{t: t0}
	bot := newFakeBot(t, token, clk.Now, "@en", "@ru")
	logs := &syncBuffer{}
	f := &fixture{t: t, ctx: context.Background(), e: e, bot: bot, clock: clk, logs: logs, t0: t0}
	f.ch = &telegram.Channel{
		Store:   e.Store,
		Bot:     &telegram.Client{API: bot.srv.URL, Token: token},
		Media:   e.Media,
		Chats:   map[string]string{"en": "@en", "ru": "@ru"},
		Primary: "https://news.example.org",
		Now:     clk.Now,
		Log:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	f.sync("en")
	f.sync("ru")
	if calls := bot.Calls(); len(calls) != 0 {
		t.Fatalf("the first pass posted the archive: %v", bot.methods())
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), "AAH-secret") {
			t.Errorf("the bot token is in the logs:\n%s", logs.String())
		}
	})
	return f
}

func (f *fixture) sync(service string) {
	f.t.Helper()
	if err := f.ch.Sync(f.ctx, service); err != nil {
		f.t.Fatalf("Sync(%s): %v", service, err)
	}
}

func (f *fixture) at(d time.Duration) { f.clock.Set(f.t0.Add(d)) }

// exifJPEG is a photo as a phone uploads it: a JPEG with an EXIF block
// that carries a GPS position.
func exifJPEG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1600, 900))
	for y := 0; y < 900; y++ {
		for x := 0; x < 1600; x++ {
			img.Set(x, y, color.RGBA{uint8(x / 7), uint8(y / 4), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	// APP1 "Exif\0\0" + a little-endian TIFF header with no entries, and a
	// readable marker a leak would carry along.
	payload := append([]byte("Exif\x00\x00II*\x00\x08\x00\x00\x00\x00\x00"), []byte("GPS 43.2389N 76.8897E")...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	raw := b.Bytes()
	out := append([]byte{}, raw[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, raw[2:]...)
}

// story creates a story in service; with image, its lead is a freshly
// ingested photo.
func (f *fixture) story(service, slug, headline, deck string, image bool) news.Story {
	f.t.Helper()
	secs, err := f.e.Store.Sections(f.ctx, service)
	if err != nil || len(secs) == 0 {
		f.t.Fatalf("sections: %v", err)
	}
	c := news.Content{Headline: news.Text(headline), Deck: news.Text(deck),
		Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Body.")}}}}
	if image {
		a, err := f.e.Media.Ingest(f.ctx, exifJPEG(f.t))
		if err != nil {
			f.t.Fatal(err)
		}
		c.Lead = &news.Figure{AssetID: a.ID, Alt: "A street"}
	}
	st, err := f.e.Store.CreateStory(f.ctx, news.NewStory{Service: service, SectionID: secs[0].ID, Slug: slug,
		Content: c, CreatedBy: demo.StaffID, Created: f.clock.Now()})
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.e.Store.SetStatus(f.ctx, st.ID, news.StatusApproved); err != nil {
		f.t.Fatal(err)
	}
	return st
}

func (f *fixture) publish(st news.Story, at time.Time) {
	f.t.Helper()
	if err := f.e.Store.Publish(f.ctx, st.ID, st.HeadRev, at); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) post(storyID string) news.TelegramPost {
	f.t.Helper()
	ps, err := f.e.Store.TelegramPosts(f.ctx, news.TelegramFilter{StoryID: storyID})
	if err != nil {
		f.t.Fatal(err)
	}
	if len(ps) != 1 {
		f.t.Fatalf("posts of %s = %+v, want one", storyID, ps)
	}
	return ps[0]
}

func (f *fixture) wantCalls(what string, want ...string) {
	f.t.Helper()
	got := f.bot.methods()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		f.t.Fatalf("%s: calls %v, want %v", what, got, want)
	}
}

func TestChannel(t *testing.T) {
	f := setup(t)
	ctx := f.ctx

	// A story published after the watermark, with awkward characters and a
	// lead image; a draft, which must never go out.
	a := f.story("en", "tom-and-jerry", `Tom & Jerry <script>alert(1)</script> "say"`, `Deck <b>not bold</b> & more`, true)
	f.publish(a, f.t0.Add(time.Minute))
	draft := f.story("en", "draft", "Never posted "+demo.DraftMarker, "", false)

	f.at(2 * time.Minute)
	f.sync("en")
	f.wantCalls("new story", "sendPhoto")
	msgs := f.bot.Live()
	if len(msgs) != 1 {
		t.Fatalf("messages = %+v", msgs)
	}
	m := msgs[0]
	link := "https://news.example.org/en/" + f.section("en") + "/tom-and-jerry-" + a.ID
	wantCaption := `<b>Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt; &#34;say&#34;</b>` + "\n\n" +
		`Deck &lt;b&gt;not bold&lt;/b&gt; &amp; more` + "\n\n" + `<a href="` + link + `">` + link + `</a>`
	if m.Chat != "@en" || m.Kind != "photo" || m.HTML != wantCaption {
		t.Fatalf("posted %s %s:\n%s\nwant:\n%s", m.Chat, m.Kind, m.HTML, wantCaption)
	}
	// The photo is the media library's stripped variant, byte for byte.
	p, err := f.e.Store.PublishedStory(ctx, a.ID, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	asset := p.Assets[p.Rev.Content.Lead.AssetID]
	v := media.Pick(asset, 1280)
	file, err := os.ReadFile(filepath.Join(f.e.Media.Dir, "v", asset.Hash[:2], asset.Hash+"-"+strconv.Itoa(v.Width)+".jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m.Photo, file) || !bytes.HasPrefix(m.Photo, []byte{0xFF, 0xD8}) {
		t.Fatalf("photo: %d bytes, not the %d-byte variant file", len(m.Photo), len(file))
	}
	if bytes.Contains(m.Photo, []byte("Exif")) || bytes.Contains(m.Photo, []byte("GPS 43")) || bytes.Contains(m.Photo, []byte{0xFF, 0xE1}) {
		t.Fatal("the posted photo carries the upload's EXIF block")
	}
	if _, _, err := image.Decode(bytes.NewReader(m.Photo)); err != nil {
		t.Fatalf("posted photo does not decode: %v", err)
	}
	rec := f.post(a.ID)
	if rec.State != news.TelegramPosted || rec.MessageID != m.ID || rec.Kind != news.TelegramPhoto || rec.Chat != "@en" {
		t.Fatalf("recorded post = %+v", rec)
	}

	// Nothing is posted twice.
	f.sync("en")
	f.sync("en")
	f.wantCalls("second pass", "sendPhoto")

	// A correction edits the caption.
	if _, err := f.e.Store.AddCorrection(ctx, a.ID, news.Text(`The mayor's name was misspelt <sic>.`), f.t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	f.at(4 * time.Minute)
	f.sync("en")
	f.wantCalls("correction", "sendPhoto", "editMessageCaption")
	m = f.bot.Msg(m.ID)
	if !strings.Contains(m.HTML, "<i>Correction, ") || !strings.Contains(m.HTML, "The mayor&#39;s name was misspelt &lt;sic&gt;.") ||
		!strings.HasPrefix(m.HTML, "<b>Tom &amp; Jerry") || !strings.HasSuffix(m.HTML, link+"</a>") {
		t.Fatalf("edited caption:\n%s", m.HTML)
	}
	if rec := f.post(a.ID); rec.Corrections != 1 || rec.Edited.IsZero() {
		t.Fatalf("after the edit: %+v", rec)
	}
	f.sync("en")
	f.wantCalls("after the edit", "sendPhoto", "editMessageCaption")

	// A scheduled story is posted once it is live, not before; without a
	// lead image it is a text message with the link's preview.
	s := f.story("en", "embargoed", "Embargoed report", "Out at noon", false)
	if err := f.e.Store.Schedule(ctx, s.ID, s.HeadRev, f.t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.at(2*time.Hour - time.Second)
	f.sync("en")
	f.wantCalls("before the embargo", "sendPhoto", "editMessageCaption")
	f.at(2*time.Hour + time.Second)
	f.sync("en")
	f.wantCalls("after the embargo", "sendPhoto", "editMessageCaption", "sendMessage")
	sm := f.bot.Msg(f.post(s.ID).MessageID)
	sLink := "https://news.example.org/en/" + f.section("en") + "/embargoed-" + s.ID
	if sm.Kind != "text" || sm.Preview != sLink || !strings.HasPrefix(sm.HTML, "<b>Embargoed report</b>\n\nOut at noon\n\n") {
		t.Fatalf("scheduled story's message: %+v", sm)
	}

	// Unpublishing deletes the message while Telegram allows it.
	if err := f.e.Store.Unpublish(ctx, a.ID, f.t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.at(3*time.Hour + time.Second)
	f.sync("en")
	f.wantCalls("unpublished", "sendPhoto", "editMessageCaption", "sendMessage", "deleteMessage")
	if !f.bot.Msg(m.ID).Deleted {
		t.Fatal("the message of the unpublished story is still in the channel")
	}
	if rec := f.post(a.ID); rec.State != news.TelegramDeleted || rec.Ended.IsZero() {
		t.Fatalf("after deleting: %+v", rec)
	}

	// After 48 hours it cannot be deleted: recorded for the newsroom.
	if err := f.e.Store.Unpublish(ctx, s.ID, f.t0.Add(52*time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.at(52*time.Hour + time.Second)
	f.sync("en")
	f.wantCalls("unpublished after 48 h", "sendPhoto", "editMessageCaption", "sendMessage", "deleteMessage")
	un, err := f.e.Store.TelegramPosts(ctx, news.TelegramFilter{Service: "en", State: news.TelegramUnrecallable})
	if err != nil || len(un) != 1 || un[0].StoryID != s.ID {
		t.Fatalf("unrecallable posts = %+v, %v", un, err)
	}
	if f.bot.Msg(sm.ID).Deleted {
		t.Fatal("fake deleted a message older than 48 hours")
	}

	// The demo's Russian story embargoed until 48 hours after the demo's
	// now goes out on the first pass after that.
	f.sync("ru")
	ru := f.post(demo.ScheduledStoryID)
	if ru.Chat != "@ru" || ru.State != news.TelegramPosted {
		t.Fatalf("ru scheduled story's post: %+v", ru)
	}
	f.sync("ru")
	f.sync("en")
	f.wantCalls("at the end", "sendPhoto", "editMessageCaption", "sendMessage", "deleteMessage", "sendPhoto")

	// The draft never went anywhere.
	for _, c := range f.bot.Calls() {
		for _, v := range c.Params {
			if strings.Contains(v, demo.DraftMarker) || strings.Contains(v, draft.ID) {
				t.Fatalf("%s carried the draft: %v", c.Method, c.Params)
			}
		}
	}
	if ps, _ := f.e.Store.TelegramPosts(ctx, news.TelegramFilter{StoryID: draft.ID}); len(ps) != 0 {
		t.Fatalf("draft has posts: %+v", ps)
	}
}

func (f *fixture) section(service string) string {
	secs, err := f.e.Store.Sections(f.ctx, service)
	if err != nil || len(secs) == 0 {
		f.t.Fatal(err)
	}
	return secs[0].Slug
}

// A story unpublished and published again comes back to the channel.
func TestRepublished(t *testing.T) {
	f := setup(t)
	a := f.story("en", "back", "Back again", "", false)
	f.publish(a, f.t0.Add(time.Minute))
	f.at(2 * time.Minute)
	f.sync("en")
	if err := f.e.Store.Unpublish(f.ctx, a.ID, f.t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	f.at(4 * time.Minute)
	f.sync("en")
	st, err := f.e.Store.Story(f.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.publish(st, f.t0.Add(5*time.Minute))
	f.at(6 * time.Minute)
	f.sync("en")
	f.sync("en")
	f.wantCalls("republished", "sendMessage", "deleteMessage", "sendMessage")
	if live := f.bot.Live(); len(live) != 1 || f.post(a.ID).MessageID != live[0].ID {
		t.Fatalf("live messages %+v, post %+v", live, f.post(a.ID))
	}
}

// A caption that would be longer than Telegram allows makes a text post;
// its edits stay within the text limit.
func TestLongDeck(t *testing.T) {
	f := setup(t)
	deck := strings.Repeat("Қазақстан & ", 100) // 1200 characters
	a := f.story("en", "long", "Long deck", deck, true)
	f.publish(a, f.t0.Add(time.Minute))
	f.at(2 * time.Minute)
	f.sync("en")
	f.wantCalls("long deck", "sendMessage")
	if rec := f.post(a.ID); rec.Kind != news.TelegramText {
		t.Fatalf("post = %+v", rec)
	}
	long := strings.Repeat("A long correction. ", 250) // 4750 characters
	if _, err := f.e.Store.AddCorrection(f.ctx, a.ID, news.Text(long), f.t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	f.at(4 * time.Minute)
	f.sync("en")
	f.wantCalls("long correction", "sendMessage", "editMessageText") // the fake refuses over 4096
	m := f.bot.Live()[0]
	if !strings.HasPrefix(m.HTML, "<b>Long deck</b>") || !strings.Contains(m.HTML, "…") || !strings.Contains(m.HTML, "https://news.example.org/en/") {
		t.Fatalf("shortened text:\n%s", m.HTML)
	}
}

// A photo post's caption shortened on edit stays within 1024 characters.
func TestLongCorrectionOnPhoto(t *testing.T) {
	f := setup(t)
	a := f.story("en", "photo", "Photo story", "A short deck", true)
	f.publish(a, f.t0.Add(time.Minute))
	f.at(2 * time.Minute)
	f.sync("en")
	if _, err := f.e.Store.AddCorrection(f.ctx, a.ID, news.Text(strings.Repeat("Түзету мәтіні. ", 120)), f.t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	f.at(4 * time.Minute)
	f.sync("en")
	f.wantCalls("long correction on a photo", "sendPhoto", "editMessageCaption")
	if m := f.bot.Live()[0]; !strings.Contains(m.HTML, "…") || m.Edits != 1 {
		t.Fatalf("caption:\n%s", m.HTML)
	}
}

// 429 fails the job; no call is made before retry_after; a later run
// posts once.
func TestRateLimited(t *testing.T) {
	f := setup(t)
	a := f.story("en", "limited", "Rate limited", "", true)
	f.publish(a, f.t0.Add(time.Minute))
	f.ch.Chats = map[string]string{"en": "@en"}
	r := &jobs.Runner{Queue: f.e.Store, Handlers: f.ch.Handlers(), Now: f.clock.Now, Worker: "test", Log: f.ch.Log}

	f.bot.RateLimit("sendPhoto", 30)
	f.at(2 * time.Minute)
	if err := f.ch.Enqueue(f.ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.ch.Enqueue(f.ctx); err != nil { // one live job per service
		t.Fatal(err)
	}
	if n, err := r.RunDue(f.ctx); err != nil || n != 1 {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	js, err := f.e.Store.Jobs(f.ctx, news.JobFilter{Key: telegram.SyncKey("en")})
	if err != nil || len(js) != 1 {
		t.Fatalf("jobs = %+v, %v", js, err)
	}
	if js[0].State != news.JobQueued || !strings.Contains(js[0].LastError, "429") || strings.Contains(js[0].LastError, token) {
		t.Fatalf("after 429: %+v", js[0])
	}
	if ps, _ := f.e.Store.TelegramPosts(f.ctx, news.TelegramFilter{StoryID: a.ID}); len(ps) != 0 {
		t.Fatalf("a refused post left a claim: %+v", ps)
	}

	// The runner's first retry (10 s) comes before retry_after (30 s): no
	// call is made.
	f.at(2*time.Minute + 11*time.Second)
	if n, err := r.RunDue(f.ctx); err != nil || n != 1 {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	f.wantCalls("within retry_after", "sendPhoto")

	f.at(2*time.Minute + 32*time.Second)
	if n, err := r.RunDue(f.ctx); err != nil || n != 1 {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	f.wantCalls("after retry_after", "sendPhoto", "sendPhoto")
	js, _ = f.e.Store.Jobs(f.ctx, news.JobFilter{Key: telegram.SyncKey("en")})
	if len(js) != 1 || js[0].State != news.JobDone {
		t.Fatalf("job after the retry: %+v", js)
	}
	// The next run (with nothing changed, after Idle) posts nothing twice.
	f.at(2*time.Minute + telegram.DefaultIdle)
	if err := f.ch.Enqueue(f.ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := r.RunDue(f.ctx); err != nil || n != 1 {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	f.wantCalls("next run", "sendPhoto", "sendPhoto")
	if live := f.bot.Live(); len(live) != 1 || f.post(a.ID).MessageID != live[0].ID {
		t.Fatalf("live %+v", live)
	}
}

// A connection lost after the request went out leaves the outcome
// unknown: the story is not sent again.
func TestLostAnswerNotResent(t *testing.T) {
	f := setup(t)
	a := f.story("en", "lost", "Lost answer", "", true)
	f.publish(a, f.t0.Add(time.Minute))
	f.bot.HangUp("sendPhoto")
	f.at(2 * time.Minute)
	if err := f.ch.Sync(f.ctx, "en"); err == nil {
		t.Fatal("Sync succeeded over a lost connection")
	}
	f.sync("en")
	f.wantCalls("lost answer", "sendPhoto")
	if rec := f.post(a.ID); rec.State != news.TelegramSending {
		t.Fatalf("post = %+v", rec)
	}
}

// A refused request releases its claim: the story goes out on a later
// pass, once the chat is right.
func TestRefusedThenPosted(t *testing.T) {
	f := setup(t)
	f.ch.Chats["en"] = "@nosuchchannel"
	a := f.story("en", "refused", "Refused", "", false)
	f.publish(a, f.t0.Add(time.Minute))
	f.at(2 * time.Minute)
	err := f.ch.Sync(f.ctx, "en")
	var ae *telegram.APIError
	if !errors.As(err, &ae) || ae.Code != 400 || !strings.Contains(ae.Description, "chat not found") {
		t.Fatalf("Sync to an unknown chat: %v", err)
	}
	if ps, _ := f.e.Store.TelegramPosts(f.ctx, news.TelegramFilter{StoryID: a.ID}); len(ps) != 0 {
		t.Fatalf("refused post left a claim: %+v", ps)
	}
	f.ch.Chats["en"] = "@en"
	f.sync("en")
	if rec := f.post(a.ID); rec.State != news.TelegramPosted || rec.Chat != "@en" {
		t.Fatalf("post = %+v", rec)
	}
}

// The token is never in an error: not from a wrong token, a network
// failure, nor an API description that quotes it.
func TestTokenNeverInErrors(t *testing.T) {
	ctx := context.Background()
	bot := newFakeBot(t, token, time.Now, "@en")
	wrong := &telegram.Client{API: bot.srv.URL, Token: "1:wrong-" + token}
	_, err := wrong.SendMessage(ctx, "@en", "hi", "")
	var ae *telegram.APIError
	if !errors.As(err, &ae) || ae.Code != 401 {
		t.Fatalf("wrong token: %v", err)
	}
	bot.describe = "Not Found: /bot" + token + "/sendMessage"
	c := &telegram.Client{API: bot.srv.URL, Token: token}
	_, err = c.SendMessage(ctx, "@nowhere", "hi", "")
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "[token]") {
		t.Fatalf("description quoting the token: %v", err)
	}
	closed := newFakeBot(t, token, time.Now)
	closed.srv.Close()
	c = &telegram.Client{API: closed.srv.URL, Token: token}
	_, err = c.SendPhoto(ctx, "@en", []byte{0xFF, 0xD8}, "x")
	var ne *telegram.NetError
	if !errors.As(err, &ne) || ne.MaybeSent || strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "/bot") {
		t.Fatalf("network error: %v (%+v)", err, ne)
	}
}

// A backlog goes out oldest first, PerPass a pass.
func TestBacklogPerPass(t *testing.T) {
	f := setup(t)
	var ids []string
	for i := range 7 {
		s := f.story("en", "backlog-"+strconv.Itoa(i), "Backlog "+strconv.Itoa(i), "", false)
		f.publish(s, f.t0.Add(time.Duration(i+1)*time.Minute))
		ids = append(ids, s.ID)
	}
	f.at(10 * time.Minute)
	f.sync("en")
	if n := len(f.bot.Live()); n != telegram.DefaultPerPass {
		t.Fatalf("first pass posted %d, want %d", n, telegram.DefaultPerPass)
	}
	f.sync("en")
	f.sync("en")
	live := f.bot.Live()
	if len(live) != 7 {
		t.Fatalf("posted %d of 7", len(live))
	}
	for i, m := range live {
		if !strings.HasPrefix(m.HTML, "<b>Backlog "+strconv.Itoa(i)+"</b>") || f.post(ids[i]).MessageID != m.ID {
			t.Fatalf("message %d is %q, want backlog %d (oldest first)", i, m.HTML, i)
		}
	}
}

// The ticker queues a pass only when there may be work.
func TestEnqueueOnlyWhenNeeded(t *testing.T) {
	f := setup(t)
	f.ch.Chats = map[string]string{"en": "@en"}
	r := &jobs.Runner{Queue: f.e.Store, Handlers: f.ch.Handlers(), Now: f.clock.Now, Worker: "test", Log: f.ch.Log}
	tick := func(d time.Duration) int {
		t.Helper()
		f.at(d)
		if err := f.ch.Enqueue(f.ctx); err != nil {
			t.Fatal(err)
		}
		n, err := r.RunDue(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := tick(time.Second); n != 1 {
		t.Fatalf("first tick ran %d jobs, want 1", n)
	}
	if n := tick(15 * time.Second); n != 0 {
		t.Fatalf("quiet tick ran %d jobs", n)
	}
	// A publication moves the content version.
	a := f.story("en", "tick", "Tick", "", false)
	f.publish(a, f.t0.Add(20*time.Second))
	if n := tick(30 * time.Second); n != 1 || len(f.bot.Live()) != 1 {
		t.Fatalf("after a publication: %d jobs, %d messages", n, len(f.bot.Live()))
	}
	if n := tick(45 * time.Second); n != 0 {
		t.Fatalf("quiet tick ran %d jobs", n)
	}
	// A scheduled story going live changes no content version, but the
	// newest public story.
	s := f.story("en", "later", "Later", "", false)
	if err := f.e.Store.Schedule(f.ctx, s.ID, s.HeadRev, f.t0.Add(time.Minute+10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := tick(60 * time.Second); n != 1 || len(f.bot.Live()) != 1 { // the schedule itself is a change
		t.Fatalf("after scheduling: %d jobs, %d messages", n, len(f.bot.Live()))
	}
	if n := tick(75 * time.Second); n != 1 || len(f.bot.Live()) != 2 {
		t.Fatalf("after going live: %d jobs, %d messages", n, len(f.bot.Live()))
	}
	if n := tick(90 * time.Second); n != 0 {
		t.Fatalf("quiet tick ran %d jobs", n)
	}
	// A backlog bigger than a pass gets the next tick.
	for i := range telegram.DefaultPerPass + 2 {
		b := f.story("en", "many-"+strconv.Itoa(i), "Many "+strconv.Itoa(i), "", false)
		f.publish(b, f.t0.Add(100*time.Second))
	}
	if n := tick(105 * time.Second); n != 1 || len(f.bot.Live()) != 2+telegram.DefaultPerPass {
		t.Fatalf("first backlog pass: %d jobs, %d messages", n, len(f.bot.Live()))
	}
	if n := tick(120 * time.Second); n != 1 || len(f.bot.Live()) != 2+telegram.DefaultPerPass+2 {
		t.Fatalf("second backlog pass: %d jobs, %d messages", n, len(f.bot.Live()))
	}
	if n := tick(135 * time.Second); n != 0 {
		t.Fatalf("quiet tick ran %d jobs", n)
	}
	// And at least every Idle.
	if n := tick(135*time.Second + telegram.DefaultIdle); n != 1 {
		t.Fatalf("after Idle: %d jobs", n)
	}
}
