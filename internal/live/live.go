// Package live tells open reader pages what changed while they were open:
// today the service's breaking-news banner, over Server-Sent Events at
// /live/{view}/events ({view} is a service code or its Latin view, kk-latn),
// with a small cacheable JSON document, /live/{view}/banner.json, for
// browsers that cannot keep a stream or are turned away when the server
// holds too many.
//
// Every stream gets the current state as soon as it connects, then a
// change whenever the banner changes (the server calls Changed after each
// content check, at most a second after the write), and a comment line as
// a heartbeat so proxies keep the connection open. The handler lifts the
// write deadline, never compresses and flushes every event. Past Max
// streams it answers 503 with Retry-After, and the page polls the JSON
// document instead. Pages open a stream only while their tab is visible
// (assets/static/live.js). No reader is identified: a stream is a channel
// and a service code, nothing more.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"qalam/internal/i18n"
	"qalam/internal/news"
	"qalam/internal/scriptview"
)

// Banner is the banner as pages show it: Label is filled with the
// service's own word for "Breaking news" when the newsroom left it empty.
type Banner struct {
	Active bool   `json:"active"`
	Label  string `json:"label,omitempty"`
	Text   string `json:"text,omitempty"`
	Link   string `json:"link,omitempty"`
}

// Config is what a Hub needs.
type Config struct {
	Store news.Store
	// Max is how many streams the process holds at once; past it, 503
	// (0: none, every page polls).
	Max int
	// Heartbeat is how often an idle stream gets a comment line.
	Heartbeat time.Duration
	Log       *slog.Logger
	// Now is the clock public reads are made at; time.Now by default.
	Now func() time.Time
}

// Hub serves the streams and pushes changes to them.
type Hub struct {
	cfg  Config
	open atomic.Int64
	// refused counts streams answered 503 past Max.
	refused atomic.Int64
	mu      sync.Mutex
	subs    map[string]map[chan struct{}]bool // view → streams, each woken when last changes
	last    map[string]Banner                 // view → what its streams were last sent
	closed  chan struct{}
	once    sync.Once
}

// New returns a hub.
func New(c Config) *Hub {
	if c.Max < 0 {
		c.Max = 0
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = 25 * time.Second
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Hub{cfg: c, subs: map[string]map[chan struct{}]bool{}, last: map[string]Banner{}, closed: make(chan struct{})}
}

// Open reports how many streams are open.
func (h *Hub) Open() int { return int(h.open.Load()) }

// Refused reports how many streams were refused (503) since the start.
func (h *Hub) Refused() int64 { return h.refused.Load() }

// Close ends every stream (on shutdown, so it need not wait for them).
func (h *Hub) Close() { h.once.Do(func() { close(h.closed) }) }

// view splits "kk-latn" into the service and whether it is the Latin view.
func (h *Hub) view(ctx context.Context, seg string) (news.Service, bool, error) {
	code, latin := strings.CutSuffix(seg, scriptview.Suffix)
	svc, err := h.cfg.Store.Service(ctx, code)
	if err != nil {
		return svc, false, err
	}
	if latin && !scriptview.HasLatin(svc) {
		return svc, false, news.ErrNotFound
	}
	return svc, latin, nil
}

// banner reads the banner of a view as pages show it.
func (h *Hub) banner(ctx context.Context, seg string) (Banner, error) {
	svc, latin, err := h.view(ctx, seg)
	if err != nil {
		return Banner{}, err
	}
	store, cat := h.cfg.Store, i18n.For(svc.Lang)
	if latin {
		store, cat = scriptview.Latin(h.cfg.Store, svc.Code), scriptview.Catalog
	}
	b, err := store.Banner(ctx, svc.Code)
	if errors.Is(err, news.ErrNotFound) || err == nil && !b.Active {
		return Banner{}, nil
	}
	if err != nil {
		return Banner{}, err
	}
	out := Banner{Active: true, Label: b.Label, Text: b.Text, Link: b.Link}
	if out.Label == "" {
		out.Label = cat.T("breaking.label")
	}
	return out, nil
}

// ServeHTTP answers /live/{view}/events and /live/{view}/banner.json, and
// a live blog's /live/{view}/story/{id}/events and .../entries.json.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, _ := strings.CutPrefix(r.URL.Path, "/live/")
	if view, story, ok := strings.Cut(rest, "/story/"); ok && !strings.Contains(view, "/") {
		h.serveStory(w, r, view, story)
		return
	}
	seg, file, ok := strings.Cut(rest, "/")
	if !ok || (file != "events" && file != "banner.json") || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	b, err := h.banner(r.Context(), seg)
	if errors.Is(err, news.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.cfg.Log.Error("live banner", "view", seg, "err", err)
		http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
		return
	}
	if file == "banner.json" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		// Shared caches may keep it briefly: every poller of a popular
		// service then costs the origin one answer per few seconds.
		w.Header().Set("Cache-Control", "public, max-age=5")
		json.NewEncoder(w).Encode(b)
		return
	}
	h.stream(w, r, seg, b)
}

