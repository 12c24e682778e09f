package admin

import (
	"net/http"
	"net/url"
	"strings"

	"qalam/internal/auth"
	"qalam/internal/news"
)

// Revision history: every save is a revision; two of them compare as
// plain text, block by block and word by word; restoring saves the old
// content as a new revision (nothing is ever overwritten).

type revView struct {
	news.Revision
	N     int
	By    string
	Live  bool
	Head  bool
	Title string
}

type diffOp struct {
	Kind string // "same", "del", "add"
	Text string
}

type diffLine struct {
	Kind  string // "same", "del", "add", "change"
	Words []diffOp
}

type revisionsData struct {
	*storyCtx
	Headline string
	Revs     []revView
	A, B     string
	ANum     int
	BNum     int
	Diff     []diffLine
	Changed  bool
}

// plainLines is a revision as the diff reads it: one line per field and
// block.
func plainLines(lang string, c news.Content, authors map[string]string) []string {
	lines := []string{tr(lang, "Headline: %s", c.Headline.Plain())}
	if d := c.Deck.Plain(); d != "" {
		lines = append(lines, tr(lang, "Deck: %s", d))
	}
	if c.Dateline != "" {
		lines = append(lines, tr(lang, "Dateline: %s", c.Dateline))
	}
	if f := c.Lead; f != nil {
		lines = append(lines, tr(lang, "Lead image %s: %s", f.AssetID, f.Alt+" | "+f.Caption.Plain()+" | "+f.Credit))
	}
	if len(c.AuthorIDs) > 0 {
		names := make([]string, len(c.AuthorIDs))
		for i, id := range c.AuthorIDs {
			names[i] = id
			if n, ok := authors[id]; ok {
				names[i] = n
			}
		}
		lines = append(lines, tr(lang, "Bylines: %s", strings.Join(names, ", ")))
	}
	for _, b := range c.Body.Blocks {
		var s string
		switch {
		case b.Figure != nil:
			s = "[" + tr(lang, "image %s: %s", b.Figure.AssetID, b.Figure.Alt+" | "+b.Figure.Caption.Plain()+" | "+b.Figure.Credit) + "]"
		case b.Embed != nil:
			s = "[" + tr(lang, "embed %s", b.Embed.URL) + "]"
		case len(b.Items) > 0:
			var items []string
			for _, it := range b.Items {
				items = append(items, "• "+it.Plain())
			}
			s = strings.Join(items, " ")
		default:
			s = b.Text.Plain()
			if b.Cite != "" {
				s += " — " + b.Cite
			}
		}
		if b.Type == news.BlockHeading {
			s = "## " + s
		}
		lines = append(lines, s)
	}
	return lines
}

// lcs returns the longest common subsequence's pairs of indexes.
func lcs(a, b []string) [][2]int {
	n, m := len(a), len(b)
	if n*m > 4_000_000 {
		return nil // too big to compare finely: everything differs
	}
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	var out [][2]int
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case a[i] == b[j]:
			out = append(out, [2]int{i, j})
			i, j = i+1, j+1
		case t[i+1][j] >= t[i][j+1]:
			i++
		default:
			j++
		}
	}
	return out
}

// diffWords compares two lines word by word.
func diffWords(x, y string) []diffOp {
	a, b := strings.Fields(x), strings.Fields(y)
	var out []diffOp
	push := func(kind, w string) {
		if n := len(out); n > 0 && out[n-1].Kind == kind {
			out[n-1].Text += " " + w
			return
		}
		out = append(out, diffOp{kind, w})
	}
	i, j := 0, 0
	for _, p := range append(lcs(a, b), [2]int{len(a), len(b)}) {
		for ; i < p[0]; i++ {
			push("del", a[i])
		}
		for ; j < p[1]; j++ {
			push("add", b[j])
		}
		if p[0] < len(a) {
			push("same", a[p[0]])
			i, j = p[0]+1, p[1]+1
		}
	}
	return out
}

