package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"qalam/internal/config"
	"qalam/internal/jobs"
	"qalam/internal/newsletter"
	"qalam/internal/signing"
	"qalam/internal/sqlite"
)

// Newsletters: when SMTP is configured, every serve process runs the
// newsletter jobs (confirmation mails, editions, sending, pruning) and the
// scheduler that queues each service's daily edition; the pages are
// mounted by internal/server.
func init() {
	registerJobs(func(ctx context.Context, opts config.Options, store *sqlite.DB, log *slog.Logger) (map[string]jobs.Handler, error) {
		if !opts.Newsletter.Enabled() {
			return nil, nil
		}
		j, err := newsletterJobs(opts, store, log)
		if err != nil {
			return nil, err
		}
		go j.Schedule(ctx)
		log.Info("newsletters on", "smtp", opts.Newsletter.SMTPAddr, "tls", opts.Newsletter.TLS,
			"at", fmt.Sprintf("%02d:%02d", int(opts.Newsletter.At.Hours()), int(opts.Newsletter.At.Minutes())%60))
		return j.Handlers(), nil
	})
}

// newsletterJobs builds the newsletter jobs from the serve settings. The
// key fingerprint printed in editions is the newsroom's signing key's.
func newsletterJobs(opts config.Options, store *sqlite.DB, log *slog.Logger) (*newsletter.Jobs, error) {
	n := opts.Newsletter
	pub, err := signing.PublicKey(opts.Data, opts.SigningKey)
	if err != nil {
		return nil, fmt.Errorf("newsletters: the signing key's fingerprint: %w", err)
	}
	return &newsletter.Jobs{
		Store:       store,
		Mailer:      &newsletter.SMTP{Addr: n.SMTPAddr, From: n.From, User: n.User, Password: n.Password.Reveal(), TLS: n.TLS},
		Primary:     opts.Primary.String(),
		Fingerprint: signing.Fingerprint(pub),
		At:          n.At,
		Now:         time.Now,
		Log:         log,
	}, nil
}
