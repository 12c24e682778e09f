package admin

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"
	"time"
	"unicode"

	"golang.org/x/net/html"

	"qalam/assets"
	"qalam/internal/news"
)

// hole stands for whatever a template action writes, in the text the
// coverage test reads: it is no letter, so it is never "visible text".
const hole = "\uE000"

// adminTrees parses every admin template and returns each defined
// template's parse tree, by file and name.
func adminTrees(t *testing.T) map[string]*parse.Tree {
	t.Helper()
	names, err := fs.Glob(assets.Templates, "templates/admin*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("admin templates: %v %v", names, err)
	}
	funcs := template.FuncMap{"asset": func(string) string { return "" }, "roleName": func(news.Role) string { return "" },
		"fmtTime": func() string { return "" }, "inc": func(int) int { return 0 }, "strong": strong, "strongAs": strongAs}
	out := map[string]*parse.Tree{}
	for _, name := range names {
		tpl, err := template.New(filepath.Base(name)).Funcs(funcs).ParseFS(assets.Templates, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, d := range tpl.Templates() {
			if d.Tree != nil && d.Tree.Root != nil {
				out[filepath.Base(name)+":"+d.Name()] = d.Tree
			}
		}
	}
	return out
}

// flatten writes a tree as the HTML it makes, with a hole for every
// action and every branch's text one after the other.
func flatten(n parse.Node, b *strings.Builder) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			flatten(c, b)
		}
	case *parse.TextNode:
		b.Write(n.Text)
	case *parse.IfNode:
		flatten(n.List, b)
		flatten(n.ElseList, b)
	case *parse.RangeNode:
		flatten(n.List, b)
		flatten(n.ElseList, b)
	case *parse.WithNode:
		flatten(n.List, b)
		flatten(n.ElseList, b)
	default:
		b.WriteString(hole)
	}
}

// allowedWords may show untranslated: the brand and the time zone's name.
var allowedWords = map[string]bool{"qalam": true, "UTC": true}

