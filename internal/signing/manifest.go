package signing

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The two files a signed folder carries besides its content; Verify leaves
// exactly these out of its check for extra files.
const (
	ManifestName  = "qalam-manifest.json"
	SignatureName = "qalam-manifest.sig"
)

// ManifestFormat names the manifest's version.
const ManifestFormat = "qalam-export/1"

// Manifest lists every file of an export with its hash. Its bytes, as
// written, are what the signature covers.
type Manifest struct {
	Format   string    `json:"format"`
	Service  string    `json:"service"`
	Origin   string    `json:"origin"`   // the live site the copy was made from
	Exported time.Time `json:"exported"` // when, in UTC
	Key      string    `json:"key"`      // Fingerprint of the signing key
	Files    []File    `json:"files"`    // sorted by Path
}

// File is one file of an export.
type File struct {
	Path   string `json:"path"` // slash-separated, relative to the folder
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Hash lists every regular file under dir (except the manifest and its
// signature) into m.Files, sorted by path. Anything that is not a regular
// file or a folder is an error: a copy must not point outside itself.
func Hash(dir string, m *Manifest) error {
	files, err := walk(dir)
	if err != nil {
		return err
	}
	m.Files = m.Files[:0]
	for _, p := range files.regular {
		f, err := hashFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			return err
		}
		f.Path = p
		m.Files = append(m.Files, f)
	}
	if len(files.other) > 0 {
		return fmt.Errorf("signing: %s is not a regular file", files.other[0])
	}
	return nil
}

// WriteSigned writes m into dir as ManifestName and its Ed25519 signature
// by key as SignatureName (the base64 signature of the manifest's bytes on
// one line). m.Key is set to the key's fingerprint. The signature is
// written last, so a folder whose writing was cut short does not verify.
func WriteSigned(dir string, m Manifest, key ed25519.PrivateKey) error {
	m.Format = ManifestFormat
	m.Key = Fingerprint(key.Public().(ed25519.PublicKey))
	m.Exported = m.Exported.UTC()
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	sig := ed25519.Sign(key, data)
	if err := writeFile(filepath.Join(dir, ManifestName), data); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, SignatureName), []byte(base64.StdEncoding.EncodeToString(sig)+"\n"))
}

// writeFile replaces a file through a synced temporary file.
func writeFile(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-"+filepath.Base(name)+"-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
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
	return os.Rename(f.Name(), name)
}

// Report is what Verify found.
type Report struct {
	Manifest Manifest // as signed
	Altered  []string // files whose content differs from the manifest
	Missing  []string // files in the manifest and not in the folder
	Extra    []string // files in the folder and not in the manifest
}

// OK reports whether the folder is exactly what was signed.
func (r Report) OK() bool { return len(r.Altered)+len(r.Missing)+len(r.Extra) == 0 }

// ErrBadSignature is returned by Verify when the manifest's signature does
// not verify with the key given.
var ErrBadSignature = errors.New("the manifest's signature does not verify with the newsroom's key")

// Verify checks a folder against its signed manifest, using only pub: it
// never reads a key from the folder. It returns an error if the manifest or
// its signature is missing, unreadable or not made with pub (nothing in an
// unsigned manifest is believed); otherwise the Report names every altered,
// missing and extra file.
func Verify(dir string, pub ed25519.PublicKey) (Report, error) {
	var r Report
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return r, fmt.Errorf("reading the manifest: %w", err)
	}
	sigText, err := os.ReadFile(filepath.Join(dir, SignatureName))
	if err != nil {
		return r, fmt.Errorf("reading the signature: %w", err)
	}
	sig, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(sigText)))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return r, fmt.Errorf("%s: not a base64 Ed25519 signature", SignatureName)
	}
	if !ed25519.Verify(pub, data, sig) {
		return r, fmt.Errorf("%w (key %s)", ErrBadSignature, Fingerprint(pub))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r.Manifest); err != nil {
		return r, fmt.Errorf("%s: %v", ManifestName, err)
	}
	m := r.Manifest
	if m.Format != ManifestFormat {
		return r, fmt.Errorf("%s: format %q, this qalam reads %q", ManifestName, m.Format, ManifestFormat)
	}
	if m.Key != Fingerprint(pub) {
		return r, fmt.Errorf("%s names key %s but was signed with %s", ManifestName, m.Key, Fingerprint(pub))
	}
	listed := make(map[string]File, len(m.Files))
	for _, f := range m.Files {
		if !validPath(f.Path) {
			return r, fmt.Errorf("%s lists a path outside the folder: %q", ManifestName, f.Path)
		}
		listed[f.Path] = f
	}
	files, err := walk(dir)
	if err != nil {
		return r, err
	}
	present := map[string]bool{}
	for _, p := range files.regular {
		present[p] = true
		want, ok := listed[p]
		if !ok {
			r.Extra = append(r.Extra, p)
			continue
		}
		got, err := hashFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			return r, err
		}
		if got.SHA256 != want.SHA256 || got.Size != want.Size {
			r.Altered = append(r.Altered, p)
		}
	}
	for _, p := range files.other {
		present[p] = true
		if _, ok := listed[p]; ok {
			r.Altered = append(r.Altered, p) // a link or device where a file was signed
		} else {
			r.Extra = append(r.Extra, p)
		}
	}
	for _, f := range m.Files {
		if !present[f.Path] {
			r.Missing = append(r.Missing, f.Path)
		}
	}
	slices.Sort(r.Altered)
	slices.Sort(r.Extra)
	slices.Sort(r.Missing)
	return r, nil
}

// validPath reports whether p is a clean relative slash path inside the
// folder.
func validPath(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && path.Clean(p) == p && p != "." && p != ".." &&
		!strings.HasPrefix(p, "../") && !strings.Contains(p, "\\")
}

type listing struct {
	regular []string // regular files, slash paths, sorted
	other   []string // symlinks, devices, sockets ...
}

// walk lists dir's files sorted by slash path, leaving out the manifest and its
// signature at the top.
func walk(dir string) (listing, error) {
	var l listing
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == ManifestName || rel == SignatureName {
			return nil
		}
		if d.Type().IsRegular() {
			l.regular = append(l.regular, rel)
		} else {
			l.other = append(l.other, rel)
		}
		return nil
	})
	slices.Sort(l.regular)
	slices.Sort(l.other)
	return l, err
}

func hashFile(name string) (File, error) {
	f, err := os.Open(name)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, err
	}
	return File{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}, nil
}
