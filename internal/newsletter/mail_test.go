package newsletter

import (
	"strings"
	"testing"
	"time"

	"qalam/internal/news"
)

func TestEditionMessageEscapesAndLinks(t *testing.T) {
	svc := news.Service{Code: "fa", Name: "خبر", Lang: "fa", Dir: "rtl", TimeZone: "Asia/Tehran"}
	e := news.Edition{Content: news.EditionContent{
		Subject: "خبر: مطالب",
		Stories: []news.EditionStory{{Headline: `<script>alert(1)</script> & "quotes"`, Deck: "deck <b>", URL: "https://news.example.org/fa/x/y-aaaaaaaaaaaa"}},
		Mirrors: []news.EditionMirror{{URL: "https://m.example.net/", Kind: news.MirrorPlain}},
	}}
	m, err := EditionMessage(svc, "https://news.example.org", e, news.Recipient{Email: "r@example.org", UnsubToken: "tok_-9"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, "<script>") || strings.Contains(m.HTML, "deck <b>") {
		t.Errorf("HTML not escaped:\n%s", m.HTML)
	}
	if !strings.Contains(m.Text, `<script>alert(1)</script> & "quotes"`) {
		t.Errorf("plain text should carry the headline as is:\n%s", m.Text)
	}
	if m.Unsubscribe != "https://news.example.org/newsletter/fa/unsubscribe?token=tok_-9" {
		t.Errorf("Unsubscribe = %q", m.Unsubscribe)
	}
	if !strings.Contains(m.HTML, `dir="rtl"`) || !strings.Contains(m.HTML, `lang="fa"`) || m.Lang != "fa" {
		t.Error("the Persian mail is not right-to-left")
	}
	if !strings.Contains(m.HTML, "خبرنامه") || m.ListID != "<fa.newsletter.news.example.org>" {
		t.Errorf("footer or List-Id: %q", m.ListID)
	}
	c, err := ConfirmMessage(svc, "https://news.example.org/", "r@example.org", "abc")
	if err != nil || !strings.Contains(c.Text, "https://news.example.org/newsletter/fa/confirm?token=abc") || c.Unsubscribe != "" {
		t.Errorf("confirm mail: %v\n%s", err, c.Text)
	}
}

func TestDayWindow(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Prague")
	start, end, err := dayWindow("2026-03-29", 18*time.Hour, loc) // the clocks go forward that night
	if err != nil {
		t.Fatal(err)
	}
	if start.Format(time.RFC3339) != "2026-03-28T18:00:00+01:00" || end.Format(time.RFC3339) != "2026-03-29T18:00:00+02:00" {
		t.Errorf("window %v .. %v", start, end)
	}
	if _, _, err := dayWindow("29.03.2026", 0, loc); err == nil {
		t.Error("a bad day was accepted")
	}
}
