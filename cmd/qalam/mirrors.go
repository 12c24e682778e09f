package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"qalam/internal/config"
	"qalam/internal/news"
	"qalam/internal/sqlite"
)

const mirrorsUsage = `Usage:
  qalam mirrors list                          show every mirror, listed or not
  qalam mirrors add ORIGIN [flags]            add or change a mirror
  qalam mirrors enable|disable ORIGIN         serve it or stop serving it
  qalam mirrors remove ORIGIN                 forget it

ORIGIN is scheme://host[:port], e.g. https://mirror.example.net or
http://xxxx.onion. Changes reach every running serve process within a second:
no restart. Listed mirrors are published on each service's mirrors page, in
/mirrors.json, the feeds and newsletters; unlisted ones are served but only
handed out privately.

Flags of add (all commands take --data):
`

func init() {
	register("mirrors", 20, "qalam mirrors list|add|enable|disable|remove   the addresses readers reach the site on",
		func(ctx context.Context, args []string, e env) error {
			return mirrorsCmd(ctx, args, e.stdout, e.stderr)
		})
}

func mirrorsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if done, err := actionHelp("mirrors", mirrorsUsage, args, stdout); done {
		return err
	}
	action := args[0]
	fs := flag.NewFlagSet("mirrors "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := config.DataFlag(fs)
	kind := fs.String("kind", "", "`kind`: mirror, onion or lite (default mirror, or onion for a .onion host)")
	unlisted := fs.Bool("unlisted", false, "serve it but do not publish it")
	note := fs.String("note", "", "a `note` for the newsroom (never shown to readers)")
	position := fs.Int("position", 0, "order in the published list (smaller first)")
	fs.Usage = func() { fmt.Fprint(stderr, mirrorsUsage); fs.PrintDefaults() }
	// The origin may come before or after the flags.
	origin, _, err := parseWithArg(fs, args[1:])
	if err != nil {
		return err
	}
	if action != "list" && origin == "" {
		return fmt.Errorf("mirrors %s: give the mirror's origin, e.g. https://mirror.example.net", action)
	}
	db := filepath.Join(*data, "qalam.db")
	if _, err := os.Stat(db); err != nil {
		return fmt.Errorf("mirrors: no newsroom in %s (run serve once, or give --data): %w", *data, err)
	}
	store, err := sqlite.Open(db)
	if err != nil {
		return err
	}
	defer store.Close()
	ms, err := store.Mirrors(ctx)
	if err != nil {
		return err
	}
	find := func() (news.Mirror, bool) {
		for _, m := range ms {
			if o, err := news.NormalizeOrigin(origin, m.Kind); err == nil && o == m.Origin {
				return m, true
			}
		}
		return news.Mirror{}, false
	}
	switch action {
	case "list":
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ORIGIN\tKIND\tSTATE\tPOSITION\tNOTE")
		for _, m := range ms {
			state := "served, listed"
			switch {
			case !m.Active:
				state = "disabled"
			case !m.Listed:
				state = "served, unlisted"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", m.Origin, m.Kind, state, m.Position, m.Note)
		}
		return tw.Flush()
	case "add":
		m, exists := find()
		k := news.MirrorKind(*kind)
		if k == "" {
			k = news.MirrorPlain
			if exists {
				k = m.Kind
			} else if strings.HasSuffix(strings.ToLower(strings.TrimRight(origin, "/")), ".onion") {
				k = news.MirrorOnion
			}
		}
		m.Origin, m.Kind, m.Listed, m.Active, m.Updated = origin, k, !*unlisted, true, time.Now()
		if isSet(fs, "note") || !exists {
			m.Note = *note
		}
		if isSet(fs, "position") || !exists {
			m.Position = *position
		}
		if err := store.PutMirror(ctx, &m); err != nil {
			return fmt.Errorf("mirrors add: %w", err)
		}
		fmt.Fprintf(stdout, "%s %s (%s)\n", map[bool]string{true: "changed", false: "added"}[exists], m.Origin, m.Kind)
		return nil
	case "enable", "disable":
		m, ok := find()
		if !ok {
			return fmt.Errorf("mirrors %s: no mirror %s", action, origin)
		}
		m.Active, m.Updated = action == "enable", time.Now()
		if err := store.PutMirror(ctx, &m); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%sd %s\n", action, m.Origin)
		return nil
	case "remove":
		m, ok := find()
		if !ok {
			return fmt.Errorf("mirrors remove: no mirror %s", origin)
		}
		if err := store.DeleteMirror(ctx, m.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed %s\n", m.Origin)
		return nil
	}
	fmt.Fprint(stderr, mirrorsUsage)
	return fmt.Errorf("mirrors: unknown action %q", action)
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
