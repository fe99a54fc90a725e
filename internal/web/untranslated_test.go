package web

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// pseudoCarrier is the language the pseudo catalog stands in for: its
// country names (CLDR) and digits have no ASCII letters, so every ASCII
// word on a page in it was written outside the catalog.
const pseudoCarrier = "zh-Hans"

// attrPrefix marks an attribute's text in visibleText's list.
var attrPrefix = regexp.MustCompile(`^@[a-z-]+: `)

// asciiWord is a word a reader would read as English.
var asciiWord = regexp.MustCompile(`[A-Za-z]{3,}`)

// notEnglish are the ASCII words that are not English text: names that
// stay the same in every language (the test adds the field offices).
var notEnglish = map[string]bool{
	"CaseTrack":  true, // the site's name
	"USCIS":      true, // the agency, named so in every language
	"SQLite":     true, // the databases the methodology names
	"PostgreSQL": true,
}

// visibleText lists what a reader sees or hears of an HTML or XML
// document: text outside script, style and code, and the alt, title,
// aria-label, placeholder and value-less label attributes. Elements in
// another language (lang="en" on the language switch's "English") and
// the notes people write are skipped.
func visibleText(doc string) []string {
	z := html.NewTokenizer(strings.NewReader(doc))
	var out []string
	var stack []string // open elements skipped, by tag name
	pageLang := ""
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			attr := map[string]string{}
			for _, a := range tok.Attr {
				attr[a.Key] = a.Val
			}
			if tok.Data == "html" {
				pageLang = attr["lang"]
			}
			skip := tok.Data == "script" || tok.Data == "style" || tok.Data == "code" || tok.Data == "pre" ||
				(attr["lang"] != "" && pageLang != "" && attr["lang"] != pageLang) ||
				strings.Contains(" "+attr["class"]+" ", " note ")
			if len(stack) == 0 && !skip {
				for _, k := range []string{"alt", "title", "aria-label", "placeholder"} {
					if v := strings.TrimSpace(attr[k]); v != "" {
						out = append(out, "@"+k+": "+v)
					}
				}
			}
			if tt == html.StartTagToken && (len(stack) > 0 || skip) && !voidElement(tok.Data) {
				stack = append(stack, tok.Data)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if n := len(stack); n > 0 && stack[n-1] == string(name) {
				stack = stack[:n-1]
			}
		case html.TextToken:
			if len(stack) == 0 {
				if s := strings.TrimSpace(html.UnescapeString(string(z.Text()))); s != "" {
					out = append(out, s)
				}
			}
		}
	}
}

func voidElement(tag string) bool {
	switch tag {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr":
		return true
	}
	return false
}

// addresses are web and mail addresses, markup quoted in text, and codes
// in quotes (a parameter and the values it takes, typed as they are in
// every language): not words.
var addresses = regexp.MustCompile(`\S+://\S+|\S+@\S+\.\S+|<[^>]*>|"[a-z0-9_]+"`)

// englishIn lists the texts of a document that hold ASCII words (the
// first such word, and the text): words
// with a small letter, so that codes shown beside names ("(TSC)",
// "I-485") pass.
func englishIn(texts []string, names map[string]bool) []string {
	var out []string
	for _, s := range texts {
		text := addresses.ReplaceAllString(attrPrefix.ReplaceAllString(s, ""), "")
		for _, w := range asciiWord.FindAllString(text, -1) {
			if !names[w] && strings.ToUpper(w) != w {
				out = append(out, fmt.Sprintf("%q in %.160q", w, s))
				break
			}
		}
	}
	return out
}

