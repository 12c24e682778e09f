// Package geo tells which country a reader is in, for the legal notices a
// service targets at readers of one country (a warning for readers in a
// country that has outlawed the publisher). The country comes from a header
// set by a trusted CDN or from a local MaxMind-format database; nothing
// here logs or keeps the reader's address, and an unknown country is an
// answer of its own: readers whose country is unknown see every targeted
// notice.
package geo

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	maxminddb "github.com/oschwald/maxminddb-golang/v2"
)

// Resolver tells the country of a request's reader as an ISO 3166-1
// alpha-2 code in capitals, or false when it cannot tell.
type Resolver interface {
	Country(r *http.Request) (string, bool)
}

// validCode reports whether c is two ASCII capitals (after upper-casing).
func validCode(c string) (string, bool) {
	if len(c) != 2 {
		return "", false
	}
	c = strings.ToUpper(c)
	if c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		return "", false
	}
	// CDNs use XX (unknown) and T1 (Tor); neither names a country.
	if c == "XX" || c == "ZZ" {
		return "", false
	}
	return c, true
}

// Header reads the country from a request header that a CDN sets (such as
// Cloudflare's CF-IPCountry), believed only when the peer is a trusted
// proxy: anyone else could send it.
type Header struct {
	name    string
	trusted []netip.Prefix
}

// NewHeader returns a resolver for the named header.
func NewHeader(name string, trusted []netip.Prefix) (*Header, error) {
	if name == "" || strings.ContainsAny(name, " :\t\r\n") {
		return nil, fmt.Errorf("geo: bad header name %q", name)
	}
	if len(trusted) == 0 {
		return nil, errors.New("geo: a country header needs trusted proxies")
	}
	return &Header{name: http.CanonicalHeaderKey(name), trusted: trusted}, nil
}

// Name is the header's canonical name, for Vary.
func (h *Header) Name() string { return h.name }

// Country implements Resolver.
func (h *Header) Country(r *http.Request) (string, bool) {
	if !trustedPeer(r.RemoteAddr, h.trusted) {
		return "", false
	}
	return validCode(strings.TrimSpace(r.Header.Get(h.name)))
}

// DB looks the reader's address up in a MaxMind-format country database
// (GeoLite2-Country, or the free ip-location-db files, whose records carry
// "country_code"). Behind trusted proxies the address is the nearest
// untrusted one in X-Forwarded-For.
type DB struct {
	r       *maxminddb.Reader
	trusted []netip.Prefix
}

// OpenDB opens the database at path.
func OpenDB(path string, trusted []netip.Prefix) (*DB, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("geo: country database %s: %w", path, err)
	}
	return &DB{r: r, trusted: trusted}, nil
}

// Close releases the database.
func (d *DB) Close() error { return d.r.Close() }

// record holds the fields of both database layouts.
type record struct {
	CountryCode string `maxminddb:"country_code"`
	Country     struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
}

// Country implements Resolver.
func (d *DB) Country(r *http.Request) (string, bool) {
	a, ok := clientAddr(r, d.trusted)
	if !ok {
		return "", false
	}
	return d.Lookup(a)
}

// Lookup returns the country of one address.
func (d *DB) Lookup(a netip.Addr) (string, bool) {
	res := d.r.Lookup(a.Unmap())
	if !res.Found() {
		return "", false
	}
	var rec record
	if err := res.Decode(&rec); err != nil {
		return "", false
	}
	if rec.CountryCode != "" {
		return validCode(rec.CountryCode)
	}
	return validCode(rec.Country.ISOCode)
}

// clientAddr is the reader's address: the peer, or when the peer is a
// trusted proxy the last address in X-Forwarded-For that is not one.
func clientAddr(r *http.Request, trusted []netip.Prefix) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		host, _, err2 := net.SplitHostPort(r.RemoteAddr)
		if err2 != nil {
			return netip.Addr{}, false
		}
		a, err := netip.ParseAddr(host)
		if err != nil {
			return netip.Addr{}, false
		}
		ap = netip.AddrPortFrom(a, 0)
	}
	a := ap.Addr().Unmap()
	if !inPrefixes(a, trusted) {
		return a, true
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			h, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return netip.Addr{}, false
			}
			h = h.Unmap()
			if !inPrefixes(h, trusted) {
				return h, true
			}
		}
	}
	return netip.Addr{}, false
}

func trustedPeer(remote string, trusted []netip.Prefix) bool {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		return false
	}
	return inPrefixes(ap.Addr().Unmap(), trusted)
}

func inPrefixes(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
