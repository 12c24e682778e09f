package site

import (
	"context"
	"strings"
	"time"

	"qalam/internal/news"
	"qalam/internal/pagecache"
	"qalam/internal/scriptview"
)

// Preview views: the full page, the Kazakh Latin view, and the lite page
// of either.
const (
	PreviewFull      = ""
	PreviewLatin     = "latn"
	PreviewLite      = "lite"
	PreviewLiteLatin = "lite-latn"
)

// Preview renders p, a story as it would be published (any revision, any
// state), through the story page exactly as readers would get it in view
// (PreviewFull, PreviewLatin, PreviewLite or PreviewLiteLatin). Nothing is
// read from or put in the page cache; the caller serves the bytes with
// noindex and no-store. A zero PublishAt is shown as the present instant.
func (s *Site) Preview(ctx context.Context, p news.Published, view string) ([]byte, error) {
	var latin, lite bool
	switch view {
	case PreviewFull:
	case PreviewLatin:
		latin = true
	case PreviewLite:
		lite = true
	case PreviewLiteLatin:
		latin, lite = true, true
	default:
		return nil, news.Invalidf("preview view %q: want one of \"\", latn, lite, lite-latn", view)
	}
	at := news.Time(s.now())
	if p.Story.PublishAt.IsZero() || p.Story.PublishAt.After(at) {
		p.Story.PublishAt = at
	}
	if !p.Story.UpdatedAt.IsZero() && p.Story.UpdatedAt.Before(p.Story.PublishAt) {
		p.Story.UpdatedAt = time.Time{}
	}
	seg := p.Story.Service
	if latin {
		seg += latnSuffix
	}
	rq := s.request(ctx, s.primary, "/"+seg+"/", nil)
	rq.notices = allNotices
	svc, err := s.service(rq, seg)
	if err != nil {
		return nil, err
	}
	var store news.Store = previewStore{Store: s.store, p: p}
	if rq.latin {
		store = scriptview.Latin(store, p.Story.Service)
	}
	rq.store = store
	// The path the story would have in this view, so the page needs no
	// redirect.
	shown, err := store.PublishedStory(ctx, p.Story.ID, at)
	if err != nil {
		return nil, err
	}
	rq.path = storyPath(rq.base, summaryOf(shown))
	parts := strings.Split(strings.TrimPrefix(rq.path, rq.base+"/"), "/")
	if len(parts) != 2 {
		return nil, news.Invalidf("story path %q", rq.path)
	}
	var e *pagecache.Entry
	if lite {
		rq.liteView()
		rq.path = litePath(rq.path)
		e, err = s.liteStory(rq, svc, parts[0], parts[1])
	} else {
		e, err = s.storyPage(rq, svc, parts[0], parts[1])
	}
	if err != nil {
		return nil, err
	}
	return e.Plain, nil
}

// previewStore answers the one story being previewed with the given
// content; everything else comes from the Store as readers see it.
type previewStore struct {
	news.Store
	p news.Published
}

func (ps previewStore) PublishedStory(ctx context.Context, id string, at time.Time) (news.Published, error) {
	if id == ps.p.Story.ID {
		return ps.p, nil
	}
	return ps.Store.PublishedStory(ctx, id, at)
}

func (ps previewStore) StoryGone(ctx context.Context, id string, at time.Time) (bool, error) {
	if id == ps.p.Story.ID {
		return false, nil
	}
	return ps.Store.StoryGone(ctx, id, at)
}
