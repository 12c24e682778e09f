package translit

import (
	"strings"
	"testing"

	"qalam/internal/fixtures"
)

// Real text: after conversion no sentence of the corpus keeps a Kazakh
// Cyrillic letter. The throughput is BenchmarkLatinKazNERD's.
func TestKazNERDCorpus(t *testing.T) {
	sentences := fixtures.KazNERDSentences(t)
	if len(sentences) < 1000 {
		t.Fatalf("read %d sentences from the KazNERD test set, want thousands", len(sentences))
	}
	var bytes, converted int
	for _, s := range sentences {
		bytes += len(s)
		out := Latin(s)
		if out != s {
			converted++
		}
		if i := strings.IndexAny(out, kazakhLetters); i >= 0 {
			t.Errorf("Latin(%q) = %q keeps a Kazakh letter at byte %d", s, out, i)
		}
	}
	if converted < len(sentences)*9/10 {
		t.Errorf("only %d of %d sentences changed: is the corpus Cyrillic?", converted, len(sentences))
	}
	t.Logf("%d sentences, %d bytes", len(sentences), bytes)
}

// benchText is a few KB of news-like Kazakh with loanwords, capitals and
// Latin words, repeated.
var benchText = strings.Repeat("Бұрыңғы өткен заманда, бір данышпан кісі, Бағдат шаһарының бір үлкен қазысының үйіне келіп қоныпты. "+
	"ҚАЗАҚСТАН РЕСПУБЛИКАСЫНЫҢ ЧЕМПИОНАТЫ ертең Алматыда басталады: «Qazaq TV» арнасы 2024 жылғы 15 қазанда iOS-қа қосымша шығарды. "+
	"Әлем чемпионы Юлия Ильина мен Эдуард Щербаков Өскеменге келді, Цой мен Чехов туралы сұхбат берді.\n", 9)

func BenchmarkLatin(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		Latin(benchText)
	}
}

// BenchmarkLatinKazNERD converts the corpus sentence by sentence, the way
// the site converts headlines and paragraphs.
func BenchmarkLatinKazNERD(b *testing.B) {
	sentences := fixtures.KazNERDSentences(b)
	var n int64
	for _, s := range sentences {
		n += int64(len(s))
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range sentences {
			Latin(s)
		}
	}
}
