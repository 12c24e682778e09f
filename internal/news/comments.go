package news

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Comments: readers comment on public stories with a display name, an
// optional email address (never shown to readers; only chiefs and admins
// may see or export it) and plain text. Replies go one level deep: a reply
// to a reply is attached to the top-level comment it answers.
//
// Readers' safety: nothing here holds an IP address or a User-Agent. A
// comment may carry a ClientTag, an HMAC of the reader's address under a
// key that lives only in the serving process's memory and changes daily;
// the store erases it after ClientTagTTL. A ban is kept as an HMAC of the
// email address (so the ban list names nobody) and, for a day, as a
// client tag.
//
// What readers see changes only through the comment thread's Version,
// never through the content version: a comment arriving or being approved
// must not change a story page's cached HTML. Switching comments on or off
// (per service or per story) does change story pages, so it moves the
// content version.

// CommentState is where a comment is: pending (waiting for a moderator),
// approved (shown), rejected, or spam.
type CommentState string

const (
	CommentPending  CommentState = "pending"
	CommentApproved CommentState = "approved"
	CommentRejected CommentState = "rejected"
	CommentSpam     CommentState = "spam"
)

// Valid reports whether s is a known state.
func (s CommentState) Valid() bool {
	switch s {
	case CommentPending, CommentApproved, CommentRejected, CommentSpam:
		return true
	}
	return false
}

// Moderation is a service's rule for new comments.
type Moderation string

const (
	// PreModeration keeps every new comment pending until a moderator
	// approves it.
	PreModeration Moderation = "pre"
	// PostModeration shows a new comment at once; ReportThreshold reports
	// from readers send it back to pending for review.
	PostModeration Moderation = "post"
)

// Limits of a comment.
const (
	MaxCommentName  = 60   // runes of a display name
	MaxCommentBody  = 4000 // runes of a comment's text
	MinCommentBody  = 2
	MaxCommentLinks = 2 // links a comment may carry and still be shown without review
	// MaxCommentLinksHard is the number of links above which a comment is
	// refused outright rather than held for review.
	MaxCommentLinksHard = 5
	// DuplicateWindow is how long the same text on the same story is
	// refused as a duplicate.
	DuplicateWindow = 24 * time.Hour
	// ClientTagTTL is how long a comment keeps its client tag (for a ban by
	// client); the tag's key rotates daily anyway.
	ClientTagTTL = 24 * time.Hour
	// DefaultReportThreshold is how many reports send a shown comment back
	// to review.
	DefaultReportThreshold = 3
)

// CommentSettings are a service's comment rules, edited by its chief. A
// service that never set them has comments off, pre-moderated.
type CommentSettings struct {
	Service         string
	Enabled         bool
	Moderation      Moderation
	ReportThreshold int // reports that hide a shown comment pending review (≥ 1)
}

// Validate checks the settings and fills defaults.
func (s *CommentSettings) Validate() error {
	if s.Service == "" {
		return Invalidf("comment settings need a service")
	}
	if s.Moderation == "" {
		s.Moderation = PreModeration
	}
	if s.Moderation != PreModeration && s.Moderation != PostModeration {
		return Invalidf("moderation is pre or post")
	}
	if s.ReportThreshold == 0 {
		s.ReportThreshold = DefaultReportThreshold
	}
	if s.ReportThreshold < 1 || s.ReportThreshold > 100 {
		return Invalidf("the report threshold is from 1 to 100")
	}
	return nil
}

// CommentThread is what readers' pages need to know about one story's
// comments: whether they are open, under which rules, and the version of
// what is shown (it moves whenever a comment appears, changes or goes).
type CommentThread struct {
	Story    string
	Service  string
	Settings CommentSettings
	// Closed is the story's own switch (comments off on this story).
	Closed  bool
	Version int64
}

// Open reports whether readers may see and write comments on the story
// (the story being public is checked apart).
func (t CommentThread) Open() bool { return t.Settings.Enabled && !t.Closed }

// Comment is one reader's comment. Email is private: public methods return
// it empty.
type Comment struct {
	ID      string
	Story   string
	Service string
	Parent  string // the top-level comment this replies to; "" for one
	Name    string
	Email   string
	Body    string
	State   CommentState
	Reports int
	// Held says why a comment was kept for review whatever the service's
	// rules ("links"); "".
	Held    string
	Created time.Time
}

// NewComment is what a reader posts.
type NewComment struct {
	Story  string
	Parent string
	Name   string
	Email  string // optional; normalized by NormalizeEmail
	Body   string
	// ClientTag is the in-memory HMAC of the reader's address (never the
	// address itself), for bans by client; "" when unknown.
	ClientTag string
	// Hold keeps the comment pending whatever the service's rules, with
	// this reason (too many links).
	Hold string
}

// CommenterEmail is one address that commented, for the export.
type CommenterEmail struct {
	Email    string
	Name     string // the latest display name used with it
	Comments int
	First    time.Time
	Last     time.Time
}

