package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"qalam/internal/config"
	"qalam/internal/demo"
	"qalam/internal/jobs"
	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/server"
	"qalam/internal/sqlite"
)

func init() {
	register("serve", 0, "qalam serve [flags]       serve the reader site, API and media (qalam serve --help)",
		func(ctx context.Context, args []string, e env) error { return serve(ctx, args, e.log, e.stderr) })
}

func serve(ctx context.Context, args []string, log *slog.Logger, stderr io.Writer) error {
	opts, err := config.ParseServe(args, stderr)
	if err != nil {
		return err
	}
	tuneGC(opts.CacheBytes)
	store, lib, err := openNewsroom(opts.Data)
	if err != nil {
		return err
	}
	defer store.Close()

	srv, err := server.New(opts, store, lib, log, nil)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	hs.RegisterOnShutdown(srv.Live.Close) // live streams end at once instead of holding shutdown
	log.Info("listening", "addr", ln.Addr().String(), "data", opts.Data)

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	// Seeding can take seconds; the listener is up meanwhile and /healthz
	// says 503 until it is done.
	if opts.Demo {
		services, err := store.Services(ctx)
		if err != nil {
			return err
		}
		if len(services) == 0 {
			start := time.Now()
			if err := demo.Seed(ctx, store, lib, time.Now()); err != nil {
				return fmt.Errorf("seeding the demo newsroom: %w", err)
			}
			log.Info("demo newsroom seeded", "took", time.Since(start).Round(time.Millisecond))
		}
	}
	srv.SetReady()
	go srv.Watch(ctx, opts.PollInterval)
	stopJobs, err := runJobs(ctx, opts, store, log)
	if err != nil {
		return err
	}
	defer stopJobs()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// jobSetup makes the handlers of some job kinds for a serve process; files
// of this package add theirs with registerJobs from their init.
type jobSetup func(ctx context.Context, opts config.Options, store *sqlite.DB, log *slog.Logger) (map[string]jobs.Handler, error)

var jobSetups []jobSetup

func registerJobs(f jobSetup) { jobSetups = append(jobSetups, f) }

func init() {
	registerJobs(func(ctx context.Context, _ config.Options, store *sqlite.DB, _ *slog.Logger) (map[string]jobs.Handler, error) {
		if err := jobs.EnsurePrune(ctx, store, time.Now()); err != nil {
			return nil, err
		}
		return map[string]jobs.Handler{
			news.JobPublish: jobs.Publish(store, time.Now),
			news.JobPrune:   jobs.Prune(store, time.Now),
		}, nil
	})
}

// runJobs starts the job queue's runner (scheduled publishing and every
// registered kind) and returns the function that stops it and waits, so the
// store outlives it. Every serve process on the data dir runs one; leases
// keep them from doing a job twice.
func runJobs(ctx context.Context, opts config.Options, store *sqlite.DB, log *slog.Logger) (stop func(), err error) {
	handlers := map[string]jobs.Handler{}
	for _, setup := range jobSetups {
		hs, err := setup(ctx, opts, store, log)
		if err != nil {
			return nil, err
		}
		for kind, h := range hs {
			if _, dup := handlers[kind]; dup {
				return nil, fmt.Errorf("job kind %q has two handlers", kind)
			}
			handlers[kind] = h
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &jobs.Runner{Queue: store, Handlers: handlers, Log: log}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := r.Run(ctx); err != nil {
			log.Error("job runner", "err", err)
		}
	}()
	return func() {
		cancel()
		<-done
	}, nil
}

// openNewsroom opens the data dir every subcommand shares: the database
// (migrated on open) and the media library.
func openNewsroom(dir string) (*sqlite.DB, *media.Library, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, nil, fmt.Errorf("data dir: %w", err)
	}
	store, err := sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		return nil, nil, err
	}
	lib, err := media.New(filepath.Join(dir, "media"), store)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, lib, nil
}

// tuneGC trades memory for throughput unless the operator chose with GOGC
// or GOMEMLIMIT: a cached page hit allocates only what net/http needs, so
// collecting less often is the largest lever left on the hot path
// (BENCHMARKS.md). The soft limit keeps a full page cache from growing the
// heap without bound.
func tuneGC(cacheBytes int64) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(2*cacheBytes + 256<<20)
	}
}
