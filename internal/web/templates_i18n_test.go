package web

import (
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"
	"text/template/parse"
	"unicode"

	"github.com/casetrack/casetrack/internal/i18n"
)

// pendingTranslation lists the templates whose words are not in the
// catalog yet: they still show English in every language. The lint skips
// them, and fails once one of them is clean, so the list only shrinks.
var pendingTranslation = map[string]bool{}

// allowedWords may stand in a template outside the catalog: the brand,
// and words that are codes rather than language.
var allowedWords = map[string]bool{"CaseTrack": true}

// formCode matches USCIS form and code names (I-485, EB-2), which are the
// same in every language.
var formCode = regexp.MustCompile(`^[A-Z]{1,3}-[0-9A-Z]+$`)

// label matches a single capital letter naming a row (case A, B, C).
var label = regexp.MustCompile(`^[A-Z]$`)

// entity matches an HTML character reference (&amp; &middot;).
var entity = regexp.MustCompile(`&[A-Za-z]+;|&#[0-9]+;`)

// visibleAttrs are the attributes people read or hear.
var visibleAttrs = regexp.MustCompile(`(?i)\b(aria-label|alt|title|placeholder|label)="([^"{]*)"`)

// TestTemplatesSpeakThroughTheCatalog fails when a template shows words
// that are not catalog messages (text between tags, or an attribute people
// read), or names a message the source catalog lacks.
func TestTemplatesSpeakThroughTheCatalog(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		name := strings.TrimPrefix(n, "templates/")
		src, err := fs.ReadFile(templateFS, n)
		if err != nil {
			t.Fatal(err)
		}
		english, ids, err := templateWords(name, string(src))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, id := range ids {
			if !cat.Has(id) {
				t.Errorf("%s: message %q is not in the catalog", name, id)
			}
		}
		switch {
		case pendingTranslation[name] && len(english) == 0:
			t.Errorf("%s speaks only through the catalog now: take it off pendingTranslation", name)
		case !pendingTranslation[name]:
			for _, w := range english {
				t.Errorf("%s: %q is not from the catalog", name, w)
			}
		}
	}
	for name := range pendingTranslation {
		if _, err := fs.Stat(templateFS, "templates/"+name); err != nil {
			t.Errorf("pendingTranslation names %s, which does not exist", name)
		}
	}
}

// TestTemplateLint checks the lint itself on small templates.
func TestTemplateLint(t *testing.T) {
	for _, tc := range []struct {
		src   string
		words []string
		ids   []string
	}{
		{`<p>{{t "a.b"}}</p>`, nil, []string{"a.b"}},
		{`<p>Hello</p>`, []string{"Hello"}, nil},
		{`<a href="/x" class="button">{{thtml "x.y" "N" .N}}</a>`, nil, []string{"x.y"}},
		{`<p>{{if .X}}Yes{{else}}{{t "no"}}{{end}}</p>`, []string{"Yes"}, []string{"no"}},
		{`<nav aria-label="Main">{{t "m"}}</nav>`, []string{"Main"}, []string{"m"}},
		{`<input placeholder="YYYY-MM">`, []string{"YYYY-MM"}, nil},
		{`<a class="brand" href="/">CaseTrack</a> I-485 &middot; {{.Name}} ·`, nil, nil},
		{`<script src="/x.js">var a = 1;</script><!-- a note -->`, nil, nil},
		{`<div class="demo-banner" role="note"><div class="wrap">{{.X}}</div></div>`, nil, nil},
		{`{{define "x"}}<li>{{range .Y}}Item {{.}}{{end}}</li>{{end}}`, []string{"Item"}, nil},
	} {
		words, ids, err := templateWords("t.html", tc.src)
		if err != nil {
			t.Fatalf("%q: %v", tc.src, err)
		}
		if strings.Join(words, "|") != strings.Join(tc.words, "|") || strings.Join(ids, "|") != strings.Join(tc.ids, "|") {
			t.Errorf("%q: words %q ids %q, want %q %q", tc.src, words, ids, tc.words, tc.ids)
		}
	}
}

