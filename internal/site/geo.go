package site

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"sync"

	"qalam/internal/news"
)

// Country-targeted notices. A service's notice may name countries; a
// reader sees it when their country is one of them, or when their country
// is unknown (no header, no match in the database, the onion and lite
// addresses): safety warnings err on the side of showing. The page cache
// keys a page by the set of targeted notices that apply, not by the
// country, so every country without a targeted notice shares one copy.

// noticeSet is the targeted notices one variant of a page shows; its key
// is part of the cache key.
type noticeSet struct {
	key string          // "" when no targeted notice applies
	ids map[string]bool // targeted notices shown
}

// allNotices is the variant for readers whose country is unknown, and the
// only one when no country resolver is configured.
var allNotices *noticeSet

// shows reports whether a reader of this variant sees n.
func (ns *noticeSet) shows(n news.Notice) bool {
	return len(n.Countries) == 0 || ns == allNotices || ns.ids[n.ID]
}

// svcTargets are one service's variants, made once per content change.
type svcTargets struct {
	byCountry map[string]*noticeSet
	unknown   *noticeSet // every targeted notice: the key differs from any country's
	none      *noticeSet
}

// targets caches svcTargets per service until the content changes.
type targets struct {
	mu    sync.Mutex
	bySvc map[string]*svcTargets
}

// ContentChanged drops what the site derived from the database's content
// (the notice variants); the server calls it whenever it purges the cache.
func (s *Site) ContentChanged() {
	s.targets.mu.Lock()
	s.targets.bySvc = nil
	s.targets.mu.Unlock()
}

func (s *Site) svcTargets(ctx context.Context, code string) (*svcTargets, error) {
	s.targets.mu.Lock()
	defer s.targets.mu.Unlock()
	if t, ok := s.targets.bySvc[code]; ok {
		return t, nil
	}
	notices, err := s.store.Notices(ctx, code)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	t := &svcTargets{byCountry: map[string]*noticeSet{}, none: &noticeSet{}}
	byCountry := map[string][]string{}
	var all []string
	for _, n := range notices {
		if !n.Active || len(n.Countries) == 0 {
			continue
		}
		all = append(all, n.ID)
		for _, c := range n.Countries {
			byCountry[c] = append(byCountry[c], n.ID)
		}
	}
	t.unknown = newNoticeSet("all:", all)
	shared := map[string]*noticeSet{}
	for c, ids := range byCountry {
		ns := newNoticeSet("", ids)
		if prev, ok := shared[ns.key]; ok {
			ns = prev // countries with the same notices share one copy
		}
		shared[ns.key] = ns
		t.byCountry[c] = ns
	}
	if s.targets.bySvc == nil {
		s.targets.bySvc = map[string]*svcTargets{}
	}
	s.targets.bySvc[code] = t
	return t, nil
}

func newNoticeSet(prefix string, ids []string) *noticeSet {
	sort.Strings(ids)
	ns := &noticeSet{key: prefix + strings.Join(ids, ","), ids: map[string]bool{}}
	for _, id := range ids {
		ns.ids[id] = true
	}
	return ns
}

// pathService is the service code a site path belongs to, "" if none.
func pathService(path string) string {
	p := strings.TrimPrefix(path, "/")
	if rest, ok := strings.CutPrefix(p, liteSeg+"/"); ok {
		p = rest
	}
	seg, _, _ := strings.Cut(p, "/")
	return strings.TrimSuffix(seg, latnSuffix)
}

// noticeVariant picks the notice variant of a request.
func (s *Site) noticeVariant(r *http.Request) (*noticeSet, error) {
	if s.country == nil {
		return allNotices, nil
	}
	code := pathService(r.URL.Path)
	if !news.ValidServiceCode(code) {
		return allNotices, nil
	}
	t, err := s.svcTargets(r.Context(), code)
	if err != nil {
		return nil, err
	}
	cc, ok := s.country(r)
	switch {
	case !ok:
		return t.unknown, nil
	case t.byCountry[cc] != nil:
		return t.byCountry[cc], nil
	}
	return t.none, nil
}
