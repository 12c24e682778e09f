package comments

import (
	"strings"
	"testing"
)

func TestHTML(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain <b>text</b> & more", "<p>plain &lt;b&gt;text&lt;/b&gt; &amp; more</p>"},
		{"one\ntwo\n\nthree", "<p>one<br>two</p><p>three</p>"},
		{"see https://example.org/a.", `<p>see <a href="https://example.org/a" rel="nofollow ugc noopener" dir="ltr">https://example.org/a</a>.</p>`},
		{"(http://example.org/wiki/X_(y))", `<p>(<a href="http://example.org/wiki/X_(y)" rel="nofollow ugc noopener" dir="ltr">http://example.org/wiki/X_(y)</a>)</p>`},
		{"HTTPS://EXAMPLE.ORG/", `<p><a href="HTTPS://EXAMPLE.ORG/" rel="nofollow ugc noopener" dir="ltr">HTTPS://EXAMPLE.ORG/</a></p>`},
		{`javascript:alert(1) data:text/html,x ftp://example.org http:// http://"onmouseover=x`, `<p>javascript:alert(1) data:text/html,x ftp://example.org http:// http://&#34;onmouseover=x</p>`},
		{`x https://e.example/?q=<script>`, `<p>x <a href="https://e.example/?q=" rel="nofollow ugc noopener" dir="ltr">https://e.example/?q=</a>&lt;script&gt;</p>`},
	} {
		if got := string(HTML(c.in)); got != c.want {
			t.Errorf("HTML(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
	if n := CountLinks("a http://a.example b https://b.example/x, c javascript:x http://c.example"); n != 3 {
		t.Errorf("CountLinks = %d", n)
	}
	for _, p := range Paragraphs("go to http://a.example now") {
		for _, part := range p {
			if part.Href != "" && !strings.HasPrefix(part.Href, "http") {
				t.Errorf("part %+v", part)
			}
		}
	}
}
