package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's costs. They are stored with every hash (PHC string
// format), so they can be raised later: a hash made with other parameters
// still verifies, and is replaced at the next successful sign-in.
type Params struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultParams cost about 200 ms and 64 MiB per hash on the reference
// machine (DEPENDENCIES.md).
var DefaultParams = Params{Time: 2, Memory: 64 * 1024, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
)

// HashPassword returns the PHC-encoded argon2id hash of password:
// $argon2id$v=19$m=65536,t=2,p=2$salt$hash.
func HashPassword(password string, p Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// errHash is a stored hash qalam cannot read.
var errHash = errors.New("auth: unreadable password hash")

// decodeHash reads a PHC string made by HashPassword.
func decodeHash(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Time == 0 || p.Memory == 0 || p.Threads == 0 || p.Memory > 4<<20 || p.Time > 100 {
		return p, nil, nil, errHash
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 128 {
		return p, nil, nil, errHash
	}
	return p, salt, key, nil
}

// VerifyPassword reports whether password matches encoded, comparing in
// constant time. An unreadable hash never matches.
func VerifyPassword(password, encoded string) (bool, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with parameters other than
// p (or cannot be read).
func NeedsRehash(encoded string, p Params) bool {
	got, _, key, err := decodeHash(encoded)
	return err != nil || got != p || len(key) != keyLen
}

// Passwords are at least this long, and at most the longer: argon2 takes
// any length, but a megabyte "password" is an attack on the CPU.
const (
	MinPassword = 12
	MaxPassword = 256
)

// CheckPassword says what is wrong with a new password, if anything.
func CheckPassword(pw string) error {
	n := len([]rune(pw))
	switch {
	case n < MinPassword:
		return fmt.Errorf("the password needs at least %d characters", MinPassword)
	case len(pw) > MaxPassword:
		return fmt.Errorf("the password may have at most %d bytes", MaxPassword)
	case strings.TrimSpace(pw) == "":
		return errors.New("the password cannot be only spaces")
	}
	return nil
}
