package stem

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"qalam/internal/translit"
)

// The Kazakh stemmer strips inflectional suffixes from the end of a
// lowercased Cyrillic word, one at a time and longest first. Kazakh stacks
// its endings in a fixed order after the root (voice, negation, tense or
// participle, plural, possessive, case, person), so the stemmer meets them in
// the reverse order: every suffix belongs to a class, and once a suffix of
// class k is gone only suffixes of class k or later (nearer the root) may
// follow. Each suffix also names the sound it may follow (Kazakh picks ның,
// дың or тың by the last sound of the stem), and a few may only follow
// certain classes. STEMMING.md explains the rules and gives the measured
// quality.

// A stem keeps at least minStem letters, or shortStem when the suffix that
// would leave it has at least longSuffix letters: ал-ады and ел-дің reach
// their two-letter roots, but a one- or two-letter ending never cuts a word
// down to two letters (өзге "other" stays өзге, not өз "self").
const (
	minStem    = 3
	shortStem  = 2
	longSuffix = 3
)

// cond names the sounds a suffix may follow.
type cond uint8

const (
	anyStem   cond = iota
	vowel          // a vowel; у and и count as vowels and as consonants
	cons           // a consonant (or у, и, й)
	voiced         // a voiced consonant or sonorant other than б, в, г, д (or у, и, й)
	voiceless      // a voiceless consonant, or б, в, г, д
	nasal          // a vowel or м, н, ң: the н-forms of the genitive and ablative
	poss3          // the possessive ы/і: the н-forms of the cases (үй-і-нде)
	vowelS         // the possessive сы/сі: a vowel other than ы/і, or the agent suffix шы/ші (басшы-сы); after other ы/і it is -ы (облыс-ы)
)

// Suffix classes, from the end of the word towards the root.
const (
	clPerson     = iota // predicative and personal endings
	clCase              // case endings
	clPossessive        // possessive endings
	clPlural            // plural
	clVerb              // participles, verbal noun, finite tense and mood endings, converbs
	clNegation          // negation
	clVoice             // passive and reflexive
	clDerive            // -да/-та of verbs made from nouns
)

// A set of classes; atEnd stands for "nothing stripped yet".
type classSet uint16

const atEnd classSet = 1 << 15

func set(classes ...int) classSet {
	var s classSet
	for _, c := range classes {
		s |= 1 << c
	}
	return s
}

// Suffixes that need a particular neighbour on their right (the suffix
// stripped just before them), or 0 for any.
var (
	// Finite verb endings end the word or stand before a personal ending.
	finite = atEnd | set(clPerson)
	// Voice and the verb-forming -да/-та only inside a verb, once a verb
	// ending is gone: жаса-л-ады, ал-ын-ды, қолда-йды; alone, -ын, -ыл, -да
	// end too many nouns (ақын, қызыл, қолда "in the hand" is a case form).
	inVerb = set(clVerb, clNegation)
)

