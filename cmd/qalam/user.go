package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"qalam/internal/auth"
	"qalam/internal/config"
	"qalam/internal/news"
	"qalam/internal/sqlite"
)

const userUsage = `Usage:
  qalam user create --email E [--name N] --role R [--service S]   make a person; prints their one-time setup link
  qalam user reset --email E                                      print a one-time password-reset link

Roles: contributor, reporter, editor, chief (of a service) and admin (every
service, no --service). The first admin is made this way; admins and chiefs
invite everyone else from /admin. A link works once: the person opens it on
the admin origin, sets a password and, for editors and above, sets up an
authenticator app. A reset changes only the password: the second factor stays.

Flags (all commands take --data and --admin-origin):
`

func init() {
	register("user", 15, "qalam user create|reset     make staff accounts, print setup or reset links (qalam user help)",
		func(ctx context.Context, args []string, e env) error { return userCmd(ctx, args, e.stdout, e.stderr) })
}

func userCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, userUsage)
		if len(args) == 0 {
			return errors.New("user: no action given")
		}
		return nil
	}
	action := args[0]
	if action != "create" && action != "reset" {
		fmt.Fprint(stderr, userUsage)
		return fmt.Errorf("user: unknown action %q", action)
	}
	fs := flag.NewFlagSet("user "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := config.DataFlag(fs)
	email := fs.String("email", "", "the person's `email`, their sign-in name")
	name := fs.String("name", "", "their `name` (private; readers see bylines); default the email's local part")
	role := fs.String("role", "", "`role`: contributor, reporter, editor, chief or admin")
	service := fs.String("service", "", "the `service` code the role is in (not for admin)")
	origin := fs.String("admin-origin", "", "the admin `origin` the link is made on, e.g. https://news.example.org; default as serve would choose it from QALAM_ADMIN_ORIGIN, QALAM_PRIMARY, QALAM_HOSTS and QALAM_ADDR")
	fs.Usage = func() { fmt.Fprint(stderr, userUsage); fs.PrintDefaults() }
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("user %s: unexpected argument %q", action, fs.Arg(0))
	}
	if strings.TrimSpace(*email) == "" {
		return fmt.Errorf("user %s: give --email", action)
	}
	base, err := adminOrigin(*origin)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*data, 0o750); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	store, err := sqlite.Open(filepath.Join(*data, "qalam.db"))
	if err != nil {
		return err
	}
	defer store.Close()
	au := auth.New(auth.Config{Store: store, Services: store.Services})

	var link auth.Link
	var person news.StaffAccount
	switch action {
	case "create":
		r, err := news.ParseRole(*role)
		if err != nil {
			return fmt.Errorf("user create: --role: %w", err)
		}
		g := news.Grant{Service: *service, Role: r}
		if err := g.Validate(); err != nil {
			return fmt.Errorf("user create: %w", err)
		}
		n := strings.TrimSpace(*name)
		if n == "" {
			n, _, _ = strings.Cut(strings.TrimSpace(*email), "@")
		}
		link, person, err = au.CreateAccount(ctx, nil, *email, n, g, auth.Client{})
		if errors.Is(err, news.ErrConflict) {
			return fmt.Errorf("user create: %s already has an account (qalam user reset --email %s makes a new link)", *email, *email)
		}
		if err != nil {
			return fmt.Errorf("user create: %w", err)
		}
		fmt.Fprintf(stdout, "Created %s <%s> as %s.\n", person.Name, person.Email, g)
	case "reset":
		link, person, err = au.OperatorReset(ctx, *email)
		if errors.Is(err, news.ErrNotFound) {
			return fmt.Errorf("user reset: no account for %s", *email)
		}
		if err != nil {
			return fmt.Errorf("user reset: %w", err)
		}
		fmt.Fprintf(stdout, "Password-reset link for %s <%s>; their second factor stays.\n", person.Name, person.Email)
	}
	fmt.Fprintf(stdout, "One-time link (works once, until %s):\n%s/admin/setup?t=%s\n",
		link.Expires.UTC().Format("2006-01-02 15:04 UTC"), base, url.QueryEscape(link.Token))
	if u, _ := url.Parse(base); u != nil && u.Scheme == "http" && !localOrOnion(u.Hostname()) {
		fmt.Fprintln(stderr, "note: the admin's session cookie is Secure; browsers keep it only over https, on localhost or on .onion")
	}
	return nil
}

// adminOrigin is the --admin-origin given, or the one serve would choose
// from the same QALAM_* settings (QALAM_ADMIN_ORIGIN among them).
func adminOrigin(v string) (string, error) {
	if v == "" {
		o, err := config.ParseServe(nil, io.Discard)
		if err != nil {
			return "", fmt.Errorf("user: working out the admin origin: %w (give --admin-origin)", err)
		}
		return o.AdminOrigin.String(), nil
	}
	if !strings.Contains(v, "://") {
		v = "https://" + v
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return "", fmt.Errorf("user: --admin-origin %q: give an origin such as https://news.example.org", v)
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

func localOrOnion(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1" || strings.HasSuffix(host, ".onion")
}
