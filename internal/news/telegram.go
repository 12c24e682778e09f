package news

import (
	"context"
	"time"
)

// Telegram channels: a service may have its published stories posted to a
// Telegram channel (package telegram). What is kept is, per story, which
// message in which chat shows it and what it shows, so corrections edit it
// and unpublishing deletes it; nothing about readers.

// TelegramState is where a story's channel post is: sending (claimed; the
// message is going out, or went out without an answer) → posted → deleted
// (the story was unpublished and the message removed) or unrecallable (the
// story was unpublished but Telegram no longer lets the bot delete it).
type TelegramState string

const (
	TelegramSending      TelegramState = "sending"
	TelegramPosted       TelegramState = "posted"
	TelegramDeleted      TelegramState = "deleted"
	TelegramUnrecallable TelegramState = "unrecallable"
)

// Valid reports whether s is one of the states.
func (s TelegramState) Valid() bool {
	switch s {
	case TelegramSending, TelegramPosted, TelegramDeleted, TelegramUnrecallable:
		return true
	}
	return false
}

// TelegramKind is how a story was posted: a photo with a caption, or a
// text message with a link preview. It decides how the message is edited.
type TelegramKind string

const (
	TelegramPhoto TelegramKind = "photo"
	TelegramText  TelegramKind = "text"
)

// TelegramRecall is how long after posting Telegram lets a bot delete its
// message in a channel; after that an unpublished story's post cannot be
// recalled, only reported to the newsroom.
const TelegramRecall = 48 * time.Hour

// TelegramPost is one story's message in a service's channel.
type TelegramPost struct {
	Service   string
	StoryID   string
	Chat      string // the channel it went to: "@name" or a numeric id
	MessageID int64  // 0 while sending
	Kind      TelegramKind
	State     TelegramState
	Claimed   time.Time // when sending began
	Posted    time.Time // when the Bot API confirmed the message
	// Corrections and Updated are what the message shows: the number of
	// the story's corrections and its UpdatedAt when last posted or edited.
	Corrections int
	Updated     time.Time
	Edited      time.Time // the latest edit; zero if never edited
	Ended       time.Time // when it became deleted or unrecallable
}

// Recallable reports whether the bot may still delete the message at now.
func (p TelegramPost) Recallable(now time.Time) bool {
	return p.MessageID != 0 && now.Sub(p.Posted) < TelegramRecall
}

// TelegramFilter selects posts for a listing. Empty fields select all.
type TelegramFilter struct {
	Service string
	StoryID string
	State   TelegramState
	Since   time.Time // posts claimed at or after it
	Limit   int       // 1..10000; 0 means 100
}

// TelegramStore keeps the channel posts. Errors wrap ErrNotFound,
// ErrConflict or ErrInvalid as each method says; times come back in UTC
// truncated to microseconds.
type TelegramStore interface {
	// TelegramWatermark returns the service's watermark, setting it to at
	// when the service has none yet (the first to ask wins: processes
	// racing get one value). Stories first published at or before it are
	// never posted. ErrNotFound for an unknown service.
	TelegramWatermark(ctx context.Context, service string, at time.Time) (time.Time, error)
	// ClaimTelegramPost records that story storyID is about to be posted to
	// chat (state sending, claimed at at), so no one posts it again. A post
	// that was deleted may be claimed again (the story came back); any
	// other existing post is ErrConflict. ErrInvalid for an unknown service
	// or story or an empty chat.
	ClaimTelegramPost(ctx context.Context, service, storyID, chat string, at time.Time) error
	// ReleaseTelegramPost removes a claim still sending: the Bot API
	// refused the message, so nothing was posted and the story may be
	// tried again. (A claim whose outcome was never known stays sending
	// until the newsroom, having looked at the channel, releases it.)
	// ErrNotFound when there is no such claim.
	ReleaseTelegramPost(ctx context.Context, service, storyID string) error
	// RecordTelegramPost turns the claim of p.Service and p.StoryID into
	// the posted message: MessageID (positive), Kind, Posted, Corrections
	// and Updated are stored. ErrNotFound when there is no claim sending;
	// ErrInvalid for a bad message id or kind.
	RecordTelegramPost(ctx context.Context, p TelegramPost) error
	// RecordTelegramEdit records that the posted message now shows
	// corrections and updated, edited at at. ErrNotFound when the story has
	// no posted message.
	RecordTelegramEdit(ctx context.Context, service, storyID string, corrections int, updated, at time.Time) error
	// SetTelegramState moves a post from state from to state to at at
	// (posted → deleted or unrecallable when the story was unpublished;
	// unrecallable → posted when it came back). ErrConflict when the post
	// is not in state from; ErrNotFound when there is no post; ErrInvalid
	// for an unknown state or sending as either.
	SetTelegramState(ctx context.Context, service, storyID string, from, to TelegramState, at time.Time) error
	// TelegramStale lists, oldest claim first, the service's posts claimed
	// at or after since that no longer match their story at instant at: a
	// posted one whose story is not public at at, an unrecallable one whose
	// story is public again, and a posted one whose story's UpdatedAt or
	// number of corrections made by at differs from what the post shows.
	// It is one query, so a pass over months of posts costs little; the
	// caller confirms each through the public reads.
	TelegramStale(ctx context.Context, service string, since, at time.Time) ([]TelegramPost, error)
	// TelegramPosts lists posts, newest claim first. ErrInvalid for an
	// unknown state or a limit out of range. The newsroom reads
	// TelegramUnrecallable posts from here: messages of unpublished
	// stories that stay in the channel.
	TelegramPosts(ctx context.Context, f TelegramFilter) ([]TelegramPost, error)
}
