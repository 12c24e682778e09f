package main

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"qalam/internal/config"
	"qalam/internal/jobs"
	"qalam/internal/media"
	"qalam/internal/sqlite"
	"qalam/internal/telegram"
)

// Telegram channels: when --telegram names channels, every serve process
// runs the services' sync jobs and the ticker that queues them (see
// internal/telegram).
func init() {
	registerJobs(func(ctx context.Context, opts config.Options, store *sqlite.DB, log *slog.Logger) (map[string]jobs.Handler, error) {
		if !opts.Telegram.Enabled() {
			return nil, nil
		}
		ch, err := telegramChannel(ctx, opts, store, log)
		if err != nil {
			return nil, err
		}
		go ch.Schedule(ctx)
		return ch.Handlers(), nil
	})
}

// telegramChannel builds the channel from the serve settings. The token
// goes into the client only; the log names the channels and the API host.
func telegramChannel(ctx context.Context, opts config.Options, store *sqlite.DB, log *slog.Logger) (*telegram.Channel, error) {
	lib, err := media.New(filepath.Join(opts.Data, "media"), store)
	if err != nil {
		return nil, err
	}
	t := opts.Telegram
	var pairs []string
	for svc, chat := range t.Chats {
		if _, err := store.Service(ctx, svc); err != nil {
			log.Warn("telegram: no such service (yet); its channel waits for it", "service", svc)
		}
		pairs = append(pairs, svc+"="+chat)
	}
	slices.Sort(pairs)
	log.Info("telegram on", "channels", strings.Join(pairs, ","), "api", t.API)
	return &telegram.Channel{
		Store:   store,
		Bot:     &telegram.Client{API: t.API, Token: t.Token.Reveal(), HTTP: &http.Client{Timeout: 60 * time.Second}},
		Media:   lib,
		Chats:   t.Chats,
		Primary: opts.Primary.String(),
		Now:     time.Now,
		Log:     log,
	}, nil
}
