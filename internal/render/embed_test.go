package render

import (
	"html/template"
	"regexp"
	"strings"
	"testing"

	"qalam/internal/httpkit"
	"qalam/internal/news"
)

func TestFrameURL(t *testing.T) {
	for u, want := range map[string]string{
		"https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42":       "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
		"https://youtu.be/dQw4w9WgXcQ?si=tracking":               "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
		"https://m.youtube.com/shorts/dQw4w9WgXcQ":               "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
		"https://www.youtube.com/embed/dQw4w9WgXcQ":              "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
		"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"><script>": "",
		"https://www.youtube.com/watch?v=short":                  "",
		"https://www.youtube.com/@channel":                       "",
		"https://t.me/qalam_news/15":                             "https://t.me/qalam_news/15?embed=1",
		"https://t.me/s/qalam_news/15":                           "https://t.me/qalam_news/15?embed=1",
		"https://t.me/qalam_news":                                "",
		"https://t.me/joinchat/AAAA":                             "",
		"https://x.com/newsroom/status/1790000000000000000":      "https://platform.twitter.com/embed/Tweet.html?id=1790000000000000000&dnt=true",
		"https://twitter.com/newsroom/status/12/photo/1":         "https://platform.twitter.com/embed/Tweet.html?id=12&dnt=true",
		"https://x.com/newsroom":                                 "",
		"https://www.instagram.com/p/C1a2B3c4D5e/":               "https://www.instagram.com/p/C1a2B3c4D5e/embed/",
		"https://instagram.com/reel/C1a2B3c4D5e/?igsh=x":         "https://www.instagram.com/reel/C1a2B3c4D5e/embed/",
		"https://www.instagram.com/someone/":                     "",
		"https://www.facebook.com/newsroom/posts/pfbid02abc":     "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fnewsroom%2Fposts%2Fpfbid02abc",
		"https://www.facebook.com/newsroom/videos/123456":        "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fnewsroom%2Fvideos%2F123456",
		"https://www.facebook.com/watch?v=123":                   "",
		"https://example.org/watch?v=dQw4w9WgXcQ":                "",
		"https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ":   "",
		"https://user@www.youtube.com/watch?v=dQw4w9WgXcQ":       "",
		"javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ":   "",
	} {
		if got := FrameURL(news.Embed{URL: u}); got != want {
			t.Errorf("FrameURL(%q) = %q, want %q", u, got, want)
		}
		if got := FrameURL(news.Embed{URL: u}); got != "" {
			ok := false
			for _, src := range FrameSources {
				ok = ok || strings.HasPrefix(got, src+"/")
			}
			if !ok {
				t.Errorf("FrameURL(%q) = %q is on none of FrameSources", u, got)
			}
		}
	}
	if got := strings.Join(FrameSources, " "); got != httpkit.EmbedFrameSources {
		t.Errorf("FrameSources %q differ from the CSP's %q", got, httpkit.EmbedFrameSources)
	}
}

var thirdParty = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+`)

// The full site's card: provider, escaped title linked to the original,
// qalam's own thumbnail, and the hidden button with the frame's address.
// No other third-party address is anywhere in it.
func TestEmbedCard(t *testing.T) {
	hostile := `"><script>alert(1)</script><img src=x onerror=alert(2)> & 'q'`
	d := news.Doc{Version: 1, Blocks: []news.Block{
		{Type: news.BlockEmbed, Embed: &news.Embed{URL: "https://www.youtube.com/watch?v=dQw4w9WgXcQ", Provider: "youtube", Title: hostile, Thumb: "th1"}},
		{Type: news.BlockEmbed, Embed: &news.Embed{URL: "https://example.org/a?b=1&c=2", Provider: "link"}},
	}}
	full := string(Body(d, Options{
		EmbedLabel: func(p string) string { return "Open on " + p },
		Thumb: func(id string) template.HTML {
			return template.HTML(`<picture><source type="image/webp" srcset="/media/` + id + `/0123456789abcdef-320.webp 320w"><img src="/media/` + id + `/0123456789abcdef-320.jpg" alt=""></picture>`)
		},
		EmbedLoad: func(p string) string { return "Load content from " + p },
	}))
	for _, want := range []string{
		`<aside class="embed embed-card" data-qalam="embed"><div class="embed-media"><picture>`,
		`/media/th1/0123456789abcdef-320.jpg`,
		`<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" rel="nofollow noopener noreferrer">&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &amp; &#39;q&#39;</a>`,
		`<span class="embed-via">Open on YouTube</span>`,
		`<button type="button" class="embed-load" data-qalam="embed-load" hidden data-frame="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" data-title="&#34;&gt;&lt;script&gt;`,
		`>Load content from YouTube</button>`,
		`<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">example.org/a</a> <span class="embed-via">Open on example.org</span></aside>`,
	} {
		if !strings.Contains(full, want) {
			t.Errorf("card lacks %q:\n%s", want, full)
		}
	}
	if strings.Contains(full, "<script") || strings.Contains(full, "<img src=x") || strings.Contains(full, "<iframe") {
		t.Errorf("unsafe card:\n%s", full)
	}
	// Every third-party address is the link's href or the button's
	// data-frame; a card without a frame has no button.
	for _, m := range thirdParty.FindAllStringIndex(full, -1) {
		before := full[max(0, m[0]-12):m[0]]
		if !strings.HasSuffix(before, `href="`) && !strings.HasSuffix(before, `data-frame="`) {
			t.Errorf("third-party address %q outside href and data-frame:\n%s", full[m[0]:m[1]], full)
		}
	}
	if strings.Count(full, "<button") != 1 {
		t.Errorf("want one button (the link card has no frame):\n%s", full)
	}

	// Lite pages, feeds, the API: no thumbnail, no button, no frame address.
	plain := string(Body(d, Options{EmbedLabel: func(p string) string { return "Open on " + p }}))
	for _, bad := range []string{"<button", "data-frame", "youtube-nocookie", "<picture", "<img", "<iframe", "<script"} {
		if strings.Contains(plain, bad) {
			t.Errorf("plain card has %q:\n%s", bad, plain)
		}
	}
	if !strings.Contains(plain, `href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"`) {
		t.Errorf("plain card lacks the link:\n%s", plain)
	}
	if !HasFrames(d) || HasFrames(news.Doc{Blocks: d.Blocks[1:]}) {
		t.Error("HasFrames")
	}
}
