package config

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func TestNewsletterFlags(t *testing.T) {
	t.Setenv("QALAM_SMTP_USER", "")
	t.Setenv("QALAM_SMTP_PASSWORD", "")
	o, err := ParseServe(nil, io.Discard)
	if err != nil || o.Newsletter.Enabled() || o.Newsletter.At != 18*time.Hour || o.Newsletter.TLS != "starttls" {
		t.Fatalf("defaults: %+v, %v", o.Newsletter, err)
	}
	o, err = ParseServe([]string{"--smtp-addr", "127.0.0.1:2525", "--smtp-from", "News <news@example.org>", "--smtp-tls", "none", "--newsletter-at", "07:30"}, io.Discard)
	if err != nil || !o.Newsletter.Enabled() || o.Newsletter.At != 7*time.Hour+30*time.Minute {
		t.Fatalf("loopback: %+v, %v", o.Newsletter, err)
	}
	for _, bad := range [][]string{
		{"--smtp-addr", "mail.example.org"},
		{"--smtp-addr", "mail.example.org:25"}, // no From
		{"--smtp-addr", "mail.example.org:25", "--smtp-from", "n@example.org", "--smtp-tls", "none"},
		{"--smtp-addr", "mail.example.org:25", "--smtp-from", "n@example.org", "--smtp-tls", "maybe"},
		{"--newsletter-at", "25:00"},
	} {
		if _, err := ParseServe(bad, io.Discard); err == nil {
			t.Errorf("ParseServe(%q) accepted", bad)
		}
	}
}

func TestSMTPPasswordNeverPrinted(t *testing.T) {
	t.Setenv("QALAM_SMTP_USER", "newsroom")
	t.Setenv("QALAM_SMTP_PASSWORD", "hunter2-secret")
	o, err := ParseServe([]string{"--smtp-addr", "mail.example.org:587", "--smtp-from", "n@example.org"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.Newsletter.Password.Reveal() != "hunter2-secret" {
		t.Fatal("password not read from the environment")
	}
	for _, s := range []string{fmt.Sprint(o), fmt.Sprintf("%+v", o), fmt.Sprintf("%#v", o), fmt.Sprintf("%v", o.Newsletter.Password)} {
		if strings.Contains(s, "hunter2") {
			t.Errorf("password printed: %s", s)
		}
	}
	t.Setenv("QALAM_SMTP_PASSWORD", "")
	if _, err := ParseServe([]string{"--smtp-addr", "mail.example.org:587", "--smtp-from", "n@example.org"}, io.Discard); err == nil {
		t.Error("a user without a password was accepted")
	}
}
