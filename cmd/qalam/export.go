package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"qalam/internal/config"
	"qalam/internal/export"
	"qalam/internal/news"
	"qalam/internal/server"
	"qalam/internal/signing"
)

const exportUsage = `Usage:
  qalam export static --service kk --out DIR [--primary https://news.example.org] [--data D] [--signing-key FILE]
  qalam export pubkey [--data D] [--signing-key FILE]

export static writes the complete reader site of one service (every page in
full and lite form, both scripts for Kazakh, feeds, assets and media) into
DIR as plain files with relative links, for any static host, an
object-storage bucket or a USB stick opened in a browser. Links to other
services and to search point to the live site at the primary origin, which
rel=canonical names too. DIR gets a manifest of SHA-256 hashes signed with
the newsroom's Ed25519 key; "qalam verify DIR" checks a copy against it.
DIR must be new, empty, or an earlier export, which is replaced whole.

export pubkey prints the newsroom's public key (PEM) for those who check
copies: "qalam verify DIR --key FILE".

The key is made in the data dir on first use (signing/ed25519.key, mode
0600) unless --signing-key names the private key's file.

Flags:
`

func init() {
	register("export", 20, "qalam export static ...   write a service's site as signed static files (qalam export --help)",
		func(ctx context.Context, args []string, e env) error { return exportCmd(ctx, args, e) })
}

func exportCmd(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := e.stderr
		if len(args) > 0 {
			w = e.stdout
		}
		fmt.Fprint(w, exportUsage)
		exportFlags(w)
		if len(args) == 0 {
			return errors.New("export: say what to export: static or pubkey")
		}
		return nil
	}
	switch args[0] {
	case "static":
		return exportStatic(ctx, args[1:], e)
	case "pubkey":
		return exportPubkey(args[1:], e)
	}
	return fmt.Errorf("export: unknown kind %q: static or pubkey", args[0])
}

type exportOpts struct {
	fs                             *flag.FlagSet
	service, out, data, signingKey *string
	hosts, primary                 *string
}

func newExportFlags(name string, w io.Writer) exportOpts {
	fs := flag.NewFlagSet("export "+name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() { fmt.Fprint(w, exportUsage); fs.PrintDefaults() }
	return exportOpts{
		fs:         fs,
		service:    fs.String("service", "", "the `code` of the service to export, e.g. kk"),
		out:        fs.String("out", "", "the `folder` to write"),
		data:       config.DataFlag(fs),
		signingKey: fs.String("signing-key", os.Getenv("QALAM_SIGNING_KEY"), "`file` of the newsroom's Ed25519 private key when kept outside the data dir (env QALAM_SIGNING_KEY)"),
		hosts:      fs.String("hosts", os.Getenv("QALAM_HOSTS"), "the `hosts` the site answers on, as for serve; the first is the primary unless --primary is given (env QALAM_HOSTS)"),
		primary:    fs.String("primary", os.Getenv("QALAM_PRIMARY"), "the live site's main `origin`, e.g. https://news.example.org: rel=canonical and links leaving the copy point there (env QALAM_PRIMARY)"),
	}
}

func exportFlags(w io.Writer) {
	o := newExportFlags("static", w)
	o.fs.PrintDefaults()
}

func exportStatic(ctx context.Context, args []string, e env) error {
	o := newExportFlags("static", e.stderr)
	if err := o.fs.Parse(args); err != nil {
		return err
	}
	if o.fs.NArg() > 0 {
		return fmt.Errorf("export static: unexpected argument %q", o.fs.Arg(0))
	}
	if *o.service == "" || *o.out == "" {
		return errors.New("export static: --service and --out are required")
	}
	if *o.primary == "" && *o.hosts == "" {
		return errors.New("export static: give the live site's address with --primary https://news.example.org (or --hosts, QALAM_PRIMARY, QALAM_HOSTS): canonical links and links to other services and search point there")
	}
	hosts := *o.hosts
	if hosts == "" {
		hosts = *o.primary
	}
	// The server renders the pages as serve would, with the same key (its
	// fingerprint is published on the mirrors page), but for no country:
	// a copy travels, so it carries every notice.
	opts, err := config.ParseServe([]string{"--data", *o.data, "--hosts", hosts, "--primary", *o.primary,
		"--signing-key", *o.signingKey, "--country-header", "", "--geoip-db", "",
		"--access-log=false", "--cache-mb", "32"}, e.stderr)
	if err != nil {
		return fmt.Errorf("export static: %w", err)
	}
	key, err := signing.PrivateKey(opts.Data, opts.SigningKey)
	if err != nil {
		return err
	}
	store, lib, err := openNewsroom(opts.Data)
	if err != nil {
		return err
	}
	defer store.Close()
	svc, err := store.Service(ctx, *o.service)
	if errors.Is(err, news.ErrNotFound) {
		return fmt.Errorf("export static: no service %q in %s%s", *o.service, opts.Data, serviceList(ctx, store))
	}
	if err != nil {
		return err
	}
	srv, err := server.New(opts, store, lib, e.log, nil)
	if err != nil {
		return err
	}
	srv.SetReady()
	if _, err := srv.Poll(ctx); err != nil {
		return err
	}
	start := time.Now()
	res, err := export.Static(ctx, export.Config{Handler: srv, Origin: opts.Primary, Service: svc, Out: *o.out, Key: key, Log: e.log})
	if err != nil {
		return err
	}
	m := res.Manifest
	fmt.Fprintf(e.stdout, "exported %s (%s) to %s: %d files, %d pages, %.1f MB in %s\n", svc.Code, m.Origin, *o.out,
		len(m.Files), res.Pages, float64(res.Bytes)/1e6, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "signed %s by key %s\n", m.Exported.Format(time.RFC3339), m.Key)
	for _, l := range res.Live {
		fmt.Fprintf(e.stdout, "linked but not public, left pointing to the live site: %s\n", l)
	}
	return nil
}

func serviceList(ctx context.Context, store news.Store) string {
	svcs, err := store.Services(ctx)
	if err != nil || len(svcs) == 0 {
		return ""
	}
	var codes []string
	for _, s := range svcs {
		codes = append(codes, s.Code)
	}
	return " (it has " + strings.Join(codes, ", ") + ")"
}

func exportPubkey(args []string, e env) error {
	o := newExportFlags("pubkey", e.stderr)
	if err := o.fs.Parse(args); err != nil {
		return err
	}
	if o.fs.NArg() > 0 {
		return fmt.Errorf("export pubkey: unexpected argument %q", o.fs.Arg(0))
	}
	pub, err := signing.PublicKey(*o.data, *o.signingKey)
	if err != nil {
		return err
	}
	e.stdout.Write(signing.EncodePublicKey(pub))
	fmt.Fprintf(e.stderr, "fingerprint %s\n", signing.Fingerprint(pub))
	return nil
}
