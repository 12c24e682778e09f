// Package outbound is qalam's HTTP client for talking to the outside world
// on behalf of the newsroom: webhooks today, embed thumbnails and the like
// later. Anything that fetches a URL someone typed goes through it, so a
// URL can never turn qalam into a probe of the network it runs in (SSRF).
//
// The rules are enforced when each connection is dialled, on the IP
// address actually connected to (net.Dialer.Control), not on the host
// name in the URL. So a name that resolves to a private address, a name
// whose answer changes between a check and the connection (DNS
// rebinding), and a redirect to a private address are all caught by the
// same check. Refused by default:
//
//   - loopback (127.0.0.0/8, ::1) and "this network" (0.0.0.0/8, ::)
//   - private networks: RFC 1918 (10/8, 172.16/12, 192.168/16), unique
//     local IPv6 (fc00::/7), carrier-grade NAT (100.64.0.0/10)
//   - link-local (169.254.0.0/16, which holds the cloud metadata service
//     169.254.169.254, and fe80::/10)
//   - multicast, broadcast and the reserved, documentation and benchmark
//     ranges, which no real receiver lives on
//   - the same addresses written as IPv6: IPv4-mapped (::ffff:127.0.0.1),
//     IPv4-compatible (::/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16)
//     forms are judged by the IPv4 address inside them
//
// Options.Allow lists CIDRs that are reachable all the same: an intranet
// receiver, or 127.0.0.1/32 for tests against httptest servers. Only http
// and https URLs are fetched; redirects are limited and every hop is
// checked again (by scheme here, by address when it is dialled);
// connecting, TLS, headers and the whole exchange have timeouts; bodies
// larger than Options.MaxBody fail with ErrTooLarge rather than being cut
// silently. No proxy is taken from the environment: a proxy is used only
// when Options.Proxy names one, and then the proxy, which resolves the
// names, must enforce its own egress rules (qalam still refuses URLs whose
// host is a refused IP literal or a localhost name).
//
// Errors name the scheme and host and why a target was refused, never the
// URL's path, query or user info, where webhook URLs often carry tokens.
package outbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Defaults for the zero fields of Options.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultDialTimeout  = 10 * time.Second
	DefaultMaxRedirects = 5
	DefaultMaxBody      = 1 << 20
)

// Options configure a Client. The zero value is the strict default.
type Options struct {
	// Allow lists networks reachable although the rules refuse them.
	Allow []netip.Prefix
	// Timeout bounds a whole request, body included; DefaultTimeout if 0.
	Timeout time.Duration
	// DialTimeout bounds connecting, and TLS and waiting for the response
	// headers each; DefaultDialTimeout if 0.
	DialTimeout time.Duration
	// MaxRedirects is how many redirects are followed: DefaultMaxRedirects
	// if 0; a negative value follows none and returns the 3xx answer.
	MaxRedirects int
	// MaxBody bounds a response body in bytes; DefaultMaxBody if 0.
	MaxBody int64
	// Proxy, when set, is the proxy every request goes through (http,
	// https or socks5). Never read from the environment.
	Proxy *url.URL
	// UserAgent is sent unless a request sets its own; "qalam" if empty.
	UserAgent string
}

// ErrRefused is wrapped by every error of a target the rules refuse.
var ErrRefused = errors.New("outbound: target refused")

// ErrTooLarge is returned while reading a body longer than MaxBody.
var ErrTooLarge = errors.New("outbound: response body too large")

// RefusedError says which address was refused and why.
type RefusedError struct {
	Target string // what was refused: an address, or a URL's scheme and host
	Reason string // e.g. "a loopback address"
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("outbound: refusing to connect to %s: %s", e.Target, e.Reason)
}

// Is makes errors.Is(err, ErrRefused) hold.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// hint closes a refusal of an address an operator may allow.
const hint = " (refused by default; an operator can allow a network with --outbound-allow)"

// Client is the outbound HTTP client. It is safe for concurrent use.
type Client struct {
	http    *http.Client
	allow   []netip.Prefix
	maxBody int64
	ua      string
	proxied bool
}

