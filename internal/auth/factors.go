package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image/png"
	"strings"

	"github.com/pquerna/otp"

	"qalam/internal/news"
)

// RecoveryCodes is how many recovery codes a person gets at a time.
const RecoveryCodes = 10

// recoveryAlphabet has no 0/o or 1/l to confuse when copied by hand.
const recoveryAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// newRecoveryCode returns 16 characters (80 bits) as xxxx-xxxx-xxxx-xxxx.
// That much entropy makes a plain SHA-256 of it safe to store.
func newRecoveryCode() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	var s strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			s.WriteByte('-')
		}
		s.WriteByte(recoveryAlphabet[int(c)%len(recoveryAlphabet)])
	}
	return s.String()
}

// hashRecovery normalizes a typed code (case, spaces, dashes) and hashes it.
func hashRecovery(code string) string {
	code = strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, code)
	s := sha256.Sum256([]byte("qalam recovery code:" + code))
	return hex.EncodeToString(s[:])
}

// isTOTPCode reports whether code looks like six digits (spaces allowed).
func isTOTPCode(code string) bool {
	n := 0
	for _, r := range code {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == ' ' || r == '-':
		default:
			return false
		}
	}
	return n == 6
}

// checkFactor accepts a code from any of the person's TOTP factors, or one
// of their unused recovery codes (using it up). It returns how the person
// proved themselves. Passkeys answer their own ceremonies (passkey.go).
func (au *Auth) checkFactor(ctx context.Context, staff, code string) (string, error) {
	now := au.cfg.Now()
	if isTOTPCode(code) {
		fs, err := au.store.Factors(ctx, staff)
		if err != nil {
			return "", err
		}
		for _, f := range fs {
			if f.Kind != news.FactorTOTP {
				continue
			}
			step := matchTOTP(f.Data, code, now, f.LastStep)
			if step == 0 {
				continue
			}
			err := au.store.UseTOTPStep(ctx, f.ID, step, now)
			if errors.Is(err, news.ErrConflict) {
				return "", ErrBadCode // the same code, raced in twice
			}
			if err != nil {
				return "", err
			}
			return "totp", nil
		}
		return "", ErrBadCode
	}
	if len(code) > 64 {
		return "", ErrBadCode
	}
	err := au.store.UseRecoveryCode(ctx, staff, hashRecovery(code), now)
	if errors.Is(err, news.ErrNotFound) {
		return "", ErrBadCode
	}
	if err != nil {
		return "", err
	}
	return "recovery code", nil
}

// proveFactor runs checkFactor under the attempt limits of the person and
// the address, recording failures.
func (au *Auth) proveFactor(ctx context.Context, a news.StaffAccount, code string, c Client) (string, error) {
	finish, err := attempt(budget{au.ip, ipKey(c)}, budget{au.acct, acctKey(a.Email)})
	if err != nil {
		return "", err
	}
	how, err := au.checkFactor(ctx, a.ID, strings.TrimSpace(code))
	finish(!errors.Is(err, ErrBadCode))
	if errors.Is(err, ErrBadCode) {
		au.audit(ctx, a.ID, "2fa.fail", a.ID, "", c, "")
	}
	return how, err
}

// SecondFactor completes a sign-in waiting for its second factor: a TOTP
// code or a recovery code. On success the session is replaced by a new
// one (a new token) that is signed in with the factor fresh.
func (au *Auth) SecondFactor(ctx context.Context, a *Actor, code string, c Client) (string, error) {
	if a == nil || a.Session.Stage != news.StagePassword {
		return "", ErrNoSession
	}
	how, err := au.proveFactor(ctx, a.StaffAccount, code, c)
	if err != nil {
		return "", err
	}
	tok, err := au.startSession(ctx, a.ID, news.StageFull, au.cfg.Now(), c, a.Token)
	if err != nil {
		return "", err
	}
	au.audit(ctx, a.ID, "2fa", a.ID, "", c, how)
	return tok, nil
}

// Confirm re-proves a second factor in a signed-in session, so sensitive
// actions are allowed for the next FreshFor.
func (au *Auth) Confirm(ctx context.Context, a *Actor, code string, c Client) error {
	if a == nil || a.Session.Stage != news.StageFull {
		return ErrNoSession
	}
	how, err := au.proveFactor(ctx, a.StaffAccount, code, c)
	if err != nil {
		return err
	}
	a.Session.FactorAt = au.cfg.Now()
	if err := au.store.UpdateSession(ctx, a.Session); err != nil {
		return err
	}
	a.fresh = true
	au.audit(ctx, a.ID, "2fa.confirm", a.ID, "", c, how)
	return nil
}

// HasFactor reports whether the person has any second factor.
func (au *Auth) HasFactor(ctx context.Context, staff string) (bool, error) {
	fs, err := au.store.Factors(ctx, staff)
	return len(fs) > 0, err
}

