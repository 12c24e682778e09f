// Command qalam is the whole newsroom platform in one binary.
//
//	qalam serve [--addr 127.0.0.1:8080] [--data ./data] [--demo]
//
// Every subcommand that opens the newsroom takes the same --data flag, so
// they all work on one data dir, also while serve is running. Each
// subcommand lives in its own file and registers itself in commands.
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
	"sort"
	"strings"
	"syscall"
)

// env is what a subcommand runs with.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
}

// command is one subcommand: its one-line synopsis for the usage text and
// the function that runs it.
type command struct {
	synopsis string
	order    int // position in the usage text
	run      func(ctx context.Context, args []string, e env) error
}

var commands = map[string]command{}

// register adds a subcommand; called from the init of the file that holds it.
func register(name string, order int, synopsis string, run func(ctx context.Context, args []string, e env) error) {
	if _, dup := commands[name]; dup {
		panic("qalam: command registered twice: " + name)
	}
	commands[name] = command{synopsis: synopsis, order: order, run: run}
}

func usage() string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := commands[names[i]], commands[names[j]]
		if a.order != b.order {
			return a.order < b.order
		}
		return names[i] < names[j]
	})
	var b strings.Builder
	b.WriteString("qalam — a newsroom platform for multilingual news services.\n\nUsage:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %s\n", commands[n].synopsis)
	}
	b.WriteString("  qalam help                show this text\n\nSettings come from flags or QALAM_* environment variables.\n")
	return b.String()
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdin, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "qalam:", err)
		}
		os.Exit(2)
	}
}

func run(ctx context.Context, stdin io.Reader, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return errors.New("no command given")
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage())
		return nil
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprint(stderr, usage())
		return fmt.Errorf("unknown command %q", args[0])
	}
	e := env{stdin: stdin, stdout: stdout, stderr: stderr, log: slog.New(slog.NewTextHandler(stderr, nil))}
	return c.run(ctx, args[1:], e)
}

// actionHelp answers `qalam NAME` without an action or with help: usage on
// stdout, and an error when no action was given. It reports whether it
// answered.
func actionHelp(name, usage string, args []string, stdout io.Writer) (bool, error) {
	if len(args) > 0 && args[0] != "help" && args[0] != "-h" && args[0] != "--help" {
		return false, nil
	}
	fmt.Fprint(stdout, usage)
	if len(args) == 0 {
		return true, errors.New(name + ": no action given")
	}
	return true, nil
}

// parseWithArg parses an action's flags, with its one positional argument
// (an origin, a URL, an ID) allowed before or after them. It returns the
// argument ("" if none) and what follows it.
func parseWithArg(fs *flag.FlagSet, args []string) (arg string, rest []string, err error) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		arg, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return "", nil, err
	}
	if arg == "" && fs.NArg() > 0 {
		return fs.Arg(0), fs.Args()[1:], nil
	}
	return arg, fs.Args(), nil
}
