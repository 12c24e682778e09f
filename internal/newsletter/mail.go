package newsletter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"strings"

	"qalam/assets"
	"qalam/internal/i18n"
	"qalam/internal/news"
)

// Message is one mail to one reader.
type Message struct {
	To      string
	Subject string
	Text    string // the plain-text part
	HTML    string // the HTML alternative
	Lang    string // Content-Language
	// Unsubscribe is the one-click unsubscribe URL of an edition: it goes
	// into List-Unsubscribe with List-Unsubscribe-Post (RFC 8058). "" for
	// a confirmation mail.
	Unsubscribe string
	ListID      string // List-Id of an edition
}

// The outcome of a failed Send, as the at-most-once rule needs it. Every
// error a Session returns wraps exactly one of these.
var (
	// ErrNotSent: the server took nothing (no connection, a temporary
	// refusal, a reply before the message was complete). Trying again is
	// safe.
	ErrNotSent = errors.New("not sent")
	// ErrRefused: the server refused this recipient for good.
	ErrRefused = errors.New("refused")
	// ErrUncertain: the connection broke after the whole message was
	// written and before the server's answer, so it may have been taken.
	// It is never sent again.
	ErrUncertain = errors.New("delivery uncertain")
)

// Mailer opens sessions with a mail server.
type Mailer interface {
	Open(ctx context.Context) (Session, error)
}

// Session sends messages over one connection. Errors never carry the
// recipient's address: they are logged and stored with the job.
type Session interface {
	Send(m *Message) error
	Close() error
}

var emailTemplate = template.Must(template.New("newsletter-email.html").ParseFS(assets.Templates, "templates/newsletter-email.html"))

// emailData is the data of newsletter-email.html.
type emailData struct {
	Lang, Dir, Subject, Service string
	// A confirmation mail.
	Confirm, Intro, Button, Ignore string
	// An edition.
	Heading          string
	Stories          []news.EditionStory
	Mirrors          []news.EditionMirror
	MirrorsLabel     string
	Fingerprint      string
	FingerprintLabel string
	Why              string
	Unsubscribe      string
	UnsubscribeLabel string
}

func renderEmail(d emailData) (string, error) {
	var b bytes.Buffer
	if err := emailTemplate.ExecuteTemplate(&b, "email", d); err != nil {
		return "", fmt.Errorf("newsletter: mail template: %w", err)
	}
	return b.String(), nil
}

// servicePath is /newsletter/{service}/ + rest on the primary origin.
func serviceURL(primary string, svc news.Service, rest string, token string) string {
	u := strings.TrimSuffix(primary, "/") + Prefix + svc.Code + "/" + rest
	if token != "" {
		u += "?" + url.Values{"token": {token}}.Encode()
	}
	return u
}

// ConfirmMessage is the mail that asks an address to confirm.
func ConfirmMessage(svc news.Service, primary, email, token string) (*Message, error) {
	cat := i18n.For(svc.Lang)
	link := serviceURL(primary, svc, "confirm", token)
	d := emailData{
		Lang: svc.Lang, Dir: svc.Dir, Service: svc.Name,
		Subject: cat.T("newsletter.confirm.subject", svc.Name),
		Confirm: link,
		Intro:   cat.T("newsletter.confirm.intro", svc.Name),
		Button:  cat.T("newsletter.confirm.button"),
		Ignore:  cat.T("newsletter.confirm.ignore"),
	}
	html, err := renderEmail(d)
	if err != nil {
		return nil, err
	}
	text := d.Service + "\n\n" + d.Intro + "\n\n" + link + "\n\n" + d.Ignore + "\n"
	return &Message{To: email, Subject: d.Subject, Text: text, HTML: html, Lang: svc.Lang}, nil
}

// EditionMessage is an edition as one recipient gets it: the same content
// for all, with the recipient's own unsubscribe link.
func EditionMessage(svc news.Service, primary string, e news.Edition, r news.Recipient) (*Message, error) {
	cat := i18n.For(svc.Lang)
	unsub := serviceURL(primary, svc, "unsubscribe", r.UnsubToken)
	d := emailData{
		Lang: svc.Lang, Dir: svc.Dir, Service: svc.Name, Subject: e.Content.Subject,
		Heading: e.Content.Subject, Stories: e.Content.Stories, Mirrors: e.Content.Mirrors,
		MirrorsLabel: cat.T("newsletter.edition.mirrors"), Fingerprint: e.Content.Fingerprint,
		FingerprintLabel: cat.T("newsletter.edition.fingerprint"), Why: cat.T("newsletter.edition.why"),
		Unsubscribe: unsub, UnsubscribeLabel: cat.T("newsletter.edition.unsubscribe"),
	}
	html, err := renderEmail(d)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString(d.Service + "\n" + d.Heading + "\n\n")
	for _, s := range d.Stories {
		b.WriteString(s.Headline + "\n")
		if s.Deck != "" {
			b.WriteString(s.Deck + "\n")
		}
		b.WriteString(s.URL + "\n\n")
	}
	if len(d.Mirrors) > 0 {
		b.WriteString("--\n" + d.MirrorsLabel + "\n")
		for _, m := range d.Mirrors {
			b.WriteString(m.URL + "\n")
		}
		b.WriteString("\n")
	}
	if d.Fingerprint != "" {
		b.WriteString(d.FingerprintLabel + " " + d.Fingerprint + "\n\n")
	}
	b.WriteString(d.Why + "\n" + d.UnsubscribeLabel + ": " + unsub + "\n")
	host := primary
	if u, err := url.Parse(primary); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return &Message{To: r.Email, Subject: d.Subject, Text: b.String(), HTML: html, Lang: svc.Lang,
		Unsubscribe: unsub, ListID: fmt.Sprintf("<%s.newsletter.%s>", svc.Code, host)}, nil
}
