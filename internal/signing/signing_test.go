package signing

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestKeyCreatedOnceInDataDir(t *testing.T) {
	dir := t.TempDir()
	pub, err := PublicKey(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(KeyPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %#o, want 0600", info.Mode().Perm())
	}
	again, err := PublicKey(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Equal(pub) {
		t.Error("a second call made a new key")
	}
	fromFile, err := DataPublicKey(dir)
	if err != nil || !fromFile.Equal(pub) {
		t.Errorf("DataPublicKey = %v, %v; want the key made", fromFile, err)
	}
	text, _ := os.ReadFile(PublicKeyPath(dir))
	if !strings.HasPrefix(string(text), "-----BEGIN PUBLIC KEY-----") {
		t.Errorf("public key file is not PEM: %q", text)
	}
}

func TestKeyMadeOnceUnderRace(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	keys := make([]ed25519.PublicKey, 8)
	errs := make([]error, 8)
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i], errs[i] = PublicKey(dir, "")
		}()
	}
	wg.Wait()
	for i := range keys {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !keys[i].Equal(keys[0]) {
			t.Fatal("concurrent first uses made different keys")
		}
	}
}

func TestPublicWithoutPrivateIsAnError(t *testing.T) {
	dir := t.TempDir()
	if _, err := PublicKey(dir, ""); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(KeyPath(dir)); err != nil {
		t.Fatal(err)
	}
	if _, err := PrivateKey(dir, ""); err == nil {
		t.Fatal("a lost private key was silently replaced by a new pair")
	}
}

func TestOutsideKeyFile(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "newsroom.pem")
	key, err := create(outside)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := PublicKey(dir, outside)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(key.Public()) {
		t.Error("the public key is not derived from the outside file")
	}
	if _, err := os.Stat(KeyPath(dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a key was made in the data dir although one was given: %v", err)
	}
	if err := os.Chmod(outside, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := PrivateKey(dir, outside); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable key was accepted: %v", err)
	}
	if _, err := PrivateKey(dir, filepath.Join(dir, "nope.pem")); err == nil {
		t.Error("a missing key file was accepted")
	}
	notKey := filepath.Join(t.TempDir(), "x.pem")
	os.WriteFile(notKey, []byte("hello"), 0o600)
	if _, err := PrivateKey(dir, notKey); err == nil {
		t.Error("a file that is no key was accepted")
	}
}

