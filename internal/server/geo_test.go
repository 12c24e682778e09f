package server_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"qalam/internal/config"
	"qalam/internal/demo"
	"qalam/internal/geo/geotest"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

const (
	ruMarker  = "Ескерту-Ресей-маркер"
	byMarker  = "Ескерту-Беларусь-маркер"
	allMarker = "Ескерту-барлығына-маркер"
)

// targetedNotices adds to kk a notice for readers in Russia, one for
// Russia and Belarus, and one for everyone.
func targetedNotices(t *testing.T, e *servertest.Env) {
	t.Helper()
	for i, n := range []news.Notice{
		{Service: "kk", Title: ruMarker, Body: news.Text("Ресейдегі оқырмандарға."), Countries: []string{"RU"}, Active: true, Position: 10},
		{Service: "kk", Title: byMarker, Body: news.Text("Ресей мен Беларусьтегі оқырмандарға."), Countries: []string{"RU", "BY"}, Active: true, Position: 11},
		{Service: "kk", Title: allMarker, Body: news.Text("Барлық оқырмандарға."), Active: true, Position: 12},
	} {
		n := n
		if err := e.Store.PutNotice(context.Background(), &n); err != nil {
			t.Fatalf("notice %d: %v", i, err)
		}
	}
	e.Fresh(t)
}

func shown(body string) string {
	var out []string
	for _, m := range []string{ruMarker, byMarker, allMarker} {
		if strings.Contains(body, m) {
			out = append(out, strings.Split(m, "-")[1])
		}
	}
	return strings.Join(out, ",")
}

func TestCountryNoticesFromCDNHeader(t *testing.T) {
	e := servertest.Demo(t, func(o *config.Options) {
		o.CountryHeader = "CF-IPCountry"
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	targetedNotices(t, e)
	for _, path := range []string{"/kk/", "/lite/kk/", storyURL(t, e, demo.LeadStoryKK)} {
		for country, want := range map[string]string{
			"RU": "Ресей,Беларусь,барлығына",
			"BY": "Беларусь,барлығына",
			"KZ": "барлығына",
			"US": "барлығына",
			"":   "Ресей,Беларусь,барлығына", // unknown: every targeted notice
			"XX": "Ресей,Беларусь,барлығына",
		} {
			resp, body := e.Get(t, path, "CF-IPCountry", country)
			mustStatus(t, resp, 200, path)
			if got := shown(body); got != want {
				t.Errorf("%s from %q: notices %q, want %q", path, country, got, want)
			}
			if vary := strings.Join(resp.Header.Values("Vary"), ","); !strings.Contains(vary, "Cf-Ipcountry") {
				t.Errorf("%s: Vary %q lacks the country header", path, vary)
			}
			if cc := resp.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
				t.Errorf("%s: Cache-Control %q: with a CDN header the page stays public", path, cc)
			}
		}
	}
	// Countries with no targeted notice share one cached copy.
	e.Get(t, "/kk/", "CF-IPCountry", "KZ")
	before := e.Server.Site.Renders()
	for _, c := range []string{"US", "DE", "KZ", "TR"} {
		e.Get(t, "/kk/", "CF-IPCountry", c)
	}
	if n := e.Server.Site.Renders() - before; n != 0 {
		t.Errorf("countries without a targeted notice caused %d renders", n)
	}
	// The onion address never guesses: every notice, whatever the header.
	onion := news.Mirror{Origin: "http://zhasylaulaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion", Kind: news.MirrorOnion, Active: true}
	if err := e.Store.PutMirror(context.Background(), &onion); err != nil {
		t.Fatal(err)
	}
	e.Fresh(t)
	_, body := e.Get(t, "/kk/", "CF-IPCountry", "KZ", "Host", onion.Host())
	if got := shown(body); got != "Ресей,Беларусь,барлығына" {
		t.Errorf("onion: notices %q", got)
	}
	// A notice made inactive disappears for everyone at the next check.
	ns, _ := e.Store.Notices(context.Background(), "kk")
	for _, n := range ns {
		if n.Title == ruMarker {
			n.Active = false
			if err := e.Store.PutNotice(context.Background(), &n); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.Fresh(t)
	if _, body := e.Get(t, "/kk/", "CF-IPCountry", "RU"); shown(body) != "Беларусь,барлығына" {
		t.Errorf("after deactivation RU sees %q", shown(body))
	}
}

func TestCountryNoticesFromDatabase(t *testing.T) {
	db := geotest.WriteDB(t, geotest.IPLocationDB, map[string]string{
		"203.0.113.0/24":  "RU",
		"198.51.100.0/24": "KZ",
	})
	e := servertest.Demo(t, func(o *config.Options) {
		o.GeoIPDB = db
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	targetedNotices(t, e)
	for xff, want := range map[string]string{
		"203.0.113.50":  "Ресей,Беларусь,барлығына",
		"198.51.100.20": "барлығына",
		"192.0.2.1":     "Ресей,Беларусь,барлығына", // not in the database: unknown
		"":              "Ресей,Беларусь,барлығына", // the proxy itself: unknown
	} {
		resp, body := e.Get(t, "/kk/", "X-Forwarded-For", xff)
		if got := shown(body); got != want {
			t.Errorf("from %q: notices %q, want %q", xff, got, want)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
			t.Errorf("from %q: Cache-Control %q, want private (the variant follows the address)", xff, cc)
		}
	}
	// Without any configuration every reader sees every notice and pages are public.
	plain := servertest.Demo(t)
	targetedNotices(t, plain)
	resp, body := plain.Get(t, "/kk/", "CF-IPCountry", "KZ")
	if shown(body) != "Ресей,Беларусь,барлығына" || !strings.HasPrefix(resp.Header.Get("Cache-Control"), "public") {
		t.Errorf("unconfigured: %q %q", shown(body), resp.Header.Get("Cache-Control"))
	}
}
