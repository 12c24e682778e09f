package news

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// The newsroom's workflow around stories: who has a story open (edit
// locks), signed preview links for colleagues without an account, and the
// admin's story lists. Nothing here is public.

// EditLock says who has a story open in the editor. A lock not seen for
// the idle time the caller gives is free for anyone.
type EditLock struct {
	StoryID string
	Holder  string    // Staff.ID
	Since   time.Time // when the holder took it
	Seen    time.Time // the holder's latest sign of life (open, save)
	// Displaced is the person the holder took the story over from, at
	// TakenAt; "" when the lock was free when taken.
	Displaced string
	TakenAt   time.Time
}

// Held reports whether the lock is still held at now with idle as the
// longest silence a holder keeps it through.
func (l EditLock) Held(now time.Time, idle time.Duration) bool {
	return l.Holder != "" && now.Sub(l.Seen) < idle
}

// PreviewLink is a link to one revision of a story as readers will see it,
// for a colleague without an account. Only the hash of its token is
// stored; the token is shown once.
type PreviewLink struct {
	ID         string
	StoryID    string
	RevisionID string
	Latin      bool // the Kazakh Latin view
	CreatedBy  string
	Created    time.Time
	Expires    time.Time
	Revoked    time.Time // zero while not revoked
}

// ActiveAt reports whether the link opens at now.
func (l PreviewLink) ActiveAt(now time.Time) bool {
	return l.Revoked.IsZero() && now.Before(l.Expires)
}

// PreviewTokenHash is how a preview link's token is stored and looked up.
func PreviewTokenHash(token string) string {
	sum := sha256.Sum256([]byte("qalam preview link\x00" + token))
	return hex.EncodeToString(sum[:])
}

// StoryFilter selects stories for the newsroom's lists.
type StoryFilter struct {
	Services  []string   // required: the services the person may see
	Status    EditStatus // "" for any
	Pub       PubState   // "" for any
	CreatedBy string     // "" for anyone's
	Text      string     // words that must all appear in the newest revision's headline, deck or body
	Limit     int        // 1..500; 0 means 100
}

// Validate checks the filter.
func (f StoryFilter) Validate() error {
	switch f.Status {
	case "", StatusDraft, StatusReview, StatusApproved:
	default:
		return Invalidf("unknown editorial status %q", f.Status)
	}
	switch f.Pub {
	case "", PubNone, PubScheduled, PubPublished, PubUnpublished:
	default:
		return Invalidf("unknown publication state %q", f.Pub)
	}
	if f.Limit < 0 || f.Limit > 500 {
		return Invalidf("limit must be 1..500")
	}
	if len(strings.Fields(f.Text)) > 16 {
		return Invalidf("search with at most 16 words")
	}
	return nil
}

// StoryRow is a story as the newsroom's lists show it.
type StoryRow struct {
	Story
	Headline  Inline    // of the newest revision
	CreatedBy string    // who created the story (Staff.ID)
	EditedBy  string    // who saved the newest revision (Staff.ID)
	Edited    time.Time // when
	// OpenBy and Seen are the story's edit lock (OpenBy "" when none):
	// whether it is still held is the caller's call (EditLock.Held).
	OpenBy string
	Seen   time.Time
}

// WorkflowStore keeps edit locks and preview links and lists stories for
// the newsroom. Errors wrap ErrNotFound, ErrConflict or ErrInvalid as each
// method says.
type WorkflowStore interface {
	// StoryList lists stories matching f, most recently changed first.
	// ErrInvalid for a bad filter.
	StoryList(ctx context.Context, f StoryFilter) ([]StoryRow, error)
	// StoryOwner returns who created a story (the first revision's
	// author). ErrNotFound.
	StoryOwner(ctx context.Context, storyID string) (string, error)

	// AcquireLock gives staff the story's lock at now when it is free,
	// already theirs, or idle for idle or longer, or when takeover is set
	// (the one displaced is recorded). Otherwise it returns the lock
	// another holds and ErrConflict. ErrNotFound for an unknown story.
	AcquireLock(ctx context.Context, storyID, staff string, now time.Time, idle time.Duration, takeover bool) (EditLock, error)
	// TouchLock is a holder's sign of life: like AcquireLock without
	// takeover.
	TouchLock(ctx context.Context, storyID, staff string, now time.Time, idle time.Duration) (EditLock, error)
	// ReleaseLock frees the lock if staff holds it.
	ReleaseLock(ctx context.Context, storyID, staff string) error
	// Lock returns the story's lock, held or not. ErrNotFound when there
	// has never been one.
	Lock(ctx context.Context, storyID string) (EditLock, error)

	// CreatePreviewLink stores l (ID assigned) under the hash of its
	// token. ErrInvalid for an unknown story or revision of another story.
	CreatePreviewLink(ctx context.Context, l *PreviewLink, tokenHash string) error
	// PreviewLinkByHash finds a link by its token's hash, active or not.
	// ErrNotFound.
	PreviewLinkByHash(ctx context.Context, tokenHash string) (PreviewLink, error)
	// PreviewLinks lists a story's links, newest first.
	PreviewLinks(ctx context.Context, storyID string) ([]PreviewLink, error)
	// RevokePreviewLink ends a link of storyID at at. ErrNotFound.
	RevokePreviewLink(ctx context.Context, storyID, id string, at time.Time) error
}
