package newsletter_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// mailpit is a real SMTP server (github.com/axllent/mailpit) started for
// one test on loopback; its HTTP API shows what it received.
type mailpit struct {
	SMTP string // host:port
	API  string // http://host:port
	cmd  *exec.Cmd
}

// mailpitBinary finds mailpit in PATH or $(go env GOPATH)/bin. Without it
// the test fails when CI=true or QALAM_E2E=require (scripts/test.sh
// installs it), and is skipped otherwise.
func mailpitBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", "mailpit")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "mailpit not found in PATH or $(go env GOPATH)/bin: go install github.com/axllent/mailpit@v1.33.1"
	if os.Getenv("CI") == "true" || os.Getenv("QALAM_E2E") == "require" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// freePort returns a loopback address nothing listens on (yet).
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startMailpit starts mailpit with its SMTP server on smtpAddr ("" for a
// free port) and stops it when the test ends.
func startMailpit(t *testing.T, smtpAddr string, args ...string) *mailpit {
	t.Helper()
	bin := mailpitBinary(t)
	if smtpAddr == "" {
		smtpAddr = freePort(t)
	}
	httpAddr := freePort(t)
	cmd := exec.Command(bin, "--smtp", smtpAddr, "--listen", httpAddr,
		"--database", filepath.Join(t.TempDir(), "mailpit.db"),
		"--quiet", "--disable-version-check", "--smtp-disable-rdns")
	cmd.Args = append(cmd.Args, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m := &mailpit{SMTP: smtpAddr, API: "http://" + httpAddr, cmd: cmd}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(m.API + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if c, err := net.Dial("tcp", smtpAddr); err == nil {
					c.Close()
					return m
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit did not start on %s / %s", smtpAddr, httpAddr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type mpSummary struct {
	ID      string
	Subject string
	To      []struct{ Address string }
}

func (m *mailpit) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	resp, err := http.Get(m.API + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}

// messages lists what mailpit received, newest first.
func (m *mailpit) messages(t *testing.T) []mpSummary {
	t.Helper()
	var out struct {
		Total    int
		Messages []mpSummary
	}
	m.getJSON(t, "/api/v1/messages?limit=500", &out)
	return out.Messages
}

// to returns the messages received for addr.
func (m *mailpit) to(t *testing.T, addr string) []mpSummary {
	t.Helper()
	var out []mpSummary
	for _, s := range m.messages(t) {
		for _, a := range s.To {
			if strings.EqualFold(a.Address, addr) {
				out = append(out, s)
			}
		}
	}
	return out
}

// waitTo waits until addr has n messages, and fails if it gets more.
func (m *mailpit) waitTo(t *testing.T, addr string, n int) []mpSummary {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := m.to(t, addr)
		if len(got) == n {
			return got
		}
		if len(got) > n || time.Now().After(deadline) {
			t.Fatalf("%s has %d messages, want %d", addr, len(got), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type mpMessage struct {
	Subject string
	Text    string
	HTML    string
}

func (m *mailpit) message(t *testing.T, id string) mpMessage {
	t.Helper()
	var out mpMessage
	m.getJSON(t, "/api/v1/message/"+id, &out)
	return out
}

func (m *mailpit) headers(t *testing.T, id string) http.Header {
	t.Helper()
	var out map[string][]string
	m.getJSON(t, "/api/v1/message/"+id+"/headers", &out)
	h := http.Header{}
	for k, vs := range out {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	return h
}

func (m *mailpit) String() string { return fmt.Sprintf("mailpit smtp %s api %s", m.SMTP, m.API) }
