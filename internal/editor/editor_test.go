package editor

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"qalam/internal/news"
)

func TestFromEditorConverts(t *testing.T) {
	raw := `{"type":"doc","content":[
		{"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Floods in Almaty"}]},
		{"type":"paragraph","content":[
			{"type":"text","text":"Water "},
			{"type":"text","text":"rose","marks":[{"type":"bold"},{"type":"italic"}]},
			{"type":"text","text":" near the "},
			{"type":"text","text":"river","marks":[{"type":"link","attrs":{"href":"https://example.org/r","target":"_blank"}}]},
			{"type":"text","text":" Qalam","marks":[{"type":"notranslit"}]}
		]},
		{"type":"bulletList","content":[
			{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"one"}]}]},
			{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"two"}]}]}
		]},
		{"type":"orderedList","attrs":{"start":3},"content":[
			{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"first"}]}]}
		]},
		{"type":"blockquote","attrs":{"cite":"A witness"},"content":[{"type":"paragraph","content":[{"type":"text","text":"It came fast."}]}]},
		{"type":"figure","attrs":{"asset":"abc234","alt":"The flooded street","credit":"Photo: Aigerim"},"content":[{"type":"text","text":"Tole Bi street"}]},
		{"type":"embed","attrs":{"url":"https://youtu.be/xyz","title":"Video","provider":"evil"}}
	]}`
	d, err := FromEditor([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := news.Doc{Version: 1, Blocks: []news.Block{
		{Type: "h", Level: 2, Text: news.Text("Floods in Almaty")},
		{Type: "p", Text: news.Inline{
			{Text: "Water "},
			{Text: "rose", Marks: []news.Mark{{Type: "strong"}, {Type: "em"}}},
			{Text: " near the "},
			{Text: "river", Marks: []news.Mark{{Type: "link", Href: "https://example.org/r"}}},
			{Text: " Qalam", Marks: []news.Mark{{Type: "notranslit"}}},
		}},
		{Type: "list", Items: []news.Inline{news.Text("one"), news.Text("two")}},
		{Type: "list", Ordered: true, Items: []news.Inline{news.Text("first")}},
		{Type: "quote", Text: news.Text("It came fast."), Cite: "A witness"},
		{Type: "figure", Figure: &news.Figure{AssetID: "abc234", Alt: "The flooded street", Credit: "Photo: Aigerim", Caption: news.Text("Tole Bi street")}},
		{Type: "embed", Embed: &news.Embed{URL: "https://youtu.be/xyz", Provider: "youtube", Title: "Video"}},
	}}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("got\n%s\nwant\n%s", d.Encode(), want.Encode())
	}
	back, err := ToEditor(d)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := FromEditor(back)
	if err != nil {
		t.Fatalf("%v\n%s", err, back)
	}
	if !reflect.DeepEqual(d2, d) {
		t.Errorf("round trip changed the document:\n%s\n%s", d2.Encode(), d.Encode())
	}
}

func TestFromEditorSanitizes(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"unknown node unwrapped", `{"type":"doc","content":[{"type":"table","content":[{"type":"tableRow","content":[{"type":"paragraph","content":[{"type":"text","text":"cell"}]}]}]}]}`,
			`{"v":1,"blocks":[{"type":"p","text":[{"text":"cell"}]}]}`},
		{"unknown inline unwrapped, unknown marks dropped", `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"mention","content":[{"type":"text","text":"Ali","marks":[{"type":"code"},{"type":"textStyle","attrs":{"color":"red"}}]}]}]}]}`,
			`{"v":1,"blocks":[{"type":"p","text":[{"text":"Ali"}]}]}`},
		{"javascript link dropped", `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"x","marks":[{"type":"link","attrs":{"href":"javascript:alert(1)"}}]}]}]}`,
			`{"v":1,"blocks":[{"type":"p","text":[{"text":"x"}]}]}`},
		{"tab trick link dropped", `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"x","marks":[{"type":"link","attrs":{"href":"/\t/evil.example"}}]}]}]}`,
			`{"v":1,"blocks":[{"type":"p","text":[{"text":"x"}]}]}`},
		{"protocol-relative dropped", `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"x","marks":[{"type":"link","attrs":{"href":"//evil.example/"}}]}]}]}`,
			`{"v":1,"blocks":[{"type":"p","text":[{"text":"x"}]}]}`},
		{"backslash dropped", `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"x","marks":[{"type":"link","attrs":{"href":"/\\evil.example/"}}]}]}]}`,
			`{"v":1,"blocks":[{"type":"p","text":[{"text":"x"}]}]}`},
		{"data dropped", `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"x","marks":[{"type":"link","attrs":{"href":"data:text/html,<script>"}}]}]}]}`,
			`{"v":1,"blocks":[{"type":"p","text":[{"text":"x"}]}]}`},
		{"mailto and site path kept", `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"a","marks":[{"type":"link","attrs":{"href":"mailto:desk@example.org"}}]},{"type":"text","text":"b","marks":[{"type":"link","attrs":{"href":" /kk/news/x "}}]}]}]}`,
			`{"v":1,"blocks":[{"type":"p","text":[{"text":"a","marks":[{"t":"link","href":"mailto:desk@example.org"}]},{"text":"b","marks":[{"t":"link","href":"/kk/news/x"}]}]}]}`},
		{"control characters removed, spans merged", `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"a\u0000b\u0085"},{"type":"text","text":"c\td"}]}]}`,
			`{"v":1,"blocks":[{"type":"p","text":[{"text":"abc d"}]}]}`},
		{"heading level clamped, empty blocks dropped", `{"type":"doc","content":[{"type":"heading","attrs":{"level":1},"content":[{"type":"text","text":"H"}]},{"type":"paragraph"},{"type":"heading","attrs":{"level":6},"content":[{"type":"text","text":"h"}]}]}`,
			`{"v":1,"blocks":[{"type":"h","level":2,"text":[{"text":"H"}]},{"type":"h","level":4,"text":[{"text":"h"}]}]}`},
		{"nested list flattened", `{"type":"doc","content":[{"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]},{"type":"orderedList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}]}]}]}]}`,
			`{"v":1,"blocks":[{"type":"list","items":[[{"text":"a"}],[{"text":"b"}]]}]}`},
		{"quote of two paragraphs", `{"type":"doc","content":[{"type":"blockquote","attrs":{"cite":"Her"},"content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]},{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}]}`,
			`{"v":1,"blocks":[{"type":"quote","text":[{"text":"a"}]},{"type":"quote","text":[{"text":"b"}],"cite":"Her"}]}`},
		{"loose text becomes a paragraph", `{"type":"doc","content":[{"type":"text","text":"loose"}]}`,
			`{"v":1,"blocks":[{"type":"p","text":[{"text":"loose"}]}]}`},
		{"embed provider from the URL", `{"type":"doc","content":[{"type":"embed","attrs":{"url":"https://www.instagram.com/p/1"}},{"type":"embed","attrs":{"url":"https://t.me/chan/5"}},{"type":"embed","attrs":{"url":"https://twitter.com/a/status/1"}},{"type":"embed","attrs":{"url":"https://m.facebook.com/x"}},{"type":"embed","attrs":{"url":"https://notyoutube.com/x"}}]}`,
			`{"v":1,"blocks":[{"type":"embed","embed":{"url":"https://www.instagram.com/p/1","provider":"instagram"}},{"type":"embed","embed":{"url":"https://t.me/chan/5","provider":"telegram"}},{"type":"embed","embed":{"url":"https://twitter.com/a/status/1","provider":"x"}},{"type":"embed","embed":{"url":"https://m.facebook.com/x","provider":"facebook"}},{"type":"embed","embed":{"url":"https://notyoutube.com/x","provider":"link"}}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := FromEditor([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(d.Encode()); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestFromEditorRefuses(t *testing.T) {
	deep := strings.Repeat(`{"type":"blockquote","content":[`, 40) + strings.Repeat(`]}`, 40)
	many := `{"type":"doc","content":[` + strings.Repeat(`{},`, MaxNodes) + `{}]}`
	items := `{"type":"doc","content":[{"type":"bulletList","content":[` + strings.Repeat(`{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"i"}]}]},`, 200) + `{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"i"}]}]}]}]}`
	for _, tc := range []struct{ name, in, msg string }{
		{"not JSON", `{"type":`, "not an editor document"},
		{"not a doc", `{"type":"paragraph"}`, `top node is "paragraph"`},
		{"too big", `{"type":"doc","content":[{"type":"text","text":"` + strings.Repeat("a", MaxBytes) + `"}]}`, "bytes, more than"},
		{"too deep", `{"type":"doc","content":[` + deep + `]}`, "nested more than"},
		{"too many nodes", many, "more than 100000 nodes"},
		{"list too long", items, "more than 200"},
		{"figure without alt", `{"type":"doc","content":[{"type":"figure","attrs":{"asset":"a1","alt":" "}}]}`, "no alt text"},
		{"figure without asset", `{"type":"doc","content":[{"type":"figure","attrs":{"alt":"x"}}]}`, "no asset"},
		{"figure with odd asset", `{"type":"doc","content":[{"type":"figure","attrs":{"asset":"../x","alt":"x"}}]}`, "not one of"},
		{"embed javascript", `{"type":"doc","content":[{"type":"embed","attrs":{"url":"javascript:alert(1)"}}]}`, "not an http(s) address"},
		{"embed with credentials", `{"type":"doc","content":[{"type":"embed","attrs":{"url":"https://user:pw@example.org/"}}]}`, "not an http(s) address"},
		{"many tiny text nodes", `{"type":"doc","content":[{"type":"paragraph","content":[` + strings.Repeat(`{"type":"text","text":"ab"},`, 40000) + `{"type":"text","text":"c"}]}]}`, "span longer than"},
		{"too many spans", `{"type":"doc","content":[{"type":"paragraph","content":[` + strings.Repeat(`{"type":"text","text":"a","marks":[{"type":"bold"}]},{"type":"text","text":"b"},`, 260) + `{"type":"text","text":"c"}]}]}`, "more than 500 spans"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromEditor([]byte(tc.in))
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, news.ErrInvalid) {
				t.Errorf("%v is not news.ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
		})
	}
}

func TestSafeLink(t *testing.T) {
	for h, want := range map[string]bool{
		"https://example.org/a?b=c#d": true,
		"http://example.org":          true,
		"HTTPS://EXAMPLE.ORG/":        true,
		"mailto:a@b.c":                true,
		"/kk/story":                   true,
		"/":                           true,
		"":                            false,
		"javascript:alert(1)":         false,
		"JaVaScRiPt:alert(1)":         false,
		"java\tscript:alert(1)":       false,
		"data:text/html,x":            false,
		"vbscript:x":                  false,
		"//evil.example":              false,
		"/\\evil.example":             false,
		"/\t/evil.example":            false,
		"/\n/evil.example":            false,
		"https:evil.example":          false,
		"https://":                    false,
		"mailto:":                     false,
		"relative/path":               false,
		"#frag":                       false,
		"https://a.example/\u0085":    false,
		"https://a.example/\u2028":    false,
		"https://a.example/ x":        false,
		"ftp://a.example/":            false,
	} {
		if got := SafeLink(h); got != want {
			t.Errorf("SafeLink(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestToEditorRefusesInvalid(t *testing.T) {
	_, err := ToEditor(news.Doc{Blocks: []news.Block{{Type: "script"}}})
	if err == nil {
		t.Fatal("ToEditor accepted an invalid document")
	}
}

// TestToEditorShape checks the JSON the browser editor loads: node and mark
// names of its schema.
func TestToEditorShape(t *testing.T) {
	b, err := ToEditor(news.Doc{Blocks: []news.Block{
		{Type: "p", Text: news.Inline{{Text: "<b>&", Marks: []news.Mark{{Type: "link", Href: "/x"}, {Type: "strong"}}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","marks":[{"type":"link","attrs":{"href":"/x"}},{"type":"bold"}],"text":"<b>&"}]}]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if !json.Valid(b) {
		t.Error("not JSON")
	}
}

// An embed keeps its thumbnail only when it is an asset id, and its title
// only as plain text.
func TestEmbedThumbAndTitle(t *testing.T) {
	for _, tc := range []struct{ thumb, wantThumb string }{
		{"3h5kq2x7ab", "3h5kq2x7ab"},
		{" asset_1.v2 ", "asset_1.v2"},
		{"../../etc/passwd", ""},
		{"https://evil.example/x.jpg", ""},
		{".hidden", ""},
		{strings.Repeat("a", 65), ""},
		{"", ""},
	} {
		raw := `{"type":"doc","content":[{"type":"embed","attrs":{"url":"https://t.me/chan/5","title":"Line\nbreak <b>\u0007","thumb":` + jsonString(tc.thumb) + `}}]}`
		d, err := FromEditor([]byte(raw))
		if err != nil {
			t.Fatalf("%q: %v", tc.thumb, err)
		}
		e := d.Blocks[0].Embed
		if e.Thumb != tc.wantThumb || e.Title != "Line break <b>" || e.Provider != "telegram" {
			t.Errorf("thumb %q: got %+v", tc.thumb, *e)
		}
		back, err := ToEditor(d)
		if err != nil {
			t.Fatal(err)
		}
		again, err := FromEditor(back)
		if err != nil || !reflect.DeepEqual(again, d) {
			t.Errorf("thumb %q: round trip %s → %s (%v)", tc.thumb, d.Encode(), again.Encode(), err)
		}
	}
	// A stored thumbnail that is no asset id is refused by validation.
	bad := news.Doc{Version: 1, Blocks: []news.Block{{Type: news.BlockEmbed, Embed: &news.Embed{URL: "https://t.me/c/1", Thumb: "a/b"}}}}
	if _, err := ToEditor(bad); err == nil {
		t.Error("ToEditor took an embed whose thumbnail is not an asset id")
	}
	if got := news.Doc.AssetIDs(news.Doc{Blocks: []news.Block{
		{Type: news.BlockFigure, Figure: &news.Figure{AssetID: "img1", Alt: "a"}},
		{Type: news.BlockEmbed, Embed: &news.Embed{URL: "https://t.me/c/1", Thumb: "th1"}},
		{Type: news.BlockEmbed, Embed: &news.Embed{URL: "https://t.me/c/2", Thumb: "img1"}},
		{Type: news.BlockEmbed, Embed: &news.Embed{URL: "https://t.me/c/3"}},
	}}); !reflect.DeepEqual(got, []string{"img1", "th1"}) {
		t.Errorf("AssetIDs %v, want figures' and embeds' assets once each", got)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
