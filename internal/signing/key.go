// Package signing holds the newsroom's Ed25519 key and the signed manifest
// of a static export: the key pair is created once in the data dir (or its
// private half lives in a file of the operator's choice), its fingerprint
// is what readers compare, and a manifest of SHA-256 hashes signed with it
// lets anyone check a copy of the site against the newsroom's public key.
//
// Keys are PEM files in the standard encodings (PKCS #8 for the private
// key, PKIX for the public one), so `openssl genpkey -algorithm ed25519`
// can make one and `openssl pkey -pubout` can read one.
package signing

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The key pair's files inside the data dir.
const (
	dirName = "signing"
	keyName = "ed25519.key"
	pubName = "ed25519.pub"
)

// KeyPath is where the data dir keeps the newsroom's private key.
func KeyPath(dataDir string) string { return filepath.Join(dataDir, dirName, keyName) }

// PublicKeyPath is where the data dir keeps the newsroom's public key.
func PublicKeyPath(dataDir string) string { return filepath.Join(dataDir, dirName, pubName) }

// PrivateKey returns the newsroom's signing key: read from keyFile when it
// is given (the key then lives outside the data dir), else from the data
// dir, where a new key pair is made if there is none yet. A data dir that
// holds a public key without its private key is an error, not a reason to
// make a new pair: readers already compare the old fingerprint.
func PrivateKey(dataDir, keyFile string) (ed25519.PrivateKey, error) {
	if keyFile != "" {
		return ReadPrivateKey(keyFile)
	}
	return ensure(dataDir)
}

// PublicKey returns the public half of the key PrivateKey returns (and
// makes the pair in the data dir when neither file exists), for publishing
// its fingerprint on the site and in feeds.
func PublicKey(dataDir, keyFile string) (ed25519.PublicKey, error) {
	k, err := PrivateKey(dataDir, keyFile)
	if err != nil {
		return nil, err
	}
	return k.Public().(ed25519.PublicKey), nil
}

// DataPublicKey reads the public key kept in the data dir without making
// one: what `qalam verify --data` trusts.
func DataPublicKey(dataDir string) (ed25519.PublicKey, error) {
	pub, err := ReadPublicKey(PublicKeyPath(dataDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no newsroom public key in %s (it is made by the first export or serve; if the private key lives elsewhere, give its public key with --key): %w", dataDir, err)
	}
	return pub, err
}

// ensure loads the data dir's key pair, making it if neither file exists.
func ensure(dataDir string) (ed25519.PrivateKey, error) {
	keyPath, pubPath := KeyPath(dataDir), PublicKeyPath(dataDir)
	key, err := ReadPrivateKey(keyPath)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		if _, perr := os.Stat(pubPath); perr == nil {
			return nil, fmt.Errorf("signing: %s exists but its private key %s does not: restore the private key (or give it with --signing-key) rather than make a new pair readers do not know", pubPath, keyPath)
		}
		if key, err = create(keyPath); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	pub := key.Public().(ed25519.PublicKey)
	have, err := ReadPublicKey(pubPath)
	switch {
	case err == nil:
		if !have.Equal(pub) {
			return nil, fmt.Errorf("signing: %s does not belong to the private key %s", pubPath, keyPath)
		}
	case errors.Is(err, fs.ErrNotExist):
		if err := writeNew(pubPath, EncodePublicKey(pub), 0o644); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("signing: writing the public key: %w", err)
		}
	default:
		return nil, err
	}
	return key, nil
}

// create makes a new private key at path, unless another process made one
// first, in which case that one is returned.
func create(path string) (ed25519.PrivateKey, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := writeNew(path, data, 0o600); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return ReadPrivateKey(path)
		}
		return nil, fmt.Errorf("signing: writing the private key: %w", err)
	}
	return key, nil
}

// writeNew writes a whole file that must not exist yet: a temporary file is
// written, synced and linked to its name, so nobody ever reads half a key
// and two processes cannot both make one (the second gets fs.ErrExist).
func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Link(tmp, path)
}

// ReadPrivateKey reads a PEM (PKCS #8) Ed25519 private key. It refuses a
// file that others than its owner may read.
func ReadPrivateKey(path string) (ed25519.PrivateKey, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("signing key %s may be read by others (mode %#o): chmod 600 it", path, info.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("signing key %s: not a PEM \"PRIVATE KEY\" (PKCS #8) file", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %v", path, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s: a %T, not an Ed25519 key", path, k)
	}
	return key, nil
}

// ReadPublicKey reads a PEM (PKIX) Ed25519 public key, as EncodePublicKey
// writes it.
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	pub, err := ParsePublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("public key %s: %v", path, err)
	}
	return pub, nil
}

// ParsePublicKey decodes a PEM (PKIX) Ed25519 public key.
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("not a PEM \"PUBLIC KEY\" file")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("a %T, not an Ed25519 key", k)
	}
	return pub, nil
}

// EncodePublicKey is the PEM (PKIX) form of a public key, the file readers
// and mirror operators are given to check exports with.
func EncodePublicKey(pub ed25519.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		// Only an invalid key type fails, and the type is fixed.
		panic("signing: " + err.Error())
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// Fingerprint is the short form of a public key people compare by eye: the
// first 160 bits of the SHA-256 of the raw key, as ten groups of four
// hexadecimal digits, like an OpenPGP fingerprint
// ("3F2A 9C01 ...").
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	h := strings.ToUpper(hex.EncodeToString(sum[:20]))
	groups := make([]string, 0, 10)
	for i := 0; i < len(h); i += 4 {
		groups = append(groups, h[i:i+4])
	}
	return strings.Join(groups, " ")
}
