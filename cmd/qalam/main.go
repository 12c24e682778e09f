// Command qalam is the whole newsroom platform in one binary.
//
//	qalam serve [--addr 127.0.0.1:8080] [--data ./data] [--demo]
//
// Every subcommand that opens the newsroom takes the same --data flag, so
// they all work on one data dir, also while serve is running.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `qalam — a newsroom platform for multilingual news services.

Usage:
  qalam serve [flags]   serve the reader site, API and media (qalam serve --help)
  qalam translit kk-latn  Cyrillic Kazakh on stdin to the 2021 Latin alphabet on stdout
  qalam help            show this text

Settings come from flags or QALAM_* environment variables.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "qalam:", err)
		}
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], log, stderr)
	case "translit":
		return translitCmd(args[1:], os.Stdin, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
