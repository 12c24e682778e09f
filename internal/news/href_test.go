package news

import "testing"

func TestSafeHref(t *testing.T) {
	for h, want := range map[string]bool{
		"/kk/saiasat/":                  true,
		"https://example.org/a?b=1#c":   true,
		"mailto:desk@example.org":       true,
		"//evil.example":                false,
		"/\t/evil.example":              false, // browsers drop the tab: //evil.example
		"/\n/evil.example":              false,
		"/\\evil.example":               false, // read as //evil.example
		"https://example.org/\u2028":    false,
		"https://example.org/a b":       false,
		"javascript:alert(1)":           false,
		"JAVASCRIPT:alert(1)":           false,
		"data:text/html,<script>":       false,
		"https:/evil.example":           false,
		"":                              false,
		"/kk/\x7f":                      false,
		"https://example.org/\u00a0":    false,
		"https://қазақ.example/жаңалық": true,
	} {
		if got := SafeHref(h); got != want {
			t.Errorf("SafeHref(%q) = %v, want %v", h, got, want)
		}
	}
}
