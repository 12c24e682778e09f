package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"qalam/internal/demo"
	"qalam/internal/fixtures"
	"qalam/internal/news"
	"qalam/internal/servertest"
	"qalam/internal/stem"
	"qalam/internal/translit"
)

// TestSearchKazNERD indexes real Kazakh news sentences as stories and checks
// that a lemma finds its inflected forms, highlighted, and exactly the
// stories holding a word with the lemma's key.
func TestSearchKazNERD(t *testing.T) {
	sentences := fixtures.KazNERDSentences(t)
	if len(sentences) < 1000 {
		t.Fatalf("only %d sentences in KazNERD", len(sentences))
	}
	const perStory = 25
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	e := servertest.Start(t, t.TempDir(), now)
	ctx := context.Background()
	st := e.Store
	if err := st.PutService(ctx, news.Service{Code: "kk", Name: "Qalam", Lang: "kk", Dir: "ltr", TimeZone: "Asia/Almaty", Position: 1, Default: true}); err != nil {
		t.Fatal(err)
	}
	sec := news.Section{Service: "kk", Slug: "news", Name: "Жаңалықтар", Position: 1}
	if err := st.PutSection(ctx, &sec); err != nil {
		t.Fatal(err)
	}
	staff := news.Staff{Email: demo.StaffEmail, Name: "Editor"}
	if err := st.PutStaff(ctx, &staff); err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{} // story ID → its text
	for i := 0; i < len(sentences); i += perStory {
		chunk := sentences[i:min(i+perStory, len(sentences))]
		var blocks []news.Block
		for _, s := range chunk[1:] {
			blocks = append(blocks, news.Block{Type: news.BlockParagraph, Text: news.Text(s)})
		}
		if len(blocks) == 0 {
			blocks = []news.Block{{Type: news.BlockParagraph, Text: news.Text(".")}}
		}
		s, err := st.CreateStory(ctx, news.NewStory{Service: "kk", SectionID: sec.ID, Slug: fmt.Sprintf("s%d", i),
			Content:   news.Content{Headline: news.Text(chunk[0]), Body: news.Doc{Version: news.DocVersion, Blocks: blocks}},
			CreatedBy: staff.ID, Created: now.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Publish(ctx, s.ID, s.HeadRev, now.Add(-time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
		texts[s.ID] = strings.Join(chunk, "\n")
	}

	for _, lemma := range []string{"Алматы", "Қазақстан", "облыс", "президент", "университет", "мемлекет", "Астана", "министрлік", "аудан", "шаһар", "ұйым"} {
		key := stem.Key("kk", lemma)
		want := map[string]bool{}
		inflectedOnly := map[string]bool{} // stories with a form of the lemma but not the lemma itself
		for id, text := range texts {
			has, bare := false, false
			for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !isWordRune(r) }) {
				if stem.Key("kk", w) == key {
					has = true
					bare = bare || strings.EqualFold(w, lemma)
				}
			}
			if has {
				want[id] = true
				if !bare {
					inflectedOnly[id] = true
				}
			}
		}
		if len(inflectedOnly) == 0 {
			t.Errorf("%s: no story holds only inflected forms; pick another lemma", lemma)
		}
		// The lemma as typed in Cyrillic and in the 2021 Latin alphabet (what
		// the Latin view shows) finds the same stories.
		var got map[string]bool
		forms := map[string]bool{}
		for _, text := range []string{lemma, translit.Latin(lemma)} {
			got = map[string]bool{}
			q := news.SearchQuery{Service: "kk", Text: text, Limit: 100}
			for {
				pg, err := st.Search(ctx, q, now)
				if err != nil {
					t.Fatal(err)
				}
				if pg.Total != len(want) {
					t.Errorf("%s: Total %d, want %d", text, pg.Total, len(want))
				}
				for _, h := range pg.Hits {
					got[h.Summary.ID] = true
					for _, sp := range h.Snippet {
						if len(sp.Marks) > 0 && sp.Marks[0].Type == news.MarkHit {
							if stem.Key("kk", sp.Text) != key {
								t.Errorf("%s: marked %q, another word", text, sp.Text)
							}
							forms[strings.ToLower(sp.Text)] = true
						}
					}
				}
				if pg.Next == "" {
					break
				}
				q.Cursor = pg.Next
			}
			for id := range want {
				if !got[id] {
					t.Errorf("%s: story %s not found: %.80q", text, id, texts[id])
				}
			}
			for id := range got {
				if !want[id] {
					t.Errorf("%s: story %s found without a form of the word", text, id)
				}
			}
		}
		var inflected []string
		for f := range forms {
			if f != strings.ToLower(lemma) {
				inflected = append(inflected, f)
			}
		}
		if len(inflected) == 0 {
			t.Errorf("%s: no inflected form highlighted (forms %v)", lemma, forms)
		}
		t.Logf("%s: %d stories (%d with inflected forms only); highlighted forms %v", lemma, len(got), len(inflectedOnly), inflected)
	}

	// The reader site shows the same through the search page.
	e.Fresh(t)
	resp, body := e.Get(t, "/kk/search?q="+url.QueryEscape("Алматы"))
	mustStatus(t, resp, 200, "search page")
	if !strings.Contains(body, "<mark>Алматы") {
		t.Error("search page highlights no form of Алматы")
	}
}

// isWordRune matches stem.Keys' idea of a word character: letters, digits
// and combining marks.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
