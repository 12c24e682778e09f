package outbound_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"qalam/internal/outbound"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}

// counting is a receiver that counts the requests it gets.
func counting(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if h != nil {
			h(w, r)
			return
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func port(t *testing.T, srv *httptest.Server) string {
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

func get(c *outbound.Client, u string) error {
	resp, err := c.Get(context.Background(), u)
	if err != nil {
		return err
	}
	_, err = outbound.ReadAll(resp)
	return err
}

// The default refuses loopback however it is written, and the receiver
// listening there is never contacted.
func TestDefaultRefusesLoopback(t *testing.T) {
	srv, hits := counting(t, nil)
	p := port(t, srv)
	c := outbound.New(outbound.Options{})
	for _, u := range []string{
		"http://127.0.0.1:" + p + "/hook?token=s3cret",
		"http://localhost:" + p + "/hook?token=s3cret", // a name resolving to 127.0.0.1: caught at dial time
		"http://runsc:" + p + "/",                      // another /etc/hosts name for 127.0.0.1, if present
		"http://[::ffff:127.0.0.1]:" + p + "/",
		"http://[::1]:" + p + "/",
		"http://0.0.0.0:" + p + "/",
		"http://2130706433:" + p + "/", // 127.0.0.1 as one decimal number
	} {
		err := get(c, u)
		if u == "http://runsc:"+p+"/" {
			if addrs, _ := net.LookupHost("runsc"); len(addrs) == 0 {
				continue
			}
		}
		if u == "http://2130706433:"+p+"/" {
			// Not an address to Go's parser: a name that does not
			// resolve. Refused or unreachable, never the receiver.
			if err == nil {
				t.Errorf("%s: fetched", u)
			}
			continue
		}
		if !errors.Is(err, outbound.ErrRefused) {
			t.Errorf("%s: err %v, want ErrRefused", u, err)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "/hook") {
			t.Errorf("%s: error %q echoes the URL's path or query", u, err)
		}
		if !strings.Contains(err.Error(), "--outbound-allow") {
			t.Errorf("%s: error %q does not say how to allow it", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback receiver got %d requests", n)
	}
	err := get(c, "http://localhost:"+p+"/")
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("localhost: error %v does not name loopback", err)
	}
}

// Private, link-local (metadata) and other non-public targets are refused
// before any packet leaves: the check is on the address, so nothing needs
// to listen there for the test to mean something.
func TestDefaultRefusesPrivate(t *testing.T) {
	c := outbound.New(outbound.Options{DialTimeout: 2 * time.Second})
	for u, want := range map[string]string{
		"http://10.1.2.3/":                   "private",
		"http://192.168.1.1/":                "private",
		"http://172.16.0.1:8080/":            "private",
		"http://169.254.169.254/latest/meta": "metadata",
		"http://100.64.0.1/":                 "carrier-grade NAT",
		"http://[fd00::1]/":                  "unique local",
		"http://[fe80::1]/":                  "link-local",
		"http://224.0.0.1/":                  "multicast",
		"http://[::ffff:10.0.0.1]/":          "IPv4-mapped",
		"http://[64:ff9b::a9fe:a9fe]/":       "metadata",
		"http://[2002:7f00:1::]/":            "loopback",
	} {
		start := time.Now()
		err := get(c, u)
		if !errors.Is(err, outbound.ErrRefused) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want a refusal naming %q", u, err, want)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: refusal took %v: it must not wait on a connection", u, d)
		}
	}
}

func TestRefusedTable(t *testing.T) {
	for a, refused := range map[string]bool{
		"127.0.0.1": true, "127.255.255.254": true, "0.0.0.0": true, "0.1.2.3": true, "10.0.0.1": true,
		"172.31.255.255": true, "172.32.0.1": false, "192.168.0.1": true, "169.254.169.254": true,
		"100.64.0.1": true, "100.128.0.1": false, "255.255.255.255": true, "224.0.0.251": true,
		"8.8.8.8": false, "1.1.1.1": false, "93.184.216.34": false,
		"::1": true, "::": true, "fc00::1": true, "fdff::1": true, "fe80::1": true, "ff02::1": true,
		"::ffff:127.0.0.1": true, "::ffff:169.254.169.254": true, "::ffff:8.8.8.8": false, "::127.0.0.1": true,
		"64:ff9b::10.0.0.1": true, "64:ff9b::8.8.8.8": false, "2002:0a00:0001::": true, "2002:0808:0808::": false,
		"2001:4860:4860::8888": false, "2a00:1450:4001::1": false,
	} {
		got := outbound.Refused(netip.MustParseAddr(a)) != ""
		if got != refused {
			t.Errorf("Refused(%s) = %v, want %v", a, got, refused)
		}
	}
}

// An allow-list reaches what it names and nothing else.
func TestAllowList(t *testing.T) {
	srv, hits := counting(t, nil)
	c := outbound.New(outbound.Options{Allow: loopback})
	if err := get(c, srv.URL+"/x"); err != nil {
		t.Fatalf("allowed loopback: %v", err)
	}
	if err := get(c, "http://localhost:"+port(t, srv)+"/x"); err != nil {
		t.Fatalf("allowed loopback by name: %v", err)
	}
	if hits.Load() != 2 {
		t.Errorf("receiver hits %d, want 2", hits.Load())
	}
	if err := get(c, "http://10.0.0.1/"); !errors.Is(err, outbound.ErrRefused) {
		t.Errorf("10.0.0.1 with only loopback allowed: %v", err)
	}
	if err := c.Allowed(netip.MustParseAddr("::ffff:127.0.0.1")); err != nil {
		t.Errorf("mapped form of an allowed address: %v", err)
	}
	if err := c.Allowed(netip.MustParseAddr("127.0.0.2")); !errors.Is(err, outbound.ErrRefused) {
		t.Errorf("127.0.0.2 outside 127.0.0.1/32: %v", err)
	}
}

// A redirect is checked again: an allowed host cannot send the client on
// to a private one, nor to another scheme, nor round in circles.
func TestRedirects(t *testing.T) {
	private, privHits := counting(t, nil)
	// Only 127.0.0.1 is allowed; the private target is the same receiver
	// reached as [::1] (a loopback address outside the allow-list). When
	// the machine has no IPv6 loopback, 127.0.0.2 stands in.
	target := "http://[::1]:" + port(t, private) + "/secret"
	if ln, err := net.Listen("tcp", "[::1]:0"); err == nil {
		ln.Close()
		v6 := httptest.NewUnstartedServer(private.Config.Handler)
		v6.Listener.Close()
		v6.Listener, _ = net.Listen("tcp", "[::1]:0")
		v6.Start()
		t.Cleanup(v6.Close)
		target = "http://[::1]:" + port(t, v6) + "/secret"
	} else {
		target = "http://127.0.0.2:" + port(t, private) + "/secret"
	}
	to := func(loc string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, loc, http.StatusFound) }
	}
	c := outbound.New(outbound.Options{Allow: loopback})

	hop, hopHits := counting(t, to(target))
	if err := get(c, hop.URL); !errors.Is(err, outbound.ErrRefused) {
		t.Errorf("redirect to a private address: %v, want ErrRefused", err)
	}
	if hopHits.Load() != 1 {
		t.Errorf("the allowed host got %d requests, want 1 (the redirect)", hopHits.Load())
	}
	if n := privHits.Load(); n != 0 {
		t.Errorf("the private receiver got %d requests", n)
	}

	file, _ := counting(t, to("file:///etc/passwd"))
	if err := get(c, file.URL); !errors.Is(err, outbound.ErrRefused) {
		t.Errorf("redirect to file://: %v, want ErrRefused", err)
	}

	var loop *httptest.Server
	loop, loopHits := counting(t, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, loop.URL, http.StatusFound) })
	if err := get(c, loop.URL); err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: %v", err)
	}
	if n := loopHits.Load(); n != outbound.DefaultMaxRedirects+1 {
		t.Errorf("redirect loop made %d requests, want %d", n, outbound.DefaultMaxRedirects+1)
	}

	// A followed redirect tells the next host nothing of the one before.
	var referer atomic.Value
	referer.Store("unset")
	dest, _ := counting(t, func(w http.ResponseWriter, r *http.Request) { referer.Store(r.Header.Get("Referer")) })
	hop3, _ := counting(t, to(dest.URL+"/picture.jpg"))
	if err := get(c, hop3.URL+"/page?story=secret"); err != nil {
		t.Fatal(err)
	}
	if got := referer.Load(); got != "" {
		t.Errorf("the redirect's target got Referer %q", got)
	}

	// With redirects off, the 3xx answer itself comes back.
	none := outbound.New(outbound.Options{Allow: loopback, MaxRedirects: -1})
	ok, okHits := counting(t, nil)
	hop2, _ := counting(t, to(ok.URL))
	resp, err := none.Get(context.Background(), hop2.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || okHits.Load() != 0 {
		t.Errorf("no-redirect client: status %d, target hits %d", resp.StatusCode, okHits.Load())
	}
}

