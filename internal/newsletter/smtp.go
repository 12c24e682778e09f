package newsletter

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// SMTP is a Mailer on an SMTP server (go-mail).
type SMTP struct {
	Addr     string // host:port
	From     string // "Name <addr>" or addr
	User     string // empty: no authentication
	Password string
	// TLS is "starttls" (opportunistic, the default), "require"
	// (mandatory STARTTLS), "tls" (implicit TLS) or "none".
	TLS     string
	Timeout time.Duration // per SMTP command; default 30 s
	// RootCAs verify the server's certificate; nil means the system's.
	RootCAs *x509.CertPool
}

// Open connects and greets the server (and authenticates).
func (s *SMTP) Open(ctx context.Context) (Session, error) {
	host, portStr, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return nil, fmt.Errorf("smtp address %q: %v: %w", s.Addr, err, ErrNotSent)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("smtp address %q: bad port: %w", s.Addr, ErrNotSent)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	opts := []mail.Option{mail.WithPort(port), mail.WithTimeout(timeout)}
	switch s.TLS {
	case "", "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case "require":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "tls":
		opts = append(opts, mail.WithSSLPort(false))
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		return nil, fmt.Errorf("smtp: unknown TLS policy %q: %w", s.TLS, ErrNotSent)
	}
	opts = append(opts, mail.WithTLSConfig(&tls.Config{ServerName: host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}))
	if s.User != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.User), mail.WithPassword(s.Password))
	}
	c, err := mail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp: %v: %w", err, ErrNotSent)
	}
	if s.TLS == "tls" {
		c.SetSSLPort(true, false)
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("smtp: connecting to %s: %v: %w", s.Addr, err, ErrNotSent)
	}
	return &smtpSession{c: c, sc: sc, from: s.From}, nil
}

type smtpSession struct {
	c    *mail.Client
	sc   *smtp.Client
	from string
}

func (s *smtpSession) Send(m *Message) error {
	msg := mail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("smtp: From address: %v: %w", err, ErrNotSent)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("smtp: the recipient's address is not valid: %w", ErrRefused)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	if m.Lang != "" {
		msg.SetGenHeader(mail.HeaderContentLang, m.Lang)
	}
	if m.Unsubscribe != "" {
		msg.SetBulk()
		msg.SetGenHeaderPreformatted(mail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		msg.SetGenHeaderPreformatted(mail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	if m.ListID != "" {
		msg.SetGenHeader(mail.Header("List-Id"), m.ListID)
	}
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	err := s.c.SendWithSMTPClient(s.sc, msg)
	if msg.IsDelivered() {
		return nil // a failure after the server took it (RSET) does not matter
	}
	return classify(err, m.To)
}

func (s *smtpSession) Close() error { return s.c.CloseWithSMTPClient(s.sc) }

// classify turns a go-mail error into one wrapping ErrNotSent, ErrRefused
// or ErrUncertain, naming the SMTP step and reply code but never the
// recipient (go-mail's own message lists the addresses).
func classify(err error, to string) error {
	if err == nil {
		return fmt.Errorf("smtp: not delivered, no error given: %w", ErrUncertain)
	}
	var se *mail.SendError
	if !errors.As(err, &se) {
		return fmt.Errorf("smtp: %s: %w", scrub(err, to), ErrNotSent)
	}
	code := se.ErrorCode()
	step := se.Reason.String()
	switch {
	case se.Reason == mail.ErrSMTPDataClose && code == 0:
		// The whole message was written; the answer never came.
		return fmt.Errorf("smtp: %s, no reply: %w", step, ErrUncertain)
	case se.Reason == mail.ErrSMTPRcptTo && code >= 500:
		return fmt.Errorf("smtp: %s, reply %d %s: %w", step, code, se.EnhancedStatusCode(), ErrRefused)
	case se.Reason == mail.ErrSMTPDataClose && code >= 500:
		return fmt.Errorf("smtp: %s, reply %d %s: %w", step, code, se.EnhancedStatusCode(), ErrRefused)
	default:
		return fmt.Errorf("smtp: %s, reply %d %s: %w", step, code, se.EnhancedStatusCode(), ErrNotSent)
	}
}

// scrub is the text of an error that is not a SendError (a dial or TLS
// failure), without the recipient's address should it hold one.
func scrub(err error, to string) string {
	s := err.Error()
	if to != "" {
		s = strings.ReplaceAll(s, to, "<recipient>")
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
