// Package config holds the operator's settings: flags and environment
// variables parsed into one struct that is passed down, never a global.
// Editorial settings (services, sections, notices) live in the database.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Options are the settings of `qalam serve`.
type Options struct {
	Addr           string         // listen address
	Data           string         // data dir: database and media
	Demo           bool           // fill an empty data dir with the demo newsroom
	Hosts          []Origin       // host names the reader site answers on
	TrustedProxies []netip.Prefix // peers whose X-Forwarded-Proto is believed
	CacheBytes     int64          // page cache bound
	AccessLog      bool           // log requests (never IP or User-Agent)
	PollInterval   time.Duration  // how often to check for content changes
	MaxStreams     int            // live-update streams held at once; more get 503 and poll
	LivePoll       time.Duration  // how often a page that could not get a stream polls the banner
	Require2FA     []string       // staff roles that must hold a second factor
	// Primary is the site's main address: rel=canonical and every copy
	// made for elsewhere (feeds' ids, the static export) name it. It is
	// one of Hosts: --primary, else the first --hosts entry, else the
	// listen address.
	Primary Origin
	// AdminOrigin is the one origin the newsroom admin answers on, so
	// passkeys hold across mirrors (it may be an onion address). Defaults
	// to Primary.
	AdminOrigin Origin
	// CountryHeader names a request header, set by a trusted CDN, that
	// carries the reader's ISO country code (e.g. CF-IPCountry); read only
	// from TrustedProxies.
	CountryHeader string
	// GeoIPDB is the path of a MaxMind-format country database used when
	// no CountryHeader is configured.
	GeoIPDB string
	// SigningKey is the file of the newsroom's Ed25519 private key for
	// signed exports, when it lives outside the data dir.
	SigningKey string
	// Newsletter: SMTP and the daily edition's time (newsletter.go).
	Newsletter Newsletter
	// Telegram: the services' channels and the bot (telegram.go).
	Telegram Telegram
	// OutboundAllow lists networks outbound requests (webhooks) may reach
	// although the SSRF rules refuse them (outbound.go).
	OutboundAllow []netip.Prefix
}

// Origin is a host name the site answers on and the origin it builds
// absolute URLs from.
type Origin struct {
	Scheme string // "http" or "https"
	Host   string // host[:port], lowercase, as sent in the Host header
}

// String returns scheme://host.
func (o Origin) String() string { return o.Scheme + "://" + o.Host }

// env returns the environment value for name, or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envBool(name string, def bool) bool {
	if v, ok := os.LookupEnv(name); ok {
		b, err := strconv.ParseBool(v)
		if err == nil {
			return b
		}
	}
	return def
}

// DataFlag registers the --data flag every subcommand that opens the
// newsroom shares.
func DataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", env("QALAM_DATA", "./data"), "data `dir`: database and media (env QALAM_DATA)")
}

