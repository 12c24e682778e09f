package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
	"github.com/go-webauthn/webauthn/webauthn"

	"qalam/internal/auth"
	"qalam/internal/news"
	"qalam/internal/ratelimit"
)

const pkOrigin = "http://localhost:8080"

var b64u = base64.RawURLEncoding

// softKey is an authenticator in software: a P-256 key answering
// WebAuthn options the way a browser and a CTAP2 authenticator would
// ("none" attestation), so ceremonies can be tested without a browser.
// The browser test (e2e/passkey_test.go) runs them in Chromium.
type softKey struct {
	id     []byte
	priv   *ecdsa.PrivateKey
	user   []byte // the user handle it was made for
	count  uint32 // the signature counter; stays 0 when noCount
	noUV   bool   // the authenticator does not verify its user
	origin string
}

func newSoftKey(t *testing.T) *softKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	id := make([]byte, 32)
	rand.Read(id)
	return &softKey{id: id, priv: priv, origin: pkOrigin}
}

func (k *softKey) cose(t *testing.T) []byte {
	t.Helper()
	pub, err := k.priv.PublicKey.Bytes() // 0x04 || X || Y
	must(t, err)
	b, err := webauthncbor.Marshal(webauthncose.EC2PublicKeyData{
		PublicKeyData: webauthncose.PublicKeyData{KeyType: int64(webauthncose.EllipticKey), Algorithm: int64(webauthncose.AlgES256)},
		Curve:         1, XCoord: pub[1:33], YCoord: pub[33:]})
	must(t, err)
	return b
}

// record is the credential as the store keeps it, for planting a passkey
// directly.
func (k *softKey) record(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(webauthn.Credential{ID: k.id, PublicKey: k.cose(t), AttestationFormat: "none"})
	must(t, err)
	return string(b)
}

type options struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		RPID      string `json:"rpId"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		User struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"user"`
		Allow   []struct{ ID string } `json:"allowCredentials"`
		Exclude []struct{ ID string } `json:"excludeCredentials"`
		UV      string                `json:"userVerification"`
		Select  struct {
			ResidentKey string `json:"residentKey"`
			UV          string `json:"userVerification"`
		} `json:"authenticatorSelection"`
	} `json:"publicKey"`
}

func parseOptions(t *testing.T, raw []byte) options {
	t.Helper()
	var o options
	must(t, json.Unmarshal(raw, &o))
	if c, err := b64u.DecodeString(o.PublicKey.Challenge); err != nil || len(c) < 16 {
		t.Fatalf("challenge %q: %v", o.PublicKey.Challenge, err)
	}
	return o
}

func (k *softKey) authData(rpID string, extra []byte, flags byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	d := append(h[:], flags)
	d = binary.BigEndian.AppendUint32(d, k.count)
	return append(d, extra...)
}

func (k *softKey) clientData(typ, challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": k.origin, "crossOrigin": false})
	return b
}

const (
	flagUP = 0x01
	flagUV = 0x04
	flagAT = 0x40
)

// create answers creation options.
func (k *softKey) create(t *testing.T, raw []byte) []byte {
	t.Helper()
	o := parseOptions(t, raw)
	user, err := b64u.DecodeString(o.PublicKey.User.ID)
	must(t, err)
	k.user = user
	att := make([]byte, 16) // AAGUID: none
	att = binary.BigEndian.AppendUint16(att, uint16(len(k.id)))
	att = append(att, k.id...)
	att = append(att, k.cose(t)...)
	flags := byte(flagUP | flagAT)
	if !k.noUV {
		flags |= flagUV
	}
	obj, err := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": k.authData(o.PublicKey.RP.ID, att, flags)})
	must(t, err)
	out, _ := json.Marshal(map[string]any{"id": b64u.EncodeToString(k.id), "rawId": b64u.EncodeToString(k.id), "type": "public-key",
		"clientExtensionResults": map[string]any{},
		"response": map[string]any{"clientDataJSON": b64u.EncodeToString(k.clientData("webauthn.create", o.PublicKey.Challenge)),
			"attestationObject": b64u.EncodeToString(obj), "transports": []string{"internal"}}})
	return out
}

