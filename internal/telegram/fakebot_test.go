package telegram_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// fakeBot is a local Bot API server: the methods the channel uses, with the
// real request formats (token in the path /bot<token>/<method>;
// multipart/form-data, application/x-www-form-urlencoded or JSON bodies)
// and the real answers ({"ok":true,"result":...} or {"ok":false,
// "error_code":..,"description":..,"parameters":{"retry_after":..}}).
type fakeBot struct {
	t     testing.TB
	token string
	chats map[string]bool // channels the bot may post to
	now   func() time.Time
	srv   *httptest.Server

	mu       sync.Mutex
	nextID   int64
	msgs     map[int64]*fakeMsg
	calls    []fakeCall
	limit    map[string]int // method → seconds of retry_after for its next call
	hangup   map[string]bool
	describe string // when set, every error's description (to test redaction)
}

type fakeMsg struct {
	ID      int64
	Chat    string
	Kind    string // photo or text
	HTML    string // caption or text as sent
	Photo   []byte
	Preview string // link_preview_options.url
	Posted  time.Time
	Deleted bool
	Edits   int
}

type fakeCall struct {
	Method string
	Params map[string]string
}

func newFakeBot(t testing.TB, token string, now func() time.Time, chats ...string) *fakeBot {
	b := &fakeBot{t: t, token: token, chats: map[string]bool{}, now: now, nextID: 100,
		msgs: map[int64]*fakeMsg{}, limit: map[string]int{}, hangup: map[string]bool{}}
	for _, c := range chats {
		b.chats[c] = true
	}
	b.srv = httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *fakeBot) answer(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func (b *fakeBot) fail(w http.ResponseWriter, code int, desc string, retryAfter int) {
	if b.describe != "" {
		desc = b.describe
	}
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	if retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(body)
}

func (b *fakeBot) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || r.Method != http.MethodPost {
		b.fail(w, http.StatusNotFound, "Not Found", 0)
		return
	}
	if token != b.token {
		b.fail(w, http.StatusUnauthorized, "Unauthorized", 0)
		return
	}
	params, photo, err := readParams(r)
	if err != nil {
		b.fail(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls = append(b.calls, fakeCall{Method: method, Params: params})
	if b.hangup[method] {
		delete(b.hangup, method)
		// The request arrived and was done, but the answer is lost.
		b.nextID++
		b.msgs[b.nextID] = &fakeMsg{ID: b.nextID, Chat: params["chat_id"], Kind: "photo", Posted: b.now()}
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
		return
	}
	if s := b.limit[method]; s > 0 {
		delete(b.limit, method)
		b.fail(w, http.StatusTooManyRequests, fmt.Sprintf("Too Many Requests: retry after %d", s), s)
		return
	}
	chat := params["chat_id"]
	if !b.chats[chat] {
		b.fail(w, http.StatusBadRequest, "Bad Request: chat not found", 0)
		return
	}
	switch method {
	case "sendPhoto", "sendMessage":
		kind, text, limit := "photo", params["caption"], 1024
		if method == "sendMessage" {
			kind, text, limit = "text", params["text"], 4096
		}
		if kind == "photo" && len(photo) == 0 {
			b.fail(w, http.StatusBadRequest, "Bad Request: there is no photo in the request", 0)
			return
		}
		if msg := checkHTML(params["parse_mode"], text, limit); msg != "" {
			b.fail(w, http.StatusBadRequest, "Bad Request: "+msg, 0)
			return
		}
		b.nextID++
		m := &fakeMsg{ID: b.nextID, Chat: chat, Kind: kind, HTML: text, Photo: photo, Preview: previewURL(params), Posted: b.now()}
		b.msgs[m.ID] = m
		b.answer(w, map[string]any{"message_id": m.ID, "date": m.Posted.Unix(),
			"chat": map[string]any{"id": -1001234567890, "type": "channel"}})
	case "editMessageCaption", "editMessageText":
		id, _ := strconv.ParseInt(params["message_id"], 10, 64)
		m := b.msgs[id]
		if m == nil || m.Deleted || m.Chat != chat {
			b.fail(w, http.StatusBadRequest, "Bad Request: message to edit not found", 0)
			return
		}
		text, limit, want := params["caption"], 1024, "photo"
		if method == "editMessageText" {
			text, limit, want = params["text"], 4096, "text"
		}
		if m.Kind != want {
			b.fail(w, http.StatusBadRequest, "Bad Request: there is no caption in the message to edit", 0)
			return
		}
		if msg := checkHTML(params["parse_mode"], text, limit); msg != "" {
			b.fail(w, http.StatusBadRequest, "Bad Request: "+msg, 0)
			return
		}
		if text == m.HTML {
			b.fail(w, http.StatusBadRequest, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message", 0)
			return
		}
		m.HTML = text
		m.Edits++
		b.answer(w, map[string]any{"message_id": m.ID})
	case "deleteMessage":
		id, _ := strconv.ParseInt(params["message_id"], 10, 64)
		m := b.msgs[id]
		if m == nil || m.Deleted || m.Chat != chat {
			b.fail(w, http.StatusBadRequest, "Bad Request: message to delete not found", 0)
			return
		}
		if b.now().Sub(m.Posted) >= 48*time.Hour {
			b.fail(w, http.StatusBadRequest, "Bad Request: message can't be deleted", 0)
			return
		}
		m.Deleted = true
		b.answer(w, true)
	default:
		b.fail(w, http.StatusNotFound, "Not Found", 0)
	}
}

// readParams reads a Bot API request body in any of its three formats.
func readParams(r *http.Request) (map[string]string, []byte, error) {
	params := map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(10 << 20); err != nil {
			return nil, nil, err
		}
		for k, v := range r.MultipartForm.Value {
			params[k] = v[0]
		}
		var photo []byte
		if fs := r.MultipartForm.File["photo"]; len(fs) > 0 {
			f, err := fs[0].Open()
			if err != nil {
				return nil, nil, err
			}
			defer f.Close()
			if photo, err = io.ReadAll(f); err != nil {
				return nil, nil, err
			}
		}
		return params, photo, nil
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, nil, err
		}
		for k, v := range r.PostForm {
			params[k] = v[0]
		}
		return params, nil, nil
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return nil, nil, err
		}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				params[k] = v
			case float64:
				params[k] = strconv.FormatInt(int64(v), 10)
			default:
				b, _ := json.Marshal(v)
				params[k] = string(b)
			}
		}
		return params, nil, nil
	}
	return nil, nil, fmt.Errorf("unsupported content type %q", ct)
}

