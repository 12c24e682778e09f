package admin

import (
	"fmt"
	"sync"
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
