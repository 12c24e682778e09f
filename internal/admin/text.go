package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// The admin's own text is in English, Russian or Kazakh, as each person
// chooses. English text is its own key: templates write
// {{$.T "Save draft"}} and Go code tr(lang, "Wait %s and try again.", d);
// each feature registers its Russian and Kazakh in a text_*.go file with
// addText at init. A text with no translation shows in English.

// adminLangs are the languages the admin speaks, in the order offered.
var adminLangs = []string{"en", "ru", "kk"}

var (
	textMu sync.RWMutex
	texts  = map[string][2]string{} // English → {ru, kk}
)

// addText registers translations: English text (or format) → {Russian,
// Kazakh}. A text registered twice with different translations panics at
// start, so two features cannot silently disagree.
func addText(m map[string][2]string) {
	textMu.Lock()
	defer textMu.Unlock()
	for en, tr := range m {
		if old, ok := texts[en]; ok && old != tr {
			panic(fmt.Sprintf("admin text %q translated twice", en))
		}
		texts[en] = tr
	}
}

// addMessages registers translations like addText, of messages made
// elsewhere (news.Invalidf's rules, internal/media's refusals) that trMsg
// matches: a format's verbs match any text there.
func addMessages(m map[string][2]string) {
	addText(m)
	textMu.Lock()
	defer textMu.Unlock()
	for en := range m {
		addFormat(en)
	}
}

// tr translates English text s into lang ("en", "ru", "kk"), formatting it
// with args as fmt.Sprintf does when there are any.
func tr(lang, s string, args ...any) string {
	out := s
	if lang == "ru" || lang == "kk" {
		textMu.RLock()
		t, ok := texts[s]
		textMu.RUnlock()
		if i := map[string]int{"ru": 0, "kk": 1}[lang]; ok && t[i] != "" {
			out = t[i]
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(out, args...)
	}
	return out
}

// T translates s into the page's language, for templates: {{$.T "Save"}}.
func (p *page) T(s string, args ...any) string { return tr(p.lang(), s, args...) }

// lang is the page's language, English unless set.
func (p *page) lang() string {
	if p.Lang == "" {
		return "en"
	}
	return p.Lang
}

// langOf is the language of the admin's text for one request: the
// person's own choice, else the browser's Accept-Language.
func langOf(r *http.Request, actor *auth.Actor) string {
	if actor != nil && slices.Contains(adminLangs, actor.Lang) {
		return actor.Lang
	}
	if l, _ := r.Context().Value(langKey{}).(string); l != "" {
		return l
	}
	return acceptLang(r.Header.Get("Accept-Language"))
}

type langKey struct{}

// withLang carries a request's language (langOf) in its context, for code
// that has the request or its context but not the actor: handle sets it.
func withLang(r *http.Request, lang string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), langKey{}, lang))
}

// ctxLang is the language withLang put in ctx, else English.
func ctxLang(ctx context.Context) string {
	if l, _ := ctx.Value(langKey{}).(string); l != "" {
		return l
	}
	return "en"
}

// acceptLang picks the admin language an Accept-Language header prefers
// most (RFC 9110 q-values; "kk-KZ" counts as "kk", "*" as English),
// English when it names none of them.
func acceptLang(h string) string {
	best, bestQ := "en", 0.0
	for part := range strings.SplitSeq(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		tag, _, _ = strings.Cut(tag, "-")
		if tag == "*" {
			tag = "en"
		}
		if !slices.Contains(adminLangs, tag) {
			continue
		}
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		if q > bestQ {
			best, bestQ = tag, q
		}
	}
	return best
}

// trMsg translates a message made elsewhere from a registered English text
// or format, such as an error from news.Invalidf: an exact text first,
// else a registered format whose verbs match the message, its values
// carried over as they were written. A message matching nothing stays in
// English.
func trMsg(lang, msg string) string {
	if lang != "ru" && lang != "kk" {
		return msg
	}
	if t := tr(lang, msg); t != msg {
		return t
	}
	textMu.RLock()
	defer textMu.RUnlock()
	for _, f := range formats {
		m := f.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		t := texts[f.en][map[string]int{"ru": 0, "kk": 1}[lang]]
		if t == "" {
			return msg
		}
		args := make([]any, len(m)-1)
		for i, s := range m[1:] {
			args[i] = s
		}
		return fmt.Sprintf(verbRe.ReplaceAllString(t, "%s"), args...)
	}
	return msg
}

