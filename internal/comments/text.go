package comments

import (
	"html"
	"html/template"
	"net/url"
	"regexp"
	"strings"
)

// A comment is plain text. It is shown escaped, as written (the Kazakh
// Latin view does not transliterate readers' words), in paragraphs at blank
// lines with line breaks kept; only http and https addresses become links,
// marked rel="nofollow ugc noopener". Nothing else a reader types is ever
// markup: "<b>" shows as "<b>", "javascript:..." stays text.

// urlRe finds candidate web addresses in text.
var urlRe = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'\x60]+`)

// trailing is punctuation that ends a sentence rather than an address.
const trailing = `.,;:!?)]}»”’'"`

// Part is a run of a comment's text: plain text, a link, or a line break.
type Part struct {
	Text string `json:"t,omitempty"`
	Href string `json:"href,omitempty"`
	BR   bool   `json:"br,omitempty"`
}

// links finds the web addresses in a line: each match's start, end and
// URL (trailing punctuation left out).
func links(s string) [][3]int {
	var out [][3]int
	for _, m := range urlRe.FindAllStringIndex(s, -1) {
		end := m[1]
		for end > m[0] && strings.ContainsRune(trailing, rune(s[end-1])) {
			end--
		}
		// A closing parenthesis belongs to the address when it opened one.
		if end < m[1] && s[end] == ')' && strings.Count(s[m[0]:end], "(") > strings.Count(s[m[0]:end], ")") {
			end++
		}
		u, err := url.Parse(s[m[0]:end])
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			continue
		}
		out = append(out, [3]int{m[0], end})
	}
	return out
}

// CountLinks is the number of web addresses in a text.
func CountLinks(s string) int { return len(links(s)) }

// Paragraphs splits a comment into paragraphs of parts.
func Paragraphs(body string) [][]Part {
	var out [][]Part
	for _, para := range strings.Split(body, "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		var parts []Part
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				parts = append(parts, Part{BR: true})
			}
			at := 0
			for _, l := range links(line) {
				if l[0] > at {
					parts = append(parts, Part{Text: line[at:l[0]]})
				}
				parts = append(parts, Part{Text: line[l[0]:l[1]], Href: line[l[0]:l[1]]})
				at = l[1]
			}
			if at < len(line) {
				parts = append(parts, Part{Text: line[at:]})
			}
		}
		out = append(out, parts)
	}
	return out
}

// HTML renders a comment's text, escaped, with its links.
func HTML(body string) template.HTML {
	var b strings.Builder
	for _, para := range Paragraphs(body) {
		b.WriteString("<p>")
		for _, p := range para {
			switch {
			case p.BR:
				b.WriteString("<br>")
			case p.Href != "":
				b.WriteString(`<a href="` + html.EscapeString(p.Href) + `" rel="nofollow ugc noopener" dir="ltr">` + html.EscapeString(p.Text) + `</a>`)
			default:
				b.WriteString(html.EscapeString(p.Text))
			}
		}
		b.WriteString("</p>")
	}
	return template.HTML(b.String())
}
