package feed_test

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"

	"qalam/internal/news"
	"qalam/internal/servertest"
)

// node is an element of an XML document read by a strict decoder.
type node struct {
	name xml.Name
	attr []xml.Attr
	kids []*node
	text string
}

// parseXML decodes body with encoding/xml in strict mode into a tree, or
// fails the test.
func parseXML(t *testing.T, what, body string) *node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(body))
	d.Strict = true
	root := &node{}
	stack := []*node{root}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: not well-formed XML: %v", what, err)
		}
		top := stack[len(stack)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name, attr: tok.Attr}
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text += string(tok)
		}
	}
	if len(root.kids) != 1 {
		t.Fatalf("%s: %d root elements", what, len(root.kids))
	}
	return root.kids[0]
}

// all returns the descendants named local in namespace space.
func (n *node) all(space, local string) []*node {
	var out []*node
	for _, k := range n.kids {
		if k.name.Space == space && k.name.Local == local {
			out = append(out, k)
		}
		out = append(out, k.all(space, local)...)
	}
	return out
}

// children returns the direct children named local in namespace space.
func (n *node) children(space, local string) []*node {
	var out []*node
	for _, k := range n.kids {
		if k.name.Space == space && k.name.Local == local {
			out = append(out, k)
		}
	}
	return out
}

// child returns the one direct child named local, or fails the test.
func (n *node) child(t *testing.T, space, local string) *node {
	t.Helper()
	c := n.children(space, local)
	if len(c) != 1 {
		t.Fatalf("<%s> has %d <%s> children, want 1", n.name.Local, len(c), local)
	}
	return c[0]
}

func (n *node) get(local string) (string, bool) {
	for _, a := range n.attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// onHost checks that u is an absolute URL on the host the test asked.
func onHost(t *testing.T, what, u, host string) {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil || !p.IsAbs() || p.Host != host {
		t.Errorf("%s: %q is not an absolute URL on %s", what, u, host)
	}
}

// target is one feed folder: /feeds/kk/ or /feeds/kk/tag/almaty/, with
// the query selecting its stories.
type target struct {
	base  string
	q     news.ListQuery
	latin bool // the Kazakh Latin view's feed: /feeds/kk-latn/...
}

// targets enumerates every feed the demo newsroom has, from the Store.
func targets(t *testing.T, e *servertest.Env) []target {
	t.Helper()
	ctx := context.Background()
	svcs, err := e.Store.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []target
	for _, s := range svcs {
		segs := []string{s.Code}
		if s.Lang == "kk" {
			segs = append(segs, s.Code+"-latn")
		}
		for _, seg := range segs {
			latin := seg != s.Code
			out = append(out, target{"/feeds/" + seg + "/", news.ListQuery{Service: s.Code}, latin})
			secs, _ := e.Store.Sections(ctx, s.Code)
			for _, x := range secs {
				out = append(out, target{"/feeds/" + seg + "/section/" + x.Slug + "/", news.ListQuery{Service: s.Code, SectionID: x.ID}, latin})
			}
			tags, _ := e.Store.Tags(ctx, s.Code)
			for _, x := range tags {
				out = append(out, target{"/feeds/" + seg + "/tag/" + x.Slug + "/", news.ListQuery{Service: s.Code, TagID: x.ID}, latin})
			}
			authors, _ := e.Store.Authors(ctx, s.Code)
			for _, x := range authors {
				if !x.Collective {
					out = append(out, target{"/feeds/" + seg + "/author/" + x.Slug + "/", news.ListQuery{Service: s.Code, AuthorID: x.ID}, latin})
				}
			}
		}
	}
	if len(out) < 40 {
		t.Fatalf("the demo newsroom has only %d feeds", len(out))
	}
	return out
}

// escape percent-encodes a path as the server's URLs do.
func escape(p string) string { return (&url.URL{Path: p}).EscapedPath() }