// verbRe matches a fmt verb such as %s, %q, %d or %v (not %%).
var verbRe = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[sqdvxf]`)

// formats are the messages (addMessages) with verbs, as patterns matching
// what they format to, longest first so the most specific wins.
var formats []textFormat

type textFormat struct {
	en string
	re *regexp.Regexp
}

// addFormat remembers a registered text with verbs; textMu is held.
func addFormat(en string) {
	locs := verbRe.FindAllStringIndex(en, -1)
	if len(locs) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, l := range locs {
		b.WriteString(regexp.QuoteMeta(strings.ReplaceAll(en[last:l[0]], "%%", "%")))
		b.WriteString("(.+?)")
		last = l[1]
	}
	b.WriteString(regexp.QuoteMeta(strings.ReplaceAll(en[last:], "%%", "%")))
	b.WriteString("$")
	formats = append(formats, textFormat{en, regexp.MustCompile(b.String())})
	slices.SortStableFunc(formats, func(x, y textFormat) int { return len(y.en) - len(x.en) })
}

// RoleName is a role's name in the page's language, for templates (each
// role's English name is its text).
func (p *page) RoleName(r news.Role) string {
	if r.Valid() {
		return p.T(string(r))
	}
	return string(r)
}

// Langs are the languages a person may choose, for the language form.
func (p *page) Langs() []string { return adminLangs }

// LangName is a language's name in that language itself, so everyone
// finds their own: "English", "Русский", "Қазақша".
func (p *page) LangName(lang string) string {
	switch lang {
	case "ru":
		return "Русский"
	case "kk":
		return "Қазақша"
	}
	return "English"
}

// StatusName is a story's editorial status in the page's language.
func (p *page) StatusName(s news.EditStatus) string {
	switch s {
	case news.StatusDraft:
		return p.T("draft")
	case news.StatusReview:
		return p.T("in review")
	case news.StatusApproved:
		return p.T("approved")
	}
	return string(s)
}

// PubName is a story's publication state in the page's language.
func (p *page) PubName(s news.PubState) string {
	switch s {
	case news.PubNone:
		return p.T("never published")
	case news.PubScheduled:
		return p.T("scheduled")
	case news.PubPublished:
		return p.T("published")
	case news.PubUnpublished:
		return p.T("unpublished")
	}
	return string(s)
}

// Bytes is a file size in the page's language.
func (p *page) Bytes(n int64) string {
	switch {
	case n >= 1<<20:
		return p.T("%s MB", strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64))
	case n >= 1<<10:
		return p.T("%d KB", n>>10)
	}
	return p.T("%d bytes", n)
}

// passkeyText are the texts admin-passkey.js shows; the script looks each
// English text up in its form's data-i18n JSON (PasskeyText).
var passkeyText = []string{
	"This page is out of date. Reload it and try again.",
	"That did not work. Try again.",
	"Follow your browser's prompt to create the passkey…",
	"Follow your browser's prompt to use your passkey…",
	"No passkey was given.",
	"Done.",
	"The passkey request was cancelled or timed out. Try again when you are ready.",
	"This authenticator already holds a passkey for your account.",
}

// PasskeyText is the JSON data-i18n of the passkey forms: English text →
// the page's language ({} in English).
func (p *page) PasskeyText() string { return textJSON(p.lang(), passkeyText) }

// textJSON maps each English text to its translation into lang, as JSON.
func textJSON(lang string, en []string) string {
	m := map[string]string{}
	if lang != "en" {
		for _, s := range en {
			if t := tr(lang, s); t != s {
				m[s] = t
			}
		}
	}
	return jsonString(m)
}

// jsonString is m as a JSON object (for data attributes).
func jsonString(m map[string]string) string {
	b, _ := json.Marshal(m) // a map of strings always encodes
	return string(b)
}

// say translates English text s into the language of the request r made
// by actor (langOf), formatting it with args when there are any: the
// handlers' way to tr.
func say(r *http.Request, actor *auth.Actor, s string, args ...any) string {
	return tr(langOf(r, actor), s, args...)
}

// TH is T for text with markup in its values: the translated text is
// escaped, a template.HTML value (strong, strongAs) is kept as it is and
// any other value is escaped, so {{$.TH "Images of %s." (strong .Name)}}
// keeps the name bold in every language.
func (p *page) TH(s string, args ...any) template.HTML {
	f := template.HTMLEscapeString(tr(p.lang(), s))
	vals := make([]any, len(args))
	verbs := verbRe.FindAllString(f, -1)
	for i, a := range args {
		switch v := a.(type) {
		case template.HTML:
			vals[i] = string(v)
		default:
			verb := "%v"
			if i < len(verbs) {
				verb = verbs[i]
			}
			vals[i] = template.HTMLEscapeString(fmt.Sprintf(verb, v))
		}
	}
	return template.HTML(fmt.Sprintf(verbRe.ReplaceAllString(f, "%s"), vals...))
}

// strong is v, escaped, in <strong>: a value for TH.
func strong(v any) template.HTML {
	return template.HTML("<strong>" + template.HTMLEscapeString(fmt.Sprint(v)) + "</strong>")
}

// strongAs is strong with a data-qalam name tests and scripts find it by.
func strongAs(name string, v any) template.HTML {
	return template.HTML(`<strong data-qalam="` + template.HTMLEscapeString(name) + `">` + template.HTMLEscapeString(fmt.Sprint(v)) + "</strong>")
}

// waitText is how long to wait, in whole minutes or seconds, in lang.
func waitText(lang string, d time.Duration) string {
	if d >= time.Minute {
		return tr(lang, "%d min", int((d+time.Minute-1)/time.Minute))
	}
	return tr(lang, "%d s", max(1, int((d+time.Second-1)/time.Second)))
}