// kazakhSuffixes lists the suffixes by class. Within a line the variants
// follow vowel harmony (back/front pairs) and the sound before them.
var kazakhSuffixes = []struct {
	class int
	when  cond
	after classSet
	list  string
}{
	// Person (predicative and verbal): 1sg, 2sg, 2sg polite, 1pl, 2pl.
	{clPerson, anyStem, 0, "мын мін бын бін пын пін сың сің сыз сіз мыз міз быз біз пыз піз сыңдар сіңдер сыздар сіздер"},

	// Genitive.
	{clCase, nasal, 0, "ның нің"},
	{clCase, voiced, 0, "дың дің"},
	{clCase, voiceless, 0, "тың тің"},
	// Dative.
	{clCase, vowel, 0, "ға ге"},
	{clCase, voiced, 0, "ға ге"},
	{clCase, voiceless, 0, "қа ке"},
	{clCase, poss3, 0, "на не"},
	// Accusative.
	{clCase, vowel, 0, "ны ні"},
	{clCase, voiced, 0, "ды ді"},
	{clCase, voiceless, 0, "ты ті"},
	{clCase, poss3, 0, "н"},
	// Locative, and the locative attributive -дағы (өңір-дегі "in the region").
	{clCase, vowel, 0, "да де дағы дегі"},
	{clCase, voiced, 0, "да де дағы дегі"},
	{clCase, voiceless, 0, "та те тағы тегі"},
	{clCase, poss3, 0, "нда нде ндағы ндегі"},
	// Ablative.
	{clCase, vowel, 0, "дан ден"},
	{clCase, voiced, 0, "дан ден"},
	{clCase, voiceless, 0, "тан тен"},
	{clCase, nasal, 0, "нан нен"},
	{clCase, poss3, 0, "нан нен"},
	// Instrumental.
	{clCase, anyStem, 0, "мен бен пен менен"},

	// Possessive: 3 (ы/сы), 1pl, 2sg polite, 2pl. The forms that begin
	// with a bare м or ң after a vowel are left out (1sg -м, 2sg -ң, 2pl
	// -ңдар, polite -ңыз), and so are 1sg -ым and 2sg -ың: rare in news,
	// they end too many roots (адам, сенім, теңіз, заң-дар).
	{clPossessive, cons, 0, "ы і ымыз іміз ыңыз іңіз ыңдар іңдер ыңыздар іңіздер"},
	{clPossessive, vowel, 0, "мыз міз"},
	{clPossessive, vowelS, 0, "сы сі"},

	// Plural.
	{clPlural, anyStem, 0, "лар лер"},
	{clPlural, cons, 0, "дар дер тар тер"},

	// Participles and the verbal noun, which take nominal endings after them
	// (ал-ған-ы-н, ал-у-ға).
	{clVerb, vowel, 0, "ған ген йтын йтін у"},
	{clVerb, voiced, 0, "ған ген у"},
	{clVerb, voiceless, 0, "қан кен у"},
	// Finite endings: present, past (3rd and 1sg), evidential, converb,
	// conditional, optative.
	{clVerb, vowel, finite, "йды йді ды ді дым дім пты пті са се сын сін йын йін"},
	{clVerb, voiced, finite, "ады еді ды ді дым дім ыпты іпті са се сын сін айын ейін"},
	{clVerb, voiceless, finite, "ады еді ты ті тым тім ыпты іпті са се сын сін айын ейін"},
	// The converb -(ы)п after any class: a bare noun in -п (кітап, мектеп)
	// loses its п as a converb, so its inflected forms (кітап-тар) must too.
	{clVerb, vowel, 0, "п"},
	{clVerb, cons, 0, "ып іп"},
	// The present stem's а/е/й only before a personal ending (бар-а-мын,
	// істе-й-сіздер): alone they end too many roots.
	{clVerb, vowel, set(clPerson), "й"},
	{clVerb, cons, set(clPerson), "а е"},

	// Negation, inside a verb only (бар-ма-ды, кел-ме-ген): at the end of a
	// word ма/ме/ба/бе end nouns and names (алма, бөлме, Ақтөбе). The
	// negative converb -май/-мей/-бай is left out for the same reason
	// (Семей, Ақылбай).
	{clNegation, anyStem, set(clVerb), "ма ме ба бе па пе"},

	// Passive and reflexive.
	{clVoice, cons, inVerb, "ыл іл ын ін"},
	{clVoice, vowel, inVerb, "л н"},

	// Verbs made from nouns with -да/-та: қолда-йды → қолда → қол, as the
	// locative қол-да → қол. (-ла/-ле is kept: no case ending mirrors it, so
	// stripping it would part жарияла from its forms.)
	{clDerive, vowel, inVerb | set(clVoice), "да де"},
	{clDerive, voiced, inVerb | set(clVoice), "да де"},
	{clDerive, voiceless, inVerb | set(clVoice), "та те"},
}

type suffix struct {
	s     string
	n     int // letters
	class int
	when  cond
	after classSet
}

// kazakhByLast holds the suffixes by their last letter (an offset in the
// Cyrillic block), longest first, so that a step only tries the suffixes
// that can end the word.
var kazakhByLast [0x100][]suffix

func init() {
	for _, g := range kazakhSuffixes {
		for _, s := range strings.Fields(g.list) {
			r, _ := utf8.DecodeLastRuneInString(s)
			kazakhByLast[r-0x400] = append(kazakhByLast[r-0x400],
				suffix{s, utf8.RuneCountInString(s), g.class, g.when, g.after})
		}
	}
	for _, l := range kazakhByLast {
		sort.SliceStable(l, func(i, j int) bool { return l[i].n > l[j].n })
	}
}

