package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Newsletter holds the settings of the newsletters (internal/newsletter):
// off unless an SMTP server is given.
type Newsletter struct {
	SMTPAddr string // host:port of the mail server; "" turns newsletters off
	From     string // the From address, e.g. "News <news@example.org>"
	User     string // SMTP login, from QALAM_SMTP_USER only
	Password Secret // from QALAM_SMTP_PASSWORD only; never printed
	// TLS is "starttls" (opportunistic STARTTLS, the default), "require"
	// (STARTTLS or fail), "tls" (implicit TLS, usually port 465) or "none"
	// (plain text, allowed only to a loopback address).
	TLS string
	// At is the local time of day, in each service's zone, at which the
	// day's edition goes out.
	At time.Duration
}

// Enabled reports whether newsletters are on.
func (n Newsletter) Enabled() bool { return n.SMTPAddr != "" }

// Secret is a string that never prints: fmt and log/slog show
// "[redacted]" for it.
type Secret string

// String hides the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// GoString hides the value from %#v.
func (s Secret) GoString() string { return `"` + s.String() + `"` }

// Reveal returns the value, for the one place that must send it.
func (s Secret) Reveal() string { return string(s) }

// newsletterFlags registers the newsletter flags on fs and returns the
// function that checks them after parsing.
func newsletterFlags(fs *flag.FlagSet, n *Newsletter) func() error {
	fs.StringVar(&n.SMTPAddr, "smtp-addr", env("QALAM_SMTP_ADDR", ""), "`host:port` of the SMTP server for newsletters; newsletters are off without it (env QALAM_SMTP_ADDR; login from QALAM_SMTP_USER and QALAM_SMTP_PASSWORD)")
	fs.StringVar(&n.From, "smtp-from", env("QALAM_SMTP_FROM", ""), "newsletters' From `address`, e.g. \"News <news@example.org>\" (env QALAM_SMTP_FROM)")
	fs.StringVar(&n.TLS, "smtp-tls", env("QALAM_SMTP_TLS", "starttls"), "SMTP `policy`: starttls (opportunistic), require, tls (implicit, port 465) or none (loopback only) (env QALAM_SMTP_TLS)")
	at := fs.String("newsletter-at", env("QALAM_NEWSLETTER_AT", "18:00"), "local `time` of day (HH:MM, each service's zone) when the daily edition goes out (env QALAM_NEWSLETTER_AT)")
	n.User = env("QALAM_SMTP_USER", "")
	n.Password = Secret(env("QALAM_SMTP_PASSWORD", ""))
	return func() error {
		d, err := parseClock(*at)
		if err != nil {
			return fmt.Errorf("serve: --newsletter-at %q: %v", *at, err)
		}
		n.At = d
		if !n.Enabled() {
			return nil
		}
		host, port, err := net.SplitHostPort(n.SMTPAddr)
		if err != nil || host == "" {
			return fmt.Errorf("serve: --smtp-addr %q: give host:port", n.SMTPAddr)
		}
		if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
			return fmt.Errorf("serve: --smtp-addr %q: bad port", n.SMTPAddr)
		}
		if a, err := mail.ParseAddress(n.From); err != nil || a.Address == "" {
			return errors.New("serve: newsletters need --smtp-from, a valid From address (env QALAM_SMTP_FROM)")
		}
		switch n.TLS {
		case "starttls", "require", "tls":
		case "none":
			if !loopback(host) {
				return fmt.Errorf("serve: --smtp-tls none sends mail and passwords in clear text; it is allowed only to a loopback address, not %q", host)
			}
		default:
			return fmt.Errorf("serve: --smtp-tls %q: want starttls, require, tls or none", n.TLS)
		}
		if (n.User == "") != (n.Password == "") {
			return errors.New("serve: set both QALAM_SMTP_USER and QALAM_SMTP_PASSWORD, or neither")
		}
		return nil
	}
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// parseClock reads "HH:MM" as the time since midnight.
func parseClock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, errors.New("give a time of day as HH:MM")
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}
