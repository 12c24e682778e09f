package live_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qalam/internal/live"
	"qalam/internal/news"
	"qalam/internal/sqlite"
)

func newHub(t *testing.T, max int) (*live.Hub, *sqlite.DB, *httptest.Server) {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, s := range []news.Service{
		{Code: "kk", Name: "Жасыл Аула", Lang: "kk", Dir: "ltr", TimeZone: "Asia/Almaty", Default: true},
		{Code: "ru", Name: "Зелёный двор", Lang: "ru", Dir: "ltr", TimeZone: "Asia/Almaty", Position: 1},
	} {
		if err := db.PutService(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	h := live.New(live.Config{Store: db, Max: max, Heartbeat: 40 * time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := httptest.NewServer(h)
	t.Cleanup(func() { h.Close(); srv.Close(); db.Close() })
	return h, db, srv
}

// event is one SSE event read from a stream.
type event struct {
	name string
	data string
}

// reader reads events and heartbeats from a stream in the background.
type reader struct {
	events     chan event
	heartbeats chan struct{}
	resp       *http.Response
}

func open(t *testing.T, url string) *reader {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	r := &reader{events: make(chan event, 16), heartbeats: make(chan struct{}, 64), resp: resp}
	if resp.StatusCode != 200 {
		return r
	}
	go func() {
		sc := bufio.NewScanner(resp.Body)
		var ev event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, ": heartbeat"):
				select {
				case r.heartbeats <- struct{}{}:
				default:
				}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.name != "":
				r.events <- ev
				ev = event{}
			}
		}
	}()
	return r
}

func (r *reader) next(t *testing.T) live.Banner {
	t.Helper()
	select {
	case ev := <-r.events:
		if ev.name != "banner" {
			t.Fatalf("event %q", ev.name)
		}
		var b live.Banner
		if err := json.Unmarshal([]byte(ev.data), &b); err != nil {
			t.Fatalf("event data %q: %v", ev.data, err)
		}
		return b
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return live.Banner{}
}

func (r *reader) none(t *testing.T) {
	t.Helper()
	select {
	case ev := <-r.events:
		t.Fatalf("unexpected event %+v", ev)
	case <-time.After(150 * time.Millisecond):
	}
}

func TestBannerStream(t *testing.T) {
	h, db, srv := newHub(t, 10)
	ctx := context.Background()
	kk := open(t, srv.URL+"/live/kk/events")
	if ct := kk.resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") || kk.resp.Header.Get("Cache-Control") != "no-store" || kk.resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("stream headers %v", kk.resp.Header)
	}
	if b := kk.next(t); b.Active {
		t.Fatalf("first state %+v, want no banner", b)
	}
	latn := open(t, srv.URL+"/live/kk-latn/events")
	latn.next(t)
	ru := open(t, srv.URL+"/live/ru/events")
	ru.next(t)

	if err := db.SetBanner(ctx, news.Banner{Service: "kk", Text: "Алматыда жер сілкінді", Link: "/kk/", Active: true}); err != nil {
		t.Fatal(err)
	}
	h.Changed(ctx)
	if b := kk.next(t); !b.Active || b.Text != "Алматыда жер сілкінді" || b.Label != "Шұғыл жаңалық" || b.Link != "/kk/" {
		t.Errorf("kk got %+v", b)
	}
	if b := latn.next(t); b.Text != "Almatyda jer sılkındı" || b.Link != "/kk-latn/" {
		t.Errorf("kk-latn got %+v", b)
	}
	ru.none(t) // another service's banner is not theirs
	// No change, no event; heartbeats keep the stream open.
	h.Changed(ctx)
	kk.none(t)
	select {
	case <-kk.heartbeats:
	case <-time.After(5 * time.Second):
		t.Error("no heartbeat")
	}
	// Clearing it reaches the page too.
	if err := db.SetBanner(ctx, news.Banner{Service: "kk", Text: "Алматыда жер сілкінді"}); err != nil {
		t.Fatal(err)
	}
	h.Changed(ctx)
	if b := kk.next(t); b.Active {
		t.Errorf("after clearing: %+v", b)
	}
	// A stream that joins later starts with the current state.
	again := open(t, srv.URL+"/live/kk/events")
	if b := again.next(t); b.Active {
		t.Errorf("late joiner got %+v", b)
	}
	if n := h.Streams()["kk"]; n != 2 {
		t.Errorf("%d kk streams open, want 2", n)
	}
}

func TestTooManyStreamsAndPolling(t *testing.T) {
	h, db, srv := newHub(t, 1)
	ctx := context.Background()
	first := open(t, srv.URL+"/live/kk/events")
	first.next(t)
	second := open(t, srv.URL+"/live/kk/events")
	if second.resp.StatusCode != http.StatusServiceUnavailable || second.resp.Header.Get("Retry-After") == "" {
		t.Fatalf("second stream: %d Retry-After %q", second.resp.StatusCode, second.resp.Header.Get("Retry-After"))
	}
	if h.Refused() != 1 || h.Open() != 1 {
		t.Errorf("refused %d, open %d; want 1 and 1", h.Refused(), h.Open())
	}
	if err := db.SetBanner(ctx, news.Banner{Service: "kk", Label: "Шұғыл", Text: "Сайлау нәтижесі", Active: true}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.URL + "/live/kk/banner.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b live.Banner
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		t.Fatal(err)
	}
	if !b.Active || b.Label != "Шұғыл" || b.Text != "Сайлау нәтижесі" || !strings.HasPrefix(resp.Header.Get("Cache-Control"), "public, max-age=") {
		t.Errorf("banner.json %+v, Cache-Control %q", b, resp.Header.Get("Cache-Control"))
	}
	// Polling only: no stream at all.
	_, _, srv0 := newHub(t, 0)
	if r := open(t, srv0.URL+"/live/kk/events"); r.resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("max 0: %d", r.resp.StatusCode)
	}
	// Close ends the streams (serve calls it on shutdown).
	h.Close()
	deadline := time.Now().Add(10 * time.Second)
	for h.Open() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := h.Open(); n != 0 {
		t.Errorf("%d streams open after Close", n)
	}
}

func TestUnknownViews(t *testing.T) {
	_, _, srv := newHub(t, 10)
	for _, p := range []string{"/live/xx/events", "/live/ru-latn/events", "/live/kk/other", "/live/kk", "/live/kk/banner.json/x"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
}

// A stream outlives the server's write timeout: the handler lifts it.
func TestStreamOutlivesWriteTimeout(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.PutService(ctx, news.Service{Code: "kk", Name: "Жасыл Аула", Lang: "kk", Dir: "ltr", TimeZone: "Asia/Almaty"}); err != nil {
		t.Fatal(err)
	}
	h := live.New(live.Config{Store: db, Max: 10, Heartbeat: time.Hour})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.WriteTimeout = 200 * time.Millisecond
	srv.Start()
	defer srv.Close()
	defer h.Close()
	r := open(t, srv.URL+"/live/kk/events")
	r.next(t)
	time.Sleep(600 * time.Millisecond) // three write timeouts
	if err := db.SetBanner(ctx, news.Banner{Service: "kk", Text: "Кешкі жаңалық", Active: true}); err != nil {
		t.Fatal(err)
	}
	h.Changed(ctx)
	if b := r.next(t); b.Text != "Кешкі жаңалық" {
		t.Errorf("after the write timeout: %+v", b)
	}
}