// New returns a Client with the options' rules.
func New(o Options) *Client {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = DefaultDialTimeout
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.UserAgent == "" {
		o.UserAgent = "qalam"
	}
	c := &Client{allow: append([]netip.Prefix(nil), o.Allow...), maxBody: o.MaxBody, ua: o.UserAgent, proxied: o.Proxy != nil}
	dialer := &net.Dialer{Timeout: o.DialTimeout, KeepAlive: 30 * time.Second}
	if o.Proxy == nil {
		// Every connection, the first and each redirect's, is checked on
		// the address it is about to reach.
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return &RefusedError{Target: address, Reason: "not an IP address and port"}
			}
			return c.check(ap.Addr(), address)
		}
	}
	tr := &http.Transport{
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    o.DialTimeout,
		ResponseHeaderTimeout:  o.DialTimeout,
		ExpectContinueTimeout:  time.Second,
		MaxIdleConns:           16,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	if o.Proxy != nil {
		tr.Proxy = http.ProxyURL(o.Proxy)
	}
	max := o.MaxRedirects
	c.http = &http.Client{
		Transport: tr,
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if max < 0 {
				return http.ErrUseLastResponse
			}
			if len(via) > max {
				return fmt.Errorf("outbound: more than %d redirects", max)
			}
			req.Header.Del("Referer") // net/http names the previous hop
			return c.checkURL(req.URL)
		},
	}
	return c
}

// Allowed reports why addr is refused (an error wrapping ErrRefused), or
// nil when the client may connect to it.
func (c *Client) Allowed(addr netip.Addr) error { return c.check(addr, addr.String()) }

func (c *Client) check(addr netip.Addr, target string) error {
	for _, p := range c.allow {
		if p.Contains(addr) || p.Contains(addr.Unmap()) {
			return nil
		}
	}
	if why := Refused(addr); why != "" {
		return &RefusedError{Target: target, Reason: why + hint}
	}
	return nil
}

// checkURL refuses a URL whose scheme is not http or https, and, when the
// names are resolved by a proxy, a host that is a refused IP literal or a
// localhost name (with no proxy, the dialler checks every address).
func (c *Client) checkURL(u *url.URL) error {
	target := u.Scheme + "://" + u.Host
	if u.Scheme != "http" && u.Scheme != "https" {
		return &RefusedError{Target: safeScheme(u.Scheme) + " URL", Reason: "only http and https URLs are fetched"}
	}
	host := u.Hostname()
	if host == "" {
		return &RefusedError{Target: target, Reason: "the URL has no host"}
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		return c.check(addr, target)
	}
	if h := strings.TrimSuffix(strings.ToLower(host), "."); c.proxied && (h == "localhost" || strings.HasSuffix(h, ".localhost")) {
		return &RefusedError{Target: target, Reason: "a localhost name, which the proxy would resolve to itself"}
	}
	return nil
}

// safeScheme keeps an error message short and printable whatever was typed.
func safeScheme(s string) string {
	if len(s) > 16 || strings.IndexFunc(s, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return "a non-http"
	}
	return s
}

// CheckURL checks a URL before it is stored for later use (a webhook's
// address): absolute, http or https, with a host and no fragment. It
// cannot know where a name will resolve; that is checked on each
// connection.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("only http and https URLs are allowed")
	case u.Host == "" || u.Hostname() == "":
		return errors.New("the URL has no host")
	case u.Fragment != "":
		return errors.New("a URL sent to has no #fragment")
	}
	return nil
}

// Do sends req under the rules and returns the response with its body
// bounded by MaxBody. Errors name the URL's scheme and host only.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	if err := c.checkURL(req.URL); err != nil {
		return nil, err
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", c.ua)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, scrub(req, err)
	}
	if resp.ContentLength > c.maxBody {
		resp.Body.Close()
		return nil, fmt.Errorf("%s %s://%s: %w (%d bytes, at most %d)", req.Method, req.URL.Scheme, req.URL.Host,
			ErrTooLarge, resp.ContentLength, c.maxBody)
	}
	resp.Body = &limitedBody{rc: resp.Body, left: c.maxBody}
	return resp, nil
}

// Get fetches rawURL.
func (c *Client) Get(ctx context.Context, rawURL string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, errors.New("outbound: not a URL")
	}
	return c.Do(req)
}

// CloseIdle closes idle kept-alive connections.
func (c *Client) CloseIdle() { c.http.CloseIdleConnections() }

// scrub replaces the *url.Error net/http returns, whose text holds the
// whole URL, with one naming the method, scheme and host.
func scrub(req *http.Request, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var re *RefusedError
	if errors.As(err, &re) {
		return fmt.Errorf("%s %s://%s: %w", req.Method, req.URL.Scheme, req.URL.Host, re)
	}
	if ue != nil && ue.Timeout() {
		return fmt.Errorf("%s %s://%s: timed out: %w", req.Method, req.URL.Scheme, req.URL.Host, err)
	}
	return fmt.Errorf("%s %s://%s: %w", req.Method, req.URL.Scheme, req.URL.Host, err)
}

// limitedBody fails with ErrTooLarge once more than left bytes arrive.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n + int(b.left), ErrTooLarge
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// ReadAll reads a response body made by Do, failing with ErrTooLarge past
// the client's MaxBody.
func ReadAll(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
