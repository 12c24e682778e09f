package news

import (
	"context"
	"strings"
	"time"
)

// A live blog is a story that also carries timestamped entries posted by
// editors while an event unfolds (a trial, an election night). The story's
// own revision is the live blog's summary; entries are public as soon as
// they are posted, while the story is public, and readers see them arrive
// without reloading (internal/live). Closing a live blog keeps it and its
// entries but takes no more.

// LiveBlog says a story is a live blog.
type LiveBlog struct {
	StoryID string
	Open    bool      // taking entries
	Started time.Time // when it became a live blog
	Closed  time.Time // when it last closed; zero while open
}

// LiveEntry is one timestamped entry of a live blog.
type LiveEntry struct {
	ID      string
	StoryID string
	Seq     int64  // increases with every entry of the story; the event id readers resume from
	Title   Inline // optional short headline of the entry
	Body    Doc
	Posted  time.Time
	By      string // Staff.ID: private, never shown to readers
}

// Validate checks an entry before it is stored.
func (e LiveEntry) Validate() error {
	if err := e.Title.Validate(); err != nil {
		return Invalidf("live entry title: %v", err)
	}
	if len(e.Body.Blocks) == 0 && strings.TrimSpace(e.Title.Plain()) == "" {
		return Invalidf("a live entry needs a title or some text")
	}
	if len(e.Body.Blocks) > 0 {
		if err := e.Body.Validate(); err != nil {
			return Invalidf("live entry: %v", err)
		}
	}
	return nil
}

// LiveBlogStore keeps live blogs and their entries. Every change bumps the
// content version (story pages show the entries).
type LiveBlogStore interface {
	// SetLiveBlog makes a story a live blog (open) or closes it; ErrNotFound
	// for an unknown story.
	SetLiveBlog(ctx context.Context, storyID string, open bool, at time.Time) error
	// LiveBlog returns a story's live blog; ErrNotFound if it is not one.
	LiveBlog(ctx context.Context, storyID string) (LiveBlog, error)
	// PostLiveEntry stores a new entry (assigns ID and Seq); ErrInvalid for a
	// bad entry, ErrConflict when the live blog is closed, ErrNotFound when
	// the story is not a live blog.
	PostLiveEntry(ctx context.Context, e *LiveEntry) error
	// DeleteLiveEntry removes an entry; ErrNotFound.
	DeleteLiveEntry(ctx context.Context, id string) error
	// LiveEntries returns the entries of a live blog with Seq > after posted
	// at or before at, oldest first, at most limit (1..500).
	LiveEntries(ctx context.Context, storyID string, after int64, at time.Time, limit int) ([]LiveEntry, error)
}
