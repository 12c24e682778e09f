package export

import (
	"bytes"
	"io"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// link is one URL in a page's markup.
type link struct {
	tag, attr string
	val       string
	// feed is a feed-discovery <link rel="alternate" type="...">: the site
	// writes it absolute, yet it names a file the copy has.
	feed bool
	// keepAbsolute is a rel=canonical or hreflang <link>: it names the
	// live site, never the copy.
	keepAbsolute bool
}

// urlAttrs are the attributes that hold one URL.
var urlAttrs = map[string]bool{"href": true, "src": true, "poster": true}

// dropMarkers are data-qalam values of elements that are true only of the
// live server: the "you are reading us here" note beside an address on the
// mirrors page, a story's comments section (a static copy has no server
// to take comments), the live-update script (no server to push to it), and
// the embed script with each embed card's "load content" button: a copy
// carried on a USB stick or mirrored by others shows the link card only and
// never frames a third party.
var dropMarkers = map[string]bool{"current-mirror": true, "comments": true, "live-script": true,
	"embed-script": true, "embed-load": true}

// rewriteHTML passes every URL in a page's tags through fn, which returns
// the new value and true to change it. It drops every <form> (a static copy
// has no server to answer one), every in-page link to something inside a
// dropped form (the skip link to the search box) and every element marked
// as true only on the live server (dropMarkers). Everything else is copied
// byte for byte.
func rewriteHTML(body []byte, fn func(link) (string, bool)) ([]byte, error) {
	dropped, err := formIDs(body)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(body))
	z := html.NewTokenizer(bytes.NewReader(body))
	// skipping is the name of the element being dropped, depth its nesting.
	skipping, depth := "", 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() == io.EOF {
				return out.Bytes(), nil
			}
			return nil, z.Err()
		}
		raw := append([]byte(nil), z.Raw()...)
		if tt != html.StartTagToken && tt != html.EndTagToken && tt != html.SelfClosingTagToken {
			if skipping == "" {
				out.Write(raw)
			}
			continue
		}
		tok := z.Token()
		if skipping != "" {
			if tok.Data == skipping {
				switch tt {
				case html.StartTagToken:
					depth++
				case html.EndTagToken:
					if depth--; depth == 0 {
						skipping = ""
					}
				}
			}
			continue
		}
		if tt != html.EndTagToken && drop(tok, dropped) {
			if tt == html.StartTagToken && !voidElements[tok.Data] {
				skipping, depth = tok.Data, 1
			}
			continue
		}
		if tt == html.EndTagToken || !rewriteTag(&tok, fn) {
			out.Write(raw)
			continue
		}
		out.WriteString(tok.String())
	}
}

// voidElements have no end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// drop reports whether an element is left out of the copy.
func drop(tok html.Token, formIDs map[string]bool) bool {
	if tok.Data == "form" {
		return true
	}
	if m, ok := attr(tok, "data-qalam"); ok && dropMarkers[m] {
		return true
	}
	if tok.Data == "a" {
		h, ok := attr(tok, "href")
		return ok && strings.HasPrefix(h, "#") && formIDs[strings.TrimPrefix(h, "#")]
	}
	return false
}

// rewriteTag passes a tag's URLs through fn; it reports whether any changed.
func rewriteTag(tok *html.Token, fn func(link) (string, bool)) bool {
	var feed, keep bool
	if tok.Data == "link" {
		rel, _ := attr(*tok, "rel")
		rels := strings.Fields(strings.ToLower(rel))
		_, hasType := attr(*tok, "type")
		_, hasLang := attr(*tok, "hreflang")
		feed = slices.Contains(rels, "alternate") && hasType && !hasLang
		keep = slices.Contains(rels, "canonical") || hasLang
	}
	changed := false
	for i, a := range tok.Attr {
		switch {
		case urlAttrs[a.Key]:
			if v, ok := fn(link{tag: tok.Data, attr: a.Key, val: a.Val, feed: feed, keepAbsolute: keep}); ok {
				tok.Attr[i].Val, changed = v, true
			}
		case a.Key == "srcset":
			if v, ok := rewriteSrcset(tok.Data, a.Val, fn); ok {
				tok.Attr[i].Val, changed = v, true
			}
		}
	}
	return changed
}

// rewriteSrcset rewrites each candidate URL of a srcset ("u 320w, v 640w").
func rewriteSrcset(tag, val string, fn func(link) (string, bool)) (string, bool) {
	parts := strings.Split(val, ",")
	changed := false
	for i, p := range parts {
		f := strings.Fields(p)
		if len(f) == 0 {
			continue
		}
		if v, ok := fn(link{tag: tag, attr: "srcset", val: f[0]}); ok {
			f[0], changed = v, true
		}
		parts[i] = strings.Join(f, " ")
	}
	return strings.Join(parts, ", "), changed
}

// formIDs collects the ids of every form and everything in one.
func formIDs(body []byte) (map[string]bool, error) {
	ids := map[string]bool{}
	z := html.NewTokenizer(bytes.NewReader(body))
	inForm := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return ids, nil
			}
			return nil, z.Err()
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			if tok.Data == "form" {
				inForm = tt == html.StartTagToken
			}
			if id, ok := attr(tok, "id"); ok && (inForm || tok.Data == "form") && tt != html.EndTagToken {
				ids[id] = true
			}
		}
	}
}

func attr(tok html.Token, key string) (string, bool) {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}