// ParseServe parses the flags of `qalam serve`; usage and errors go to out.
func ParseServe(args []string, out io.Writer) (Options, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: qalam serve [flags]\n\nServes the reader site, the JSON API and media from one process.\nEvery flag can also be set by the environment variable named beside it.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	var o Options
	fs.StringVar(&o.Addr, "addr", env("QALAM_ADDR", "127.0.0.1:8080"), "listen `address` (env QALAM_ADDR)")
	data := DataFlag(fs)
	fs.BoolVar(&o.Demo, "demo", envBool("QALAM_DEMO", false), "fill an empty data dir with the demo newsroom (env QALAM_DEMO)")
	hosts := fs.String("hosts", env("QALAM_HOSTS", ""), "extra `hosts` (names or origins) the site answers on, comma-separated, e.g. https://news.example.org,mirror.example.net (env QALAM_HOSTS); the listen address and localhost are always accepted")
	proxies := fs.String("trusted-proxies", env("QALAM_TRUSTED_PROXIES", ""), "comma-separated `CIDRs` of reverse proxies whose X-Forwarded-Proto is trusted (env QALAM_TRUSTED_PROXIES)")
	cacheMB := fs.Int("cache-mb", atoi(env("QALAM_CACHE_MB", "128"), 128), "page cache size in `MiB` (env QALAM_CACHE_MB)")
	fs.BoolVar(&o.AccessLog, "access-log", envBool("QALAM_ACCESS_LOG", true), "log each request's method, path, status and duration; never the reader's IP or User-Agent (env QALAM_ACCESS_LOG)")
	primary := fs.String("primary", env("QALAM_PRIMARY", ""), "the site's main `origin` for rel=canonical, e.g. https://news.example.org; defaults to the first --hosts entry, else the listen address (env QALAM_PRIMARY)")
	admin := fs.String("admin-origin", env("QALAM_ADMIN_ORIGIN", ""), "the one `origin` the newsroom admin answers on (may be an onion address); defaults to the primary (env QALAM_ADMIN_ORIGIN)")
	fs.StringVar(&o.CountryHeader, "country-header", env("QALAM_COUNTRY_HEADER", ""), "request `header` with the reader's country code set by a trusted CDN, e.g. CF-IPCountry; believed only from --trusted-proxies (env QALAM_COUNTRY_HEADER)")
	fs.StringVar(&o.GeoIPDB, "geoip-db", env("QALAM_GEOIP_DB", ""), "`path` of a MaxMind-format (.mmdb) country database for country-targeted notices, used when no --country-header is set (env QALAM_GEOIP_DB)")
	fs.StringVar(&o.SigningKey, "signing-key", env("QALAM_SIGNING_KEY", ""), "`file` of the newsroom's Ed25519 signing key when kept outside the data dir (env QALAM_SIGNING_KEY)")
	fs.DurationVar(&o.PollInterval, "poll", 250*time.Millisecond, "how often to check the database for changes made by other processes")
	req2fa := fs.String("require-2fa", env("QALAM_REQUIRE_2FA", "editor,chief,admin"), "comma-separated staff `roles` that must hold a second factor (TOTP or a passkey); admin always must (env QALAM_REQUIRE_2FA)")
	fs.DurationVar(&o.LivePoll, "live-poll", 30*time.Second, "how often a page turned away from a live stream polls the banner's JSON instead")
	fs.IntVar(&o.MaxStreams, "max-streams", atoi(env("QALAM_MAX_STREAMS", "2000"), 2000), "live-update `streams` (breaking-news banner) held at once; past it readers' pages poll a cached JSON document instead (env QALAM_MAX_STREAMS)")
	checkNewsletter := newsletterFlags(fs, &o.Newsletter)
	checkTelegram := telegramFlags(fs, &o.Telegram)
	checkOutbound := outboundFlags(fs, &o.OutboundAllow)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if err := checkNewsletter(); err != nil {
		return o, err
	}
	if err := checkTelegram(); err != nil {
		return o, err
	}
	if err := checkOutbound(); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	o.Data = *data
	if *cacheMB < 1 {
		return o, errors.New("serve: --cache-mb must be at least 1")
	}
	o.CacheBytes = int64(*cacheMB) << 20
	for _, r := range strings.Split(*req2fa, ",") {
		if r = strings.TrimSpace(strings.ToLower(r)); r != "" {
			o.Require2FA = append(o.Require2FA, r)
		}
	}
	if !slices.Contains(o.Require2FA, "admin") {
		return o, errors.New("serve: --require-2fa must include admin: an admin account without a second factor is the newsroom's weakest door")
	}
	if o.LivePoll < time.Second {
		return o, errors.New("serve: --live-poll must be at least 1s")
	}
	if o.MaxStreams < 0 {
		return o, errors.New("serve: --max-streams cannot be negative (0 makes every page poll)")
	}
	if o.PollInterval <= 0 || o.PollInterval > time.Second {
		return o, errors.New("serve: --poll must be between 1ms and 1s: changes must reach readers within a second")
	}
	var err error
	if o.Hosts, err = Hosts(o.Addr, *hosts); err != nil {
		return o, err
	}
	if o.TrustedProxies, err = parsePrefixes(*proxies); err != nil {
		return o, err
	}
	if o.Primary, err = pickOrigin("--primary", *primary, o.Hosts, defaultPrimary(o.Hosts, *hosts)); err != nil {
		return o, err
	}
	if o.AdminOrigin, err = pickOrigin("--admin-origin", *admin, o.Hosts, o.Primary); err != nil {
		return o, err
	}
	if o.CountryHeader != "" && o.GeoIPDB != "" {
		return o, errors.New("serve: give --country-header or --geoip-db, not both")
	}
	if o.CountryHeader != "" && len(o.TrustedProxies) == 0 {
		return o, errors.New("serve: --country-header needs --trusted-proxies: the header is believed only from the CDN")
	}
	return o, nil
}

