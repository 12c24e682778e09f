package translit

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"qalam/internal/fixtures"
)

// tableRows returns the cells of the markdown table rows of lines.
func tableRows(lines []string) [][]string {
	var rows [][]string
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "|") || !strings.HasSuffix(l, "|") || strings.HasPrefix(l, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	return rows
}

func hasCyrillicLetter(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
}

type reference struct {
	letters [][2]string // Cyrillic letter, Latin letter, both cases
	pairs   [][2]string // worked pairs
	equals  [][2]string // "ä = ә" in the sources, Cyrillic first
}

// readReference parses ../shared/reference/kazakh-latin-2021.md: the letter
// table (the first table), the worked pairs (the table after "Worked
// pairs") and the "latin = cyrillic" notes.
func readReference(t *testing.T) reference {
	t.Helper()
	data, err := os.ReadFile(fixtures.Path(t, "reference/kazakh-latin-2021.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	head, pairsPart, ok := strings.Cut(text, "Worked pairs")
	if !ok {
		t.Fatal(`the reference has no "Worked pairs" section`)
	}
	var ref reference

	for _, row := range tableRows(strings.Split(head, "\n")) {
		for i := 0; i+1 < len(row); i += 2 {
			cyrCell, latCell := row[i], row[i+1]
			if !hasCyrillicLetter(cyrCell) {
				continue // the header row
			}
			cyrs := strings.FieldsFunc(cyrCell, func(r rune) bool { return r == ' ' || r == ',' })
			if p := strings.Index(latCell, "("); p >= 0 {
				latCell = latCell[:p] // "(dotted)"
			}
			var upper, lower []string
			if u, l, ok := strings.Cut(latCell, "/"); ok { // "İ / i": one letter in both cases
				upper, lower = []string{strings.TrimSpace(u)}, []string{strings.TrimSpace(l)}
			} else {
				upper = strings.Fields(latCell)
				for _, u := range upper {
					lower = append(lower, strings.ToLowerSpecial(unicode.TurkishCase, u))
				}
			}
			for j, c := range cyrs {
				k := j
				if len(upper) == 1 {
					k = 0 // "Х, Һ | H"
				} else if len(upper) != len(cyrs) {
					t.Fatalf("reference row %q | %q: %d Cyrillic letters, %d Latin", cyrCell, latCell, len(cyrs), len(upper))
				}
				ref.letters = append(ref.letters,
					[2]string{c, upper[k]},
					[2]string{strings.ToLower(c), lower[k]})
			}
		}
	}

	sc := bufio.NewScanner(strings.NewReader(pairsPart))
	var started bool
	var lines []string
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(l), "|") {
			started = true
			lines = append(lines, l)
		} else if started {
			break
		}
	}
	for _, row := range tableRows(lines) {
		if len(row) == 2 && hasCyrillicLetter(row[0]) {
			ref.pairs = append(ref.pairs, [2]string{row[0], row[1]})
		}
	}

	for _, m := range regexp.MustCompile(`(\pL) = (\p{Cyrillic})`).FindAllStringSubmatch(head, -1) {
		ref.equals = append(ref.equals, [2]string{m[2], m[1]})
	}
	return ref
}

func TestReferenceWorkedPairs(t *testing.T) {
	ref := readReference(t)
	// The file has ten worked pairs today; fewer means the parser broke.
	if len(ref.pairs) < 10 {
		t.Fatalf("parsed %d worked pairs from the reference, want at least 10: %q", len(ref.pairs), ref.pairs)
	}
	for _, p := range ref.pairs {
		if got := Latin(p[0]); got != p[1] {
			t.Errorf("Latin(%q) = %q, want %q", p[0], got, p[1])
		}
	}
}

func TestReferenceLetterTable(t *testing.T) {
	ref := readReference(t)
	// 33 letters in both cases; the other nine are qalam's rule.
	if len(ref.letters) != 66 {
		t.Fatalf("parsed %d letters from the reference table, want 66: %q", len(ref.letters), ref.letters)
	}
	for _, l := range ref.letters {
		if got := Latin(l[0]); got != l[1] {
			t.Errorf("Latin(%q) = %q, want %q (reference table)", l[0], got, l[1])
		}
	}
	if len(ref.equals) < 6 {
		t.Fatalf(`parsed %d "latin = cyrillic" notes from the reference, want 6`, len(ref.equals))
	}
	for _, e := range ref.equals {
		if got := Latin(e[0]); got != e[1] {
			t.Errorf("Latin(%q) = %q, want %q (reference notes)", e[0], got, e[1])
		}
	}
}

// The published sample the worked pairs come from (Wikipedia, "Kazakh
// alphabets"), a whole sentence.
func TestReferenceSampleSentence(t *testing.T) {
	in := "Бұрыңғы өткен заманда, бір данышпан кісі, Бағдат шаһарының бір үлкен қазысының үйіне келіп қоныпты. Қазыменен сөйлесіп, қазыны сөзге жеңе беріпті. Сонда қазы қорқып, — „Бұл маған келген бала — менің қазылығымды тартып алса керек! Не де болса, бұған жалынып, сый беріп, орнымда қалайын!“ — деп, қатынына ақылдасыпты."
	want := "Būryñğy ötken zamanda, bır danyşpan kısı, Bağdat şaharynyñ bır ülken qazysynyñ üiıne kelıp qonypty. Qazymenen söilesıp, qazyny sözge jeñe berıptı. Sonda qazy qorqyp, — „Būl mağan kelgen bala — menıñ qazylyğymdy tartyp alsa kerek! Ne de bolsa, būğan jalynyp, syi berıp, ornymda qalaiyn!“ — dep, qatynyna aqyldasypty."
	if got := Latin(in); got != want {
		t.Errorf("Latin(sample)\n got %s\nwant %s", got, want)
	}
}

// The examples in the package doc are the documented rules; they must hold.
func TestDocExamples(t *testing.T) {
	data, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	ex := regexp.MustCompile(`(\S+) → (\S+?)(?:,|$)`)
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "//\t") {
			continue // only the indented tables, not the prose
		}
		for _, m := range ex.FindAllStringSubmatch(line, -1) {
			n++
			if got := Latin(m[1]); got != m[2] {
				t.Errorf("doc.go says %s → %s, Latin gives %s", m[1], m[2], got)
			}
		}
	}
	if n < 20 {
		t.Fatalf("found %d examples in doc.go, want at least 20", n)
	}
}
