package server_test

import (
	"bufio"
	"context"
	"strings"
	"testing"
	"time"

	"qalam/internal/news"
	"qalam/internal/servertest"
)

// Through the whole server: full pages load the live script and carry the
// banner's live region; setting the banner purges every cached page of the
// service and reaches an open stream after the next content check.
func TestLiveBanner(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	if err := e.Store.SetBanner(ctx, news.Banner{Service: "kk", Text: "old"}); err != nil {
		t.Fatal(err)
	}
	e.Fresh(t)
	_, body := e.Get(t, "/kk/")
	d := doc(t, body)
	if v, _ := d.Find("#live-banner").Attr("data-live"); v != "/live/kk/" {
		t.Errorf("live region data-live %q", v)
	}
	if d.Find(`script[src*="live"]`).Length() != 1 || d.Find(`[data-qalam="breaking"]`).Length() != 0 {
		t.Error("the home page lacks the live script or shows an inactive banner")
	}
	if _, lite := e.Get(t, "/lite/kk/"); strings.Contains(lite, "<script") {
		t.Error("a lite page loads a script")
	}
	_, latn := e.Get(t, "/kk-latn/")
	if v, _ := doc(t, latn).Find("#live-banner").Attr("data-live"); v != "/live/kk-latn/" {
		t.Errorf("Latin page data-live %q", v)
	}

	req := e.URL + "/live/kk/events"
	resp, err := e.Client.Get(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("stream %d %v", resp.StatusCode, resp.Header)
	}
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitData := func(want string) {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatal("stream ended")
				}
				if strings.HasPrefix(l, "data: ") && strings.Contains(l, want) {
					return
				}
			case <-timeout:
				t.Fatalf("no event with %s", want)
			}
		}
	}
	waitData(`"active":false`)
	if err := e.Store.SetBanner(ctx, news.Banner{Service: "kk", Text: "Парламент сессиясы басталды", Link: "/kk/", Active: true}); err != nil {
		t.Fatal(err)
	}
	e.Fresh(t)
	waitData("Парламент сессиясы басталды")
	_, body = e.Get(t, "/kk/")
	if !strings.Contains(body, "Парламент сессиясы басталды") {
		t.Error("the cached home page did not get the banner after the content check")
	}
	if err := e.Store.SetBanner(ctx, news.Banner{Service: "kk", Text: "Парламент сессиясы басталды"}); err != nil {
		t.Fatal(err)
	}
	e.Fresh(t)
	waitData(`"active":false`)
	if _, body = e.Get(t, "/kk/"); strings.Contains(body, "Парламент сессиясы басталды") {
		t.Error("the banner stayed on the cached home page after clearing")
	}
}