func TestFingerprint(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	fp := Fingerprint(pub)
	if !regexp.MustCompile(`^([0-9A-F]{4} ){9}[0-9A-F]{4}$`).MatchString(fp) {
		t.Errorf("fingerprint %q is not ten groups of four hex digits", fp)
	}
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	if Fingerprint(other) == fp {
		t.Error("two keys share a fingerprint")
	}
	// A fixed key gives a fixed fingerprint (readers compare it over months).
	zero := make(ed25519.PublicKey, ed25519.PublicKeySize)
	if got := Fingerprint(zero); got != "6668 7AAD F862 BD77 6C8F C18B 8E9F 8E20 0897 1485" {
		t.Errorf("Fingerprint(zero key) = %q", got)
	}
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func signedTree(t *testing.T, key ed25519.PrivateKey) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"index.html":             "<a href=kk/index.html>kk</a>",
		"kk/index.html":          "home",
		"kk/a-b/index.html":      "story",
		"kk/a/index.html":        "section",
		"feeds/kk/rss.xml":       "<rss/>",
		"media/x/0123-320.jpg":   "\xff\xd8jpeg",
		"assets/site.abcdef.css": "body{}",
	})
	m := Manifest{Service: "kk", Origin: "https://news.example.org", Exported: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	if err := Hash(dir, &m); err != nil {
		t.Fatal(err)
	}
	if err := WriteSigned(dir, m, key); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestVerifyCleanCopy(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	dir := signedTree(t, key)
	r, err := Verify(dir, key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("a clean copy did not verify: %+v", r)
	}
	if len(r.Manifest.Files) != 7 || r.Manifest.Service != "kk" || r.Manifest.Key != Fingerprint(key.Public().(ed25519.PublicKey)) {
		t.Errorf("manifest %+v", r.Manifest)
	}
	var paths []string
	for _, f := range r.Manifest.Files {
		paths = append(paths, f.Path)
	}
	if !slices.IsSorted(paths) {
		t.Errorf("manifest not sorted: %v", paths)
	}
	if !r.Manifest.Exported.Equal(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("export time %v", r.Manifest.Exported)
	}
}

func TestVerifyNamesEveryChange(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	pub := key.Public().(ed25519.PublicKey)
	dir := signedTree(t, key)
	os.WriteFile(filepath.Join(dir, "kk/index.html"), []byte("home, with a planted paragraph"), 0o644)
	os.WriteFile(filepath.Join(dir, "feeds/kk/rss.xml"), []byte("<rss>"), 0o644) // same size ± content
	os.Remove(filepath.Join(dir, "kk/a-b/index.html"))
	writeTree(t, dir, map[string]string{"kk/fake/index.html": "planted", "evil.js": "alert(1)"})
	os.Symlink("/etc/passwd", filepath.Join(dir, "passwd"))
	r, err := Verify(dir, pub)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() {
		t.Fatal("a tampered copy verified")
	}
	if want := []string{"feeds/kk/rss.xml", "kk/index.html"}; !slices.Equal(r.Altered, want) {
		t.Errorf("altered %v, want %v", r.Altered, want)
	}
	if want := []string{"kk/a-b/index.html"}; !slices.Equal(r.Missing, want) {
		t.Errorf("missing %v, want %v", r.Missing, want)
	}
	if want := []string{"evil.js", "kk/fake/index.html", "passwd"}; !slices.Equal(r.Extra, want) {
		t.Errorf("extra %v, want %v", r.Extra, want)
	}
}

func TestVerifyRefusesAnotherKey(t *testing.T) {
	_, newsroom, _ := ed25519.GenerateKey(rand.Reader)
	_, attacker, _ := ed25519.GenerateKey(rand.Reader)
	dir := signedTree(t, newsroom)
	// The attacker changes a page and signs a fresh manifest with their own
	// key, leaving their public key in the folder for good measure.
	os.WriteFile(filepath.Join(dir, "kk/index.html"), []byte("forged"), 0o644)
	m := Manifest{Service: "kk", Origin: "https://news.example.org", Exported: time.Now()}
	if err := Hash(dir, &m); err != nil {
		t.Fatal(err)
	}
	if err := WriteSigned(dir, m, attacker); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "ed25519.pub"), EncodePublicKey(attacker.Public().(ed25519.PublicKey)), 0o644)
	_, err := Verify(dir, newsroom.Public().(ed25519.PublicKey))
	if !errors.Is(err, ErrBadSignature) {
		t.Fatalf("re-signed copy: err %v, want ErrBadSignature", err)
	}
	// The manifest edited by hand, keeping the old signature, fails too.
	dir = signedTree(t, newsroom)
	mpath := filepath.Join(dir, ManifestName)
	data, _ := os.ReadFile(mpath)
	os.WriteFile(mpath, []byte(strings.Replace(string(data), `"service": "kk"`, `"service": "ru"`, 1)), 0o644)
	if _, err := Verify(dir, newsroom.Public().(ed25519.PublicKey)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("edited manifest: err %v, want ErrBadSignature", err)
	}
	// No signature at all.
	dir = signedTree(t, newsroom)
	os.Remove(filepath.Join(dir, SignatureName))
	if _, err := Verify(dir, newsroom.Public().(ed25519.PublicKey)); err == nil {
		t.Fatal("a copy without its signature verified")
	}
}

func TestHashRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.html": "a"})
	os.Symlink("/etc/passwd", filepath.Join(dir, "b"))
	var m Manifest
	if err := Hash(dir, &m); err == nil {
		t.Error("a symlink was hashed into a manifest")
	}
}

func TestValidPath(t *testing.T) {
	for p, want := range map[string]bool{
		"kk/index.html": true, "a": true,
		"": false, "/etc/passwd": false, "../x": false, "kk/../../x": false, "kk//x": false, "./x": false, `kk\x`: false, "..": false,
	} {
		if validPath(p) != want {
			t.Errorf("validPath(%q) = %v", p, !want)
		}
	}
}
