package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qalam/internal/servertest"
	"qalam/internal/signing"
)

// qalam runs one command line and returns its output and error.
func qalam(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), nil, args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestExportAndVerifyCommands(t *testing.T) {
	t.Setenv("QALAM_HOSTS", "")
	t.Setenv("QALAM_PRIMARY", "")
	t.Setenv("QALAM_SIGNING_KEY", "")
	e := servertest.Demo(t)
	data := e.Dir
	out := filepath.Join(t.TempDir(), "kk")

	if _, _, err := qalam(t, "export", "static", "--service", "kk", "--out", out, "--data", data); err == nil || !strings.Contains(err.Error(), "--primary") {
		t.Fatalf("an export without the live site's address: %v", err)
	}
	if _, _, err := qalam(t, "export", "static", "--service", "xx", "--out", out, "--data", data, "--primary", "https://news.example.org"); err == nil || !strings.Contains(err.Error(), "kk, ru") {
		t.Fatalf("an unknown service: %v", err)
	}
	stdout, _, err := qalam(t, "export", "static", "--service", "kk", "--out", out, "--data", data, "--primary", "https://news.example.org")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := signing.DataPublicKey(data)
	if err != nil {
		t.Fatalf("the export made no key in the data dir: %v", err)
	}
	fp := signing.Fingerprint(pub)
	if !strings.Contains(stdout, "exported kk (https://news.example.org)") || !strings.Contains(stdout, fp) {
		t.Errorf("export said:\n%s", stdout)
	}
	t.Log(strings.TrimSpace(stdout))
	home, _ := os.ReadFile(filepath.Join(out, "kk", "index.html"))
	if !bytes.Contains(home, []byte(`<link rel="canonical" href="https://news.example.org/kk/">`)) {
		t.Error("the canonical link does not name the primary origin")
	}

	stdout, _, err = qalam(t, "verify", out, "--data", data)
	if err != nil {
		t.Fatalf("verify of a fresh export: %v\n%s", err, stdout)
	}
	for _, want := range []string{"key       " + fp, "signed    20", "service   kk from https://news.example.org", "OK"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("verify output lacks %q:\n%s", want, stdout)
		}
	}

	// The public key handed out by export pubkey verifies too.
	pubPEM, stderr, err := qalam(t, "export", "pubkey", "--data", data)
	if err != nil || !strings.Contains(stderr, fp) {
		t.Fatalf("export pubkey: %v %s", err, stderr)
	}
	pubFile := filepath.Join(t.TempDir(), "newsroom.pub")
	os.WriteFile(pubFile, []byte(pubPEM), 0o644)
	if stdout, _, err := qalam(t, "--help"); err != nil || !strings.Contains(stdout, "qalam export static") || !strings.Contains(stdout, "qalam verify DIR") {
		t.Errorf("help does not list export and verify: %v\n%s", err, stdout)
	}

	// Tampering: one file changed, one removed, one added.
	page := filepath.Join(out, "lite", "kk", "index.html")
	os.WriteFile(page, []byte("<p>Forged news</p>"), 0o644)
	os.Remove(filepath.Join(out, "feeds", "kk", "atom.xml"))
	os.WriteFile(filepath.Join(out, "kk", "extra.html"), []byte("planted"), 0o644)
	stdout, _, err = qalam(t, "verify", "--key", pubFile, out)
	if err == nil {
		t.Fatal("verify passed a tampered copy")
	}
	for _, want := range []string{"altered   lite/kk/index.html", "missing   feeds/kk/atom.xml", "extra     kk/extra.html", "signed    20"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("verify output lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(err.Error(), "1 altered, 1 missing, 1 extra") {
		t.Errorf("verify error: %v", err)
	}

	// The forger re-signs the copy with their own key and leaves their
	// public key where a careless checker would look: in the copy.
	_, forger, _ := ed25519.GenerateKey(rand.Reader)
	m := signing.Manifest{Service: "kk", Origin: "https://news.example.org"}
	if err := signing.Hash(out, &m); err != nil {
		t.Fatal(err)
	}
	if err := signing.WriteSigned(out, m, forger); err != nil {
		t.Fatal(err)
	}
	forgedPub := signing.EncodePublicKey(forger.Public().(ed25519.PublicKey))
	os.MkdirAll(filepath.Join(out, "signing"), 0o755)
	os.WriteFile(filepath.Join(out, "signing", "ed25519.pub"), forgedPub, 0o644)
	os.WriteFile(filepath.Join(out, "ed25519.pub"), forgedPub, 0o644)
	for _, args := range [][]string{{"verify", out, "--data", data}, {"verify", out, "--key", pubFile}} {
		stdout, _, err := qalam(t, args...)
		if !errors.Is(err, signing.ErrBadSignature) {
			t.Errorf("%v on a re-signed copy: %v, want a bad signature", args, err)
		}
		if !strings.Contains(stdout, fp) {
			t.Errorf("verify did not print the newsroom's fingerprint:\n%s", stdout)
		}
	}
	// A key taken from the copy itself is refused, whatever it says.
	for _, args := range [][]string{{"verify", out, "--key", filepath.Join(out, "ed25519.pub")}, {"verify", out, "--data", out}} {
		if _, _, err := qalam(t, args...); err == nil || !strings.Contains(err.Error(), "inside the folder being checked") {
			t.Errorf("%v: %v, want a refusal of the copy's own key", args, err)
		}
	}
	// Pointing --data at the copy itself is the one way to trust its key,
	// and it finds none there: verify reads only data/signing/ed25519.pub.
	if _, _, err := qalam(t, "verify", filepath.Join(out, "kk"), "--data", data); err == nil {
		t.Error("a folder without a manifest verified")
	}
}

