package demo

import (
	"strconv"
	"strings"
	"time"

	"qalam/internal/news"
)

// The demo newsroom is written as Go data: one file per service (kk.go,
// ru.go, en.go, fa.go) built from the small helpers below, so the text
// reads like an article and Seed (seed.go) only walks it.

// serviceData is one language service with everything it publishes.
type serviceData struct {
	svc      news.Service
	sections []sectionData
	tags     []tagData
	authors  []authorData
	notices  []noticeData
	banner   *bannerData
	stories  []storyData
	curation []string // story IDs, the lead first
}

type sectionData struct {
	key  string // how stories name the section in this package
	name string
	slug string // "" means made from name
}

type tagData struct {
	key  string
	name string
	slug string // "" means made from name
}

type authorData struct {
	key        string
	name       string
	slug       string // "" means made from name
	bio        string
	collective bool
}

type noticeData struct {
	title     string
	body      news.Inline
	countries []string
	active    bool
}

type bannerData struct {
	label  string
	text   string
	story  string // ID of the demo story it links to; "" for no link
	active bool
	ago    time.Duration // when it was last changed, before now
}

// state is what happens to a story after it is written.
type state int

const (
	published   state = iota // published at now-ago
	draft                    // never published
	scheduled                // embargoed until now+48h
	unpublished              // published at now-ago, taken down a day later
)

// storyData is one story and its history.
type storyData struct {
	id       string
	section  string // sectionData.key
	slug     string // "" means made from the headline
	group    string // stories sharing a group are translations of each other
	tags     []string
	authors  []string // authorData.key, in byline order
	headline news.Inline
	deck     news.Inline
	dateline string
	lead     leadData
	body     []news.Block
	ago      time.Duration // publish time, before now
	state    state

	update      *updateData
	corrections []correctionData
	move        *moveData
}

// leadData describes the lead figure; the picture itself is an illustration
// drawn from the story's group (so translations share it) or its ID.
type leadData struct {
	alt     string
	caption string
	credit  string
}

// updateData is a later public revision: a new deck and/or added blocks.
type updateData struct {
	after time.Duration // after the first publication
	deck  news.Inline
	add   []news.Block
}

// correctionData is a published correction; fix, if set, replaces the
// wrong text (old, new) in the revision published with it.
type correctionData struct {
	after time.Duration
	fix   [2]string
	text  news.Inline
}

// moveData changes the story's section and/or slug after it is published.
type moveData struct {
	section string // sectionData.key; "" keeps the section
	slug    string // "" keeps the slug
}

// ago is a duration before now: days, hours and minutes.
func ago(days, hours, minutes int) time.Duration {
	return time.Duration(days)*24*time.Hour + time.Duration(hours)*time.Hour + time.Duration(minutes)*time.Minute
}

func hours(h int) time.Duration { return time.Duration(h) * time.Hour }

// in builds inline text from strings (plain) and spans (em, strong, link...).
func in(parts ...any) news.Inline {
	var out news.Inline
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			out = append(out, news.Span{Text: v})
		case news.Span:
			out = append(out, v)
		default:
			panic("demo: in() takes strings and spans")
		}
	}
	return out
}

func em(s string) news.Span { return news.Span{Text: s, Marks: []news.Mark{{Type: news.MarkEm}}} }
func strong(s string) news.Span {
	return news.Span{Text: s, Marks: []news.Mark{{Type: news.MarkStrong}}}
}

// nt marks words that keep their script in the Latin view of a Kazakh story.
func nt(s string) news.Span {
	return news.Span{Text: s, Marks: []news.Mark{{Type: news.MarkNoTranslit}}}
}

func link(s, href string) news.Span {
	return news.Span{Text: s, Marks: []news.Mark{{Type: news.MarkLink, Href: href}}}
}

func p(parts ...any) news.Block { return news.Block{Type: news.BlockParagraph, Text: in(parts...)} }

func h2(s string) news.Block {
	return news.Block{Type: news.BlockHeading, Level: 2, Text: news.Text(s)}
}

func ul(items ...news.Inline) news.Block { return news.Block{Type: news.BlockList, Items: items} }

func ol(items ...news.Inline) news.Block {
	return news.Block{Type: news.BlockList, Ordered: true, Items: items}
}

func quote(text, cite string) news.Block {
	return news.Block{Type: news.BlockQuote, Text: news.Text(text), Cite: cite}
}

// figure is an illustration inside the body; Seed swaps the placeholder
// asset for the ingested picture drawn from seed.
func figure(seed int64, alt, caption, credit string) news.Block {
	return news.Block{Type: news.BlockFigure, Figure: &news.Figure{
		AssetID: bodyAssetPrefix + strconv.FormatInt(seed, 10),
		Alt:     alt,
		Caption: news.Text(caption),
		Credit:  credit,
	}}
}

func embed(url, provider, title string) news.Block {
	return news.Block{Type: news.BlockEmbed, Embed: &news.Embed{URL: url, Provider: provider, Title: title}}
}

// bodyAssetPrefix marks a body figure whose picture Seed has yet to make.
const bodyAssetPrefix = "illustration:"

// bodySeed returns the illustration seed of a placeholder asset ID.
func bodySeed(assetID string) (int64, bool) {
	s, ok := strings.CutPrefix(assetID, bodyAssetPrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}