// untranslated returns s if it holds visible words other than the allowed
// ones (a URL such as a placeholder's example is no words), else "".
func untranslated(s string) string {
	for w := range strings.FieldsSeq(strings.ReplaceAll(s, hole, " ")) {
		if strings.Contains(w, "://") || strings.HasPrefix(w, "/") {
			continue
		}
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
		if w != "" && !allowedWords[w] && strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// TestTemplatesHaveNoBareText fails on any text a person reads in an
// admin template that is not written through $.T: text, the accessible
// names and hints in aria-label, title, placeholder, alt and label, and a
// submit input's value.
func TestTemplatesHaveNoBareText(t *testing.T) {
	for name, tree := range adminTrees(t) {
		var b strings.Builder
		flatten(tree.Root, &b)
		checkHTML(t, name, b.String())
	}
}

// checkHTML reports the visible text of src not written through $.T.
func checkHTML(t *testing.T, name, src string) {
	t.Helper()
	{
		z := html.NewTokenizer(strings.NewReader(src))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			tok := z.Token()
			switch tt {
			case html.TextToken:
				if strings.Contains(tok.Data, "<") {
					checkHTML(t, name, tok.Data) // a <noscript>'s content, read as raw text
					continue
				}
				if s := untranslated(tok.Data); s != "" {
					t.Errorf("%s: text %q is not translated ({{$.T ...}})", name, s)
				}
			case html.StartTagToken, html.SelfClosingTagToken:
				submit := false
				for _, a := range tok.Attr {
					if a.Key == "type" && (a.Val == "submit" || a.Val == "button" || a.Val == "reset") {
						submit = true
					}
				}
				for _, a := range tok.Attr {
					check := a.Key == "aria-label" || a.Key == "title" || a.Key == "placeholder" || a.Key == "alt" ||
						(a.Key == "label" && (tok.Data == "optgroup" || tok.Data == "option")) ||
						(a.Key == "value" && tok.Data == "input" && submit)
					if s := untranslated(a.Val); check && s != "" {
						t.Errorf("%s: <%s %s=%q> is not translated", name, tok.Data, a.Key, s)
					}
				}
			}
		}
	}
}

// The coverage test itself must catch bare text, or it proves nothing.
func TestBareTextIsCaught(t *testing.T) {
	for _, tc := range []struct {
		s    string
		bare bool
	}{
		{"Save", true}, {hole + " UTC", false}, {"qalam · " + hole, false}, {"(" + hole + ")", false},
		{"https://mirror.example.net", false}, {"/" + hole + "/", false}, {"#", false}, {"Сақтау", true},
		{hole + " stories", true}, {"—", false}, {"×", false},
	} {
		if got := untranslated(tc.s) != ""; got != tc.bare {
			t.Errorf("untranslated(%q) = %v, want %v", tc.s, got, tc.bare)
		}
	}
}

// templateTexts are the string literals passed to $.T and $.TH in admin
// templates.
func templateTexts(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(where string, n parse.Node)
	walk = func(where string, n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(where, c)
			}
		case *parse.ActionNode:
			walk(where, n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(where, c)
			}
		case *parse.CommandNode:
			if len(n.Args) >= 2 {
				if v, ok := n.Args[0].(*parse.VariableNode); ok && len(v.Ident) == 2 && v.Ident[0] == "$" && (v.Ident[1] == "T" || v.Ident[1] == "TH") {
					if s, ok := n.Args[1].(*parse.StringNode); ok {
						out[s.Text] = where
					}
				}
			}
			for _, a := range n.Args {
				walk(where, a)
			}
		case *parse.IfNode:
			walk(where, n.Pipe)
			walk(where, n.List)
			walk(where, n.ElseList)
		case *parse.RangeNode:
			walk(where, n.Pipe)
			walk(where, n.List)
			walk(where, n.ElseList)
		case *parse.WithNode:
			walk(where, n.Pipe)
			walk(where, n.List)
			walk(where, n.ElseList)
		case *parse.TemplateNode:
			walk(where, n.Pipe)
		}
	}
	for name, tree := range adminTrees(t) {
		walk(name, tree.Root)
	}
	return out
}

// textCall names a function whose argument at index is English text.
type textCall struct {
	name  string
	index int
}

// goTextCalls are the calls whose literal English the Go sources pass:
// tr(lang, s), say(r, actor, s), p.T(s), refuse(status, s), and in the
// admin's own pages news.Invalidf(s).
var goTextCalls = []textCall{{"tr", 1}, {"say", 2}, {"T", 0}, {"refuse", 1}, {"Invalidf", 0}}

// goTexts are the literals passed to goTextCalls in internal/admin's Go
// sources (tests left out; Invalidf only where the message is shown on a
// page, not in the API's files).
func goTexts(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		apiFile := strings.HasPrefix(f, "api") || strings.HasPrefix(f, "tokens") || strings.HasPrefix(f, "embeds")
		ast.Inspect(af, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			}
			for _, c := range goTextCalls {
				if c.name != name || len(call.Args) <= c.index || (name == "Invalidf" && apiFile) {
					continue
				}
				if lit, ok := call.Args[c.index].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
					}
					out[s] = fset.Position(lit.Pos()).String()
				}
			}
			return true
		})
	}
	return out
}

