package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
)

// templateFS holds the page templates. layout.html defines the page shell
// ("layout"); files whose names start with "_" hold partials shared by
// every page; each other file is one page defining "title" and "content".
//
//go:embed templates/*.html
var templateFS embed.FS

// page holds the fields every page shows. Page data structs embed it;
// render fills everything but Title.
type page struct {
	Title    string
	Path     string
	Demo     bool
	Contact  string
	MinCases int
	Catalog  *catalog.Catalog
	Now      time.Time
	// Account is the signed-in account, nil when signed out.
	Account *auth.Account
	// Lang is the page's language; Languages is the page in every
	// offered language (the switch and the hreflang alternates) and
	// XDefault the page without a chosen language.
	Lang      *i18n.Locale
	Languages []langLink
	XDefault  string
	// Private is set on pages kept out of search engines: no hreflang
	// alternates, which would repeat the address.
	Private bool
}

// basePage lets render fill the common fields of any page struct that
// embeds page.
func (p *page) basePage() *page { return p }

// Current reports whether the page is at path, for aria-current in the nav.
func (p *page) Current(path string) bool {
	if path == "/" {
		return p.Path == "/"
	}
	return p.Path == path || strings.HasPrefix(p.Path, path+"/")
}

// ContactLink is a link target for the contact: mailto: for an email
// address, the address itself for a web address, "" for anything else.
func (p *page) ContactLink() string {
	switch {
	case strings.HasPrefix(p.Contact, "https://") || strings.HasPrefix(p.Contact, "http://"):
		return p.Contact
	case strings.Contains(p.Contact, "@"):
		return "mailto:" + p.Contact
	}
	return ""
}

// ContactHTML is the contact as markup (a link when it is an address),
// for catalog sentences that name it.
func (p *page) ContactHTML() template.HTML {
	c := template.HTMLEscapeString(p.Contact)
	if l := p.ContactLink(); l != "" {
		return template.HTML(`<a href="` + template.HTMLEscapeString(l) + `">` + c + `</a>`)
	}
	return template.HTML(c)
}

// Year is the current year, for the footer.
func (p *page) Year() int { return p.Now.Year() }

// newPage starts the common fields of a page.
func (s *Server) newPage(r *http.Request, title string) page {
	p := page{Title: title}
	s.fillPage(&p, r)
	return p
}

func (s *Server) fillPage(p *page, r *http.Request) {
	p.Path = r.URL.Path
	p.Demo = s.demo
	p.Contact = s.contact
	p.MinCases = s.minCases
	p.Catalog = s.reference(r)
	p.Now = s.now()
	p.Account = s.currentAccount(r)
	p.Lang = s.locale(r)
	p.Languages, p.XDefault = s.languageLinks(r)
}

// errorPage is the data of error.html (404, 403, 413, 429, 500, ...).
type errorPage struct {
	page
	Status  int
	Message string
}

// parseTemplates parses the templates once per offered language, with the
// message functions bound to that language, so a page picks its set by
// the request's language and templates need no language argument.
func (s *Server) parseTemplates() (map[string]map[string]*template.Template, error) {
	out := map[string]map[string]*template.Template{}
	s.refs = map[string]*catalog.Catalog{}
	for _, l := range s.lang.Offered() {
		ref, err := l.Reference(s.cat)
		if err != nil {
			return nil, err
		}
		s.refs[l.Code()] = ref
		pages, err := s.parseTemplatesIn(l)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.Code(), err)
		}
		out[l.Code()] = pages
	}
	return out, nil
}

