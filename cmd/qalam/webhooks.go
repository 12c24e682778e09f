package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"qalam/internal/config"
	"qalam/internal/jobs"
	"qalam/internal/news"
	"qalam/internal/outbound"
	"qalam/internal/sqlite"
	"qalam/internal/webhook"
)

// Webhooks: every serve process runs the webhook jobs (fan-out and
// delivery) through the outbound client, with --outbound-allow's networks
// reachable; with no endpoint nothing is ever queued.
func init() {
	registerJobs(func(_ context.Context, opts config.Options, store *sqlite.DB, log *slog.Logger) (map[string]jobs.Handler, error) {
		if len(opts.OutboundAllow) > 0 {
			allowed := make([]string, len(opts.OutboundAllow))
			for i, p := range opts.OutboundAllow {
				allowed[i] = p.String()
			}
			log.Info("outbound requests may reach these otherwise refused networks", "allow", strings.Join(allowed, ","))
		}
		s := &webhook.Sender{Store: store, Client: webhook.Client(opts.OutboundAllow), Primary: opts.Primary.String(), Log: log}
		return s.Handlers(), nil
	})
	register("webhooks", 25, "qalam webhooks list|add|remove|enable|disable|secret|deliveries   tell other systems of story events",
		func(ctx context.Context, args []string, e env) error {
			return webhooksCmd(ctx, args, e.stdout, e.stderr)
		})
}

const webhooksUsage = `Usage:
  qalam webhooks list [--full-urls]           endpoints (never their secrets)
  qalam webhooks add URL [flags]              add an endpoint; prints its secret, once
  qalam webhooks remove ID                    remove one (what it was sent stays on record)
  qalam webhooks enable|disable ID            send to it again, or stop
  qalam webhooks secret ID                    a new secret, printed once; the old one stops working
  qalam webhooks deliveries [--story ID] [--state pending|delivered|failed]

An endpoint gets a signed JSON POST when a story is published, updated (a
new live revision or a correction) or unpublished. Receivers check the
X-Qalam-Signature header: "sha256=" and the hex HMAC-SHA256, keyed with the
secret, of the X-Qalam-Timestamp value, ".", and the raw body (see
'go doc qalam/internal/webhook'). A delivery cannot be recalled once made.

Endpoints on loopback, private or link-local addresses are refused unless
serve runs with --outbound-allow naming their network.

Flags (all commands take --data):
`

func webhooksCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if done, err := actionHelp("webhooks", webhooksUsage, args, stdout); done {
		return err
	}
	action := args[0]
	fs := flag.NewFlagSet("webhooks "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := config.DataFlag(fs)
	service := fs.String("service", "", "add: the `service` whose stories it hears of (default every service)")
	events := fs.String("events", "all", "add: comma-separated `events`: publish, update, unpublish, or all")
	inactive := fs.Bool("inactive", false, "add: store it switched off")
	note := fs.String("note", "", "add: a `note` for the newsroom")
	fullURLs := fs.Bool("full-urls", false, "list: show whole URLs (they may hold receivers' tokens), not just scheme and host")
	story := fs.String("story", "", "deliveries: only those about story `ID`")
	state := fs.String("state", "", "deliveries: only those in `state` pending, delivered or failed")
	limit := fs.Int("limit", 50, "deliveries: at most `n`")
	fs.Usage = func() { fmt.Fprint(stderr, webhooksUsage); fs.PrintDefaults() }
	// The argument may come before or after the flags.
	arg, rest, err := parseWithArg(fs, args[1:])
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("webhooks %s: unexpected argument %q", action, rest[0])
	}
	switch action {
	case "list", "deliveries":
		if arg != "" {
			return fmt.Errorf("webhooks %s: unexpected argument %q", action, arg)
		}
	case "add":
		if arg == "" {
			return errors.New("webhooks add: give the endpoint's URL, e.g. https://partner.example.org/qalam")
		}
	case "remove", "enable", "disable", "secret":
		if arg == "" {
			return fmt.Errorf("webhooks %s: give the endpoint's ID (qalam webhooks list shows them)", action)
		}
	default:
		fmt.Fprint(stderr, webhooksUsage)
		return fmt.Errorf("webhooks: unknown action %q", action)
	}

	dbPath := filepath.Join(*data, "qalam.db")
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("webhooks: no newsroom in %s (run serve once, or give --data): %w", *data, err)
	}
	store, err := sqlite.Open(dbPath)
	if err != nil {
		return err
	}
	defer store.Close()

	switch action {
	case "list":
		eps, err := store.WebhookEndpoints(ctx)
		if err != nil {
			return err
		}
		if len(eps) == 0 {
			fmt.Fprintln(stdout, "No webhook endpoints. Add one with: qalam webhooks add URL")
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSERVICE\tEVENTS\tSTATE\tURL\tNOTE")
		for _, e := range eps {
			svc, st, u := e.Service, "active", shownURL(e.URL)
			if svc == "" {
				svc = "all"
			}
			if !e.Active {
				st = "off"
			}
			if *fullURLs {
				u = e.URL
			}
			evs := make([]string, len(e.Events))
			for i, ev := range e.Events {
				evs[i] = string(ev)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, svc, strings.Join(evs, ","), st, u, e.Note)
		}
		return tw.Flush()

	case "add":
		evs, err := news.ParseWebhookEvents(*events)
		if err != nil {
			return fmt.Errorf("webhooks add: %w", err)
		}
		e := news.WebhookEndpoint{Service: *service, URL: arg, Events: evs, Active: !*inactive, Note: *note, Created: time.Now()}
		secret, err := store.CreateWebhookEndpoint(ctx, &e)
		if err != nil {
			return fmt.Errorf("webhooks add: %w", err)
		}
		fmt.Fprintf(stdout, "Webhook %s added: %s\n", e.ID, shownURL(e.URL))
		fmt.Fprintf(stdout, "Secret: %s\n", secret)
		fmt.Fprintln(stdout, "This secret is shown once. Give it to the receiver, which checks X-Qalam-Signature with it;")
		fmt.Fprintln(stdout, "if it is lost, make a new one with: qalam webhooks secret "+e.ID)
		if why := literalRefused(e.URL); why != "" {
			fmt.Fprintf(stderr, "Note: the endpoint's host is %s; serve refuses it unless --outbound-allow names its network.\n", why)
		}
		return nil

	case "remove":
		if err := store.DeleteWebhookEndpoint(ctx, arg); err != nil {
			return fmt.Errorf("webhooks remove: %w", err)
		}
		fmt.Fprintf(stdout, "Webhook %s removed; its pending deliveries will not be sent.\n", arg)
		return nil

	case "enable", "disable":
		e, err := store.WebhookEndpoint(ctx, arg)
		if err != nil {
			return fmt.Errorf("webhooks %s: %w", action, err)
		}
		e.Active = action == "enable"
		if err := store.UpdateWebhookEndpoint(ctx, e); err != nil {
			return fmt.Errorf("webhooks %s: %w", action, err)
		}
		fmt.Fprintf(stdout, "Webhook %s %sd.\n", arg, action)
		return nil

	case "secret":
		secret, err := store.RotateWebhookSecret(ctx, arg)
		if err != nil {
			return fmt.Errorf("webhooks secret: %w", err)
		}
		fmt.Fprintf(stdout, "New secret of webhook %s: %s\n", arg, secret)
		fmt.Fprintln(stdout, "Shown once. Deliveries from now on are signed with it; the old secret no longer verifies.")
		return nil

	case "deliveries":
		ds, err := store.WebhookDeliveries(ctx, news.WebhookDeliveryFilter{StoryID: *story,
			State: news.WebhookDeliveryState(*state), Limit: *limit})
		if err != nil {
			return fmt.Errorf("webhooks deliveries: %w", err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DELIVERY\tEVENT\tSTORY\tTARGET\tSTATE\tATTEMPTS\tSTATUS\tWHEN\tERROR")
		for _, d := range ds {
			when := d.Created
			if !d.Finished.IsZero() {
				when = d.Finished
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", d.ID, d.Event, d.StoryID, d.Target, d.State,
				d.Attempts, d.LastStatus, when.Format(time.RFC3339), d.LastError)
		}
		return tw.Flush()
	}
	return nil
}

// shownURL is a webhook URL as listed: scheme and host, and "/…" when a
// path or query (perhaps a receiver's token) is left out.
func shownURL(raw string) string {
	t := news.WebhookTarget(raw)
	if u, err := url.Parse(raw); err == nil && (strings.Trim(u.Path, "/") != "" || u.RawQuery != "") {
		t += "/…"
	}
	return t
}

// literalRefused says why a URL whose host is an IP address would be
// refused by the default outbound rules, or "" (names are checked only
// when they are resolved, at delivery).
func literalRefused(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	a, err := netip.ParseAddr(u.Hostname())
	if err != nil {
		if h := strings.ToLower(u.Hostname()); h == "localhost" || strings.HasSuffix(h, ".localhost") {
			return "a localhost name"
		}
		return ""
	}
	return outbound.Refused(a)
}