// TestNoUntranslatedText renders every page, chart, feed and error in a
// pseudo language whose catalog is the English one in look-alike letters
// (i18n.Pseudo) and fails on any plain ASCII word a reader would see: a
// sentence built in Go or written into a template, in English, that no
// translation can reach. It is the check behind "a template contains
// user-visible English outside the catalog", extended to Go code.
func TestNoUntranslatedText(t *testing.T) {
	pseudo, err := i18n.Pseudo(pseudoCarrier)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, storetest.SQLite(t), func(c *Config) { c.Languages = pseudo })
	// Field offices are place names ("Albany, NY"), the same in every
	// language.
	names := maps.Clone(notEnglish)
	for _, o := range e.server.cat.FieldOffices {
		for _, w := range asciiWord.FindAllString(o.Name, -1) {
			names[w] = true
		}
	}
	seed := seedExplore(e)
	pending := e.create(map[string]any{"category": seed.category, "country": "IN", "service_center": "TSC",
		"filed": "2024-06", "milestones": []map[string]string{{"code": "received", "date": "2024-06-20"}}})
	lang := "lang=" + pseudoCarrier
	with := func(p string) string {
		if strings.Contains(p, "?") {
			return p + "&" + lang
		}
		return p + "?" + lang
	}
	pages := []string{
		"/", "/explore", "/explore?category=eb2-niw", "/explore?category=eb2-niw&country=IN",
		"/explore?category=eb2-niw&country=CN&service_center=NSC", "/explore?category=eb1a",
		"/feed", "/feed?category=eb2-niw&country=IN", "/feed?country=IS",
		"/submit", "/methodology", "/privacy", "/signin", "/signup", "/forgot",
		"/cases/" + pending.ID, "/cases/" + seed.caseIDs[0], "/no/such/page",
		"/explore?category=eb2-niw&country=IN&filed=2024-06", "/explore?category=eb2-niw&filed=2030-01",
		"/explore?category=eb2-niw&premium=premium_from_filing", "/feed?category=x-1", "/feed.xsl",
	}
	found := map[string][]string{}
	check := func(name, body string) {
		if bad := englishIn(visibleText(body), names); len(bad) > 0 {
			found[name] = bad
		}
	}
	charts := map[string]bool{}
	// The pages of a contributor: the manage link, and with an account
	// their timeline, its editing, the password and alert pages; and
	// the moderation page.
	u, err := url.Parse(pending.ManageURL)
	if err != nil {
		t.Fatal(err)
	}
	member := e.account("member@example.org")
	// Notes are people's own words, in whatever language they wrote.
	sub := validSubmission()
	delete(sub, "note")
	mine := e.create(sub, member...)
	private := map[string][]string{
		u.Path: nil, u.Path + "/edit": nil,
		"/me": member, "/me/password": member, "/me/cases/" + mine.ID + "/edit": member, "/me/alerts/new?category=eb2-niw": member,
		"/admin": e.adminHeaders(),
	}
	for _, p := range slices.Sorted(maps.Keys(private)) {
		check("GET "+p, e.get(with(p), private[p]...).body)
	}
	for _, p := range pages {
		res := e.get(with(p))
		check("GET "+p, res.body)
		for _, m := range regexp.MustCompile(`src="(/[^"]+\.svg[^"]*)"`).FindAllStringSubmatch(res.body, -1) {
			charts[html.UnescapeString(m[1])] = true
		}
	}
	for _, c := range slices.Sorted(maps.Keys(charts)) {
		res := e.get(with(c))
		check("chart "+c, res.body)
	}
	atom := e.get(with("/feed.atom"))
	check("GET /feed.atom", atom.body)
	bad := validForm()
	bad.Set("filed", "2024-13")
	bad.Set("milestones[0].date", "2024-02-30")
	bad.Del("note")
	check("POST /submit (invalid)", e.postForm(with("/submit"), bad).body)
	check("POST /signup (invalid)", e.postForm(with("/signup"), url.Values{"email": {"x"}, "password": {"1"}}).body)
	check("POST /signin (wrong password)", e.postForm(with("/signin"), url.Values{"email": {"member@example.org"}, "password": {"0000000000"}}).body)
	// The API's refusals: the message and every field message a person
	// may read.
	apiRefusals := []struct {
		name string
		send func() response
	}{
		{"POST /api/v1/cases (invalid)", func() response { return e.postJSON(with("/api/v1/cases"), `{"category": "x-1"}`) }},
		{"POST /api/v1/cases (body not UTF-8)", func() response {
			return e.do("POST", with("/api/v1/cases"), strings.NewReader(`{"note": "caf`+"\xe9"+`"}`), "Content-Type", "application/json")
		}},
		{"GET /api/v1/stats (months out of range)", func() response {
			return e.get(with("/api/v1/stats?category=eb2-niw&filed_from=0000-01&filed_to=2999-12&country=ZZ"))
		}},
		{"GET /api/v1/stats/breakdown (unknown dimension)", func() response {
			return e.get(with("/api/v1/stats/breakdown?category=eb2-niw&dimension=zz"))
		}},
		{"GET /api/v1/feed (filed in the future)", func() response { return e.get(with("/api/v1/feed?filed=2999-12&limit=0")) }},
		{"POST /api/v1/cases/{id}/reports (no reason)", func() response {
			return e.postJSON(with("/api/v1/cases/"+pending.ID+"/reports"), `{"reason": "boring"}`)
		}},
	}
	for _, a := range apiRefusals {
		res := a.send()
		var apiErr errorBody
		if err := json.Unmarshal([]byte(res.body), &apiErr); err != nil || res.status < 400 {
			t.Fatalf("%s: status %d %s", a.name, res.status, res.body)
		}
		texts := []string{apiErr.Message}
		for _, m := range apiErr.Fields {
			texts = append(texts, m)
		}
		if bad := englishIn(texts, names); len(bad) > 0 {
			found[a.name] = bad
		}
	}
	if len(found) == 0 {
		return
	}
	var b strings.Builder
	for _, n := range slices.Sorted(maps.Keys(found)) {
		fmt.Fprintf(&b, "\n%s:", n)
		for i, s := range found[n] {
			if i == 8 {
				fmt.Fprintf(&b, "\n    ... and %d more", len(found[n])-i)
				break
			}
			fmt.Fprintf(&b, "\n    %s", s)
		}
	}
	t.Errorf("English outside the catalog (see i18n.Pseudo) on %d pages:%s", len(found), b.String())
}
