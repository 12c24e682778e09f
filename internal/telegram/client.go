package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// DefaultAPI is the Bot API's address.
const DefaultAPI = "https://api.telegram.org"

// Client calls the Bot API methods the channel needs. The token travels in
// the URL path (/bot<token>/<method>), so no error of this package carries
// a URL: failures name the method only, and the token is cut out of any
// text that might hold it.
type Client struct {
	API   string // base URL; DefaultAPI when empty
	Token string
	HTTP  *http.Client // default: a client with a 60 s timeout
}

// APIError is an answer of the Bot API with "ok": false: the method was
// refused and did nothing.
type APIError struct {
	Method      string
	Code        int    // error_code (an HTTP status)
	Description string // the API's text, e.g. "Bad Request: chat not found"
	// RetryAfter is the wait the API asked for on 429 Too Many Requests.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("telegram: %s: %d %s", e.Method, e.Code, e.Description)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// NetError is a call that got no answer from the Bot API (or one that is
// not the API's JSON). MaybeSent says whether the request may have reached
// the API and been done: false only when no connection was made.
type NetError struct {
	Method    string
	Msg       string // the cause, with any URL and token removed
	MaybeSent bool
}

func (e *NetError) Error() string { return "telegram: " + e.Method + ": " + e.Msg }

// Message is what the API answers about a sent message.
type Message struct {
	MessageID int64 `json:"message_id"`
}

type response struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// maxAnswer bounds what is read of an answer.
const maxAnswer = 1 << 20

func (c *Client) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

var defaultHTTP = &http.Client{Timeout: 60 * time.Second}

// redact removes the token from s.
func (c *Client) redact(s string) string {
	if c.Token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.Token, "[token]")
}

// call posts body (of contentType) to method and decodes the result into
// out (if not nil).
func (c *Client) call(ctx context.Context, method, contentType string, body []byte, out any) error {
	if c.Token == "" {
		return &NetError{Method: method, Msg: "no bot token"}
	}
	if err := ctx.Err(); err != nil {
		return &NetError{Method: method, Msg: err.Error()} // never sent
	}
	base := c.API
	if base == "" {
		base = DefaultAPI
	}
	u := strings.TrimRight(base, "/") + "/bot" + c.Token + "/" + method
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return &NetError{Method: method, Msg: "bad API address"} // the error would quote the URL
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.client().Do(req)
	if err != nil {
		return &NetError{Method: method, Msg: c.redact(cause(err)), MaybeSent: !dialFailed(err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return &NetError{Method: method, Msg: "reading the answer: " + c.redact(cause(err)), MaybeSent: true}
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil || (!r.OK && r.ErrorCode == 0 && r.Description == "") {
		// A gateway's own 502/503/504 page says the API was not reached
		// (or failed before doing anything); anything else without the
		// API's JSON may hide a message that went out.
		gateway := resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusServiceUnavailable ||
			resp.StatusCode == http.StatusGatewayTimeout
		return &NetError{Method: method, Msg: fmt.Sprintf("HTTP %d without a Bot API answer", resp.StatusCode), MaybeSent: !gateway}
	}
	if !r.OK {
		code := r.ErrorCode
		if code == 0 {
			code = resp.StatusCode
		}
		return &APIError{Method: method, Code: code, Description: c.redact(r.Description),
			RetryAfter: time.Duration(r.Parameters.RetryAfter) * time.Second}
	}
	if out != nil {
		if err := json.Unmarshal(r.Result, out); err != nil {
			return &NetError{Method: method, Msg: "unexpected result: " + err.Error(), MaybeSent: true}
		}
	}
	return nil
}

// cause is an HTTP client error without the URL that *url.Error quotes.
func cause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// dialFailed reports whether err happened before any connection was made,
// so the request cannot have reached the API.
func dialFailed(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

func (c *Client) callJSON(ctx context.Context, method string, params map[string]any, out any) error {
	b, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("telegram: %s: %w", method, err)
	}
	return c.call(ctx, method, "application/json", b, out)
}

// SendMessage posts HTML text to chat; preview, if not empty, is the URL
// whose link preview is shown (large, above the text).
func (c *Client) SendMessage(ctx context.Context, chat, text, preview string) (Message, error) {
	var m Message
	err := c.callJSON(ctx, "sendMessage", textParams(chat, text, preview), &m)
	return m, err
}

func textParams(chat, text, preview string) map[string]any {
	p := map[string]any{"chat_id": chat, "text": text, "parse_mode": "HTML"}
	if preview != "" {
		p["link_preview_options"] = map[string]any{"url": preview, "prefer_large_media": true, "show_above_text": true}
	} else {
		p["link_preview_options"] = map[string]any{"is_disabled": true}
	}
	return p
}

// SendPhoto uploads an image (multipart/form-data) to chat with an HTML
// caption. The image is a JPEG, or a PNG (told apart by its signature).
func (c *Client) SendPhoto(ctx context.Context, chat string, img []byte, caption string) (Message, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, f := range [][2]string{{"chat_id", chat}, {"caption", caption}, {"parse_mode", "HTML"}} {
		if err := w.WriteField(f[0], f[1]); err != nil {
			return Message{}, fmt.Errorf("telegram: sendPhoto: %w", err)
		}
	}
	h := textproto.MIMEHeader{}
	name, typ := "photo.jpg", "image/jpeg"
	if bytes.HasPrefix(img, []byte("\x89PNG\r\n\x1a\n")) {
		name, typ = "photo.png", "image/png"
	}
	h.Set("Content-Disposition", `form-data; name="photo"; filename="`+name+`"`)
	h.Set("Content-Type", typ)
	part, err := w.CreatePart(h)
	if err == nil {
		_, err = part.Write(img)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return Message{}, fmt.Errorf("telegram: sendPhoto: %w", err)
	}
	var m Message
	err = c.call(ctx, "sendPhoto", w.FormDataContentType(), body.Bytes(), &m)
	return m, err
}

// EditMessageText replaces the HTML text of a text message.
func (c *Client) EditMessageText(ctx context.Context, chat string, id int64, text, preview string) error {
	p := textParams(chat, text, preview)
	p["message_id"] = id
	return c.callJSON(ctx, "editMessageText", p, nil)
}

// EditMessageCaption replaces the HTML caption of a photo message.
func (c *Client) EditMessageCaption(ctx context.Context, chat string, id int64, caption string) error {
	return c.callJSON(ctx, "editMessageCaption", map[string]any{"chat_id": chat, "message_id": id,
		"caption": caption, "parse_mode": "HTML"}, nil)
}

// DeleteMessage deletes a message; in a channel Telegram allows it only
// within 48 hours of posting.
func (c *Client) DeleteMessage(ctx context.Context, chat string, id int64) error {
	return c.callJSON(ctx, "deleteMessage", map[string]any{"chat_id": chat, "message_id": id}, nil)
}