func TestSchemes(t *testing.T) {
	c := outbound.New(outbound.Options{Allow: loopback})
	for _, u := range []string{"file:///etc/passwd", "gopher://example.org/", "ftp://example.org/x"} {
		if err := get(c, u); !errors.Is(err, outbound.ErrRefused) {
			t.Errorf("%s: %v, want ErrRefused", u, err)
		}
	}
	for u, ok := range map[string]bool{
		"https://hooks.example.org/x?y=1": true, "http://10.0.0.1/": true, "ftp://example.org/": false,
		"https:///nohost": false, "https://example.org/#frag": false, "not a url": false, "": false,
	} {
		if err := outbound.CheckURL(u); (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v, want ok %v", u, err, ok)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	big := strings.Repeat("x", 5000)
	withLength, _ := counting(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, big) })
	chunked, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		for range 5 {
			io.WriteString(w, big[:1000])
			w.(http.Flusher).Flush()
		}
	})
	c := outbound.New(outbound.Options{Allow: loopback, MaxBody: 4096})
	for name, srv := range map[string]*httptest.Server{"Content-Length": withLength, "chunked": chunked} {
		if err := get(c, srv.URL); !errors.Is(err, outbound.ErrTooLarge) {
			t.Errorf("%s: 5000 bytes under a 4096 limit: %v, want ErrTooLarge", name, err)
		}
	}
	exact, _ := counting(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, big[:4096]) })
	resp, err := c.Get(context.Background(), exact.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, err := outbound.ReadAll(resp)
	if err != nil || len(b) != 4096 {
		t.Errorf("exactly the limit: %d bytes, %v", len(b), err)
	}
}