// get answers request options, counting up unless the counter is fixed.
func (k *softKey) get(t *testing.T, raw []byte) []byte {
	t.Helper()
	o := parseOptions(t, raw)
	flags := byte(flagUP)
	if !k.noUV {
		flags |= flagUV
	}
	ad := k.authData(o.PublicKey.RPID, nil, flags)
	cd := k.clientData("webauthn.get", o.PublicKey.Challenge)
	ch := sha256.Sum256(cd)
	digest := sha256.Sum256(append(append([]byte{}, ad...), ch[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, digest[:])
	must(t, err)
	out, _ := json.Marshal(map[string]any{"id": b64u.EncodeToString(k.id), "rawId": b64u.EncodeToString(k.id), "type": "public-key",
		"clientExtensionResults": map[string]any{},
		"response": map[string]any{"clientDataJSON": b64u.EncodeToString(cd), "authenticatorData": b64u.EncodeToString(ad),
			"signature": b64u.EncodeToString(sig), "userHandle": b64u.EncodeToString(k.user)}})
	return out
}

func TestPasskeyRelyingParty(t *testing.T) {
	e := newEnv(t)
	for origin, want := range map[string]string{
		"http://localhost:8080":    "localhost",
		"http://abcdefgh.onion":    "abcdefgh.onion",
		"https://News.Example.org": "news.example.org",
	} {
		p, err := auth.NewPasskeys(e.auth, origin)
		if err != nil || p.RPID() != want {
			t.Errorf("%s: RP ID %v, %v; want %s", origin, p, err, want)
		}
	}
	for _, origin := range []string{"http://127.0.0.1:8080", "http://[::1]:8080"} {
		if _, err := auth.NewPasskeys(e.auth, origin); !errors.Is(err, auth.ErrNoPasskeys) {
			t.Errorf("%s: %v, want ErrNoPasskeys", origin, err)
		}
	}
	if _, err := auth.NewPasskeys(e.auth, "localhost"); err == nil {
		t.Error("an origin without a scheme accepted")
	}
	// Answers come from exactly the admin origin, as browsers spell it
	// (no default port).
	for _, c := range []struct{ config, browser string }{
		{"https://news.example.org:443", "https://news.example.org"},
		{"http://localhost:8080", "http://localhost:8080"},
	} {
		p, err := auth.NewPasskeys(e.auth, c.config)
		must(t, err)
		a := e.actor(t, e.signedIn(t))
		raw, err := p.BeginRegister(context.Background(), a, "k")
		must(t, err)
		k := newSoftKey(t)
		k.origin = c.browser
		if _, err := p.FinishRegister(context.Background(), a, k.create(t, raw), client("192.0.2.1")); err != nil {
			t.Errorf("%s answered from %s: %v", c.config, c.browser, err)
		}
	}
}

// signedIn makes a contributor (no second factor needed) and returns
// their signed-in token.
func (e *env) signedIn(t *testing.T) string {
	t.Helper()
	tok, _, _ := e.person(t, fmt.Sprintf("c%d@example.org", time.Now().UnixNano()), news.Grant{Service: "kk", Role: news.RoleContributor}, false)
	return tok
}

// pkEnv is an editor with TOTP, signed in with the factor fresh.
type pkEnv struct {
	*env
	pk  *auth.Passkeys
	tok string
	id  string
}

func newPKEnv(t *testing.T, mod ...func(*auth.Config)) *pkEnv {
	t.Helper()
	e := newEnv(t, mod...)
	pk, err := auth.NewPasskeys(e.auth, pkOrigin)
	must(t, err)
	tok, _, _ := e.person(t, "desk@example.org", news.Grant{Service: "kk", Role: news.RoleEditor}, true)
	a := e.actor(t, tok)
	return &pkEnv{env: e, pk: pk, tok: tok, id: a.ID}
}

func (e *env) actor(t *testing.T, tok string) *auth.Actor {
	t.Helper()
	a, err := e.auth.Authenticate(context.Background(), tok)
	must(t, err)
	return a
}

func (e *env) audited(t *testing.T, actor, action, detail string) bool {
	t.Helper()
	log, err := e.store.Audit(context.Background(), 0, 200)
	must(t, err)
	for _, a := range log {
		if a.Actor == actor && a.Action == action && a.Detail == detail {
			return true
		}
	}
	return false
}

// register adds k to the signed-in person of tok.
func (e *pkEnv) register(t *testing.T, tok string, k *softKey, name string) news.Factor {
	t.Helper()
	ctx := context.Background()
	opts, err := e.pk.BeginRegister(ctx, e.actor(t, tok), name)
	must(t, err)
	f, err := e.pk.FinishRegister(ctx, e.actor(t, tok), k.create(t, opts), client("192.0.2.1"))
	must(t, err)
	return f
}

// signIn signs in with the password and k as the second factor.
func (e *pkEnv) signIn(t *testing.T, email string, k *softKey) (string, error) {
	t.Helper()
	ctx := context.Background()
	tok, stage, err := e.auth.Login(ctx, email, password, client("192.0.2.1"), "")
	must(t, err)
	if stage != news.StagePassword {
		t.Fatalf("stage %s after the password", stage)
	}
	opts, err := e.pk.BeginFactor(ctx, e.actor(t, tok))
	must(t, err)
	return e.pk.FinishFactor(ctx, e.actor(t, tok), k.get(t, opts), client("192.0.2.1"))
}

func TestPasskeyRegistration(t *testing.T) {
	e := newPKEnv(t)
	ctx := context.Background()
	a := e.actor(t, e.tok)
	// A finish without a begin.
	_, err := e.pk.FinishRegister(ctx, a, []byte(`{}`), client("192.0.2.1"))
	wantErr(t, "finish without begin", err, auth.ErrNoCeremony)
	// Names: one line, bounded.
	for _, bad := range []string{strings.Repeat("x", auth.MaxPasskeyName+1), "two\nlines"} {
		_, err := e.pk.BeginRegister(ctx, a, bad)
		wantErr(t, "name "+bad, err, news.ErrInvalid)
	}
	raw, err := e.pk.BeginRegister(ctx, a, "laptop")
	must(t, err)
	o := parseOptions(t, raw)
	if o.PublicKey.RP.ID != "localhost" || o.PublicKey.User.ID != b64u.EncodeToString([]byte(a.ID)) || o.PublicKey.User.Name != "desk@example.org" ||
		o.PublicKey.Select.ResidentKey != "required" || len(o.PublicKey.Exclude) != 0 {
		t.Fatalf("creation options %s", raw)
	}
	k := newSoftKey(t)
	k.count = 1
	f, err := e.pk.FinishRegister(ctx, a, k.create(t, raw), client("192.0.2.1"))
	must(t, err)
	if f.Kind != news.FactorPasskey || f.Name != "laptop" || f.LastStep != 1 || !e.audited(t, a.ID, "passkey.add", "laptop") {
		t.Fatalf("factor %+v", f)
	}
	var rec webauthn.Credential
	must(t, json.Unmarshal([]byte(f.Data), &rec))
	if string(rec.ID) != string(k.id) || len(rec.PublicKey) == 0 || len(rec.Transport) != 1 {
		t.Fatalf("stored record %s", f.Data)
	}
	// The ceremony is used up.
	_, err = e.pk.FinishRegister(ctx, a, k.create(t, raw), client("192.0.2.1"))
	wantErr(t, "finish twice", err, auth.ErrNoCeremony)
	// The next registration excludes it; the same key again is refused.
	raw, err = e.pk.BeginRegister(ctx, a, "again")
	must(t, err)
	if o := parseOptions(t, raw); len(o.PublicKey.Exclude) != 1 || o.PublicKey.Exclude[0].ID != b64u.EncodeToString(k.id) {
		t.Fatalf("exclusions %s", raw)
	}
	_, err = e.pk.FinishRegister(ctx, a, k.create(t, raw), client("192.0.2.1"))
	wantErr(t, "the same key twice", err, news.ErrInvalid)
	// An answer from another origin (a mirror, a phishing page).
	raw, err = e.pk.BeginRegister(ctx, a, "phished")
	must(t, err)
	k2 := newSoftKey(t)
	k2.origin = "http://localhost:9999"
	_, err = e.pk.FinishRegister(ctx, a, k2.create(t, raw), client("192.0.2.1"))
	wantErr(t, "another origin", err, auth.ErrBadPasskey)
	// Expired: a ceremony is good for CeremonyTTL.
	raw, err = e.pk.BeginRegister(ctx, a, "late")
	must(t, err)
	e.clock.Add(auth.CeremonyTTL + time.Second)
	_, err = e.pk.FinishRegister(ctx, a, k2.create(t, raw), client("192.0.2.1"))
	wantErr(t, "expired", err, auth.ErrNoCeremony)
	// With the factor stale, adding a passkey needs it confirmed again.
	e.clock.Add(20 * time.Minute)
	_, err = e.pk.BeginRegister(ctx, e.actor(t, e.tok), "stale")
	wantErr(t, "stale", err, auth.ErrStale)
	// A ceremony begun in one session cannot be finished in another.
	other, _, err := e.auth.Login(ctx, "desk@example.org", password, client("192.0.2.1"), "")
	must(t, err)
	if _, err := e.pk.BeginFactor(ctx, e.actor(t, other)); err != nil {
		t.Fatal(err)
	}
	third, _, err := e.auth.Login(ctx, "desk@example.org", password, client("192.0.2.1"), "")
	must(t, err)
	_, err = e.pk.FinishFactor(ctx, e.actor(t, third), k.get(t, raw), client("192.0.2.1"))
	wantErr(t, "another session's ceremony", err, auth.ErrNoCeremony)
}

func TestPasskeySignIn(t *testing.T) {
	e := newPKEnv(t)
	ctx := context.Background()
	k := newSoftKey(t)
	e.register(t, e.tok, k, "laptop")
	otherTok, _, _ := e.person(t, "other@example.org", news.Grant{Service: "ru", Role: news.RoleEditor}, true)
	theirs := newSoftKey(t)
	e.register(t, otherTok, theirs, "theirs")

	// The second factor: only the person's own passkeys are offered.
	tok, _, err := e.auth.Login(ctx, "desk@example.org", password, client("192.0.2.1"), "")
	must(t, err)
	raw, err := e.pk.BeginFactor(ctx, e.actor(t, tok))
	must(t, err)
	if o := parseOptions(t, raw); o.PublicKey.RPID != "localhost" || len(o.PublicKey.Allow) != 1 || o.PublicKey.Allow[0].ID != b64u.EncodeToString(k.id) {
		t.Fatalf("request options %s", raw)
	}
	k.count++
	answer := k.get(t, raw)
	full, err := e.pk.FinishFactor(ctx, e.actor(t, tok), answer, client("192.0.2.1"))
	must(t, err)
	if a := e.actor(t, full); a.Session.Stage != news.StageFull || !a.Fresh() || !e.audited(t, a.ID, "2fa", "passkey") {
		t.Fatalf("after the passkey: %s fresh %v", a.Session.Stage, a.Fresh())
	}
	if _, err := e.auth.Authenticate(ctx, tok); !errors.Is(err, auth.ErrNoSession) {
		t.Fatal("the half-signed-in session outlived the sign-in")
	}

	// Refused: the old answer to a new challenge; another person's
	// passkey; a counter gone backwards (a cloned key). Accepted: a
	// counter of 0 (an authenticator that keeps none).
	tok, _, err = e.auth.Login(ctx, "desk@example.org", password, client("192.0.2.1"), "")
	must(t, err)
	_, err = e.pk.BeginFactor(ctx, e.actor(t, tok))
	must(t, err)
	_, err = e.pk.FinishFactor(ctx, e.actor(t, tok), answer, client("192.0.2.1"))
	wantErr(t, "replayed answer", err, auth.ErrBadPasskey)
	_, err = e.pk.FinishFactor(ctx, e.actor(t, tok), answer, client("192.0.2.1"))
	wantErr(t, "finish after a failed finish", err, auth.ErrNoCeremony)
	raw, err = e.pk.BeginFactor(ctx, e.actor(t, tok))
	must(t, err)
	theirs.count++
	_, err = e.pk.FinishFactor(ctx, e.actor(t, tok), theirs.get(t, raw), client("192.0.2.1"))
	wantErr(t, "another person's passkey", err, auth.ErrBadPasskey)
	k.count = 1 // it was at 2
	_, err = e.signIn(t, "desk@example.org", k)
	wantErr(t, "counter gone back", err, auth.ErrBadPasskey)
	k.count = 0
	_, err = e.signIn(t, "desk@example.org", k)
	must(t, err)
	k.count = 5
	_, err = e.signIn(t, "desk@example.org", k)
	must(t, err)
	if fs, _ := e.store.Factors(ctx, e.id); fs[len(fs)-1].LastStep != 5 {
		t.Fatalf("counter stored %d", fs[len(fs)-1].LastStep)
	}
	if !e.audited(t, e.id, "2fa.fail", "passkey") {
		t.Error("no audit row for refused passkeys")
	}

	// Confirming a sensitive action.
	e.clock.Add(20 * time.Minute)
	a := e.actor(t, full)
	if a.Fresh() {
		t.Fatal("fresh after 20 minutes")
	}
	raw, err = e.pk.BeginConfirm(ctx, a)
	must(t, err)
	k.count++
	must(t, e.pk.FinishConfirm(ctx, a, k.get(t, raw), client("192.0.2.1")))
	if !e.actor(t, full).Fresh() || !e.audited(t, e.id, "2fa.confirm", "passkey") {
		t.Fatal("not fresh after confirming with the passkey")
	}
	wantErr(t, "confirm without begin", e.pk.FinishConfirm(ctx, a, k.get(t, raw), client("192.0.2.1")), auth.ErrNoCeremony)
}

func TestPasskeyPasswordless(t *testing.T) {
	e := newPKEnv(t, func(c *auth.Config) { c.IPLimit = ratelimit.Config{Burst: 4, Every: time.Hour} })
	ctx := context.Background()
	k := newSoftKey(t)
	e.register(t, e.tok, k, "laptop")
	key, raw, err := e.pk.BeginLogin(ctx, client("192.0.2.9"))
	must(t, err)
	if o := parseOptions(t, raw); o.PublicKey.UV != "required" || len(o.PublicKey.Allow) != 0 || o.PublicKey.RPID != "localhost" {
		t.Fatalf("options %s", raw)
	}
	k.count++
	tok, err := e.pk.FinishLogin(ctx, key, k.get(t, raw), client("192.0.2.9"), "")
	must(t, err)
	if a := e.actor(t, tok); a.ID != e.id || a.Session.Stage != news.StageFull || !a.Fresh() || !e.audited(t, e.id, "login", "passkey") {
		t.Fatalf("passwordless: %+v", a.Session)
	}
	_, err = e.pk.FinishLogin(ctx, key, k.get(t, raw), client("192.0.2.9"), "")
	wantErr(t, "the key used twice", err, auth.ErrNoCeremony)
	_, err = e.pk.FinishLogin(ctx, "never-begun", k.get(t, raw), client("192.0.2.9"), "")
	wantErr(t, "never begun", err, auth.ErrNoCeremony)

	// Without user verification the passkey is one factor only: refused.
	// An unknown user handle is refused the same way.
	k.noUV = true
	key, raw, err = e.pk.BeginLogin(ctx, client("192.0.2.9"))
	must(t, err)
	k.count++
	_, err = e.pk.FinishLogin(ctx, key, k.get(t, raw), client("192.0.2.9"), "")
	wantErr(t, "no user verification", err, auth.ErrBadPasskey)
	k.noUV = false
	stranger := newSoftKey(t)
	stranger.user = []byte("nobody-at-all")
	key, raw, err = e.pk.BeginLogin(ctx, client("192.0.2.9"))
	must(t, err)
	_, err = e.pk.FinishLogin(ctx, key, stranger.get(t, raw), client("192.0.2.9"), "")
	wantErr(t, "unknown account", err, auth.ErrBadPasskey)

	// Failures count against the address: garbage until throttled.
	var th *auth.ThrottledError
	for i := 0; ; i++ {
		key, _, err := e.pk.BeginLogin(ctx, client("192.0.2.9"))
		must(t, err)
		_, err = e.pk.FinishLogin(ctx, key, []byte(`{"id":"x"}`), client("192.0.2.9"), "")
		if errors.As(err, &th) {
			break
		}
		wantErr(t, "garbage", err, auth.ErrBadPasskey)
		if i > 5 {
			t.Fatal("never throttled")
		}
	}
	// Another address is not.
	key, raw, err = e.pk.BeginLogin(ctx, client("192.0.2.9"))
	must(t, err)
	k.count++
	_, err = e.pk.FinishLogin(ctx, key, k.get(t, raw), client("192.0.2.10"), "")
	must(t, err)
	// Abandoned ceremonies expire.
	n := e.pk.Pending()
	key, raw, err = e.pk.BeginLogin(ctx, client("192.0.2.9"))
	must(t, err)
	if e.pk.Pending() != n+1 {
		t.Fatalf("%d ceremonies pending, want %d", e.pk.Pending(), n+1)
	}
	e.clock.Add(auth.CeremonyTTL)
	_, err = e.pk.FinishLogin(ctx, key, k.get(t, raw), client("192.0.2.10"), "")
	wantErr(t, "expired", err, auth.ErrNoCeremony)
}

func TestPasskeyRemoval(t *testing.T) {
	e := newPKEnv(t)
	ctx := context.Background()
	k := newSoftKey(t)
	f := e.register(t, e.tok, k, "laptop")
	// Someone else's passkey: not found.
	otherTok, _, _ := e.person(t, "other@example.org", news.Grant{Service: "ru", Role: news.RoleEditor}, true)
	wantErr(t, "another's passkey", e.pk.Remove(ctx, e.actor(t, otherTok), f.ID, client("192.0.2.1")), news.ErrNotFound)
	list, err := e.pk.List(ctx, e.actor(t, e.tok))
	must(t, err)
	if len(list) != 1 || list[0].Name != "laptop" {
		t.Fatalf("list %+v", list)
	}
	// Stale: confirm first.
	e.clock.Add(20 * time.Minute)
	wantErr(t, "stale", e.pk.Remove(ctx, e.actor(t, e.tok), f.ID, client("192.0.2.1")), auth.ErrStale)
	// Fresh, with TOTP beside it: removed.
	k.count++
	tok, err := e.signIn(t, "desk@example.org", k)
	must(t, err)
	must(t, e.pk.Remove(ctx, e.actor(t, tok), f.ID, client("192.0.2.1")))
	if !e.audited(t, e.id, "passkey.remove", "laptop") {
		t.Error("no audit row for the removal")
	}

	// People whose only factor is a passkey (planted in the store): an
	// editor may not remove it, a contributor may.
	for _, c := range []struct {
		email string
		role  news.Role
		ok    bool
	}{{"ed@example.org", news.RoleEditor, false}, {"writer@example.org", news.RoleContributor, true}} {
		link, acct, err := e.auth.CreateAccount(ctx, nil, c.email, "X", news.Grant{Service: "kk", Role: c.role}, client("192.0.2.1"))
		must(t, err)
		_, _, err = e.auth.CompleteSetup(ctx, link.Token, password, client("192.0.2.1"), "")
		must(t, err)
		k := newSoftKey(t)
		k.user = []byte(acct.ID)
		pf := news.Factor{Staff: acct.ID, Kind: news.FactorPasskey, Name: "only", Data: k.record(t), Created: e.clock.Now()}
		must(t, e.store.AddFactor(ctx, &pf))
		k.count++
		tok, err := e.signIn(t, c.email, k)
		must(t, err)
		err = e.pk.Remove(ctx, e.actor(t, tok), pf.ID, client("192.0.2.1"))
		if c.ok {
			must(t, err)
		} else {
			wantErr(t, c.email+" removing their last factor", err, news.ErrInvalid)
		}
	}
}

func TestPasskeyEnrollment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pk, err := auth.NewPasskeys(e.auth, pkOrigin)
	must(t, err)
	tok, _, _ := e.person(t, "new@example.org", news.Grant{Service: "kk", Role: news.RoleEditor}, false)
	a := e.actor(t, tok)
	if a.Session.Stage != news.StageEnroll {
		t.Fatalf("stage %s", a.Session.Stage)
	}
	k := newSoftKey(t)
	raw, err := pk.BeginRegister(ctx, a, "phone")
	must(t, err)
	_, err = pk.FinishRegister(ctx, a, k.create(t, raw), client("192.0.2.1"))
	wantErr(t, "FinishRegister while enrolling", err, auth.ErrNoSession)
	raw, err = pk.BeginRegister(ctx, a, "phone")
	must(t, err)
	full, err := pk.FinishEnroll(ctx, a, k.create(t, raw), client("192.0.2.1"))
	must(t, err)
	b := e.actor(t, full)
	if b.Session.Stage != news.StageFull || !b.Fresh() || !e.audited(t, b.ID, "2fa.enroll", "passkey") {
		t.Fatalf("after enrolling: %s fresh %v", b.Session.Stage, b.Fresh())
	}
	if _, err := e.auth.Authenticate(ctx, tok); !errors.Is(err, auth.ErrNoSession) {
		t.Fatal("the enrolling session outlived enrollment")
	}
	if pk.TakeCodes(a) != nil {
		t.Fatal("codes shown to the old session")
	}
	codes := pk.TakeCodes(b)
	if len(codes) != auth.RecoveryCodes || pk.TakeCodes(b) != nil {
		t.Fatalf("codes %v, then again", codes)
	}
	// The codes work as a second factor, the passkey too.
	tok2, _, err := e.auth.Login(ctx, "new@example.org", password, client("192.0.2.1"), "")
	must(t, err)
	_, err = e.auth.SecondFactor(ctx, e.actor(t, tok2), codes[0], client("192.0.2.1"))
	must(t, err)
	k.count++
	pe := &pkEnv{env: e, pk: pk}
	_, err = pe.signIn(t, "new@example.org", k)
	must(t, err)
	// Enrolling again from a signed-in session is not a thing.
	_, err = pk.FinishEnroll(ctx, b, k.create(t, raw), client("192.0.2.1"))
	wantErr(t, "FinishEnroll when signed in", err, auth.ErrNoSession)
}

// One address cannot hold every pending passwordless sign-in.
func TestPasskeyBeginsPerAddress(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pk, err := auth.NewPasskeys(e.auth, pkOrigin)
	must(t, err)
	var th *auth.ThrottledError
	n := 0
	for ; n < 100; n++ {
		if _, _, err := pk.BeginLogin(ctx, client("198.51.100.1")); err != nil {
			if !errors.As(err, &th) {
				t.Fatal(err)
			}
			break
		}
	}
	if n == 0 || n == 100 {
		t.Fatalf("%d begins from one address before refusal", n)
	}
	if _, _, err := pk.BeginLogin(ctx, client("198.51.100.2")); err != nil {
		t.Fatalf("another address: %v", err)
	}
	// They expire, and the address may begin again.
	e.clock.Add(auth.CeremonyTTL)
	if _, _, err := pk.BeginLogin(ctx, client("198.51.100.1")); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
}

// Abandoned ceremonies of sessions are dropped once expired.
func TestPasskeyCeremoniesPruned(t *testing.T) {
	e := newPKEnv(t)
	ctx := context.Background()
	_, err := e.pk.BeginRegister(ctx, e.actor(t, e.tok), "abandoned")
	must(t, err)
	if e.pk.Pending() != 1 {
		t.Fatalf("%d pending", e.pk.Pending())
	}
	e.clock.Add(auth.CeremonyTTL + time.Second)
	_, _, err = e.pk.BeginLogin(ctx, client("198.51.100.1"))
	must(t, err)
	if e.pk.Pending() != 1 {
		t.Fatalf("%d pending after expiry, want only the new one", e.pk.Pending())
	}
}
