package web

import (
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// TestLanguageChoice checks the page language end to end: Accept-Language
// by default, the lang parameter over the cookie, the cookie over the
// header, a cookie that holds only the tag, Vary, and the switch and
// hreflang alternates keeping the path and filters.
func TestLanguageChoice(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	es := e.server.lang.Locale("es")
	if es == nil {
		t.Skip("Spanish is not offered")
	}
	home := es.T("layout.nav_home")
	for _, tc := range []struct {
		name    string
		path    string
		headers []string
		want    string // lang="" of the page
		cookie  string // the lang cookie set, "" for none
	}{
		{"default", "/", nil, "en", ""},
		{"accept-language", "/", []string{"Accept-Language", "es-MX,es;q=0.9"}, "es", ""},
		{"unknown accept-language", "/", []string{"Accept-Language", "de"}, "en", ""},
		{"cookie over header", "/", []string{"Accept-Language", "en", "Cookie", "lang=es"}, "es", ""},
		{"param over cookie", "/?lang=en", []string{"Cookie", "lang=es"}, "en", "en"},
		{"param sets cookie", "/explore?category=eb2-niw&lang=es", nil, "es", "es"},
		{"param already remembered", "/?lang=es", []string{"Cookie", "lang=es"}, "es", ""},
		{"unknown param ignored", "/?lang=xx", []string{"Cookie", "lang=es"}, "es", ""},
		{"bad cookie ignored", "/", []string{"Cookie", "lang=<script>", "Accept-Language", "es"}, "es", ""},
		{"error page", "/no/such/page?lang=es", nil, "es", "es"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.get(tc.path, tc.headers...)
			if !strings.Contains(res.body, `<html lang="`+tc.want+`" dir="ltr">`) {
				t.Fatalf("page not in %s: %.300s", tc.want, res.body)
			}
			if tc.want == "es" && !strings.Contains(res.body, ">"+home+"<") {
				t.Errorf("navigation not in Spanish")
			}
			var got string
			for _, c := range (&http.Response{Header: res.header}).Cookies() {
				if c.Name == i18n.CookieName {
					got = c.Value
					if c.Path != "/" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.MaxAge <= 0 {
						t.Errorf("lang cookie %+v", c)
					}
				}
			}
			if got != tc.cookie {
				t.Errorf("lang cookie %q, want %q", got, tc.cookie)
			}
			if !strings.Contains(strings.Join(res.header.Values("Vary"), ","), "Accept-Language, Cookie") {
				t.Errorf("Vary %q", res.header.Values("Vary"))
			}
		})
	}
	// The switch and the alternates keep the path and the filters.
	res := e.get("/explore?category=eb2-niw&country=IN")
	for _, want := range []string{
		`<link rel="alternate" hreflang="es" href="/explore?category=eb2-niw&amp;country=IN&amp;lang=es">`,
		`<link rel="alternate" hreflang="en" href="/explore?category=eb2-niw&amp;country=IN&amp;lang=en">`,
		`<link rel="alternate" hreflang="x-default" href="/explore?category=eb2-niw&amp;country=IN">`,
		`<a href="?category=eb2-niw&amp;country=IN&amp;lang=es" hreflang="es" lang="es">Español</a>`,
		`<a href="?category=eb2-niw&amp;country=IN&amp;lang=en" hreflang="en" lang="en" aria-current="true">English</a>`,
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("/explore lacks %s", want)
		}
	}
}

// TestLanguageSwitchOnEveryPage checks that every page rendered through the
// layout offers the switch and the alternates.
func TestLanguageSwitchOnEveryPage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	for _, path := range []string{"/", "/explore", "/feed", "/submit", "/methodology", "/privacy", "/signin", "/signup", "/no/such/page"} {
		res := e.get(path)
		for _, l := range e.server.lang.Offered() {
			if !strings.Contains(res.body, `hreflang="`+l.Code()+`" lang="`+l.Code()+`"`) {
				t.Errorf("%s: no switch to %s", path, l.Code())
			}
			if !strings.Contains(res.body, `<link rel="alternate" hreflang="`+l.Code()+`"`) {
				t.Errorf("%s: no hreflang alternate for %s", path, l.Code())
			}
		}
	}
}

// TestAPIMessageInLanguage checks that the API's human message follows the
// language while its code stays English.
func TestAPIMessageInLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	es := e.server.lang.Locale("es")
	if es == nil {
		t.Skip("Spanish is not offered")
	}
	for _, tc := range []struct{ accept, want string }{
		{"", e.server.lang.Default().T("error.no_case")},
		{"es", es.T("error.no_case")},
	} {
		res := e.get("/api/v1/cases/c_AAAAAAAAAAAAAAAAAAAAAAAAAA", "Accept-Language", tc.accept)
		body := res.apiError(t)
		if res.status != 404 || body.Error != "not_found" || body.Message != tc.want {
			t.Errorf("Accept-Language %q: %d %+v, want message %q", tc.accept, res.status, body, tc.want)
		}
	}
}

