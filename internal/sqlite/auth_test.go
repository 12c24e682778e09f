package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"qalam/internal/news"
)

func openAuth(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestStaffAccounts(t *testing.T) {
	ctx := context.Background()
	db := openAuth(t)
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	link := news.SetupToken{TokenHash: "h1", Purpose: news.SetupInvite, Created: t0, Expires: t0.Add(time.Hour)}
	a := news.StaffAccount{Staff: news.Staff{Email: " Chief@Example.org ", Name: "Chief", Created: t0},
		Grants: []news.Grant{{Service: "kk", Role: news.RoleChief}, {Service: "ru", Role: news.RoleEditor}}}
	if err := db.CreateStaffAccount(ctx, &a, link); err != nil {
		t.Fatal(err)
	}
	got, err := db.StaffByEmail(ctx, "chief@EXAMPLE.org")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != a.ID || got.Email != "Chief@Example.org" || len(got.Grants) != 2 || got.Disabled || got.PasswordHash != "" {
		t.Fatalf("StaffByEmail = %+v", got)
	}
	dup := news.StaffAccount{Staff: news.Staff{Email: "chief@example.org", Name: "Other", Created: t0}}
	if err := db.CreateStaffAccount(ctx, &dup, news.SetupToken{TokenHash: "h2", Purpose: news.SetupInvite, Created: t0, Expires: t0.Add(time.Hour)}); !errors.Is(err, news.ErrConflict) {
		t.Fatalf("taken email: %v", err)
	}
	bad := news.StaffAccount{Staff: news.Staff{Email: "x@example.org", Name: "X", Created: t0}, Grants: []news.Grant{{Service: "kk", Role: news.RoleAdmin}}}
	if err := db.CreateStaffAccount(ctx, &bad, news.SetupToken{TokenHash: "h3", Purpose: news.SetupInvite, Created: t0, Expires: t0.Add(time.Hour)}); !errors.Is(err, news.ErrInvalid) {
		t.Fatalf("admin grant with a service: %v", err)
	}
	if _, err := db.StaffByEmail(ctx, "x@example.org"); !errors.Is(err, news.ErrNotFound) {
		t.Fatalf("a refused account was stored: %v", err)
	}

	// The setup link works once and not after it expires.
	if _, err := db.SetupToken(ctx, "h1", t0.Add(2*time.Hour)); !errors.Is(err, news.ErrNotFound) {
		t.Fatalf("expired link: %v", err)
	}
	if tok, err := db.UseSetupToken(ctx, "h1", t0.Add(time.Minute)); err != nil || tok.Staff != a.ID {
		t.Fatalf("UseSetupToken = %+v, %v", tok, err)
	}
	if _, err := db.UseSetupToken(ctx, "h1", t0.Add(time.Minute)); !errors.Is(err, news.ErrNotFound) {
		t.Fatalf("second use: %v", err)
	}

	// Sessions end when the person is disabled.
	s := news.StaffSession{ID: "s1", TokenHash: "t1", Staff: a.ID, Stage: news.StageFull, Created: t0, LastSeen: t0}
	if err := db.CreateSession(ctx, s, ""); err != nil {
		t.Fatal(err)
	}
	// Rotation: the new session replaces the old one in one step.
	s2 := s
	s2.ID, s2.TokenHash = "s2", "t2"
	if err := db.CreateSession(ctx, s2, "s1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionByToken(ctx, "t1"); !errors.Is(err, news.ErrNotFound) {
		t.Fatalf("replaced session still there: %v", err)
	}
	if err := db.SetDisabled(ctx, a.ID, true); err != nil {
		t.Fatal(err)
	}
	if ss, _ := db.StaffSessions(ctx, a.ID); len(ss) != 0 {
		t.Fatalf("disabled person keeps %d sessions", len(ss))
	}
	if got, _ := db.StaffAccount(ctx, a.ID); !got.Disabled {
		t.Fatal("not disabled")
	}
}

func TestSecondFactors(t *testing.T) {
	ctx := context.Background()
	db := openAuth(t)
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	a := news.StaffAccount{Staff: news.Staff{Email: "e@example.org", Name: "E", Created: t0}, Grants: []news.Grant{{Service: "kk", Role: news.RoleEditor}}}
	if err := db.CreateStaffAccount(ctx, &a, news.SetupToken{TokenHash: "h", Purpose: news.SetupInvite, Created: t0, Expires: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	f := news.Factor{Staff: a.ID, Kind: news.FactorTOTP, Name: "phone", Data: "SECRET", Created: t0}
	if err := db.AddFactor(ctx, &f); err != nil {
		t.Fatal(err)
	}
	if err := db.UseTOTPStep(ctx, f.ID, 100, t0); err != nil {
		t.Fatal(err)
	}
	for _, step := range []int64{100, 99} {
		if err := db.UseTOTPStep(ctx, f.ID, step, t0); !errors.Is(err, news.ErrConflict) {
			t.Fatalf("step %d replayed: %v", step, err)
		}
	}
	if err := db.UseTOTPStep(ctx, "nope", 1, t0); !errors.Is(err, news.ErrNotFound) {
		t.Fatalf("unknown factor: %v", err)
	}
	if err := db.SetRecoveryCodes(ctx, a.ID, []string{"c1", "c2"}, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.UseRecoveryCode(ctx, a.ID, "c1", t0); err != nil {
		t.Fatal(err)
	}
	if err := db.UseRecoveryCode(ctx, a.ID, "c1", t0); !errors.Is(err, news.ErrNotFound) {
		t.Fatalf("recovery code used twice: %v", err)
	}
	if n, _ := db.RecoveryCodesLeft(ctx, a.ID); n != 1 {
		t.Fatalf("%d codes left, want 1", n)
	}
	e := news.AuditEntry{At: t0, Actor: a.ID, Action: "login", IP: "192.0.2.1"}
	if err := db.AppendAudit(ctx, &e); err != nil || e.ID == 0 {
		t.Fatalf("AppendAudit: %v %d", err, e.ID)
	}
	log, err := db.Audit(ctx, 0, 10)
	if err != nil || len(log) != 1 || log[0].IP != "192.0.2.1" || !log[0].At.Equal(t0) {
		t.Fatalf("Audit = %+v, %v", log, err)
	}
}
