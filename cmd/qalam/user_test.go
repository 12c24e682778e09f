package main

import (
	"bytes"
	"context"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"qalam/internal/auth"
	"qalam/internal/news"
	"qalam/internal/sqlite"
)

var linkRe = regexp.MustCompile(`(?m)^(https?://[^/\s]+)/admin/setup\?t=(\S+)$`)

func runUser(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), nil, append([]string{"user"}, args...), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestUserCreateFirstAdmin(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runUser(t, "create", "--email", "Boss@Example.org", "--role", "admin", "--data", dir, "--admin-origin", "https://news.example.org")
	if err != nil {
		t.Fatal(err)
	}
	m := linkRe.FindStringSubmatch(out)
	if m == nil || m[1] != "https://news.example.org" || !strings.Contains(out, "Created Boss <Boss@Example.org> as admin") {
		t.Fatalf("output:\n%s", out)
	}
	token, err := url.QueryUnescape(m[2])
	if err != nil {
		t.Fatal(err)
	}

	st, err := sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	a, err := st.StaffByEmail(ctx, "boss@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Grants) != 1 || a.Grants[0] != (news.Grant{Role: news.RoleAdmin}) || a.PasswordHash != "" {
		t.Fatalf("account %+v", a)
	}
	if log, _ := st.Audit(ctx, 0, 10); len(log) != 1 || log[0].Action != "invite" || log[0].Actor != "" {
		t.Fatalf("audit %+v", log)
	}
	// The printed link is the person's, works once, and then is gone.
	au := auth.New(auth.Config{Store: st, Params: auth.Params{Time: 1, Memory: 1024, Threads: 1}})
	link, who, err := au.SetupLink(ctx, token)
	if err != nil || who.ID != a.ID || link.Purpose != news.SetupInvite || link.Expires.Before(time.Now().Add(71*time.Hour)) {
		t.Fatalf("SetupLink: %+v %+v %v", link, who, err)
	}
	if _, _, err := au.CompleteSetup(ctx, token, "a long enough password", auth.Client{}, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := au.CompleteSetup(ctx, token, "a long enough password", auth.Client{}, ""); err != auth.ErrSetupLink {
		t.Fatalf("second use: %v", err)
	}
	st.Close()

	// The same email again is refused; a reset link is made instead.
	if _, _, err := runUser(t, "create", "--email", "boss@example.org", "--role", "admin", "--data", dir, "--admin-origin", "news.example.org"); err == nil ||
		!strings.Contains(err.Error(), "already has an account") {
		t.Fatalf("duplicate: %v", err)
	}
	out, _, err = runUser(t, "reset", "--email", "boss@example.org", "--data", dir, "--admin-origin", "news.example.org")
	if err != nil || !linkRe.MatchString(out) || !strings.Contains(out, "second factor stays") {
		t.Fatalf("reset: %v\n%s", err, out)
	}
}

func TestUserCreateRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"create", "--role", "admin"},                              // no email
		{"create", "--email", "a@example.org", "--role", "king"},   // unknown role
		{"create", "--email", "a@example.org", "--role", "editor"}, // no service
		{"create", "--email", "a@example.org", "--role", "admin", "--service", "kk"},
		{"create", "--email", "a@example.org", "--role", "editor", "--service", "zz"}, // no such service
		{"create", "--email", "not-an-email", "--role", "admin"},
		{"create", "--email", "a@example.org", "--role", "admin", "--admin-origin", "ftp://x"},
		{"reset", "--email", "nobody@example.org"},
		{"delete", "--email", "a@example.org"},
	} {
		args = append(args, "--data", dir)
		if out, _, err := runUser(t, args...); err == nil || linkRe.MatchString(out) {
			t.Errorf("user %v: err %v\n%s", args, err, out)
		}
	}
	st, err := sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if all, _ := st.StaffAccounts(context.Background()); len(all) != 0 {
		t.Fatalf("refused commands made %d accounts", len(all))
	}
}

func TestUserDefaultOrigin(t *testing.T) {
	t.Setenv("QALAM_ADDR", "127.0.0.1:9999")
	t.Setenv("QALAM_HOSTS", "https://news.example.org,https://admin.example.org")
	t.Setenv("QALAM_ADMIN_ORIGIN", "admin.example.org")
	out, _, err := runUser(t, "create", "--email", "a@example.org", "--role", "admin", "--data", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if m := linkRe.FindStringSubmatch(out); m == nil || m[1] != "https://admin.example.org" {
		t.Fatalf("output:\n%s", out)
	}
}