// kazakhStem returns the key of a lowercased word. Words without Cyrillic
// letters (Latin-script Kazakh, foreign names, numbers) are returned as
// they are.
func kazakhStem(w string) string {
	if !hasCyrillic(w) {
		return w
	}
	// ь and ъ, silent in Kazakh, come and go in suffixed loanwords
	// (модель, моделі).
	if strings.Contains(w, "ь") || strings.Contains(w, "ъ") {
		w = strings.NewReplacer("ь", "", "ъ", "").Replace(w)
	}
	n := utf8.RuneCountInString(w)
	class, prev := clPerson, atEnd
	for {
		last, _ := utf8.DecodeLastRuneInString(w)
		if last < 0x400 || last > 0x4ff {
			break
		}
		var got *suffix
		var classes classSet
		for i, cands := 0, kazakhByLast[last-0x400]; i < len(cands); i++ {
			s := &cands[i]
			if got != nil && s.s != got.s {
				if s.n < got.n {
					break
				}
				continue
			}
			if admissible(s, w, n, class, prev) {
				if got == nil {
					got = s
				}
				// One ending may belong to several classes (ды: accusative
				// or past); the next step may follow any of them.
				classes |= set(s.class)
			}
		}
		if got == nil {
			break
		}
		w, n = devoice(w[:len(w)-len(got.s)]), n-got.n
		class, prev = got.class, classes
	}
	w = strings.TrimRightFunc(w, func(r rune) bool { return !isWordRune(r) }) // КСРО-дағы
	return finalForm(w, n)
}

// admissible reports whether suffix s may be stripped from w (n letters)
// when the last suffix stripped was of the given class and may have
// belonged to the classes prev (atEnd before the first step).
func admissible(s *suffix, w string, n, class int, prev classSet) bool {
	if s.class < class || !strings.HasSuffix(w, s.s) {
		return false
	}
	if rest := n - s.n; rest < minStem && (rest < shortStem || s.n < longSuffix || vowelU(w[:len(w)-len(s.s)])) {
		return false
	}
	if s.after != 0 && s.after&prev == 0 {
		return false
	}
	return fits(w[:len(w)-len(s.s)], s.when)
}

// vowelU reports whether a two-letter stem is a vowel and у (ау, еу): у
// after a vowel ends far more longer roots (аудан "district", ауыл) than
// it forms two-letter ones (ау "net"), so аудан does not become ау-дан.
// Су-дан and су-дың (a consonant before у) still reach су.
func vowelU(stem string) bool {
	r, size := utf8.DecodeLastRuneInString(stem)
	if r != 'у' {
		return false
	}
	p, _ := utf8.DecodeLastRuneInString(stem[:len(stem)-size])
	return isVowel(p)
}

// finalForm evens out the stem's last letters, so that the stem left by a
// suffix meets the bare word:
//   - a final ы/і after a consonant goes, down to two letters, whatever was
//     stripped before it (сайлаушы-лар stops at сайлаушы, where the bare
//     сайлаушы loses its ы as a possessive; Алматы-да, Алматы; ел-і-нің, ел);
//   - a final double consonant is halved (процесс, процес-ке);
//   - a final ғ, г, б becomes қ, к, п (devoice).
func finalForm(w string, n int) string {
	if n > shortStem {
		r, size := utf8.DecodeLastRuneInString(w)
		if r == 'ы' || r == 'і' {
			if fits(w[:len(w)-size], cons) {
				w, n = w[:len(w)-size], n-1
			}
		}
	}
	if n > minStem {
		r, size := utf8.DecodeLastRuneInString(w)
		if p, _ := utf8.DecodeLastRuneInString(w[:len(w)-size]); p == r && !isVowel(r) {
			w = w[:len(w)-size]
		}
	}
	return devoice(w)
}

// devoice writes a final ғ, г, б as қ, к, п. Kazakh voices them between
// vowels (бастық, бастығ-ы; кітап, кітаб-ы), so a stem left by a
// vowel-initial suffix is brought back to the bare word's spelling before
// the next step looks at it.
func devoice(w string) string {
	r, size := utf8.DecodeLastRuneInString(w)
	switch r {
	case 'ғ':
		return w[:len(w)-size] + "қ"
	case 'г':
		return w[:len(w)-size] + "к"
	case 'б':
		return w[:len(w)-size] + "п"
	}
	return w
}

func hasCyrillic(w string) bool {
	for _, r := range w {
		if r >= 0x400 && r <= 0x4ff {
			return true
		}
	}
	return false
}

// Sound classes of the lowercase Cyrillic letters, indexed by the offset in
// the Cyrillic block.
const (
	sVowel uint8 = 1 << iota
	sVoiceless
)

var sounds [0x100]uint8

func init() {
	for _, r := range "аәеиоөуұүыіэюя" {
		sounds[r-0x400] |= sVowel
	}
	// б, в, г, д are voiceless at the end of a word and take the т- and
	// қ-forms of suffixes (Тоқаев-тың, Назарбаев-қа, Бағдад-та).
	for _, r := range "пфкқтсшщхцчһбвгд" {
		sounds[r-0x400] |= sVoiceless
	}
}

