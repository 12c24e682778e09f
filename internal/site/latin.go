package site

import (
	"qalam/internal/news"
	"qalam/internal/scriptview"
)

// The Kazakh Latin view (/kk-latn/...) lives in package scriptview, shared
// with the API and the feeds; these are the site's short names for it.
const (
	latnSuffix = scriptview.Suffix
	latnLang   = scriptview.LatinLang
	cyrlLang   = scriptview.CyrillicLang
)

// latinCatalog is the Kazakh catalog in the Latin alphabet.
var latinCatalog = scriptview.Catalog

// hasLatin reports whether a service has a Latin view: Kazakh services do.
func hasLatin(svc news.Service) bool { return scriptview.HasLatin(svc) }

// isLatinBase reports whether a path prefix ("/kk-latn") is a Latin view's.
func isLatinBase(base string) bool { return scriptview.IsLatinBase(base) }

// scriptPaths returns the path of a Kazakh service's page in both views,
// given the path in either: its first segment is swapped.
func scriptPaths(code, path string) (cyrl, latn string) { return scriptview.Paths(code, path) }

// feedsPath is the folder of a service's feeds in the request's view:
// "/feeds/kk/", or "/feeds/kk-latn/" for the Latin view.
func feedsPath(rq *request, svc news.Service) string {
	if rq.latin {
		return "/feeds/" + svc.Code + latnSuffix + "/"
	}
	return "/feeds/" + svc.Code + "/"
}

// Feeds is the folder of the service's feeds in the page's view, for the
// feed discovery links: "/feeds/kk/", or "/feeds/kk-latn/" in Latin.
func (l *Layout) Feeds() string {
	if isLatinBase(l.Base) && hasLatin(l.Svc) {
		return "/feeds/" + l.Svc.Code + latnSuffix + "/"
	}
	return "/feeds/" + l.Svc.Code + "/"
}