// defaultPrimary is the first --hosts entry, else the listen address.
func defaultPrimary(hosts []Origin, extra string) Origin {
	if extras, err := parseOrigins(extra); err == nil && len(extras) > 0 {
		for _, h := range hosts {
			if h.Host == extras[0].Host {
				return h
			}
		}
	}
	return hosts[0]
}

// pickOrigin resolves a flag naming one of the hosts (as a host name or an
// origin); "" gives def.
func pickOrigin(flag, v string, hosts []Origin, def Origin) (Origin, error) {
	if v == "" {
		return def, nil
	}
	given, err := parseOrigins(v)
	if err != nil || len(given) != 1 {
		return Origin{}, fmt.Errorf("serve: %s %q: give one host name or origin", flag, v)
	}
	for _, h := range hosts {
		if h.Host == given[0].Host {
			return h, nil
		}
	}
	return Origin{}, fmt.Errorf("serve: %s %q is not among the hosts the site answers on; add it to --hosts", flag, v)
}

func atoi(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

// Hosts returns the origins the site answers on: the listen address, its
// localhost spellings, and the extra hosts or origins given.
func Hosts(addr, extra string) ([]Origin, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %v", addr, err)
	}
	var out []Origin
	seen := map[string]bool{}
	add := func(o Origin) {
		o.Host = strings.ToLower(o.Host)
		if !seen[o.Host] {
			seen[o.Host] = true
			out = append(out, o)
		}
	}
	switch host {
	case "", "0.0.0.0", "::":
		add(Origin{"http", net.JoinHostPort("127.0.0.1", port)})
	default:
		add(Origin{"http", net.JoinHostPort(host, port)})
	}
	add(Origin{"http", net.JoinHostPort("localhost", port)})
	extras, err := parseOrigins(extra)
	if err != nil {
		return nil, err
	}
	for _, o := range extras {
		add(o)
	}
	return out, nil
}

// parseOrigins reads a comma-separated list of host names or origins.
func parseOrigins(list string) ([]Origin, error) {
	var out []Origin
	for _, h := range strings.Split(list, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		o := Origin{Scheme: "http", Host: h}
		if strings.Contains(h, "://") {
			u, err := url.Parse(h)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
				return nil, fmt.Errorf("host %q: give a host name or an origin such as https://news.example.org", h)
			}
			o = Origin{Scheme: u.Scheme, Host: u.Host}
		} else if strings.ContainsAny(h, "/?# ") {
			return nil, fmt.Errorf("host %q: give a host name or an origin such as https://news.example.org", h)
		}
		o.Host = strings.ToLower(o.Host)
		out = append(out, o)
	}
	return out, nil
}

func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			a, err := netip.ParseAddr(p)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: %v", p, err)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		pr, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %v", p, err)
		}
		out = append(out, pr.Masked())
	}
	return out, nil
}
