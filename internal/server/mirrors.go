package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"qalam/internal/config"
	"qalam/internal/geo"
	"qalam/internal/news"
	"qalam/internal/signing"
)

// mirrorState is what the request path needs from the mirror list, made
// once per content change.
type mirrorState struct {
	onion     string          // origin of the first active onion mirror, "" if none
	onionHost string          // its host
	lite      map[string]bool // hosts of active lite mirrors
	hidden    map[string]bool // hosts whose readers' country is unknown (onion, lite)
}

var noMirrors = &mirrorState{}

// refreshMirrors reloads the mirror list into the host table and the
// mirror state. Called by Poll whenever the content version moves.
func (s *Server) refreshMirrors(ctx context.Context) error {
	ms, err := s.store.Mirrors(ctx)
	if err != nil {
		return err
	}
	st := &mirrorState{lite: map[string]bool{}, hidden: map[string]bool{}}
	var extra []config.Origin
	for _, m := range ms {
		if !m.Active {
			continue
		}
		scheme, host, _ := strings.Cut(m.Origin, "://")
		extra = append(extra, config.Origin{Scheme: scheme, Host: host})
		switch m.Kind {
		case news.MirrorOnion:
			if st.onion == "" {
				st.onion, st.onionHost = m.Origin, host
			}
			st.hidden[host] = true
		case news.MirrorLite:
			st.lite[host] = true
			st.hidden[host] = true
		}
	}
	s.hosts.SetExtra(extra)
	s.mirrors.Store(st)
	return nil
}

func (s *Server) mirrorState() *mirrorState {
	if st := s.mirrors.Load(); st != nil {
		return st
	}
	return noMirrors
}

// hostKey is a Host header as the mirror state keys it: lowercase, without
// a default port.
func hostKey(h string) string {
	h = strings.ToLower(h)
	if i := strings.LastIndexByte(h, ':'); i > 0 && !strings.Contains(h[i:], "]") {
		if p := h[i+1:]; p == "80" || p == "443" {
			return h[:i]
		}
	}
	return h
}

// countryUnknown reports whether a request came in on a host whose readers'
// country must not be guessed (the onion and lite addresses): they see
// every country-targeted notice.
func (s *Server) countryUnknown(r *http.Request) bool {
	st := s.mirrorState()
	return len(st.hidden) > 0 && st.hidden[hostKey(r.Host)]
}

// liteFixed are first path segments a lite host serves as they are.
var liteFixed = map[string]bool{
	"lite": true, "assets": true, "media": true, "feeds": true, "sitemaps": true, "sitemap.xml": true,
	"api": true, "admin": true, "healthz": true, "robots.txt": true, "mirrors.json": true, "newsletter": true,
	"favicon.ico": true,
}

// mirrorRoutes adds what the mirror list asks of every response: clearnet
// answers name the onion address in Onion-Location (Tor Browser offers it),
// and a lite host serves the lite pages at its root, so /kk/ there is the
// lite home.
func (s *Server) mirrorRoutes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := s.mirrorState()
		if st == noMirrors || (st.onion == "" && len(st.lite) == 0) {
			next.ServeHTTP(w, r)
			return
		}
		host := hostKey(r.Host)
		if st.onion != "" && host != st.onionHost {
			w.Header().Set("Onion-Location", st.onion+r.URL.RequestURI())
		}
		if st.lite[host] {
			seg, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
			if !liteFixed[seg] {
				r2 := r.Clone(r.Context())
				r2.URL.Path = "/lite" + r.URL.Path
				r2.URL.RawPath = ""
				next.ServeHTTP(w, r2)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// countryResolver builds the reader-country lookup for targeted notices
// from the settings: a trusted CDN's header, or a local country database.
// Readers on the onion and lite addresses are always of unknown country.
// It returns nil when neither is configured (every reader sees every
// notice) and the header to name in Vary when the country comes from one.
func (s *Server) countryResolver(opts config.Options) (func(*http.Request) (string, bool), string, error) {
	var r geo.Resolver
	vary := ""
	switch {
	case opts.CountryHeader != "":
		h, err := geo.NewHeader(opts.CountryHeader, opts.TrustedProxies)
		if err != nil {
			return nil, "", err
		}
		r, vary = h, h.Name()
	case opts.GeoIPDB != "":
		db, err := geo.OpenDB(opts.GeoIPDB, opts.TrustedProxies)
		if err != nil {
			return nil, "", err
		}
		r = db
	default:
		return nil, "", nil
	}
	return func(req *http.Request) (string, bool) {
		if s.countryUnknown(req) {
			return "", false
		}
		return r.Country(req)
	}, vary, nil
}

// signingFingerprint is the fingerprint of the newsroom's export signing
// key (made in the data dir on first use unless --signing-key names one),
// published on the mirrors page, in /mirrors.json and in every feed so
// readers can check a static copy. "" without a data dir.
func signingFingerprint(opts config.Options) (string, error) {
	if opts.Data == "" && opts.SigningKey == "" {
		return "", nil
	}
	pub, err := signing.PublicKey(opts.Data, opts.SigningKey)
	if err != nil {
		return "", fmt.Errorf("signing key: %w", err)
	}
	return signing.Fingerprint(pub), nil
}
