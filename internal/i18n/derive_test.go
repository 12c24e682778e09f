package i18n

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

func TestDerive(t *testing.T) {
	kk := For("kk")
	// Capitals for the Cyrillic letters only, so that %s and %d survive.
	upper := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Cyrillic, r) {
				return unicode.ToUpper(r)
			}
			return r
		}, s)
	}
	up := Derive(kk, "kk-x-upper", upper)
	if up.Lang() != "kk-x-upper" || up.Dir() != kk.Dir() {
		t.Errorf("Lang %q Dir %q", up.Lang(), up.Dir())
	}
	if !slices.Equal(up.Keys(), kk.Keys()) {
		t.Error("a derived catalog has other keys than its base")
	}
	// The arguments are not passed through f.
	if got := up.T("tag.title", "алматы"); got != "ТАҚЫРЫП: алматы" {
		t.Errorf("T = %q", got)
	}
	if got := up.N("list.count", 5); got != "5 МАТЕРИАЛ" {
		t.Errorf("N = %q", got)
	}
	at := time.Date(2026, 11, 27, 14, 5, 0, 0, time.UTC)
	if got := up.DateTime(at, nil); got != "2026 ЖЫЛҒЫ 27 ҚАРАША, 14:05" {
		t.Errorf("DateTime = %q", got)
	}
	if got := up.Date(at, nil); got != "2026 ЖЫЛҒЫ 27 ҚАРАША" {
		t.Errorf("Date = %q", got)
	}
	if kk.T("nav.home") != "Басты бет" || kk.DateTime(at, nil) != "2026 жылғы 27 қараша, 14:05" {
		t.Error("deriving changed the base catalog")
	}
	if For("kk-Latn") != kk {
		t.Error("a derived catalog must not replace a registered one")
	}
}
