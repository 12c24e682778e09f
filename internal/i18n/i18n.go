// Package i18n holds every reader-facing string, plural rule and date
// format of the public site, one catalog per language: English (en),
// Kazakh (kk, Cyrillic), Russian (ru) and Persian (fa, right-to-left,
// Solar Hijri dates and Persian digits).
//
// Catalogs are immutable and safe for concurrent use. Each language lives
// in its own file (en.go, kk.go, ru.go, fa.go); catalog_test.go checks that
// every language has exactly the English key set, every plural form its
// language needs, and the same %s/%d verbs as English.
package i18n

import (
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Catalog is one language's messages, plural rule, digits and date format.
type Catalog struct {
	lang string
	dir  string // "ltr" or "rtl"

	// digits are the language's digits 0-9; nil means ASCII digits.
	digits *[10]rune

	// plural returns the CLDR plural category of a non-negative integer.
	plural func(n int) string
	// forms are the plural categories the language needs for integers,
	// in CLDR order; every plural key must have all of them.
	forms []string

	msgs    map[string]string
	plurals map[string]map[string]string

	// date formats a date already converted to the reader's zone.
	date func(c *Catalog, t time.Time, withTime bool) string
}

// order is the order Languages reports.
var order = []string{"en", "kk", "ru", "fa"}

var catalogs = map[string]*Catalog{
	"en": enCatalog,
	"kk": kkCatalog,
	"ru": ruCatalog,
	"fa": faCatalog,
}

// For returns the catalog for a BCP 47 tag ("kk", "kk-Latn", "ru-RU", "en",
// "fa", "fa-IR"...). It falls back to the base language, then to English;
// it never returns nil. Case and "_" separators are tolerated.
func For(lang string) *Catalog {
	tag := strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if c, ok := catalogs[tag]; ok {
		return c
	}
	return enCatalog
}

// Languages returns the languages that have catalogs: en, kk, ru, fa.
func Languages() []string { return slices.Clone(order) }

// Lang returns the catalog's language code ("en", "kk", "ru", "fa").
func (c *Catalog) Lang() string { return c.lang }

// Dir returns the text direction of the language: "rtl" for Persian,
// "ltr" otherwise, for the HTML dir attribute.
func (c *Catalog) Dir() string { return c.dir }

// Has reports whether key is in the catalog (plain or plural).
func (c *Catalog) Has(key string) bool {
	if _, ok := c.msgs[key]; ok {
		return true
	}
	_, ok := c.plurals[key]
	return ok
}

// Keys returns every key of the catalog, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.msgs)+len(c.plurals))
	for k := range c.msgs {
		keys = append(keys, k)
	}
	for k := range c.plurals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Strings returns every message text of the catalog, all plural forms
// included, ordered by key (and by plural form within a key).
func (c *Catalog) Strings() []string {
	var out []string
	for _, k := range c.Keys() {
		if s, ok := c.msgs[k]; ok {
			out = append(out, s)
			continue
		}
		forms := c.plurals[k]
		names := make([]string, 0, len(forms))
		for f := range forms {
			names = append(names, f)
		}
		slices.Sort(names)
		for _, f := range names {
			out = append(out, forms[f])
		}
	}
	return out
}

// T returns the message for key formatted with fmt.Sprintf-style args
// (%s, %d). Integers formatted with %d are rendered in the language's
// digits. An unknown key returns the key itself (tests make sure no
// reader sees one). For a plural key T uses its "other" form; use N.
// With no args the message is returned unformatted.
func (c *Catalog) T(key string, args ...any) string {
	msg, ok := c.msgs[key]
	if !ok {
		forms, ok := c.plurals[key]
		if !ok {
			return key
		}
		msg = forms["other"]
	}
	if len(args) == 0 {
		return msg
	}
	return c.sprintf(msg, args...)
}

// N picks the CLDR plural form of key for n and formats it with n as the
// first argument, followed by args. An unknown key returns the key itself.
// On a plain (non-plural) key N formats that message the same way.
func (c *Catalog) N(key string, n int, args ...any) string {
	all := append([]any{n}, args...)
	forms, ok := c.plurals[key]
	if !ok {
		if msg, ok := c.msgs[key]; ok {
			return c.sprintf(msg, all...)
		}
		return key
	}
	msg, ok := forms[c.plural(abs(n))]
	if !ok {
		msg = forms["other"]
	}
	return c.sprintf(msg, all...)
}

// PluralForm returns the CLDR plural category ("one", "few", "many",
// "other") the language uses for n.
func (c *Catalog) PluralForm(n int) string { return c.plural(abs(n)) }

// Digits converts the ASCII digits in s to the language's digits
// (Persian: ۰۱۲۳۴۵۶۷۸۹); other text is unchanged.
func (c *Catalog) Digits(s string) string {
	if c.digits == nil || !strings.ContainsAny(s, "0123456789") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) * 2)
	for _, r := range s {
		if r >= '0' && r <= '9' {
			r = c.digits[r-'0']
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Number renders n in the language's digits, without digit grouping,
// exactly as %d does in T and N.
func (c *Catalog) Number(n int) string { return c.Digits(strconv.Itoa(n)) }

// Date returns the long date of t in loc, in the language's calendar and
// conventions ("November 27, 2026", "27 ноября 2026",
// "2026 жылғы 27 қараша", "۶ آذر ۱۴۰۵"). A nil loc means UTC.
func (c *Catalog) Date(t time.Time, loc *time.Location) string {
	return c.date(c, t.In(orUTC(loc)), false)
}

// DateTime returns the long date of t in loc followed by the 24-hour time
// ("November 27, 2026, 14:05", "۶ آذر ۱۴۰۵، ساعت ۱۴:۰۵"). A nil loc
// means UTC.
func (c *Catalog) DateTime(t time.Time, loc *time.Location) string {
	return c.date(c, t.In(orUTC(loc)), true)
}

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// sprintf formats msg, rendering integer arguments in the language's digits.
func (c *Catalog) sprintf(msg string, args ...any) string {
	if c.digits != nil {
		wrapped := make([]any, len(args))
		for i, a := range args {
			if isInteger(a) {
				a = localInt{c: c, v: a}
			}
			wrapped[i] = a
		}
		args = wrapped
	}
	return fmt.Sprintf(msg, args...)
}

func isInteger(a any) bool {
	if a == nil {
		return false
	}
	switch reflect.TypeOf(a).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// localInt formats an integer as fmt would, then converts the digits of
// %d and %v output to the language's digits.
type localInt struct {
	c *Catalog
	v any
}

func (l localInt) Format(f fmt.State, verb rune) {
	s := fmt.Sprintf(fmt.FormatString(f, verb), l.v)
	if verb == 'd' || verb == 'v' {
		s = l.c.Digits(s)
	}
	io.WriteString(f, s)
}

// clock formats the 24-hour time of t as "15:04" in ASCII digits.
func clock(t time.Time) string { return t.Format("15:04") }
