package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"qalam/internal/demo"
	"qalam/internal/servertest"
)

func TestAPI(t *testing.T) {
	e := servertest.Demo(t)
	resp, body := e.Get(t, "/api/v1/services")
	mustStatus(t, resp, 200, "services")
	var svcs struct {
		Services []struct{ Code, Lang, Dir, URL string }
	}
	json.Unmarshal([]byte(body), &svcs)
	if len(svcs.Services) != 4 || svcs.Services[3].Dir != "rtl" {
		t.Errorf("services: %+v", svcs.Services)
	}

	resp, body = e.Get(t, "/api/v1/stories?service=kk&limit=10")
	mustStatus(t, resp, 200, "stories")
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("content type %q", resp.Header.Get("Content-Type"))
	}
	var list struct {
		Stories []struct {
			ID, URL, Headline, Published string
			Section                      struct{ Slug string }
		}
		Total      int
		NextCursor string `json:"next_cursor"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Stories) != 10 || list.NextCursor == "" || list.Total <= 10 {
		t.Fatalf("want 10 stories and a cursor, got %d, %q, total %d", len(list.Stories), list.NextCursor, list.Total)
	}
	for i, s := range list.Stories {
		if !strings.HasPrefix(s.URL, e.URL+"/kk/") {
			t.Errorf("story URL %q is not absolute on this host", s.URL)
		}
		if i > 0 && s.Published > list.Stories[i-1].Published {
			t.Errorf("stories not newest first at %d", i)
		}
		r, _ := e.Get(t, strings.TrimPrefix(s.URL, e.URL))
		mustStatus(t, r, 200, s.URL)
	}
	// The next page continues without repeats.
	resp, body = e.Get(t, "/api/v1/stories?service=kk&limit=10&cursor="+list.NextCursor)
	mustStatus(t, resp, 200, "page 2")
	var page2 struct{ Stories []struct{ ID string } }
	json.Unmarshal([]byte(body), &page2)
	for _, s := range page2.Stories {
		for _, p := range list.Stories {
			if s.ID == p.ID {
				t.Errorf("story %s on both pages", s.ID)
			}
		}
	}
	// Filters.
	sec := list.Stories[0].Section.Slug
	_, body = e.Get(t, "/api/v1/stories?service=kk&section="+sec)
	var bySec struct {
		Stories []struct{ Section struct{ Slug string } }
	}
	json.Unmarshal([]byte(body), &bySec)
	if len(bySec.Stories) == 0 {
		t.Error("section filter returned nothing")
	}
	for _, s := range bySec.Stories {
		if s.Section.Slug != sec {
			t.Errorf("section filter leaked %s", s.Section.Slug)
		}
	}

	// One story with body and media.
	resp, body = e.Get(t, "/api/v1/stories/"+demo.CorrectedStoryID)
	mustStatus(t, resp, 200, "story")
	var one struct {
		URL         string
		Body        struct{ Blocks []json.RawMessage }
		BodyHTML    string `json:"body_html"`
		Media       []struct{ URL string }
		Corrections []struct{ Text string }
	}
	json.Unmarshal([]byte(body), &one)
	if len(one.Body.Blocks) == 0 || one.BodyHTML == "" || len(one.Media) == 0 || len(one.Corrections) != 2 {
		t.Errorf("story: %d blocks, %d media, %d corrections", len(one.Body.Blocks), len(one.Media), len(one.Corrections))
	}
	r, _ := e.Get(t, strings.TrimPrefix(one.Media[0].URL, e.URL))
	mustStatus(t, r, 200, "media "+one.Media[0].URL)
	if !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("media Cache-Control %q", r.Header.Get("Cache-Control"))
	}

	for _, c := range []struct {
		path   string
		status int
	}{
		{"/api/v1/stories", 400},
		{"/api/v1/stories?service=zz", 404},
		{"/api/v1/stories?service=kk&limit=0", 400},
		{"/api/v1/stories?service=kk&limit=1000", 400},
		{"/api/v1/stories?service=kk&limit=x", 400},
		{"/api/v1/stories?service=kk&cursor=%%%", 400},
		{"/api/v1/stories?service=kk&cursor=bogus", 400},
		{"/api/v1/stories?service=kk&section=nope", 404},
		{"/api/v1/stories/nope", 404},
		{"/api/v1/stories/" + demo.DraftStoryID, 404},
		{"/api/v2/anything", 404},
	} {
		resp, body := e.Get(t, c.path)
		if resp.StatusCode != c.status {
			t.Errorf("%s: %d, want %d", c.path, resp.StatusCode, c.status)
		}
		var errBody struct{ Error string }
		if json.Unmarshal([]byte(body), &errBody) != nil || errBody.Error == "" {
			t.Errorf("%s: error body %q is not JSON with an error message", c.path, body)
		}
	}
}
