package news

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// MirrorKind says what a mirror address is for.
type MirrorKind string

const (
	// MirrorPlain serves the whole site under another host name.
	MirrorPlain MirrorKind = "mirror"
	// MirrorOnion is a Tor onion address: clearnet answers carry
	// Onion-Location to the first active one.
	MirrorOnion MirrorKind = "onion"
	// MirrorLite serves the lite pages at its root (/kk/ is the lite home).
	MirrorLite MirrorKind = "lite"
)

// Mirror is another address readers can reach the site on when the main
// one is blocked. Every active mirror's host is served (others get 421);
// listed ones are published on the mirrors page, the mirrors JSON document,
// feeds and newsletters. An unlisted mirror is handed out privately.
type Mirror struct {
	ID       string
	Origin   string // scheme://host[:port], lowercase, no path
	Kind     MirrorKind
	Note     string // for the newsroom only; never shown to readers
	Listed   bool
	Active   bool
	Position int
	Updated  time.Time
}

// Host returns the mirror's host[:port].
func (m Mirror) Host() string {
	_, h, _ := strings.Cut(m.Origin, "://")
	return h
}

// NormalizeOrigin checks an address given for a mirror and returns it as
// scheme://host[:port] in lowercase. An onion address must end in .onion.
func NormalizeOrigin(s string, kind MirrorKind) (string, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		return "", Invalidf("mirror %q: give an origin such as https://mirror.example.net", s)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", Invalidf("mirror %q: give an origin such as https://mirror.example.net, without a path", s)
	}
	host := strings.ToLower(u.Host)
	name := u.Hostname()
	if strings.ContainsAny(host, " \t\r\n\"'<>\\") || name == "" {
		return "", Invalidf("mirror %q: bad host name", s)
	}
	if (kind == MirrorOnion) != strings.HasSuffix(strings.ToLower(name), ".onion") {
		return "", Invalidf("mirror %q: onion addresses, and only they, end in .onion and have kind onion", s)
	}
	return strings.ToLower(u.Scheme) + "://" + host, nil
}

// Validate checks a mirror before it is stored.
func (m Mirror) Validate() error {
	switch m.Kind {
	case MirrorPlain, MirrorOnion, MirrorLite:
	default:
		return Invalidf("mirror kind %q: want mirror, onion or lite", m.Kind)
	}
	o, err := NormalizeOrigin(m.Origin, m.Kind)
	if err != nil {
		return err
	}
	if o != m.Origin {
		return Invalidf("mirror %q: store it as %q", m.Origin, o)
	}
	return nil
}

// MirrorStore keeps the mirror list. Changing it bumps the content version,
// so every process serves the new hosts and pages within a second.
type MirrorStore interface {
	Mirrors(ctx context.Context) ([]Mirror, error)  // all, by Position then Origin
	PutMirror(ctx context.Context, m *Mirror) error // assigns ID; normalizes Origin; ErrInvalid; ErrConflict on a taken origin
	DeleteMirror(ctx context.Context, id string) error
}

// PublishedMirrors is the mirror list readers see: the primary origin
// first, then the listed, active mirrors of ms in their order.
func PublishedMirrors(ms []Mirror, primary string) []Mirror {
	out := []Mirror{{Origin: primary, Kind: MirrorPlain, Listed: true, Active: true}}
	for _, m := range ms {
		if m.Listed && m.Active && m.Origin != primary {
			out = append(out, m)
		}
	}
	return out
}
