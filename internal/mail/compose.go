package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"strings"
	texttemplate "text/template"

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

// Composer turns a kind of message and its data into an outbox message.
type Composer struct {
	site Site
	text *texttemplate.Template
	html *htmltemplate.Template
}

// NewComposer parses the embedded templates.
func NewComposer(site Site) (*Composer, error) {
	site.URL = strings.TrimSuffix(site.URL, "/")
	if !strings.HasPrefix(site.URL, "https://") && !strings.HasPrefix(site.URL, "http://") {
		return nil, fmt.Errorf("mail: the site's public address must be an http(s) URL, not %q", site.URL)
	}
	if site.Name == "" {
		site.Name = "CaseTrack"
	}
	text, err := texttemplate.ParseFS(templateFS, "templates/*.txt")
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	html, err := htmltemplate.ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return &Composer{site: site, text: text, html: html}, nil
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
}

// Compose renders a message of kind for an account. unsubscribe is the
// message's one-click unsubscribe address ("" for mail that answers
// something the person just did) and why says why it was sent. Every
// link in the message must lead to the site itself.
func (c *Composer) Compose(accountID, kind string, data any, unsubscribe, why string) (store.OutMail, error) {
	v := view{Site: c.site, Data: data, Unsubscribe: unsubscribe, Why: why}
	var subject, text, body, html bytes.Buffer
	if err := c.text.ExecuteTemplate(&subject, kind+".subject", v); err != nil {
		return store.OutMail{}, fmt.Errorf("mail %s: subject: %w", kind, err)
	}
	if err := c.text.ExecuteTemplate(&body, kind+".text", v); err != nil {
		return store.OutMail{}, fmt.Errorf("mail %s: text: %w", kind, err)
	}
	if err := c.text.ExecuteTemplate(&text, "layout.txt", layoutView{view: v, Body: body.String()}); err != nil {
		return store.OutMail{}, fmt.Errorf("mail %s: text layout: %w", kind, err)
	}
	var inner bytes.Buffer
	if err := c.html.ExecuteTemplate(&inner, kind+".body", v); err != nil {
		return store.OutMail{}, fmt.Errorf("mail %s: html: %w", kind, err)
	}
	if err := c.html.ExecuteTemplate(&html, "layout.html", layoutView{view: v, HTMLBody: htmltemplate.HTML(inner.String())}); err != nil { //nolint:gosec // rendered by html/template above
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
