package i18n

import (
	"strconv"
	"time"
)

// enCatalog is the English catalog: the reference key set and verbs.
var enCatalog = &Catalog{
	lang:   "en",
	dir:    "ltr",
	plural: pluralOneOther,
	forms:  []string{"one", "other"},
	date:   enDate,
	msgs: map[string]string{
		"skip.content": "Skip to content",
		"skip.nav":     "Skip to navigation",
		"skip.search":  "Skip to search",
		"skip.label":   "Skip links",

		"nav.label":    "Sections",
		"nav.home":     "Home",
		"nav.services": "Other languages",
		"nav.menu":     "Menu",

		"breaking.label": "Breaking news",

		"byline.by":  "By %s",
		"byline.and": " and ",

		"time.published": "Published %s",
		"time.updated":   "Updated %s",

		"corrections.title": "Corrections",
		"corrections.item":  "Correction, %s",

		"translations.title": "This story in other languages",
		"translations.read":  "Read in %s",

		"story.lead_photo": "Lead photo",
		"figure.credit":    "Photo: %s",
		"embed.open":       "Open on %s",
		"embed.link":       "External link",
		"embed.load":       "Load content from %s",

		"promo.title":  "About this service",
		"notice.title": "Notice for readers",

		"home.top":    "Top stories",
		"home.latest": "Latest stories",
		"home.more":   "More in %s",

		"tag.title":    "Topic: %s",
		"author.title": "Stories by %s",
		"author.bio":   "About the author",

		"pagination.label": "Pagination",
		"pagination.older": "Older stories",
		"pagination.newer": "Newer stories",
		"pagination.first": "Latest stories",

		"search.label":       "Search",
		"search.button":      "Search",
		"search.placeholder": "Search stories",

		"footer.rights": "All rights reserved.",
		"footer.about":  "About us",

		"lite.link":         "Lite version",
		"lite.full":         "Full version",
		"lite.photo":        "Photo: %s (%d KB)",
		"lite.photo_nosize": "Photo: %s",

		"error.400.title": "Bad request",
		"error.400.body":  "The address has a part we could not read. Check the link and try again.",
		"error.404.title": "Page not found",
		"error.404.body":  "We could not find this page. It may have moved, or the address may be mistyped.",
		"error.410.title": "Story removed",
		"error.410.body":  "This story is no longer available.",
		"error.421.title": "Wrong address",
		"error.421.body":  "This page is not available at this address.",
		"error.500.title": "Something went wrong",
		"error.500.body":  "We could not show this page. Please try again in a moment.",
		"error.home":      "Go to the home page",

		"tags.label":      "Topics",
		"search.title":    "Search results for “%s”",
		"search.empty":    "No stories match your search.",
		"search.hint":     "Type a word or a name to search this service.",
		"error.405.title": "Method not allowed",
		"error.503.title": "Starting up",
		"error.503.body":  "The site is getting ready. Please try again in a few seconds.",
		"mirrors.title":   "Where to find us",
		"mirrors.intro":   "If our main address is blocked where you are, these addresses serve the same site. Save this page: the list changes when addresses are blocked.",
		"mirrors.current": "You are reading us at this address.",
		"liveblog.title":  "Live updates",
		"liveblog.now":    "live",
		"mirrors.onion":   "Tor onion address (open it in Tor Browser)",
		"mirrors.lite":    "lite version: text first, for slow connections",
		"mirrors.data":    "The list as data, for apps",
		"mirrors.key":     "Copies of this site are signed with our key. Its fingerprint:",
		"lang.name":       "English",
		"script.label":    "Alphabet",
		"script.cyrl":     "Cyrillic",
		"script.latn":     "Latin",

		"newsletter.title":               "Daily newsletter",
		"newsletter.intro":               "Get the day's stories from %s by email, once a day.",
		"newsletter.email":               "Email address",
		"newsletter.subscribe":           "Subscribe",
		"newsletter.honeypot":            "Leave this field empty",
		"newsletter.privacy":             "We keep only your email address: never your IP address or browser. Every newsletter has a link to unsubscribe in one click.",
		"newsletter.invalid":             "Please enter a valid email address.",
		"newsletter.sent.title":          "Check your inbox",
		"newsletter.sent.body":           "If this address can be subscribed, a message with a confirmation link is on its way. The link works for 48 hours.",
		"newsletter.confirmed.title":     "Subscription confirmed",
		"newsletter.confirmed.body":      "You will get the daily newsletter of %s.",
		"newsletter.badlink.title":       "This link no longer works",
		"newsletter.badlink.body":        "It has been used already, or it has expired.",
		"newsletter.unsub.title":         "Unsubscribe",
		"newsletter.unsub.body":          "Stop the daily newsletter of %s at this address?",
		"newsletter.unsub.button":        "Stop the newsletter",
		"newsletter.unsubbed.title":      "You are unsubscribed",
		"newsletter.unsubbed.body":       "We will send you no more newsletters, and we have deleted your address.",
		"newsletter.toomany.title":       "Too many requests",
		"newsletter.toomany.body":        "Please try again later.",
		"newsletter.back":                "Back to the home page",
		"newsletter.confirm.subject":     "Confirm your subscription to %s",
		"newsletter.confirm.intro":       "Someone, probably you, asked to get the daily newsletter of %s at this address. To confirm, open this link within 48 hours:",
		"newsletter.confirm.button":      "Confirm subscription",
		"newsletter.confirm.ignore":      "If it was not you, ignore this message: without confirmation the address is deleted in 48 hours.",
		"newsletter.edition.subject":     "%s: the stories of %s",
		"newsletter.edition.mirrors":     "If our site is blocked, these addresses serve it too:",
		"newsletter.edition.fingerprint": "Fingerprint of our signing key:",
		"newsletter.edition.why":         "You get this newsletter because you subscribed to it on our site.",
		"newsletter.edition.unsubscribe": "Unsubscribe in one click",

		"comments.title":         "Comments",
		"comments.open":          "Read and write comments",
		"comments.none":          "No comments yet.",
		"comments.back":          "Back to the story",
		"comments.page":          "Comments: %s",
		"comments.form":          "Write a comment",
		"comments.replyto":       "Reply to %s",
		"comments.name":          "Name (shown with your comment)",
		"comments.email":         "Email (optional, never shown)",
		"comments.text":          "Your comment",
		"comments.honeypot":      "Leave this field empty",
		"comments.submit":        "Send",
		"comments.rules":         "Plain text; at most %d links. We never keep your IP address or browser.",
		"comments.premod":        "Comments appear once a moderator approves them.",
		"comments.reply":         "Reply",
		"comments.replies":       "Replies",
		"comments.report":        "Report",
		"comments.reported":      "Thank you: a moderator will look at it.",
		"comments.pending":       "Thank you: your comment will appear once a moderator approves it.",
		"comments.held":          "Thank you: your comment has many links, so a moderator will look at it first.",
		"comments.shown":         "Thank you: your comment is published.",
		"comments.invalid.name":  "Please give a name of at most %d characters.",
		"comments.invalid.text":  "A comment has %d to %d characters.",
		"comments.invalid.email": "Please enter a valid email address, or leave it empty.",
		"comments.invalid":       "Please check the form and try again.",
		"comments.links":         "Too many links: a comment may have at most %d.",
		"comments.duplicate":     "This comment was already posted.",
		"comments.closed":        "Comments are closed on this story.",
		"comments.banned":        "You cannot comment here.",
		"comments.toomany":       "Too many comments: please wait a little and try again.",
		"comments.cancel":        "Cancel",
		"comments.error":         "Something went wrong; please try again.",
		"comments.removed":       "This comment is no longer shown.",
	},
	plurals: map[string]map[string]string{
		"list.count": {
			"one":   "%d story",
			"other": "%d stories",
		},
		"minutes.ago": {
			"one":   "%d minute ago",
			"other": "%d minutes ago",
		},
		"hours.ago": {
			"one":   "%d hour ago",
			"other": "%d hours ago",
		},
		"photos.count": {
			"one":   "%d photo",
			"other": "%d photos",
		},
	},
}

// enDate: "November 27, 2026" and "November 27, 2026, 14:05".
func enDate(_ *Catalog, t time.Time, withTime bool) string {
	s := t.Month().String() + " " + strconv.Itoa(t.Day()) + ", " + strconv.Itoa(t.Year())
	if withTime {
		s += ", " + clock(t)
	}
	return s
}
