package news

import (
	"errors"
	"fmt"
)

// The documented errors of the Store. Backends wrap them with context using
// fmt.Errorf("...: %w", ErrNotFound) so callers test with errors.Is.
var (
	// ErrNotFound: the thing asked for does not exist, or is not public at
	// the instant asked about (public reads never tell the two apart).
	ErrNotFound = errors.New("not found")
	// ErrConflict: a save was based on a revision that is no longer the
	// latest, or a unique name (code, slug, email) is already taken.
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the input breaks a rule of the domain; the message says which.
	ErrInvalid = errors.New("invalid")
)

// Invalidf returns an error wrapping ErrInvalid with a human-readable reason.
func Invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
