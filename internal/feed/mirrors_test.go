package feed_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"qalam/internal/news"
	"qalam/internal/servertest"
)

// Every feed carries the published mirror list once there is one: RSS and
// Atom as links of relation "related", JSON Feed in its "_qalam" extension.
// Unlisted and disabled mirrors stay out.
func TestFeedsListMirrors(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	_, before := e.Get(t, "/feeds/kk/atom.xml")
	for _, m := range []news.Mirror{
		{Origin: "https://kokpar.example.net", Kind: news.MirrorPlain, Listed: true, Active: true, Position: 1},
		{Origin: "http://zhasylaulaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion", Kind: news.MirrorOnion, Listed: true, Active: true, Position: 2},
		{Origin: "https://quiet.example.net", Kind: news.MirrorPlain, Active: true},
		{Origin: "https://gone.example.net", Kind: news.MirrorPlain, Listed: true},
	} {
		if err := e.Store.PutMirror(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(before, `rel="related"`) {
		t.Error("a feed lists mirrors before there are any")
	}
	e.Fresh(t)
	want := []string{e.URL + "/kk/saiasat/", "https://kokpar.example.net/kk/saiasat/", "http://zhasylaulaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion/kk/saiasat/"}
	// Read on a mirror, the list is the same (and the feed's own links stay on it).
	for _, f := range []string{"rss.xml", "atom.xml", "feed.json"} {
		path := "/feeds/kk/section/saiasat/" + f
		resp, body := e.Get(t, path, "Host", "quiet.example.net")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		for _, bad := range []string{"gone.example.net", "https://quiet.example.net/kk/saiasat/\" rel=\"related"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s lists %s", path, bad)
			}
		}
		if _, err := gofeed.NewParser().ParseString(body); err != nil {
			t.Errorf("%s: gofeed: %v", path, err)
		}
		var got []string
		if f == "feed.json" {
			var doc struct {
				Qalam struct {
					About   string `json:"about"`
					Mirrors []struct{ URL, Kind string }
				} `json:"_qalam"`
			}
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatal(err)
			}
			for _, m := range doc.Qalam.Mirrors {
				got = append(got, m.URL)
			}
			if doc.Qalam.About != "https://quiet.example.net/mirrors.json" {
				t.Errorf("%s: _qalam.about %q", path, doc.Qalam.About)
			}
		} else {
			root := parseXML(t, path, body)
			var walk func(n *node)
			walk = func(n *node) {
				if n.name.Local == "link" && n.name.Space == "http://www.w3.org/2005/Atom" && attr(n, "rel") == "related" {
					got = append(got, attr(n, "href"))
				}
				if n.name.Local == "entry" || n.name.Local == "item" {
					return
				}
				for _, k := range n.kids {
					walk(k)
				}
			}
			walk(root)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s mirrors:\n got %v\nwant %v", path, got, want)
		}
	}
}

func attr(n *node, name string) string {
	for _, a := range n.attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
