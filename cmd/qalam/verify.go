package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"qalam/internal/config"
	"qalam/internal/signing"
)

const verifyUsage = `Usage: qalam verify DIR [--data D | --key PUBFILE | --signing-key FILE]

Checks a static export (qalam export static) against its signed manifest and
names every altered, missing and extra file. It trusts only the newsroom's
public key: the one in the data dir (--data), a PEM file given with --key
(qalam export pubkey writes one), or the public half of --signing-key; never
a key found in DIR or on the host it was copied from. It prints the key's
fingerprint, to compare with the one published on the site, in feeds and
in newsletters, and the time the export was signed. It fails on any
difference and on a signature the key did not make.

Flags:
`

func init() {
	register("verify", 21, "qalam verify DIR          check a static export against the newsroom's signature",
		func(_ context.Context, args []string, e env) error { return verifyCmd(args, e) })
}

func verifyCmd(args []string, e env) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stderr, verifyUsage); fs.PrintDefaults() }
	data := config.DataFlag(fs)
	keyFile := fs.String("key", "", "PEM `file` of the newsroom's public key (qalam export pubkey)")
	signingKey := fs.String("signing-key", os.Getenv("QALAM_SIGNING_KEY"), "`file` of the newsroom's private key kept outside the data dir; its public half is used (env QALAM_SIGNING_KEY)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errors.New("verify: give exactly one folder")
	}
	dir := pos[0]

	var pub ed25519.PublicKey
	var from, file string
	switch {
	case *keyFile != "":
		file, from = *keyFile, *keyFile
	case *signingKey != "":
		file, from = *signingKey, "the public half of "+*signingKey
	default:
		file = signing.PublicKeyPath(*data)
		from = file
	}
	if inside(file, dir) {
		return fmt.Errorf("verify: the key %s is inside the folder being checked, where a forger would put theirs; use the newsroom's key from elsewhere", file)
	}
	switch {
	case *keyFile != "":
		pub, err = signing.ReadPublicKey(*keyFile)
	case *signingKey != "":
		pub, err = signing.PublicKey("", *signingKey)
	default:
		pub, err = signing.DataPublicKey(*data)
	}
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	fmt.Fprintf(e.stdout, "key       %s (%s)\n", signing.Fingerprint(pub), from)
	r, err := signing.Verify(dir, pub)
	if err != nil {
		return fmt.Errorf("verify %s: %w", dir, err)
	}
	m := r.Manifest
	fmt.Fprintf(e.stdout, "signed    %s\n", m.Exported.UTC().Format(time.RFC3339))
	fmt.Fprintf(e.stdout, "service   %s from %s, %d files\n", m.Service, m.Origin, len(m.Files))
	for _, l := range []struct {
		label string
		files []string
	}{{"altered", r.Altered}, {"missing", r.Missing}, {"extra", r.Extra}} {
		for _, f := range l.files {
			fmt.Fprintf(e.stdout, "%-9s %s\n", l.label, f)
		}
	}
	if !r.OK() {
		var parts []string
		for _, c := range []struct {
			n    int
			what string
		}{{len(r.Altered), "altered"}, {len(r.Missing), "missing"}, {len(r.Extra), "extra"}} {
			if c.n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
			}
		}
		return fmt.Errorf("verify %s: the copy differs from what the newsroom signed: %s", dir, strings.Join(parts, ", "))
	}
	fmt.Fprintf(e.stdout, "OK        every file is as the newsroom signed it\n")
	return nil
}

// inside reports whether path p lies in folder dir (after resolving links
// where they exist).
func inside(p, dir string) bool {
	abs := func(s string) string {
		a, err := filepath.Abs(s)
		if err != nil {
			return s
		}
		if r, err := filepath.EvalSymlinks(a); err == nil {
			return r
		}
		return a
	}
	rel, err := filepath.Rel(abs(dir), abs(p))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// parseInterspersed parses flags given before or after the positional
// arguments ("qalam verify DIR --key k"), returning the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
