package newsletter_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qalam/internal/newsletter"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their files and a pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func sendOne(ctx context.Context, m newsletter.Mailer, to string) error {
	s, err := m.Open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Send(&newsletter.Message{To: to, Subject: "TLS check", Text: "hello"})
}

// The TLS policies against a real server: STARTTLS required and verified
// works with a server that offers it and fails (nothing sent) with one that
// does not; opportunistic STARTTLS upgrades when it can.
func TestSMTPTLSPolicies(t *testing.T) {
	ctx := context.Background()
	certFile, keyFile, pool := selfSigned(t)
	secure := startMailpit(t, "", "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, "--smtp-require-starttls")
	plain := startMailpit(t, "")

	if err := sendOne(ctx, &newsletter.SMTP{Addr: secure.SMTP, From: "n@example.org", TLS: "require", RootCAs: pool}, "tls@example.org"); err != nil {
		t.Fatalf("require STARTTLS: %v", err)
	}
	secure.waitTo(t, "tls@example.org", 1)
	if err := sendOne(ctx, &newsletter.SMTP{Addr: secure.SMTP, From: "n@example.org", TLS: "starttls", RootCAs: pool}, "opportunistic@example.org"); err != nil {
		t.Fatalf("opportunistic STARTTLS to a server that requires it: %v", err)
	}
	secure.waitTo(t, "opportunistic@example.org", 1)

	err := sendOne(ctx, &newsletter.SMTP{Addr: plain.SMTP, From: "n@example.org", TLS: "require", RootCAs: pool}, "never@example.org")
	if !errors.Is(err, newsletter.ErrNotSent) {
		t.Errorf("require STARTTLS from a server without it: %v, want ErrNotSent", err)
	}
	// An untrusted certificate is not accepted either.
	err = sendOne(ctx, &newsletter.SMTP{Addr: secure.SMTP, From: "n@example.org", TLS: "require"}, "never@example.org")
	if !errors.Is(err, newsletter.ErrNotSent) {
		t.Errorf("an unverified certificate: %v, want ErrNotSent", err)
	}
	if n := len(plain.to(t, "never@example.org")) + len(secure.to(t, "never@example.org")); n != 0 {
		t.Errorf("%d messages sent without the TLS asked for", n)
	}
	// A refused recipient (mailpit's allow list) is ErrRefused, not retried.
	strict := startMailpit(t, "", "--smtp-allowed-recipients", "^ok@")
	err = sendOne(ctx, &newsletter.SMTP{Addr: strict.SMTP, From: "n@example.org", TLS: "none"}, "no@example.org")
	if !errors.Is(err, newsletter.ErrRefused) || strings.Contains(err.Error(), "no@example.org") {
		t.Errorf("a refused recipient: %v, want ErrRefused without the address", err)
	}
}
