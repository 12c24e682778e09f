package stem

import "strings"

// Kazakh typed in plain ASCII. A reader without the Kazakh letters types
// ä ğ ñ ö ş ū ü ı as a g n o s u u i (and often ş, ğ, ч, ж as sh, gh, ch,
// zh). Such a word is read as 2021 Latin first, which finds the words that
// have none of those letters; LooseKeys gives its other readings, for a
// search that found nothing with the exact ones (STEMMING.md: ASCII typing).

// Limits on the readings of one word: letters looked at, spellings tried,
// keys returned.
const (
	maxLooseLetters  = 24
	maxLooseSpelling = 256
	maxLooseKeys     = 32
)

// LooseQueryKeys is QueryKeys with, for every Kazakh word typed in plain
// ASCII, the keys of its other readings added after its own (LooseKeys).
// Other words and languages get what QueryKeys gives.
func LooseQueryKeys(lang, text string) [][]string {
	var out [][]string
	start := -1
	add := func(word string) {
		alts := queryKeys(lang, word)
		if alts == nil {
			return
		}
		for _, k := range LooseKeys(lang, word) {
			if !contains(alts, k) {
				alts = append(alts, k)
			}
		}
		out = append(out, alts)
	}
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			add(text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		add(text[start:])
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// LooseKeys returns the keys a Kazakh word typed in plain ASCII letters may
// stand for, other than its own key: the spellings in the 2021 alphabet
// that write the same in ASCII, narrowed by vowel harmony. A native Kazakh
// word has back vowels only (a o ū y) or front vowels only (ä e ö ü ı), and
// қ ғ go with back vowels, к г with front ones; so a word with e or k is
// read as front (a → ä, o → ö, u → ü or u, i → ı or i), one with y, q or
// ğ as back (u → u or ū, g → ğ), one with neither one way and then the
// other, and one with both (a compound such as Aqtöbe, or a loanword) with
// every vowel either way. Always n may be ñ and s may be ş; sh, ch, zh and
// gh may be ş, tş, j, ğ.
// It returns nil for other languages and for words that are not plain
// ASCII letters (a 2021 letter shows the reader has the alphabet).
func LooseKeys(lang, word string) []string {
	if lang != "kk" {
		return nil
	}
	w := normalize(lang, word)
	if w == "" || len(w) > maxLooseLetters {
		return nil
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return nil
		}
	}
	own := Key(lang, w)
	var keys []string
	seen := map[string]bool{own: true}
	tried := 0
	for _, base := range digraphSpellings(w) {
		front := strings.ContainsAny(base, "ek")
		back := strings.ContainsAny(base, "yqğ")
		modes := []harmony{backVowels, frontVowels} // no sign: one way, then the other
		switch {
		case front && back:
			modes = []harmony{anyVowels} // both signs: a compound or a loanword
		case front:
			modes = []harmony{frontVowels}
		case back:
			modes = []harmony{backVowels}
		}
		for _, m := range modes {
			spellings(base, m, func(s string) bool {
				if tried >= maxLooseSpelling || len(keys) >= maxLooseKeys {
					return false
				}
				tried++
				if k := Key(lang, s); !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
				return true
			})
		}
	}
	return keys
}

// digraphSpellings returns w, and w with sh ch zh gh read as ş tş j ğ
// when it has them.
func digraphSpellings(w string) []string {
	r := strings.NewReplacer("sh", "ş", "ch", "tş", "zh", "j", "gh", "ğ").Replace(w)
	if r == w {
		return []string{w}
	}
	return []string{w, r}
}

// harmony is the vowels a word is read with.
type harmony int

const (
	backVowels harmony = iota
	frontVowels
	anyVowels
)

// spellings calls f with every 2021 spelling of an ASCII word read with
// the vowels h, until f returns false.
func spellings(w string, h harmony, f func(string) bool) {
	var choices [][]string
	for _, r := range w {
		choices = append(choices, letterChoices(r, h))
	}
	buf := make([]byte, 0, 2*len(w))
	var walk func(i int, buf []byte) bool
	walk = func(i int, buf []byte) bool {
		if i == len(choices) {
			return f(string(buf))
		}
		for _, c := range choices[i] {
			if !walk(i+1, append(buf, c...)) {
				return false
			}
		}
		return true
	}
	walk(0, buf)
}

// letterChoices returns the 2021 letters an ASCII letter may stand for in a
// word read with the vowels h.
func letterChoices(r rune, h harmony) []string {
	switch r {
	case 'n':
		return []string{"n", "ñ"}
	case 's':
		return []string{"s", "ş"}
	}
	switch h {
	case frontVowels:
		switch r {
		case 'a':
			return []string{"ä"}
		case 'o':
			return []string{"ö"}
		case 'u':
			return []string{"ü", "u"}
		case 'i':
			return []string{"ı", "i"}
		}
	case backVowels:
		switch r {
		case 'u':
			return []string{"u", "ū"}
		case 'g':
			return []string{"ğ"}
		}
	default:
		switch r {
		case 'a':
			return []string{"a", "ä"}
		case 'o':
			return []string{"o", "ö"}
		case 'u':
			return []string{"u", "ū", "ü"}
		case 'i':
			return []string{"i", "ı"}
		case 'g':
			return []string{"g", "ğ"}
		}
	}
	return []string{string(r)}
}
