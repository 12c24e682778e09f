package news

import (
	"context"
	"time"
)

// Summary is a story as lists show it: enough for a teaser.
type Summary struct {
	ID        string
	Service   string
	Section   Section
	Slug      string
	Headline  Inline
	Deck      Inline
	Dateline  string
	Lead      *Figure
	LeadAsset *Asset // nil when the story has no lead image
	PublishAt time.Time
	UpdatedAt time.Time
}

// Translation points to the same story published in another service.
type Translation struct {
	Service Service
	Summary Summary
}

// Published is a story exactly as readers see it at one instant: the live
// revision with everything a page needs.
type Published struct {
	Story        Story
	Rev          Revision
	Section      Section
	Authors      []Author // in byline order
	Tags         []Tag
	Corrections  []Correction // oldest first
	Assets       map[string]Asset
	Translations []Translation // public ones only, in service order
}

// ListQuery selects public stories. Service is required; SectionID, TagID,
// AuthorID and Text narrow it further.
type ListQuery struct {
	Service   string
	SectionID string
	TagID     string
	AuthorID  string
	Text      string // words that must all appear in headline, deck or body (case-insensitive)
	Limit     int    // 1..100; 0 means 20
	Cursor    string // opaque, from Page.Next; "" starts at the newest
}

// Page is one page of a list, newest first, ordered by (PublishAt, ID).
type Page struct {
	Items []Summary
	Next  string // cursor of the following page; "" on the last
	Total int    // stories matching the query at that instant
}

// SearchQuery is a full-text search of one service's public stories.
type SearchQuery struct {
	Service string // required
	Text    string // the words, all of which must match (at least one word)
	Limit   int    // 1..100; 0 means 20; more is clamped to 100
	Cursor  string // opaque, from SearchPage.Next; "" starts at the best hit
}

// MarkHit marks the words of a search snippet that matched the query. It
// is produced by Store.Search only and never valid in stored content.
const MarkHit = "hit"

// SearchHit is one story found by Store.Search.
type SearchHit struct {
	Summary Summary
	// Snippet is plain text from the live revision around the first word
	// that matched, about 30 words; matched words carry MarkHit, and a cut
	// at either end is shown by "…".
	Snippet Inline
	Score   float64 // relevance, higher is better; comparable within one query only
}

// SearchPage is one page of search results.
type SearchPage struct {
	Hits  []SearchHit
	Next  string // cursor of the following page; "" on the last
	Total int    // stories matching at that instant
}

// NewStory is what CreateStory needs: where the story lives and its first
// revision's content.
type NewStory struct {
	ID        string // optional; generated if empty
	Service   string
	SectionID string
	Slug      string
	Group     string // optional; joins an existing translation group
	TagIDs    []string
	Content   Content
	CreatedBy string // Staff.ID
	Created   time.Time
}