// RecoveryCodesLeft counts the person's unused recovery codes.
func (au *Auth) RecoveryCodesLeft(ctx context.Context, staff string) (int, error) {
	return au.store.RecoveryCodesLeft(ctx, staff)
}

// Enrollment is a TOTP secret offered to a person: typed into an
// authenticator app by hand (Secret), opened as a link (URI), or scanned
// (QR, a PNG).
type Enrollment struct {
	Secret string
	URI    string
	QR     []byte
}

// StartEnroll offers the actor a TOTP secret, the same one until it is
// confirmed (kept in the session, not yet a factor). A person has at most
// one authenticator app for now.
func (au *Auth) StartEnroll(ctx context.Context, a *Actor) (Enrollment, error) {
	if a == nil || (a.Session.Stage != news.StageEnroll && a.Session.Stage != news.StageFull) {
		return Enrollment{}, ErrNoSession
	}
	if err := au.noTOTPYet(ctx, a.ID); err != nil {
		return Enrollment{}, err
	}
	var key *otp.Key
	var err error
	if a.Session.PendingTOTP != "" {
		key, err = otp.NewKeyFromURL(a.Session.PendingTOTP)
	} else {
		key, err = newTOTPKey(au.cfg.Issuer, a.Email)
		if err == nil {
			a.Session.PendingTOTP = key.URL()
			err = au.store.UpdateSession(ctx, a.Session)
		}
	}
	if err != nil {
		return Enrollment{}, err
	}
	e := Enrollment{Secret: key.Secret(), URI: key.URL()}
	if img, err := key.Image(240, 240); err == nil {
		var b bytes.Buffer
		if png.Encode(&b, img) == nil {
			e.QR = b.Bytes()
		}
	}
	return e, nil
}

func (au *Auth) noTOTPYet(ctx context.Context, staff string) error {
	fs, err := au.store.Factors(ctx, staff)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if f.Kind == news.FactorTOTP {
			return news.Invalidf("an authenticator app is already set up")
		}
	}
	return nil
}

// FinishEnroll checks a code from the offered secret; on success the
// secret becomes the person's factor, they get fresh recovery codes (shown
// once: only their hashes are kept), and the session is replaced by a
// signed-in one with the factor fresh. It returns the new token and the
// codes.
func (au *Auth) FinishEnroll(ctx context.Context, a *Actor, code string, c Client) (string, []string, error) {
	if a == nil || (a.Session.Stage != news.StageEnroll && a.Session.Stage != news.StageFull) {
		return "", nil, ErrNoSession
	}
	if a.Session.PendingTOTP == "" {
		return "", nil, news.Invalidf("start setting up the authenticator app first")
	}
	if err := au.noTOTPYet(ctx, a.ID); err != nil {
		return "", nil, err
	}
	key, err := otp.NewKeyFromURL(a.Session.PendingTOTP)
	if err != nil {
		return "", nil, err
	}
	finish, err := attempt(budget{au.ip, ipKey(c)}, budget{au.acct, acctKey(a.Email)})
	if err != nil {
		return "", nil, err
	}
	now := au.cfg.Now()
	step := matchTOTP(key.Secret(), strings.TrimSpace(code), now, 0)
	finish(step != 0)
	if step == 0 {
		return "", nil, ErrBadCode
	}
	f := news.Factor{Staff: a.ID, Kind: news.FactorTOTP, Name: "authenticator app", Data: key.Secret(), LastStep: step, Created: now, LastUsed: now}
	if err := au.store.AddFactor(ctx, &f); err != nil {
		return "", nil, err
	}
	codes, err := au.newRecoveryCodes(ctx, a.ID)
	if err != nil {
		return "", nil, err
	}
	tok, err := au.startSession(ctx, a.ID, news.StageFull, now, c, a.Token)
	if err != nil {
		return "", nil, err
	}
	au.audit(ctx, a.ID, "2fa.enroll", a.ID, "", c, "totp")
	return tok, codes, nil
}

// NewRecoveryCodes replaces the actor's recovery codes (it needs a fresh
// second factor) and returns the new ones, shown once.
func (au *Auth) NewRecoveryCodes(ctx context.Context, a *Actor, c Client) ([]string, error) {
	if a == nil || a.Session.Stage != news.StageFull {
		return nil, ErrNoSession
	}
	if !a.fresh {
		return nil, ErrStale
	}
	codes, err := au.newRecoveryCodes(ctx, a.ID)
	if err == nil {
		au.audit(ctx, a.ID, "2fa.recovery", a.ID, "", c, "new recovery codes")
	}
	return codes, err
}

func (au *Auth) newRecoveryCodes(ctx context.Context, staff string) ([]string, error) {
	codes := make([]string, RecoveryCodes)
	hashes := make([]string, RecoveryCodes)
	for i := range codes {
		codes[i] = newRecoveryCode()
		hashes[i] = hashRecovery(codes[i])
	}
	if err := au.store.SetRecoveryCodes(ctx, staff, hashes, au.cfg.Now()); err != nil {
		return nil, err
	}
	return codes, nil
}
