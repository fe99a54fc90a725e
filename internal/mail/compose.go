package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"strings"
	"sync"
	texttemplate "text/template"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/store"
)

// templateFS holds, for each kind of message, KIND.txt (text/template,
// defining KIND.subject and KIND.text) and KIND.html (html/template,
// defining KIND.body), and the layouts that wrap every body.
//
//go:embed templates
var templateFS embed.FS

// Site is what every message says about the site that sends it.
type Site struct {
	// Name is the site's name ("CaseTrack").
	Name string
	// URL is the site's public address without a trailing slash; every
	// link in a message starts with it.
	URL string
}

// Composer turns a kind of message and its data into an outbox message,
// in the language of the person it goes to.
type Composer struct {
	site Site
	// text and html are the templates as parsed, never executed: each
	// language gets its clone with its own words (in).
	text *texttemplate.Template
	html *htmltemplate.Template

	mu sync.Mutex
	in map[string]*languageTemplates
}

// languageTemplates are the templates of one language: t and thtml
// write its messages (i18n.Locale.T and HTML).
type languageTemplates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// placeholderFuncs stand for the functions of a language while the
// templates are parsed.
var placeholderFuncs = map[string]any{
	"t":     func(string, ...any) string { return "" },
	"thtml": func(string, ...any) htmltemplate.HTML { return "" },
}

// english is the source language, for Compose.
var english = sync.OnceValues(func() (*i18n.Locale, error) {
	c, err := i18n.Load()
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return c.Default(), nil
})

// NewComposer parses the embedded templates.
func NewComposer(site Site) (*Composer, error) {
	site.URL = strings.TrimSuffix(site.URL, "/")
	if !strings.HasPrefix(site.URL, "https://") && !strings.HasPrefix(site.URL, "http://") {
		return nil, fmt.Errorf("mail: the site's public address must be an http(s) URL, not %q", site.URL)
	}
	if site.Name == "" {
		site.Name = "CaseTrack"
	}
	text, err := texttemplate.New("mail").Funcs(placeholderFuncs).ParseFS(templateFS, "templates/*.txt")
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	html, err := htmltemplate.New("mail").Funcs(placeholderFuncs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return &Composer{site: site, text: text, html: html, in: map[string]*languageTemplates{}}, nil
}

// templatesIn returns the templates that write in l, made on first use.
func (c *Composer) templatesIn(l *i18n.Locale) (*languageTemplates, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.in[l.Code()]; ok {
		return t, nil
	}
	funcs := map[string]any{"t": l.T, "thtml": l.HTML}
	text, err := c.text.Clone()
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	html, err := c.html.Clone()
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	t := &languageTemplates{text: text.Funcs(funcs), html: html.Funcs(funcs)}
	c.in[l.Code()] = t
	return t, nil
}

// Site returns the site the composer writes for.
func (c *Composer) Site() Site { return c.site }

// Link is an address on the site: path (with its query) after the URL.
func (c *Composer) Link(path string) string { return c.site.URL + path }

// view is what the templates see.
type view struct {
	Site Site
	// Data is the message's own data.
	Data any
	// Unsubscribe is the one-click unsubscribe address, or "".
	Unsubscribe string
	// Why says in one sentence why the person gets the message.
	Why string
	// Lang and Dir are the message's language and writing direction.
	Lang, Dir string
}

// Compose renders a message of kind for an account in English (see
// ComposeIn).
func (c *Composer) Compose(accountID, kind string, data any, unsubscribe, why string) (store.OutMail, error) {
	return c.ComposeIn(nil, accountID, kind, data, unsubscribe, why)
}

// ComposeIn renders a message of kind for an account in the language l
// (English when nil): subject, text and HTML. unsubscribe is the
// message's one-click unsubscribe address ("" for mail that answers
// something the person just did) and why says, in l, why it was sent;
// data's sentences must be in l too. Every link in the message must lead
// to the site itself.
func (c *Composer) ComposeIn(l *i18n.Locale, accountID, kind string, data any, unsubscribe, why string) (store.OutMail, error) {
	if l == nil {
		var err error
		if l, err = english(); err != nil {
			return store.OutMail{}, err
		}
	}
	tmpl, err := c.templatesIn(l)
	if err != nil {
		return store.OutMail{}, err
	}
	v := view{Site: c.site, Data: data, Unsubscribe: unsubscribe, Why: why, Lang: l.Code(), Dir: l.Dir()}
	var subject, text, body, html bytes.Buffer
	if err := tmpl.text.ExecuteTemplate(&subject, kind+".subject", v); err != nil {
		return store.OutMail{}, fmt.Errorf("mail %s: subject: %w", kind, err)
	}
	if err := tmpl.text.ExecuteTemplate(&body, kind+".text", v); err != nil {
		return store.OutMail{}, fmt.Errorf("mail %s: text: %w", kind, err)
	}
	if err := tmpl.text.ExecuteTemplate(&text, "layout.txt", layoutView{view: v, Body: body.String()}); err != nil {
		return store.OutMail{}, fmt.Errorf("mail %s: text layout: %w", kind, err)
	}
	var inner bytes.Buffer
	if err := tmpl.html.ExecuteTemplate(&inner, kind+".body", v); err != nil {
		return store.OutMail{}, fmt.Errorf("mail %s: html: %w", kind, err)
	}
	if err := tmpl.html.ExecuteTemplate(&html, "layout.html", layoutView{view: v, HTMLBody: htmltemplate.HTML(inner.String())}); err != nil { //nolint:gosec // rendered by html/template above
		return store.OutMail{}, fmt.Errorf("mail %s: html layout: %w", kind, err)
	}
	m := store.OutMail{AccountID: accountID, Kind: kind, Subject: strings.TrimSpace(subject.String()),
		Text: text.String(), HTML: html.String(), Unsubscribe: unsubscribe}
	if err := c.checkLinks(m); err != nil {
		return store.OutMail{}, fmt.Errorf("mail %s: %w", kind, err)
	}
	return m, nil
}

// layoutView is a view with its rendered body.
type layoutView struct {
	view
	Body     string
	HTMLBody htmltemplate.HTML
}

var (
	textLinkRE = regexp.MustCompile(`(?i)\b(?:https?|ftp)://[^\s<>"]+|\bwww\.[^\s<>"]+`)
	htmlLinkRE = regexp.MustCompile(`(?i)\b(?:href|src|action)\s*=\s*"([^"]*)"`)
)

// checkLinks refuses a message that links anywhere but the site, or that
// loads anything (images, styles): mail carries no trackers.
func (c *Composer) checkLinks(m store.OutMail) error {
	for _, body := range []string{m.Subject, m.Text, m.HTML} {
		for _, l := range textLinkRE.FindAllString(body, -1) {
			if !c.ours(l) {
				return fmt.Errorf("links to another site: %s", l)
			}
		}
	}
	if strings.Contains(strings.ToLower(m.HTML), "<img") || strings.Contains(strings.ToLower(m.HTML), "src=") {
		return fmt.Errorf("loads an image or a resource")
	}
	for _, l := range htmlLinkRE.FindAllStringSubmatch(m.HTML, -1) {
		if !c.ours(htmlUnescape(l[1])) {
			return fmt.Errorf("links to another site: %s", l[1])
		}
	}
	return nil
}

func (c *Composer) ours(link string) bool {
	return link == c.site.URL || strings.HasPrefix(link, c.site.URL+"/") || strings.HasPrefix(link, c.site.URL+"?")
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#61;", "=").Replace(s)
}