func previewURL(params map[string]string) string {
	var o struct {
		URL string `json:"url"`
	}
	json.Unmarshal([]byte(params["link_preview_options"]), &o)
	return o.URL
}

// checkHTML checks text as Telegram's HTML parse mode would: only its
// tags, every <, > and & escaped, and at most limit UTF-16 units of
// visible text.
func checkHTML(mode, text string, limit int) string {
	if mode != "HTML" {
		return "parse_mode is not HTML"
	}
	d := xml.NewDecoder(strings.NewReader("<root>" + text + "</root>"))
	d.Strict = true
	var visible strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "can't parse entities: " + err.Error()
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "root", "b", "i", "a":
			default:
				return "can't parse entities: unsupported start tag " + tok.Name.Local
			}
		case xml.CharData:
			visible.Write(tok)
		}
	}
	if n := len(utf16.Encode([]rune(visible.String()))); n > limit {
		return fmt.Sprintf("message is too long (%d)", n)
	}
	return ""
}

// Calls returns the methods called so far.
func (b *fakeBot) Calls() []fakeCall {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]fakeCall(nil), b.calls...)
}

func (b *fakeBot) methods() []string {
	var out []string
	for _, c := range b.Calls() {
		out = append(out, c.Method)
	}
	return out
}

// Live returns the messages not deleted, by id.
func (b *fakeBot) Live() []fakeMsg {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []fakeMsg
	for id := int64(101); id <= b.nextID; id++ {
		if m := b.msgs[id]; m != nil && !m.Deleted {
			out = append(out, *m)
		}
	}
	return out
}

func (b *fakeBot) Msg(id int64) fakeMsg {
	b.mu.Lock()
	defer b.mu.Unlock()
	if m := b.msgs[id]; m != nil {
		return *m
	}
	return fakeMsg{}
}

func (b *fakeBot) RateLimit(method string, seconds int) {
	b.mu.Lock()
	b.limit[method] = seconds
	b.mu.Unlock()
}

func (b *fakeBot) HangUp(method string) {
	b.mu.Lock()
	b.hangup[method] = true
	b.mu.Unlock()
}
