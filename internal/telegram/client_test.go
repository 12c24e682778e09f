package telegram_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"qalam/internal/telegram"
)

// What a failed call says about whether the message may have gone out.
func TestClientOutcomes(t *testing.T) {
	status := http.StatusBadGateway
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.Write([]byte("<html>gateway</html>"))
	}))
	defer srv.Close()
	c := &telegram.Client{API: srv.URL, Token: token}
	ctx := context.Background()
	for _, tc := range []struct {
		status    int
		maybeSent bool
	}{{http.StatusBadGateway, false}, {http.StatusServiceUnavailable, false}, {http.StatusGatewayTimeout, false},
		{http.StatusInternalServerError, true}, {http.StatusOK, true}} {
		status = tc.status
		_, err := c.SendMessage(ctx, "@en", "x", "")
		var ne *telegram.NetError
		if !errors.As(err, &ne) || ne.MaybeSent != tc.maybeSent {
			t.Errorf("HTTP %d without JSON: %v (%+v), want MaybeSent %v", tc.status, err, ne, tc.maybeSent)
		}
	}
	// A call whose context ended before it started was never sent.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err := c.SendMessage(cctx, "@en", "x", "")
	var ne *telegram.NetError
	if !errors.As(err, &ne) || ne.MaybeSent {
		t.Errorf("cancelled before the call: %v", err)
	}
	// An API answer with "ok": false is a refusal, with retry_after read.
	bot := newFakeBot(t, token, nil, "@en")
	bot.RateLimit("sendMessage", 7)
	_, err = (&telegram.Client{API: bot.srv.URL, Token: token}).SendMessage(ctx, "@en", "x", "")
	var ae *telegram.APIError
	if !errors.As(err, &ae) || ae.Code != 429 || ae.RetryAfter.Seconds() != 7 {
		t.Errorf("429: %v", err)
	}
}