func sound(r rune) uint8 {
	if r < 0x400 || r > 0x4ff {
		return 0
	}
	return sounds[r-0x400]
}

func isVowel(r rune) bool { return sound(r)&sVowel != 0 }

// isVoiceless reports whether r takes the т- and қ-forms of suffixes: the
// voiceless consonants, and б, в, г, д.
func isVoiceless(r rune) bool { return sound(r)&sVoiceless != 0 }

// fits reports whether stem ends in a sound that suffixes with condition c
// may follow.
func fits(stem string, c cond) bool {
	r, size := utf8.DecodeLastRuneInString(stem)
	semi := r == 'у' || r == 'и' || r == 'й'
	switch c {
	case anyStem:
		return true
	case vowel:
		return isVowel(r)
	case cons:
		return semi || !isVowel(r)
	case voiced:
		return semi || !isVowel(r) && !isVoiceless(r)
	case voiceless:
		return isVoiceless(r)
	case nasal:
		return isVowel(r) || r == 'м' || r == 'н' || r == 'ң'
	case poss3:
		return r == 'ы' || r == 'і'
	case vowelS:
		if r == 'ы' || r == 'і' {
			return strings.HasSuffix(stem[:len(stem)-size], "ш")
		}
		return isVowel(r)
	}
	return false
}

// kazakhSpelling returns the one spelling under which a lowercased Kazakh
// word and its 2021 Latin form are stemmed: Cyrillic(Latin(w)) of package
// translit. A Cyrillic word comes back as it is unless it holds a letter
// the Latin form merges with another (и/й by context, һ→х, э→е, ц→тс,
// ч→тш, щ→шш, ъ and ь dropped); a Latin word comes back in Cyrillic. So
// Key("kk", translit.Latin(w)) == Key("kk", w), and a reader of the Latin
// view finds Cyrillic stories with the words they see.
func kazakhSpelling(w string) string {
	change := false
	for _, r := range w {
		switch {
		case r < 0x400 || r > 0x4ff:
			if unicode.IsLetter(r) {
				// Latin (or another script): the general way.
				return translit.Cyrillic(translit.Latin(w))
			}
		case r == 'и' || r == 'й' || r == 'һ' || r == 'э' || r == 'ц' || r == 'ч' || r == 'щ' || r == 'ъ' || r == 'ь' || r == 'ё':
			change = true
		}
	}
	if !change {
		return w
	}
	return cyrillicSpelling(w)
}

// cyrillicSpelling is Cyrillic(Latin(w)) for a lowercase word of Cyrillic
// letters, digits and marks, without building the Latin form: reading the
// Latin back, i followed by a or u is я or ю, any other i is й after a vowel
// and и elsewhere; ц ч щ һ э come back as тс тш шш х е; ъ and ь, which
// Latin drops, go. TestCyrillicSpelling holds it to the long way.
func cyrillicSpelling(w string) string {
	var b strings.Builder
	b.Grow(len(w) + 4)
	prevVowel := false
	emit := func(r rune) {
		b.WriteRune(r)
		prevVowel = isVowel(r)
	}
	for i := 0; i < len(w); {
		r, n := utf8.DecodeRuneInString(w[i:])
		i += n
		switch r {
		case 'и', 'й', 'ё':
			next, m := nextLetter(w[i:])
			switch {
			case r != 'ё' && next == 'а':
				emit('я')
				i += m
			case r != 'ё' && next == 'у':
				emit('ю')
				i += m
			case prevVowel:
				emit('й')
			default:
				emit('и')
			}
			if r == 'ё' {
				emit('о')
			}
		case 'ъ', 'ь':
		case 'ц':
			emit('т')
			emit('с')
		case 'ч':
			emit('т')
			emit('ш')
		case 'щ':
			emit('ш')
			emit('ш')
		case 'һ':
			emit('х')
		case 'э':
			emit('е')
		default:
			if r >= 0x400 && r <= 0x4ff && isKazakhLetter(r) {
				emit(r)
			} else {
				b.WriteRune(r)
				prevVowel = false
			}
		}
	}
	return b.String()
}

// nextLetter returns the letter after any ъ and ь at the start of s, and
// the bytes up to its end.
func nextLetter(s string) (rune, int) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r != 'ъ' && r != 'ь' {
			return r, i
		}
	}
	return 0, 0
}

// isKazakhLetter reports whether r is a lowercase letter of the Kazakh
// Cyrillic alphabet.
func isKazakhLetter(r rune) bool {
	return strings.ContainsRune("аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя", r)
}
