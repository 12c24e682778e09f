package i18n

import (
	"maps"
	"time"
)

// Derive returns a catalog for the language tag lang whose every message,
// plural form and date is base's passed through f, with base's plural rule,
// digits and direction. Kazakh in the Latin alphabet is the Kazakh catalog
// transliterated (package site builds it), so the two scripts can never
// drift apart. f must keep %s and %d as they are; the arguments given to
// T and N are not passed through f.
func Derive(base *Catalog, lang string, f func(string) string) *Catalog {
	c := &Catalog{
		lang:    lang,
		dir:     base.dir,
		digits:  base.digits,
		plural:  base.plural,
		forms:   base.forms,
		msgs:    make(map[string]string, len(base.msgs)),
		plurals: make(map[string]map[string]string, len(base.plurals)),
		date: func(_ *Catalog, t time.Time, withTime bool) string {
			return f(base.date(base, t, withTime))
		},
	}
	for k, s := range base.msgs {
		c.msgs[k] = f(s)
	}
	for k, forms := range base.plurals {
		c.plurals[k] = maps.Clone(forms)
		for form, s := range forms {
			c.plurals[k][form] = f(s)
		}
	}
	return c
}