func TestTimeouts(t *testing.T) {
	release := make(chan struct{})
	slow, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	c := outbound.New(outbound.Options{Allow: loopback, Timeout: 300 * time.Millisecond})
	start := time.Now()
	err := get(c, slow.URL+"/?key=s3cret")
	if err == nil || !strings.Contains(err.Error(), "timed out") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("slow answer: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("timeout of 300ms took %v", d)
	}

	// A server that sends headers, then trickles the body, is cut by the
	// whole-request timeout too.
	trickle, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		for {
			if _, err := io.WriteString(w, "x"); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(50 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	})
	start = time.Now()
	if err := get(c, trickle.URL); err == nil {
		t.Error("trickled body: no error")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("trickled body took %v", d)
	}
}

// No proxy is taken from the environment.
func TestNoEnvironmentProxy(t *testing.T) {
	proxy, proxyHits := counting(t, nil)
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("http_proxy", proxy.URL)
	srv, hits := counting(t, nil)
	c := outbound.New(outbound.Options{Allow: loopback})
	// httptest's 127.0.0.1 is never proxied by ProxyFromEnvironment, so a
	// host name stands in: localhost is proxied only through the env.
	if err := get(c, "http://localhost:"+port(t, srv)+"/"); err != nil {
		t.Fatal(err)
	}
	if proxyHits.Load() != 0 || hits.Load() != 1 {
		t.Errorf("proxy hits %d, direct hits %d: the environment's proxy was used", proxyHits.Load(), hits.Load())
	}
}

// A configured proxy is used, and a localhost name is refused through it
// (the proxy would resolve it to itself).
func TestConfiguredProxy(t *testing.T) {
	proxy, proxyHits := counting(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "via proxy "+r.URL.Host)
	})
	pu, _ := url.Parse(proxy.URL)
	c := outbound.New(outbound.Options{Proxy: pu})
	resp, err := c.Get(context.Background(), "http://receiver.example.org/hook")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := outbound.ReadAll(resp)
	if string(b) != "via proxy receiver.example.org" {
		t.Errorf("through the proxy: %q", b)
	}
	for _, u := range []string{"http://localhost/", "http://127.0.0.1/", "http://[::ffff:10.0.0.1]/", "http://a.localhost/"} {
		if err := get(c, u); !errors.Is(err, outbound.ErrRefused) {
			t.Errorf("%s through a proxy: %v, want ErrRefused", u, err)
		}
	}
	if proxyHits.Load() != 1 {
		t.Errorf("proxy hits %d, want 1", proxyHits.Load())
	}
}