func TestExportWithOutsideSigningKey(t *testing.T) {
	t.Setenv("QALAM_HOSTS", "")
	t.Setenv("QALAM_PRIMARY", "")
	t.Setenv("QALAM_SIGNING_KEY", "")
	e := servertest.Demo(t)
	// A key made elsewhere, as `openssl genpkey -algorithm ed25519` would.
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyFile := filepath.Join(t.TempDir(), "newsroom.key")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	stdout, _, err := qalam(t, "export", "static", "--service", "ru", "--out", out, "--data", e.Dir, "--signing-key", keyFile, "--hosts", "https://news.example.org,https://mirror.example.net", "--primary", "news.example.org")
	if err != nil {
		t.Fatal(err)
	}
	fp := signing.Fingerprint(key.Public().(ed25519.PublicKey))
	if !strings.Contains(stdout, fp) {
		t.Errorf("export did not sign with the outside key:\n%s", stdout)
	}
	// The pages publish the key that signed them, not the data dir's (the
	// test server made one there).
	mirrors, _ := os.ReadFile(filepath.Join(out, "ru", "mirrors", "index.html"))
	if !bytes.Contains(mirrors, []byte(fp)) {
		t.Errorf("the exported mirrors page does not show the signing key's fingerprint %s", fp)
	}
	if dataKey, err := signing.DataPublicKey(e.Dir); err == nil && bytes.Contains(mirrors, []byte(signing.Fingerprint(dataKey))) {
		t.Error("the exported mirrors page shows the data dir's key, not the one that signed the copy")
	}
	if stdout, _, err := qalam(t, "verify", out, "--signing-key", keyFile); err != nil || !strings.Contains(stdout, fp) {
		t.Errorf("verify --signing-key: %v\n%s", err, stdout)
	}
	if _, _, err := qalam(t, "verify", out, "--data", e.Dir); err == nil {
		t.Error("verify passed with the data dir's key, which did not sign the copy")
	}
	// The output folder rule: a folder of other files is refused.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	if _, _, err := qalam(t, "export", "static", "--service", "ru", "--out", other, "--data", e.Dir, "--signing-key", keyFile, "--primary", "https://news.example.org"); err == nil {
		t.Error("export wrote into a folder of other files")
	}
}