// Errors of AddComment besides ErrInvalid and ErrNotFound.
var (
	// ErrCommentsClosed: the story takes no comments.
	ErrCommentsClosed = errors.New("news: comments are closed")
	// ErrBanned: the commenter is banned from the service.
	ErrBanned = errors.New("news: banned from commenting")
	// ErrDuplicate wraps ErrConflict: the same text is already on the
	// story (within DuplicateWindow).
	ErrDuplicate = fmt.Errorf("news: the same comment was already posted: %w", ErrConflict)
)

// CleanCommentText trims a name or body, drops control characters other
// than newlines (and tabs, made spaces), folds runs of blank lines into
// one, and checks the lengths. ErrInvalid with the rule broken.
func CleanCommentText(name, body string) (string, string, error) {
	clean := func(s string, multiline bool) string {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		var b strings.Builder
		for _, r := range s {
			switch {
			case r == '\n' && multiline:
				b.WriteRune(r)
			case r == '\t' || r == '\n' || r == '\r':
				b.WriteByte(' ')
			case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d':
				// Bidi overrides and other invisible format characters
				// could disguise a link; ZWNJ and ZWJ are kept (Persian).
			default:
				b.WriteRune(r)
			}
		}
		s = strings.TrimSpace(b.String())
		if multiline {
			lines := strings.Split(s, "\n")
			out := lines[:0]
			blank := 0
			for _, l := range lines {
				l = strings.TrimRightFunc(l, unicode.IsSpace)
				if l == "" {
					if blank++; blank > 1 {
						continue
					}
				} else {
					blank = 0
				}
				out = append(out, l)
			}
			s = strings.Join(out, "\n")
		}
		return s
	}
	name, body = clean(name, false), clean(body, true)
	if n := utf8.RuneCountInString(name); n == 0 || n > MaxCommentName {
		return "", "", Invalidf("give a name of 1 to %d characters", MaxCommentName)
	}
	if n := utf8.RuneCountInString(body); n < MinCommentBody || n > MaxCommentBody {
		return "", "", Invalidf("a comment has %d to %d characters", MinCommentBody, MaxCommentBody)
	}
	return name, body, nil
}

// CommentStore keeps comments, their rules and bans. Errors wrap
// ErrNotFound, ErrConflict or ErrInvalid as each method says; times come
// back in UTC truncated to microseconds. No method takes or stores an IP
// address or a User-Agent.
type CommentStore interface {
	// CommentSettings returns a service's rules (the defaults if it never
	// set any). ErrNotFound for an unknown service.
	CommentSettings(ctx context.Context, service string) (CommentSettings, error)
	// SetCommentSettings stores a service's rules and moves the content
	// version (story pages show or drop their comments section).
	// ErrInvalid, ErrNotFound for an unknown service.
	SetCommentSettings(ctx context.Context, s CommentSettings) error
	// SetStoryComments switches comments on or off on one story and moves
	// the content version. ErrNotFound for an unknown story.
	SetStoryComments(ctx context.Context, storyID string, open bool) error
	// CommentThread returns a story's thread state (in any publication
	// state: callers check the story is public). ErrNotFound for an
	// unknown story.
	CommentThread(ctx context.Context, storyID string) (CommentThread, error)

	// AddComment stores a reader's comment on a story whose comments are
	// open: pending under pre-moderation or when n.Hold is set, approved
	// under post-moderation. A reply's Parent must be a shown comment of
	// the same story; a reply to a reply is attached to that reply's
	// parent. ErrCommentsClosed, ErrBanned (by email or client tag),
	// ErrDuplicate (same text on the story within DuplicateWindow),
	// ErrInvalid (bad name, text, email, parent), ErrNotFound (story).
	AddComment(ctx context.Context, n NewComment, now time.Time) (Comment, error)
	// ShownComments lists a story's approved comments, oldest first, with
	// Email empty: what readers see.
	ShownComments(ctx context.Context, storyID string) ([]Comment, error)
	// Comment returns any comment, with its email. ErrNotFound.
	Comment(ctx context.Context, id string) (Comment, error)
	// ReportComment counts a reader's report; a shown comment reaching its
	// service's ReportThreshold goes back to pending. ErrNotFound for a
	// comment that is not shown.
	ReportComment(ctx context.Context, id string, now time.Time) (Comment, error)
	// ModerationQueue lists a service's comments waiting for review
	// (pending, or shown with reports), newest first, at most limit.
	ModerationQueue(ctx context.Context, service string, limit int) ([]Comment, error)
	// SetCommentState moves a comment to a state; approving clears its
	// reports (a moderator has seen them). ErrInvalid, ErrNotFound.
	SetCommentState(ctx context.Context, id string, st CommentState) (Comment, error)
	// BanCommenter marks a comment spam and bans its author from the
	// service: by email (kept as an HMAC) if it has one, and by client tag
	// for the rest of ClientTagTTL if it has one. It returns the comment.
	// ErrNotFound.
	BanCommenter(ctx context.Context, id string, now time.Time) (Comment, error)
	// CommenterEmails lists the distinct addresses that commented on a
	// service (or one story of it, storyID non-empty), by first comment.
	CommenterEmails(ctx context.Context, service, storyID string) ([]CommenterEmail, error)
}