// TestTextsTranslated: every English text the templates and Go sources
// show has a Russian and a Kazakh translation, with the same format verbs
// in the same order.
func TestTextsTranslated(t *testing.T) {
	all := map[string]string{}
	for s, where := range templateTexts(t) {
		all[s] = where
	}
	if len(all) < 300 {
		t.Fatalf("only %d texts found in the templates: is the parse walk broken?", len(all))
	}
	gt := goTexts(t)
	if len(gt) < 100 {
		t.Fatalf("only %d texts found in the Go sources: is the walk broken?", len(gt))
	}
	for s, where := range gt {
		all[s] = where
	}
	// Values the templates translate as they come: states and kinds.
	for _, s := range []string{
		string(news.CommentPending), string(news.CommentApproved), string(news.CommentRejected), string(news.CommentSpam), "links",
		string(news.MirrorPlain), string(news.MirrorOnion), string(news.MirrorLite),
		string(news.SubscriberConfirmed), string(news.SubscriberPending),
		"webhooks", "Telegram", "newsletters",
	} {
		all[s] = "a state or kind shown through $.T"
	}
	for _, r := range news.Roles {
		all[string(r)] = "the role names (page.RoleName)"
	}
	for _, s := range passkeyText {
		all[s] = "admin-passkey.js"
	}
	for k, s := range editorText {
		all[s] = "the editor's " + k
	}
	var missing []string
	for s, where := range all {
		if s == "" {
			continue
		}
		tr, ok := texts[s]
		switch {
		case !ok || tr[0] == "" || tr[1] == "":
			missing = append(missing, where+": "+strconv.Quote(s))
		default:
			want := verbRe.FindAllString(s, -1)
			for i, l := range []string{"ru", "kk"} {
				if got := verbRe.FindAllString(tr[i], -1); !slices.Equal(got, want) {
					t.Errorf("%s %q: verbs %v in %s, want %v", where, s, got, l, want)
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d texts have no Russian or Kazakh (add them with addText in a text_*.go file):\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// TestTranslationsLookTranslated catches a pasted English or a swapped
// pair: Russian and Kazakh are Cyrillic, and Kazakh has its own letters
// or differs from the Russian.
func TestTranslationsLookTranslated(t *testing.T) {
	cyr := func(s string) bool {
		return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) >= 0
	}
	names := map[string]bool{"onion": true, "Telegram": true} // the same in every language
	for en, tr := range texts {
		if names[en] {
			continue
		}
		letters := untranslated(verbRe.ReplaceAllString(en, "")) != ""
		for i, l := range []string{"ru", "kk"} {
			if letters && !cyr(tr[i]) && untranslated(verbRe.ReplaceAllString(tr[i], "")) != "" {
				t.Errorf("%q in %s is %q: no Cyrillic", en, l, tr[i])
			}
		}
		if strings.ContainsAny(tr[0], "әғқңөұүһі") {
			t.Errorf("%q: the Russian %q has Kazakh letters", en, tr[0])
		}
	}
}

// TestEditorTextMatchesMainJS compares editorText with the editor's own
// English (web/editor/src/main.js, defaultStrings), naming each key missing
// on either side or whose English differs.
func TestEditorTextMatchesMainJS(t *testing.T) {
	src, err := os.ReadFile("../../web/editor/src/main.js")
	if err != nil {
		t.Fatal(err)
	}
	js := editorStringsOf(t, string(src))
	if len(js) < 40 {
		t.Fatalf("only %d strings read from main.js's defaultStrings", len(js))
	}
	var problems []string
	for k, en := range js {
		switch got, ok := editorText[k]; {
		case !ok:
			problems = append(problems, "key "+k+" ("+strconv.Quote(en)+") is in main.js but not in editorText")
		case got != en:
			problems = append(problems, "key "+k+": editorText has "+strconv.Quote(got)+", main.js "+strconv.Quote(en))
		}
	}
	for k := range editorText {
		if _, ok := js[k]; !ok {
			problems = append(problems, "key "+k+" is in editorText but no longer in main.js")
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		t.Errorf("the editor's text map and editorText differ:\n%s", strings.Join(problems, "\n"))
	}
}

var jsEntryRe = regexp.MustCompile(`^\s*([A-Za-z0-9_]+)\s*:\s*("(?:[^"\\]|\\.)*")\s*,?\s*$`)

// editorStringsOf reads main.js's defaultStrings object literal.
func editorStringsOf(t *testing.T, src string) map[string]string {
	t.Helper()
	_, body, ok := strings.Cut(src, "const defaultStrings = {")
	if !ok {
		t.Fatal("main.js has no `const defaultStrings = {`")
	}
	body, _, ok = strings.Cut(body, "\n};")
	if !ok {
		t.Fatal("main.js's defaultStrings does not end with a line `};`")
	}
	out := map[string]string{}
	for line := range strings.SplitSeq(body, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "//") {
			continue
		}
		m := jsEntryRe.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("main.js defaultStrings: cannot read line %q", line)
		}
		var s string
		if err := json.Unmarshal([]byte(m[2]), &s); err != nil {
			t.Fatalf("main.js defaultStrings %s: %v", m[1], err)
		}
		out[m[1]] = s
	}
	return out
}

// TestPasskeyScriptTexts: every text admin-passkey.js shows goes through
// its t() and is in passkeyText, so the page hands it over translated.
func TestPasskeyScriptTexts(t *testing.T) {
	src, err := os.ReadFile("../../assets/static/admin-passkey.js")
	if err != nil {
		t.Fatal(err)
	}
	calls := regexp.MustCompile(`\bt\(form, "((?:[^"\\]|\\.)*)"\)`).FindAllStringSubmatch(string(src), -1)
	if len(calls) < 8 {
		t.Fatalf("only %d t() calls in admin-passkey.js", len(calls))
	}
	seen := map[string]bool{}
	for _, c := range calls {
		seen[c[1]] = true
		if !slices.Contains(passkeyText, c[1]) {
			t.Errorf("admin-passkey.js shows %q, which passkeyText lacks", c[1])
		}
	}
	for _, s := range passkeyText {
		if !seen[s] {
			t.Errorf("passkeyText has %q, which admin-passkey.js no longer shows", s)
		}
	}
	// No other string in the script reaches the person untranslated.
	for _, m := range regexp.MustCompile(`(?:say\(status, |new Error\(|msg = )"`).FindAllStringIndex(string(src), -1) {
		t.Errorf("admin-passkey.js at byte %d shows a string without t()", m[0])
	}
}

func TestAcceptLang(t *testing.T) {
	for _, tc := range []struct{ h, want string }{
		{"", "en"},
		{"kk", "kk"},
		{"kk-KZ,kk;q=0.9,ru;q=0.8,en;q=0.5", "kk"},
		{"ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"},
		{"en-US,en;q=0.9,ru;q=0.8", "en"},
		{"de-DE,de;q=0.9,ru;q=0.5", "ru"},
		{"fa-IR,fa;q=0.9", "en"},
		{"ru;q=0.4, kk;q=0.7", "kk"},
		{"kk;q=0, ru", "ru"},
		{"RU", "ru"},
		{"*", "en"},
		{"kk;q=oops,ru;q=0.1", "ru"},
	} {
		if got := acceptLang(tc.h); got != tc.want {
			t.Errorf("acceptLang(%q) = %q, want %q", tc.h, got, tc.want)
		}
	}
}

func TestTrMsg(t *testing.T) {
	for _, tc := range []struct{ lang, msg, want string }{
		{"ru", "choose a role", "выберите роль"},
		{"kk", "service kk has no sections yet", "kk қызметінде әлі айдар жоқ"},
		{"ru", `role "boss": want one of contributor, reporter, editor, chief, admin`, `роль "boss": нужна одна из contributor, reporter, editor, chief, admin`},
		{"kk", "the password needs at least 12 characters", "құпиясөзде кемінде 12 таңба болуы керек"},
		{"ru", "something nobody registered", "something nobody registered"},
		{"en", "choose a role", "choose a role"},
	} {
		if got := trMsg(tc.lang, tc.msg); got != tc.want {
			t.Errorf("trMsg(%s, %q) = %q, want %q", tc.lang, tc.msg, got, tc.want)
		}
	}
}

func TestWaitText(t *testing.T) {
	for _, tc := range []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 2 * time.Minute, "2 min"}, {"en", 90 * time.Second, "2 min"}, {"ru", 30 * time.Second, "30 с"},
		{"kk", 1500 * time.Millisecond, "2 с"}, {"kk", 0, "1 с"}, {"kk", 15 * time.Minute, "15 мин"},
	} {
		if got := waitText(tc.lang, tc.d); got != tc.want {
			t.Errorf("waitText(%s, %v) = %q, want %q", tc.lang, tc.d, got, tc.want)
		}
	}
}