// parseTemplatesIn parses the layout and partials once, then each page on a
// clone of them, so pages can all define "title" and "content".
func (s *Server) parseTemplatesIn(loc *i18n.Locale) (map[string]*template.Template, error) {
	ref := s.refs[loc.Code()]
	funcs := template.FuncMap{
		// t writes a catalog message in the page's language: {{t "id"}}
		// or {{t "id" "Name" value ...}}; thtml is t for messages with
		// markup (arguments are escaped). A "Count" argument picks the
		// plural form.
		"t":     loc.T,
		"thtml": loc.HTML,
		// categoryName, milestoneName, centerName and countryName name
		// reference data by code in the page's language, for values
		// that come from the English catalog (a case, a feed item).
		"categoryName": func(code string) string {
			return refName(ref.Category, code, func(c catalog.Category) string { return c.Name })
		},
		"milestoneName": func(code string) string { return milestoneName(ref, code) },
		"centerName": func(code string) string {
			return refName(ref.ServiceCenter, code, func(c catalog.ServiceCenter) string { return c.Name })
		},
		"countryName": func(code string) string {
			return refName(ref.Country, code, func(c catalog.Country) string { return c.Name })
		},
		// monthYear and date write dates with the language's month
		// names and pattern.
		"monthYear": loc.MonthYear,
		"date":      loc.Date,
		// isoDate writes a date a view holds as text, a day (2024-09-14)
		// or a month (2024-09), in the same way; other text is kept.
		"isoDate": func(s string) string { return isoDateIn(loc, s) },
		"asset":   s.assets.url,
		// duration and afterFiling write days in the site's one unit
		// scheme (package units).
		"duration":    loc.Duration,
		"afterFiling": loc.AfterFiling,
		// count writes every count a page shows with the language's
		// thousands separators ("30,003", "30.003").
		"count": loc.Count,
		// sub places the outlook bar's marks.
		"sub": func(a, b int) int { return a - b },
		// detailField pairs a detail's picker with where it applies, for
		// the "detail-select" template.
		"detailField": func(s detailSelect, a detailApplies) detailFieldData { return detailFieldData{Select: s, For: a} },
		// adminCase pairs a moderation item with the reasons, for the
		// "admincase" template.
		"adminCase": func(it adminItem, reasons []moderationReason) adminCaseData {
			return adminCaseData{Item: it, Reasons: reasons}
		},
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	base := template.New("layout.html").Funcs(funcs)
	shared := []string{"templates/layout.html"}
	for _, n := range names {
		if strings.HasPrefix(strings.TrimPrefix(n, "templates/"), "_") {
			shared = append(shared, n)
		}
	}
	if base, err = base.ParseFS(templateFS, shared...); err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimPrefix(n, "templates/")
		if name == "layout.html" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("clone layout for %s: %w", name, err)
		}
		if t, err = t.ParseFS(templateFS, n); err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes a page template into a buffer first, so a template error
// becomes a clean 500 instead of half a page. data should be a pointer to
// a struct embedding page; render fills its common fields.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	return s.renderPadded(w, r, status, name, data, 0)
}

// renderPadded is render with the page padded to a multiple of size bytes
// (when size > 0) and sent uncompressed, so that its length on the wire,
// which load balancers log, says nothing about what it shows.
func (s *Server) renderPadded(w http.ResponseWriter, r *http.Request, status int, name string, data any, size int) error {
	t, ok := s.pages[s.locale(r).Code()][name]
	if !ok {
		return fmt.Errorf("render: no template %q", name)
	}
	if p, ok := data.(interface{ basePage() *page }); ok {
		s.fillPage(p.basePage(), r)
		// A page kept out of search engines has no alternates: its
		// address may hold a secret (the manage link). Nor has the answer
		// to a form: its address is not a page of its own.
		p.basePage().Private = strings.Contains(w.Header().Get("X-Robots-Tag"), "noindex") ||
			(r.Method != http.MethodGet && r.Method != http.MethodHead)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	if size > 0 {
		padHTML(&buf, size)
		h.Set(gzhttp.HeaderNoCompression, "1")
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	// A page is in the language the request negotiated.
	h.Add("Vary", "Accept-Language, Cookie")
	// Pages change with every shared case and link assets by their
	// current fingerprint: browsers must ask again each time. A handler
	// that needs stricter rules (private pages) sets its own first.
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
	return nil
}

// adminCaseData is the data of the "admincase" template of admin.html.
type adminCaseData struct {
	Item    adminItem
	Reasons []moderationReason
}

// padHTML appends a comment to a page that makes its length a multiple of
// size.
func padHTML(buf *bytes.Buffer, size int) {
	const opening, closing = "<!--", "-->\n"
	n := buf.Len() + len(opening) + len(closing)
	fill := (size - n%size) % size
	buf.WriteString(opening)
	buf.WriteString(strings.Repeat(" ", fill))
	buf.WriteString(closing)
}

// reference is the reference data named in the request's language.
func (s *Server) reference(r *http.Request) *catalog.Catalog {
	if ref, ok := s.refs[s.locale(r).Code()]; ok {
		return ref
	}
	return s.cat
}

// refName is the name of a reference item by code, the code itself when
// the reference data has no such item.
func refName[T any](find func(string) (T, bool), code string, name func(T) string) string {
	if v, ok := find(code); ok {
		return name(v)
	}
	return code
}

// milestoneName is a milestone's name by code; milestones are the same
// steps in every category.
func milestoneName(ref *catalog.Catalog, code string) string {
	for _, c := range ref.Categories {
		for _, m := range c.Milestones {
			if m.Code == code {
				return m.Name
			}
		}
	}
	return code
}

// isoDateIn writes an ISO day or month in the language's words and
// digits, so that a case page reads like the feed beside it; the
// machine-readable form stays in the <time> element's datetime.
func isoDateIn(l *i18n.Locale, s string) string {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return l.Date(t)
	}
	if t, err := time.Parse("2006-01", s); err == nil {
		return l.MonthYear(t)
	}
	return s
}
