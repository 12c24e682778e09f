package geo_test

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"qalam/internal/geo"
	"qalam/internal/geo/geotest"
)

var proxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}

func TestHeader(t *testing.T) {
	h, err := geo.NewHeader("cf-ipcountry", proxies)
	if err != nil {
		t.Fatal(err)
	}
	if h.Name() != "Cf-Ipcountry" {
		t.Errorf("Name %q", h.Name())
	}
	for _, tc := range []struct {
		peer, value, want string
		ok                bool
	}{
		{"10.1.2.3:443", "ru", "RU", true},
		{"10.1.2.3:443", " KZ ", "KZ", true},
		{"10.1.2.3:443", "XX", "", false},
		{"10.1.2.3:443", "T1", "", false},
		{"10.1.2.3:443", "", "", false},
		{"10.1.2.3:443", "RUS", "", false},
		{"10.1.2.3:443", "<s", "", false},
		{"198.51.100.9:5000", "RU", "", false}, // not the CDN: not believed
	} {
		r := httptest.NewRequest("GET", "/kk/", nil)
		r.RemoteAddr = tc.peer
		r.Header.Set("CF-IPCountry", tc.value)
		got, ok := h.Country(r)
		if tc.value == "T1" {
			// T1 is two capitals-and-digit: not a code.
			tc.ok = false
		}
		if got != tc.want || ok != tc.ok {
			t.Errorf("peer %s header %q: %q %v, want %q %v", tc.peer, tc.value, got, ok, tc.want, tc.ok)
		}
	}
	if _, err := geo.NewHeader("CF-IPCountry", nil); err == nil {
		t.Error("a header without trusted proxies was accepted")
	}
	if _, err := geo.NewHeader("bad header", proxies); err == nil {
		t.Error("a bad header name was accepted")
	}
}

func TestDB(t *testing.T) {
	for _, layout := range []geotest.Layout{geotest.IPLocationDB, geotest.GeoLite2} {
		path := geotest.WriteDB(t, layout, map[string]string{
			"203.0.113.0/24":  "RU",
			"198.51.100.0/24": "KZ",
			"2001:db8::/32":   "IR",
		})
		db, err := geo.OpenDB(path, proxies)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			peer string
			xff  []string
			want string
			ok   bool
		}{
			{"203.0.113.7:5555", nil, "RU", true},
			{"[2001:db8::1]:5555", nil, "IR", true},
			{"[::ffff:198.51.100.4]:80", nil, "KZ", true},
			{"192.0.2.1:80", nil, "", false},                           // not in the database
			{"203.0.113.7:5555", []string{"198.51.100.4"}, "RU", true}, // an untrusted peer's header is ignored
			{"10.0.0.5:80", []string{"198.51.100.4"}, "KZ", true},      // behind the proxy: the client it saw
			{"10.0.0.5:80", []string{"203.0.113.9, 10.0.0.7"}, "RU", true},
			{"10.0.0.5:80", []string{"203.0.113.9", "10.0.0.7"}, "RU", true},
			{"10.0.0.5:80", nil, "", false},
			{"10.0.0.5:80", []string{"not-an-ip"}, "", false},
		} {
			r := httptest.NewRequest("GET", "/kk/", nil)
			r.RemoteAddr = tc.peer
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			got, ok := db.Country(r)
			if got != tc.want || ok != tc.ok {
				t.Errorf("layout %d peer %s xff %v: %q %v, want %q %v", layout, tc.peer, tc.xff, got, ok, tc.want, tc.ok)
			}
		}
		db.Close()
	}
	if _, err := geo.OpenDB("/nonexistent/country.mmdb", nil); err == nil {
		t.Error("a missing database opened")
	}
}
