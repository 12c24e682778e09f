package servertest

import (
	"context"
	"testing"
	"time"

	"qalam/internal/demo"
	"qalam/internal/news"
)

// NewStory creates a story in the first section of a service with the
// given headline and body text, by the demo's staff account. It is a
// draft until published.
func (e *Env) NewStory(t testing.TB, service, slug, headline, text string) news.Story {
	t.Helper()
	ctx := context.Background()
	secs, err := e.Store.Sections(ctx, service)
	if err != nil || len(secs) == 0 {
		t.Fatalf("sections of %s: %v", service, err)
	}
	st, err := e.Store.CreateStory(ctx, news.NewStory{
		Service: service, SectionID: secs[0].ID, Slug: slug,
		Content: news.Content{
			Headline: news.Text(headline),
			Body:     news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text(text)}}},
		},
		CreatedBy: demo.StaffID, Created: e.Clock.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Publish publishes a story's head revision at instant at.
func (e *Env) Publish(t testing.TB, st news.Story, at time.Time) {
	t.Helper()
	if err := e.Store.Publish(context.Background(), st.ID, st.HeadRev, at); err != nil {
		t.Fatal(err)
	}
}