// templateWords parses a template and returns the words it shows that do
// not come from the catalog, and the message ids it uses. The HTML between
// actions is scanned in source order, so a tag cut by an action ({{if}}
// inside an attribute) is still seen as a tag.
func templateWords(name, src string) (words, ids []string, err error) {
	trees, err := parseTrees(name, src)
	if err != nil {
		return nil, nil, err
	}
	// The text of the whole template in source order, actions replaced
	// by a marker, rebuilt from the parse trees' text nodes.
	type piece struct {
		pos  parse.Pos
		text string
	}
	var pieces []piece
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.TextNode:
			pieces = append(pieces, piece{n.Pos, string(n.Text)})
		case *parse.ActionNode:
			collectIDs(n.Pipe, &ids)
		case *parse.IfNode:
			collectIDs(n.Pipe, &ids)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			collectIDs(n.Pipe, &ids)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			collectIDs(n.Pipe, &ids)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			collectIDs(n.Pipe, &ids)
		}
	}
	for _, tr := range trees {
		walk(tr.Root)
	}
	sort.Slice(pieces, func(i, j int) bool { return pieces[i].pos < pieces[j].pos })
	var b strings.Builder
	for _, p := range pieces {
		b.WriteString(p.text)
		b.WriteString("\x00") // an action
	}
	words = visibleWords(b.String())
	sort.Strings(ids)
	return words, ids, nil
}

func parseTrees(name, src string) (map[string]*parse.Tree, error) {
	tr := parse.New(name)
	tr.Mode = parse.SkipFuncCheck | parse.ParseComments
	trees := map[string]*parse.Tree{}
	if _, err := tr.Parse(src, "", "", trees); err != nil {
		return nil, err
	}
	return trees, nil
}

// collectIDs adds the literal message ids of t and thtml calls.
func collectIDs(p *parse.PipeNode, ids *[]string) {
	if p == nil {
		return
	}
	for _, cmd := range p.Cmds {
		for i, a := range cmd.Args {
			if id, ok := a.(*parse.IdentifierNode); ok && (id.Ident == "t" || id.Ident == "thtml") && i+1 < len(cmd.Args) {
				if s, ok := cmd.Args[i+1].(*parse.StringNode); ok {
					*ids = append(*ids, s.Text)
				}
			}
			if sub, ok := a.(*parse.PipeNode); ok {
				collectIDs(sub, ids)
			}
		}
	}
}

// visibleWords scans HTML (actions as \x00) for words shown to people:
// text outside tags, scripts, styles and comments, and the attributes in
// visibleAttrs.
func visibleWords(s string) []string {
	var out []string
	var text strings.Builder
	flush := func() {
		out = append(out, words(text.String())...)
		text.Reset()
	}
	for len(s) > 0 {
		switch {
		case strings.HasPrefix(s, "<!--"):
			end := strings.Index(s, "-->")
			if end < 0 {
				return append(out, words(text.String())...)
			}
			s = s[end+3:]
		case strings.HasPrefix(s, "<script"), strings.HasPrefix(s, "<style"):
			closing := "</script>"
			if strings.HasPrefix(s, "<style") {
				closing = "</style>"
			}
			end := strings.Index(s, closing)
			tag := s
			if end >= 0 {
				tag, s = s[:end], s[end+len(closing):]
			} else {
				s = ""
			}
			if i := strings.Index(tag, ">"); i >= 0 {
				tag = tag[:i]
			}
			for _, m := range visibleAttrs.FindAllStringSubmatch(tag, -1) {
				out = append(out, words(m[2])...)
			}
		case s[0] == '<':
			flush()
			end := strings.Index(s, ">")
			if end < 0 {
				end = len(s) - 1
			}
			for _, m := range visibleAttrs.FindAllStringSubmatch(s[:end+1], -1) {
				out = append(out, words(m[2])...)
			}
			s = s[end+1:]
		default:
			text.WriteByte(s[0])
			s = s[1:]
		}
	}
	flush()
	return out
}

// words splits text into the words that need a translation.
func words(s string) []string {
	s = entity.ReplaceAllString(s, " ")
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == 0 }) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if w == "" || allowedWords[w] || formCode.MatchString(w) || label.MatchString(w) || !strings.ContainsFunc(w, unicode.IsLetter) {
			continue
		}
		out = append(out, w)
	}
	return out
}
