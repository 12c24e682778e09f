package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"qalam/internal/news"
)

func TestMediaLibrary(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	for _, s := range []news.Service{
		{Code: "kk", Name: "Azattyq", Lang: "kk", Dir: "ltr", TimeZone: "Asia/Almaty", Default: true},
		{Code: "fa", Name: "Farda", Lang: "fa", Dir: "rtl", TimeZone: "Asia/Tehran"},
	} {
		if err := db.PutService(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	asset := func(b byte) news.Asset {
		a := news.Asset{Hash: strings.Repeat(string("0123456789abcdef"[b]), 64), MIME: "image/jpeg", Width: 800, Height: 600, Bytes: 1000, Created: time.Now()}
		if err := db.PutAsset(ctx, &a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	a1, a2, a3 := asset(1), asset(2), asset(3)
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	add := func(m news.MediaItem) news.MediaItem {
		t.Helper()
		if err := db.AddMedia(ctx, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	m1 := add(news.MediaItem{Asset: news.Asset{ID: a1.ID}, Service: "kk", Name: "IMG_0001.JPG", Alt: "Су тасқыны Алматыда", Credit: "Азаттық", AddedBy: "alice", Added: at})
	if !m1.Listed || m1.Asset.Hash != a1.Hash || m1.Name != "IMG_0001.JPG" {
		t.Fatalf("added %+v", m1)
	}
	add(news.MediaItem{Asset: news.Asset{ID: a2.ID}, Service: "kk", Name: "river.png", Caption: "The\nriver\x00 at dawn", Added: at.Add(time.Minute)})
	// The same asset in another service has its own defaults.
	add(news.MediaItem{Asset: news.Asset{ID: a1.ID}, Service: "fa", Alt: "سیل در آلماتی", Added: at})
	// Adding again changes nothing.
	again := add(news.MediaItem{Asset: news.Asset{ID: a1.ID}, Service: "kk", Name: "other.jpg", Alt: "x"})
	if again.Name != "IMG_0001.JPG" || again.Alt != "Су тасқыны Алматыда" {
		t.Errorf("re-add changed the item: %+v", again)
	}
	list := func(svc, q string) []string {
		t.Helper()
		items, err := db.ListMedia(ctx, svc, q, 50)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, it := range items {
			ids = append(ids, it.Asset.ID)
		}
		return ids
	}
	eq := func(got []string, want ...string) bool { return strings.Join(got, ",") == strings.Join(want, ",") }
	if got := list("kk", ""); !eq(got, a2.ID, a1.ID) {
		t.Errorf("kk library %v", got)
	}
	if got := list("kk", "ТАСҚЫНЫ алматы"); !eq(got, a1.ID) {
		t.Errorf("Cyrillic search, any case: %v", got)
	}
	if got := list("kk", "river dawn"); !eq(got, a2.ID) {
		t.Errorf("caption search: %v", got)
	}
	if got := list("kk", "img_0001"); !eq(got, a1.ID) {
		t.Errorf("file name search: %v", got)
	}
	if got := list("kk", "river flood"); len(got) != 0 {
		t.Errorf("every word must match: %v", got)
	}
	if got := list("fa", "سیل"); !eq(got, a1.ID) {
		t.Errorf("fa search: %v", got)
	}
	m2, err := db.Media(ctx, "kk", a2.ID)
	if err != nil || m2.Caption != "The river at dawn" {
		t.Errorf("stored caption %q (control characters and line breaks become spaces), %v", m2.Caption, err)
	}
	if _, err := db.Media(ctx, "fa", a2.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("kk's image in fa: %v", err)
	}
	// An image a story of the service uses shows up unlisted, and can get defaults.
	sec := news.Section{Service: "kk", Slug: "news", Name: "News"}
	if err := db.PutSection(ctx, &sec); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateStory(ctx, news.NewStory{Service: "kk", SectionID: sec.ID, Slug: "flood",
		Content: news.Content{Headline: news.Text("Flood"), Lead: &news.Figure{AssetID: a3.ID, Alt: "x"}, Body: news.Doc{Version: news.DocVersion}}, CreatedBy: "alice", Created: at}); err != nil {
		t.Fatal(err)
	}
	if got := list("kk", ""); !eq(got, a2.ID, a1.ID, a3.ID) {
		t.Errorf("with the story's image %v", got)
	}
	if m3, err := db.Media(ctx, "kk", a3.ID); err != nil || m3.Listed {
		t.Errorf("story's image: %+v, %v", m3, err)
	}
	if err := db.SetMediaText(ctx, news.MediaItem{Asset: news.Asset{ID: a3.ID}, Service: "kk", Alt: "Flooded street", Credit: "Reuters"}); err != nil {
		t.Fatal(err)
	}
	if m3, err := db.Media(ctx, "kk", a3.ID); err != nil || !m3.Listed || m3.Credit != "Reuters" {
		t.Errorf("after saving: %+v, %v", m3, err)
	}
	if got := list("kk", "reuters"); !eq(got, a3.ID) {
		t.Errorf("search after saving: %v", got)
	}
	if err := db.SetMediaText(ctx, news.MediaItem{Asset: news.Asset{ID: a3.ID}, Service: "fa", Alt: "x"}); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("defaults for an image not in fa: %v", err)
	}
	if err := db.SetMediaText(ctx, news.MediaItem{Asset: news.Asset{ID: a1.ID}, Service: "kk", Alt: strings.Repeat("я", news.MaxMediaAlt+1)}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("long alt: %v", err)
	}
	if err := db.AddMedia(ctx, &news.MediaItem{Asset: news.Asset{ID: "nope"}, Service: "kk"}); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown asset: %v", err)
	}
	if svcs, err := db.MediaServices(ctx, a1.ID); err != nil || !eq(svcs, "fa", "kk") {
		t.Errorf("services of a1: %v, %v", svcs, err)
	}
	if svcs, err := db.MediaServices(ctx, a3.ID); err != nil || !eq(svcs, "kk") {
		t.Errorf("services of a3: %v, %v", svcs, err)
	}
}