// TestLinkLifetimesAgree checks that the catalog's link lifetimes say what
// the mail says (the mail is still written in English).
func TestLinkLifetimesAgree(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	en := e.server.lang.Default()
	if got := en.T("account.valid_verify"); got != verifyValidText {
		t.Errorf("account.valid_verify %q, mail says %q", got, verifyValidText)
	}
	if got := en.T("account.valid_reset"); got != resetValidText {
		t.Errorf("account.valid_reset %q, mail says %q", got, resetValidText)
	}
}

// physicalSide matches CSS that names a physical side, which does not
// mirror for right-to-left languages.
var physicalSide = regexp.MustCompile(`(?m)\b(margin|padding|border)-(left|right)\b|text-align:\s*(left|right)|[;{\s](left|right):|float:\s*(left|right)`)

// TestStyleIsDirectionNeutral checks that the style sheet uses logical
// properties (margin-inline-start, text-align: start) so that Arabic and
// Persian pages mirror.
func TestStyleIsDirectionNeutral(t *testing.T) {
	css, err := os.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(css), "\n") {
		if physicalSide.MatchString(line) {
			t.Errorf("style.css:%d names a physical side: %s", i+1, strings.TrimSpace(line))
		}
	}
}

// TestComputedMessageIDs checks the messages templates name by code
// (printf "case.status.%s", "report.reason.%s"), which the template lint
// cannot see.
func TestComputedMessageIDs(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	var ids []string
	for _, s := range []string{timeline.StatusPending, timeline.StatusApproved, timeline.StatusDenied} {
		ids = append(ids, "case.status."+s)
	}
	for _, every := range []string{"daily", "weekly"} {
		ids = append(ids, "alerts.every."+every)
	}
	for _, r := range reportReasons {
		ids = append(ids, "report.reason."+r.Code)
		if got := e.server.lang.Default().T("report.reason." + r.Code); got != r.Label {
			t.Errorf("report.reason.%s is %q, the moderators see %q", r.Code, got, r.Label)
		}
	}
	for _, id := range ids {
		if !e.server.lang.Has(id) {
			t.Errorf("%s is not in the catalog", id)
		}
	}
}

// TestNoticesInCatalog checks that every notice shown after a redirect has
// its catalog message, whose English is the text the code keeps.
func TestNoticesInCatalog(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	en := e.server.lang.Default()
	for prefix, table := range map[string]map[string]string{
		"notice.signin.": signinNotices,
		"notice.me.":     meNotices,
		"notice.case.":   notices,
		"notice.":        {"signin_wrong": signinWrong, "resent": resentNotice},
	} {
		for code, english := range table {
			id := prefix + code
			if !e.server.lang.Has(id) {
				t.Errorf("%s is not in the catalog", id)
			} else if got := en.T(id); got != english {
				t.Errorf("%s is %q, the code says %q", id, got, english)
			}
		}
	}
}

// TestHreflangAbsolute checks that the alternates name the site's public
// address when it is configured, as search engines want, and that the
// answer to a form has none.
func TestHreflangAbsolute(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), func(c *Config) { c.PublicURL = "https://casetrack.example" })
	body := e.get("/feed?category=eb2-niw").body
	for _, want := range []string{
		`<link rel="alternate" hreflang="en" href="https://casetrack.example/feed?category=eb2-niw&amp;lang=en">`,
		`<link rel="alternate" hreflang="x-default" href="https://casetrack.example/feed?category=eb2-niw">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/feed lacks %s", want)
		}
	}
	res := e.postForm("/signin", url.Values{"email": {"nobody@example.org"}, "password": {"wrong password"}})
	if strings.Contains(res.body, `rel="alternate"`) {
		t.Error("the answer to a form lists hreflang alternates")
	}
}

// TestNoteMessageAgrees checks that the note's message from the catalog
// says in English exactly what timeline.Validate says, for every kind of
// problem, and that it is written in Spanish on a Spanish page.
func TestNoteMessageAgrees(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	en := e.server.lang.Default()
	for _, note := range []string{
		"fine note",
		"bad \xff bytes",
		strings.Repeat("x", timeline.MaxNoteLength+1),
		"bell \a here",
		"my receipt is IOE0912345678",
		"IOE0912345678, write to me at ana@example.org or call 415 555 0100",
		"A-number A123456789 and passport X1234567",
	} {
		_, fe := timeline.Validate(e.server.cat, timeline.Submission{Note: note}, testStart)
		if got := timeline.NoteMessage(note, en.T); got != fe["note"] {
			t.Errorf("note %.30q: catalog says %q, Validate says %q", note, got, fe["note"])
		}
	}
	if e.server.lang.Locale("es") == nil {
		return
	}
	sub := validSubmission()
	sub["note"] = "my receipt is IOE0912345678"
	res := e.postJSON("/api/v1/cases", sub, "Accept-Language", "es")
	body := res.apiError(t)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(body.Fields["note"], "un número de recibo de USCIS") {
		t.Errorf("Spanish note error: %d %+v", res.status, body)
	}
}
