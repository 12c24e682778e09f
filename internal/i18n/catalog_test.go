package i18n

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// sprintfASCII formats without localising digits.
func sprintfASCII(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// verbs returns the formatting verbs of s in order, and false if s holds a
// verb other than %s and %d (or a stray %).
func verbs(s string) ([]string, bool) {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+1 >= len(s) {
			return out, false
		}
		switch s[i+1] {
		case 's', 'd':
			out = append(out, s[i:i+2])
		case '%':
		default:
			return out, false
		}
		i++
	}
	return out, true
}

// texts returns key -> every text of key (one for a plain key, each
// plural form for a plural key).
func texts(c *Catalog) map[string][]string {
	m := map[string][]string{}
	for k, s := range c.msgs {
		m[k] = []string{s}
	}
	for k, forms := range c.plurals {
		for _, s := range forms {
			m[k] = append(m[k], s)
		}
	}
	return m
}

func TestCatalogsMatchEnglish(t *testing.T) {
	en := For("en")
	enKeys := en.Keys()
	if len(enKeys) < 54 {
		t.Fatalf("English catalog has only %d keys", len(enKeys))
	}
	for _, l := range Languages() {
		c := For(l)
		if got := c.Keys(); !slices.Equal(got, enKeys) {
			for _, k := range enKeys {
				if !c.Has(k) {
					t.Errorf("%s: missing key %q", l, k)
				}
			}
			for _, k := range got {
				if !en.Has(k) {
					t.Errorf("%s: key %q is not in English", l, k)
				}
			}
		}
		for k := range c.msgs {
			if _, ok := c.plurals[k]; ok {
				t.Errorf("%s: %q is both plain and plural", l, k)
			}
			if _, ok := en.msgs[k]; !ok && en.Has(k) {
				t.Errorf("%s: %q is plain, but plural in English", l, k)
			}
		}
		for k, forms := range c.plurals {
			if _, ok := en.plurals[k]; !ok && en.Has(k) {
				t.Errorf("%s: %q is plural, but plain in English", l, k)
			}
			for _, f := range c.forms {
				if strings.TrimSpace(forms[f]) == "" {
					t.Errorf("%s: plural %q lacks form %q", l, k, f)
				}
			}
			if forms["other"] == "" {
				t.Errorf("%s: plural %q lacks form other", l, k)
			}
			for f := range forms {
				if !slices.Contains(c.forms, f) {
					t.Errorf("%s: plural %q has form %q the language does not use", l, k, f)
				}
			}
		}
		// The declared forms must be exactly the categories the rule
		// produces for integers (plus "other").
		seen := map[string]bool{"other": true}
		for n := 0; n <= 1000; n++ {
			seen[c.plural(n)] = true
		}
		for _, f := range c.forms {
			if !seen[f] {
				t.Errorf("%s: form %q is never used", l, f)
			}
			delete(seen, f)
		}
		for f := range seen {
			t.Errorf("%s: rule yields %q, which is not a declared form", l, f)
		}
	}
}

func TestCatalogVerbsMatchEnglish(t *testing.T) {
	en := For("en")
	want := map[string][]string{}
	for k, s := range en.msgs {
		v, ok := verbs(s)
		if !ok {
			t.Errorf("en %q: bad verb in %q", k, s)
		}
		want[k] = v
	}
	for k, forms := range en.plurals {
		v, _ := verbs(forms["other"])
		want[k] = v
		if !slices.Equal(v, []string{"%d"}) {
			t.Errorf("en plural %q must take the count as its %%d: %q", k, forms["other"])
		}
	}
	for _, l := range Languages() {
		for k, all := range texts(For(l)) {
			for _, s := range all {
				got, ok := verbs(s)
				if !ok {
					t.Errorf("%s %q: bad verb in %q", l, k, s)
				}
				if !slices.Equal(got, want[k]) {
					t.Errorf("%s %q: verbs %v in %q, English has %v", l, k, got, s, want[k])
				}
			}
		}
	}
}

// A site test fails if a non-English page contains an English catalog
// string of at least 4 characters, so no translation may contain one
// (nor the literal text around an English %s/%d).
func TestNoEnglishInTranslations(t *testing.T) {
	var english []string
	for _, s := range For("en").Strings() {
		for _, part := range strings.Split(strings.NewReplacer("%s", "\x00", "%d", "\x00").Replace(s), "\x00") {
			english = append(english, strings.TrimSpace(part))
		}
		english = append(english, s)
	}
	for _, l := range Languages() {
		if l == "en" {
			continue
		}
		for _, s := range For(l).Strings() {
			for _, e := range english {
				if len([]rune(e)) >= 4 && strings.Contains(s, e) {
					t.Errorf("%s message %q contains English %q", l, s, e)
				}
			}
		}
	}
}

// Every text is in the language's own script: no Latin letters in
// translations, and Persian letters (ی ک) rather than Arabic (ي ك) in
// Persian, with no ASCII digits.
func TestCatalogScripts(t *testing.T) {
	for _, l := range Languages() {
		for k, all := range texts(For(l)) {
			for _, s := range all {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s %q: empty", l, k)
				}
				if s != strings.TrimSpace(s) && k != "byline.and" {
					t.Errorf("%s %q: leading or trailing space in %q", l, k, s)
				}
				letters := strings.NewReplacer("%s", "", "%d", "").Replace(s)
				for _, r := range letters {
					switch {
					case !unicode.IsLetter(r):
					case l == "en" && !unicode.Is(unicode.Latin, r):
						t.Errorf("en %q: non-Latin %q in %q", k, r, s)
					case (l == "kk" || l == "ru") && !unicode.Is(unicode.Cyrillic, r):
						t.Errorf("%s %q: non-Cyrillic %q in %q", l, k, r, s)
					case l == "fa" && !unicode.Is(unicode.Arabic, r):
						t.Errorf("fa %q: non-Persian %q in %q", k, r, s)
					}
				}
				if l == "fa" && strings.ContainsAny(s, "يك0123456789") {
					t.Errorf("fa %q: Arabic ي/ك or ASCII digit in %q", k, s)
				}
				if l == "ru" && strings.ContainsAny(s, "әғқңөұүһі") {
					t.Errorf("ru %q: Kazakh letter in %q", k, s)
				}
			}
		}
		if len(For(l).Strings()) != len(For("en").Strings())+(len(For(l).forms)-2)*len(For("en").plurals) {
			t.Errorf("%s: Strings() returned %d texts", l, len(For(l).Strings()))
		}
	}
}

func TestByline(t *testing.T) {
	for _, l := range Languages() {
		c := For(l)
		and := c.T("byline.and")
		if and == "" || and[0] != ' ' || and[len(and)-1] != ' ' {
			t.Errorf("%s byline.and %q must be padded with spaces", l, and)
		}
		if got := c.T("byline.by", "A"+and+"B"); !strings.Contains(got, "A"+and+"B") {
			t.Errorf("%s byline = %q", l, got)
		}
	}
}