// diffContent compares two revisions line by line; a removed line
// followed by an added one is shown as one changed line, word by word.
func diffContent(lang string, x, y news.Content, authors map[string]string) []diffLine {
	a, b := plainLines(lang, x, authors), plainLines(lang, y, authors)
	var out []diffLine
	i, j := 0, 0
	for _, p := range append(lcs(a, b), [2]int{len(a), len(b)}) {
		for i < p[0] || j < p[1] {
			switch {
			case i < p[0] && j < p[1]:
				out = append(out, diffLine{Kind: "change", Words: diffWords(a[i], b[j])})
				i, j = i+1, j+1
			case i < p[0]:
				out = append(out, diffLine{Kind: "del", Words: []diffOp{{"del", a[i]}}})
				i++
			default:
				out = append(out, diffLine{Kind: "add", Words: []diffOp{{"add", b[j]}}})
				j++
			}
		}
		if p[0] < len(a) {
			out = append(out, diffLine{Kind: "same", Words: []diffOp{{"same", a[p[0]]}}})
			i, j = p[0]+1, p[1]+1
		}
	}
	return out
}

func (a *Admin) revisionsPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	revs, err := a.cfg.Stories.Revisions(ctx, sc.Story.ID)
	if err != nil {
		return err
	}
	d := revisionsData{storyCtx: sc, Headline: sc.Head.Content.Headline.Plain()}
	names := map[string]string{}
	byID := map[string]int{}
	for i, rv := range revs {
		if _, ok := names[rv.CreatedBy]; !ok {
			names[rv.CreatedBy] = a.staffName(ctx, rv.CreatedBy)
		}
		byID[rv.ID] = i
		d.Revs = append(d.Revs, revView{Revision: rv, N: len(revs) - i, By: names[rv.CreatedBy], Live: rv.ID == sc.Story.LiveRev,
			Head: rv.ID == sc.Story.HeadRev, Title: rv.Content.Headline.Plain()})
	}
	q := r.URL.Query()
	d.A, d.B = q.Get("a"), q.Get("b")
	if d.B == "" {
		d.B = sc.Story.HeadRev
	}
	if d.A == "" && len(revs) > 1 {
		d.A = revs[1].ID
	}
	ia, okA := byID[d.A]
	ib, okB := byID[d.B]
	if (d.A != "" && !okA) || !okB {
		return news.Invalidf("choose two revisions of this story")
	}
	if okA {
		d.ANum, d.BNum = d.Revs[ia].N, d.Revs[ib].N
		list, err := a.cfg.Stories.Authors(ctx, sc.Story.Service)
		if err != nil {
			return err
		}
		authors := map[string]string{}
		for _, au := range list {
			authors[au.ID] = au.Name
		}
		d.Diff = diffContent(langOf(r, actor), revs[ia].Content, revs[ib].Content, authors)
		for _, l := range d.Diff {
			if l.Kind != "same" {
				d.Changed = true
			}
		}
	}
	a.render(w, r, http.StatusOK, "story-revisions", &page{Title: say(r, actor, "History: %s", d.Headline), Here: "stories", Actor: actor, Data: d})
	return nil
}

func (a *Admin) storyRestore(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !sc.Edit {
		return auth.ErrForbidden
	}
	old, err := a.cfg.Stories.Revision(ctx, r.PostFormValue("revision"))
	if err != nil || old.StoryID != sc.Story.ID {
		return news.Invalidf("choose a revision of this story")
	}
	if _, err := a.saveContent(ctx, actor, sc, r.PostFormValue("base_revision"), old.Content); err != nil {
		return err
	}
	a.auth.Audit(ctx, actor, "story.restore", sc.Story.ID, sc.Story.Service, a.clientOf(r), old.ID)
	redirect(w, r, "/admin/stories/"+sc.Story.ID+"?done="+url.QueryEscape(say(r, actor, "Restored as a new revision.")))
	return nil
}
