package site

import (
	"encoding/json"
	"net/http"

	"qalam/internal/pagecache"
	"qalam/internal/scriptview"
)

// mirrorsJSON is the path segment of the machine-readable mirror list.
const mirrorsJSON = "mirrors.json"

// MirrorsDoc is /mirrors.json: every published address of the site and of
// each service's home, for apps, bots and readers' scripts that must find
// the site when an address is blocked. Version 1; fields are only added.
type MirrorsDoc struct {
	Version  int             `json:"version"`
	Primary  string          `json:"primary"`
	Mirrors  []MirrorsDocURL `json:"mirrors"` // the primary first
	Services []MirrorsDocSvc `json:"services"`
	// SigningKey names the key that signs static copies of the site, so a
	// copy can be checked with `qalam verify` or by hand.
	SigningKey *MirrorsDocKey `json:"signing_key,omitempty"`
}

// MirrorsDocURL is one address.
type MirrorsDocURL struct {
	URL  string `json:"url"`
	Kind string `json:"kind"` // "mirror", "onion" or "lite"
}

// MirrorsDocSvc is one service and the path of its home on every address.
type MirrorsDocSvc struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Lang string `json:"lang"`
	Home string `json:"home"` // "/kk/"; on a lite address, the lite home is at the same path
}

// MirrorsDocKey is the public signing key's fingerprint.
type MirrorsDocKey struct {
	Algorithm   string `json:"algorithm"`
	Fingerprint string `json:"fingerprint"`
}

func (s *Site) mirrorsDoc(rq *request) (*pagecache.Entry, error) {
	ms, err := s.publishedMirrors(rq.ctx)
	if err != nil {
		return nil, err
	}
	svcs, err := s.store.Services(rq.ctx)
	if err != nil {
		return nil, err
	}
	doc := MirrorsDoc{Version: 1, Primary: s.primary, Mirrors: []MirrorsDocURL{}, Services: []MirrorsDocSvc{}}
	for _, m := range ms {
		doc.Mirrors = append(doc.Mirrors, MirrorsDocURL{URL: m.Origin, Kind: string(m.Kind)})
	}
	for _, sv := range svcs {
		doc.Services = append(doc.Services, MirrorsDocSvc{Code: sv.Code, Name: sv.Name, Lang: sv.Lang, Home: "/" + sv.Code + "/"})
		if hasLatin(sv) {
			doc.Services = append(doc.Services, MirrorsDocSvc{Code: sv.Code + latnSuffix, Name: scriptview.LatinService(sv).Name, Lang: latnLang, Home: "/" + sv.Code + latnSuffix + "/"})
		}
	}
	if s.fingerprint != "" {
		doc.SigningKey = &MirrorsDocKey{Algorithm: "Ed25519", Fingerprint: s.fingerprint}
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Access-Control-Allow-Origin", "*")
	return pagecache.NewEntry(http.StatusOK, h, append(b, '\n')), nil
}
