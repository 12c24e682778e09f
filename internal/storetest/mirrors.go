package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"qalam/internal/news"
)

var mirrorTests = []struct {
	name string
	fn   func(t *testing.T, s news.Store)
}{
	{"Mirrors", testMirrors},
	{"MirrorsInvalid", testMirrorsInvalid},
}

func testMirrors(t *testing.T, s news.Store) {
	ctx := context.Background()
	v0 := version(t, s)
	m := news.Mirror{Origin: " HTTPS://Mirror.Example.NET/ ", Kind: news.MirrorPlain, Note: "run by the Almaty office", Listed: true, Active: true, Position: 2, Updated: odd}
	if err := s.PutMirror(ctx, &m); err != nil {
		t.Fatal(err)
	}
	if m.ID == "" || m.Origin != "https://mirror.example.net" || m.Host() != "mirror.example.net" {
		t.Fatalf("stored mirror %+v", m)
	}
	if version(t, s) == v0 {
		t.Error("a new mirror did not bump the content version")
	}
	onion := news.Mirror{Origin: "http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuv.onion", Kind: news.MirrorOnion, Active: true, Listed: true, Position: 1}
	lite := news.Mirror{Origin: "https://lite.example.org:8443", Kind: news.MirrorLite, Active: false, Position: 1}
	for _, x := range []*news.Mirror{&onion, &lite} {
		if err := s.PutMirror(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Mirrors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m.Updated = news.Time(odd)
	onion.Updated, lite.Updated = time.Time{}, time.Time{}
	want := []news.Mirror{onion, lite, m}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Mirrors:\n got %+v\nwant %+v", got, want)
	}
	// The same origin twice is a conflict.
	dup := news.Mirror{Origin: "https://mirror.example.net", Kind: news.MirrorPlain}
	if err := s.PutMirror(ctx, &dup); !errors.Is(err, news.ErrConflict) {
		t.Errorf("duplicate origin: %v", err)
	}
	// Update in place.
	m.Active = false
	m.Note = "closed"
	if err := s.PutMirror(ctx, &m); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Mirrors(ctx)
	if len(got) != 3 || got[2].Active || got[2].Note != "closed" {
		t.Errorf("after update: %+v", got)
	}
	v1 := version(t, s)
	if err := s.DeleteMirror(ctx, lite.ID); err != nil {
		t.Fatal(err)
	}
	if version(t, s) == v1 {
		t.Error("deleting a mirror did not bump the content version")
	}
	if err := s.DeleteMirror(ctx, lite.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	got, _ = s.Mirrors(ctx)
	if len(got) != 2 {
		t.Errorf("after delete: %+v", got)
	}
}

func testMirrorsInvalid(t *testing.T, s news.Store) {
	ctx := context.Background()
	for _, m := range []news.Mirror{
		{Origin: "mirror.example.net", Kind: news.MirrorPlain},
		{Origin: "ftp://mirror.example.net", Kind: news.MirrorPlain},
		{Origin: "https://mirror.example.net/kk/", Kind: news.MirrorPlain},
		{Origin: "https://user@mirror.example.net", Kind: news.MirrorPlain},
		{Origin: "https://mirror.example.net?x=1", Kind: news.MirrorPlain},
		{Origin: "http://abc.onion", Kind: news.MirrorPlain},
		{Origin: "https://mirror.example.net", Kind: news.MirrorOnion},
		{Origin: "https://mirror.example.net", Kind: "cdn"},
		{Origin: `https://a"b.example`, Kind: news.MirrorPlain},
	} {
		if err := s.PutMirror(ctx, &m); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("PutMirror(%q, %s): %v, want ErrInvalid", m.Origin, m.Kind, err)
		}
	}
	if got, _ := s.Mirrors(ctx); len(got) != 0 {
		t.Errorf("invalid mirrors were stored: %+v", got)
	}
}

func version(t *testing.T, s news.Store) int64 {
	t.Helper()
	v, err := s.ContentVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}