// Store is qalam's persistence. Every method returns domain types and, on
// failure, an error wrapping ErrNotFound, ErrConflict or ErrInvalid (or an
// opaque error for broken storage). Times are returned in UTC truncated to
// microseconds. Every write that can change a public page bumps the content
// version in the same transaction.
//
// Public reads (Published*, ListPublished, Curated, PublicAsset) take an
// instant and return only what readers may see at it: drafts, scheduled
// stories before their time and unpublished stories are ErrNotFound.
type Store interface {
	// Services, sections, tags, authors, notices, banner, curation.
	Services(ctx context.Context) ([]Service, error)                          // by Position
	Service(ctx context.Context, code string) (Service, error)                // ErrNotFound
	PutService(ctx context.Context, s Service) error                          // create or update; ErrInvalid; setting Default clears it elsewhere
	Sections(ctx context.Context, service string) ([]Section, error)          // by Position
	Section(ctx context.Context, id string) (Section, error)                  // ErrNotFound
	SectionBySlug(ctx context.Context, service, slug string) (Section, error) // ErrNotFound
	PutSection(ctx context.Context, s *Section) error                         // assigns ID if empty; ErrConflict on a taken slug
	Tags(ctx context.Context, service string) ([]Tag, error)                  // by Name
	TagBySlug(ctx context.Context, service, slug string) (Tag, error)         // ErrNotFound
	PutTag(ctx context.Context, t *Tag) error                                 // assigns ID; ErrConflict
	Authors(ctx context.Context, service string) ([]Author, error)            // by Name
	Author(ctx context.Context, id string) (Author, error)                    // ErrNotFound
	AuthorBySlug(ctx context.Context, service, slug string) (Author, error)   // ErrNotFound
	PutAuthor(ctx context.Context, a *Author) error                           // assigns ID; ErrConflict
	Notices(ctx context.Context, service string) ([]Notice, error)            // all, by Position
	PutNotice(ctx context.Context, n *Notice) error                           // assigns ID
	DeleteNotice(ctx context.Context, id string) error                        // ErrNotFound
	Banner(ctx context.Context, service string) (Banner, error)               // ErrNotFound if never set
	SetBanner(ctx context.Context, b Banner) error
	SetCuration(ctx context.Context, service string, storyIDs []string) error // lead first; ErrInvalid for another service's story

	// Mirrors: other addresses of the site.
	MirrorStore

	// Staff accounts (private).
	PutStaff(ctx context.Context, s *Staff) error // assigns ID; ErrConflict on a taken email
	Staff(ctx context.Context, id string) (Staff, error)

	// Media.
	PutAsset(ctx context.Context, a *Asset) error                            // assigns ID; same Hash returns the existing asset in *a
	Asset(ctx context.Context, id string) (Asset, error)                     // any asset, for the newsroom
	PublicAsset(ctx context.Context, id string, at time.Time) (Asset, error) // only if a public story's live revision uses it

	// Stories: the newsroom's side.
	CreateStory(ctx context.Context, n NewStory) (Story, error) // ErrInvalid
	Story(ctx context.Context, id string) (Story, error)        // any state
	Revision(ctx context.Context, id string) (Revision, error)
	Revisions(ctx context.Context, storyID string) ([]Revision, error) // newest first
	// SaveRevision stores new content edited from base, which must be the
	// story's HeadRev; otherwise ErrConflict and nothing changes.
	SaveRevision(ctx context.Context, storyID, base string, c Content, by string, at time.Time) (Revision, error)
	// MoveStory changes section and slug. Old URLs keep working: the story ID
	// in them redirects to the current URL.
	MoveStory(ctx context.Context, storyID, sectionID, slug string) error
	SetStoryTags(ctx context.Context, storyID string, tagIDs []string) error
	SetStatus(ctx context.Context, storyID string, st EditStatus) error
	// Publish makes rev live at instant at. The first publication sets
	// PublishAt; later ones set UpdatedAt.
	Publish(ctx context.Context, storyID, rev string, at time.Time) error
	// Schedule makes rev go live at a future instant (an embargo).
	Schedule(ctx context.Context, storyID, rev string, at time.Time) error
	Unpublish(ctx context.Context, storyID string, at time.Time) error
	AddCorrection(ctx context.Context, storyID string, text Inline, at time.Time) (Correction, error)
	// LinkTranslation puts two stories of different services in one group.
	LinkTranslation(ctx context.Context, storyID, otherID string) error

	// Public reads.
	PublishedStory(ctx context.Context, id string, at time.Time) (Published, error)
	// StoryGone reports whether id names a story that was public once and is
	// unpublished now (so readers get 410, not 404).
	StoryGone(ctx context.Context, id string, at time.Time) (bool, error)
	ListPublished(ctx context.Context, q ListQuery, at time.Time) (Page, error)
	// Curated returns the service's curated stories that are public at at,
	// in the editors' order (the lead first).
	Curated(ctx context.Context, service string, at time.Time) ([]Summary, error)
	// Search finds the service's stories public at at whose live revision
	// (headline, deck, body) holds every word of q.Text, each word compared
	// by its search key in the service's language (package stem), so
	// inflected forms match, and for Kazakh a word typed in the 2021 Latin
	// alphabet matches its Cyrillic form. When that finds no public story, a
	// Kazakh word typed in plain ASCII letters is also read as the words it
	// may stand for (stem.LooseKeys: ulken as үлкен). Hits come best first (a headline match outranks
	// a body match), then newest. Paging is stable while the content does
	// not change. A store may bound the work of a very common query: when
	// more stories match than it ranks (10,000 for SQLite), it ranks the
	// newest of them and paging ends there, while Total counts them all.
	// Errors: ErrInvalid for a missing service, text with no words (or more
	// than 16), a negative limit or a malformed cursor; ErrNotFound for an
	// unknown service.
	Search(ctx context.Context, q SearchQuery, at time.Time) (SearchPage, error)

	// ContentVersion increases with every change that can alter a public page.
	ContentVersion(ctx context.Context) (int64, error)
	// NextScheduled returns the earliest scheduled PublishAt after at.
	NextScheduled(ctx context.Context, after time.Time) (time.Time, bool, error)

	Close() error
}