// admit admits one more stream and starts its answer; false (after a 503)
// past Max. The caller must call the returned done when the stream ends.
func (h *Hub) admit(w http.ResponseWriter) (rc *http.ResponseController, done func(), ok bool) {
	if n := h.open.Add(1); n > int64(h.cfg.Max) {
		h.open.Add(-1)
		h.refused.Add(1)
		w.Header().Set("Retry-After", "30")
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "503 Service Unavailable: too many live streams; poll the JSON document instead", http.StatusServiceUnavailable)
		return nil, nil, false
	}
	rc = http.NewResponseController(w)
	// A stream outlives the server's write timeout by design.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		h.open.Add(-1)
		return nil, nil, false
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no") // nginx and similar proxies: do not buffer
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 10000\n\n")
	return rc, func() { h.open.Add(-1) }, true
}

// join subscribes a stream to key's changes. It joins before the stream
// reads the state it starts with: a change after the read wakes it, one
// before is in the read.
func (h *Hub) join(key string) (wake chan struct{}, leave func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[key] == nil {
		h.subs[key] = map[chan struct{}]bool{}
	}
	h.subs[key][ch] = true
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[key], ch)
		if len(h.subs[key]) == 0 {
			delete(h.subs, key)
			delete(h.last, key)
		}
		h.mu.Unlock()
	}
}

// loop runs a stream until the reader goes or the hub closes: on every
// wake it calls step, and sends a heartbeat when idle.
func (h *Hub) loop(w http.ResponseWriter, r *http.Request, rc *http.ResponseController, wake chan struct{}, step func() bool) {
	tick := time.NewTicker(h.cfg.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-h.closed:
			return
		case <-wake:
			if !step() {
				return
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

// stream is a banner stream: the current banner, then every change. A
// slow reader skips intermediate states but always ends on the current one.
func (h *Hub) stream(w http.ResponseWriter, r *http.Request, seg string, first Banner) {
	rc, done, ok := h.admit(w)
	if !ok {
		return
	}
	defer done()
	wake, leave := h.join(seg)
	defer leave()
	if b, err := h.banner(r.Context(), seg); err == nil {
		first = b
	}
	if !h.send(w, rc, first) {
		return
	}
	sent := first
	h.loop(w, r, rc, wake, func() bool {
		h.mu.Lock()
		b, ok := h.last[seg]
		h.mu.Unlock()
		if ok && b != sent {
			if !h.send(w, rc, b) {
				return false
			}
			sent = b
		}
		return true
	})
}

// send writes one banner event and flushes it.
func (h *Hub) send(w http.ResponseWriter, rc *http.ResponseController, b Banner) bool {
	data, err := json.Marshal(b)
	if err != nil {
		return false
	}
	if _, err := fmt.Fprintf(w, "event: banner\ndata: %s\n\n", data); err != nil {
		return false
	}
	return rc.Flush() == nil
}

// Changed re-reads the banner of every view that has streams and pushes it
// to them if it differs from what they were sent. The server calls it after
// every content change.
func (h *Hub) Changed(ctx context.Context) {
	h.mu.Lock()
	views := make([]string, 0, len(h.subs))
	for v := range h.subs {
		views = append(views, v)
	}
	h.mu.Unlock()
	for _, v := range views {
		if strings.Contains(v, "/story/") {
			// A live blog's streams read what they lack themselves.
			h.mu.Lock()
			for ch := range h.subs[v] {
				select {
				case ch <- struct{}{}:
				default:
				}
			}
			h.mu.Unlock()
			continue
		}
		b, err := h.banner(ctx, v)
		if err != nil {
			h.cfg.Log.Warn("live banner", "view", v, "err", err)
			continue
		}
		h.mu.Lock()
		if prev, ok := h.last[v]; !ok || prev != b {
			h.last[v] = b
			for ch := range h.subs[v] {
				select {
				case ch <- struct{}{}:
				default: // already woken: it will read the latest state
				}
			}
		}
		h.mu.Unlock()
	}
}

// Streams says how many are open per view, for tests and metrics.
func (h *Hub) Streams() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for v, s := range h.subs {
		out[v] = len(s)
	}
	return out
}
