package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// switchLink is an entry of the language switch: its address and code.
var switchLink = regexp.MustCompile(`<li><a href="([^"]*)" hreflang="([^"]+)"`)

// TestLanguageSwitchAfterAForm checks the language switch of a page that
// answers a form: the form's address may take no GET, so the switch leads
// to the page the form is on, in the language chosen, and that page
// answers 200 (it answered 404 when the switch kept the form's address).
func TestLanguageSwitchAfterAForm(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := e.create(validSubmission())
	refusedNote := validForm()
	refusedNote.Set("note", "My receipt is EAC2190012345")
	tests := []struct {
		name, path string
		form       url.Values
		status     int
		page       string // where the switch leads
	}{
		{"a refused submission", "/submit", refusedNote, http.StatusUnprocessableEntity, "/submit"},
		{"a refused milestone", "/cases/" + c.ID + "/milestones",
			url.Values{"edit_key": {c.EditKey}, "code": {"rfe_response"}, "date": {"02/30/2024"}}, http.StatusUnprocessableEntity, "/cases/" + c.ID},
		{"a refused sign-up", "/signup", url.Values{"email": {"not an address"}, "password": {"x"}}, http.StatusUnprocessableEntity, "/signup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.postForm(tt.path, tt.form, "Accept-Language", "en")
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", res.status, tt.status, res.body)
			}
			links := switchLink.FindAllStringSubmatch(res.body, -1)
			if len(links) < 2 {
				t.Fatalf("no language switch on the page: %.300s", res.body)
			}
			for _, l := range links {
				href, code := html.UnescapeString(l[1]), l[2]
				if want := tt.page + "?lang=" + code; href != want {
					t.Errorf("%s: switch leads to %q, want %q", code, href, want)
					continue
				}
				if code != "es" {
					continue
				}
				page := e.get(href)
				if page.status != http.StatusOK || !strings.Contains(page.body, `<html lang="es"`) {
					t.Errorf("%s: GET %s answered %d, not the page in Spanish", code, href, page.status)
				}
			}
		})
	}
	// A page answering a GET keeps its relative switch, which never
	// repeats the path (a manage link's holds its key).
	if body := e.get("/cases/" + c.ID).body; !strings.Contains(body, `<li><a href="?lang=es" hreflang="es"`) {
		t.Errorf("a GET page's switch is not relative: %.300s", between(body, `class="languages"`, "</nav>"))
	}
}

// TestFormPagePath checks which page each form address is shown on.
func TestFormPagePath(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	for path, want := range map[string]string{
		"/submit":                       "/submit",
		"/cases/c_X/milestones":         "/cases/c_X",
		"/cases/c_X/report":             "/cases/c_X",
		"/me/claim":                     "/me",
		"/me/alerts/a_1/delete":         "/me",
		"/me/cases/c_X/edit":            "/me/cases/c_X/edit",
		"/admin/cases/c_X":              "/admin",
		"/signout":                      "/",
		"/signup":                       "/signup",
		"/nothing/here/at/all":          "/",
		"/static/../cases/c_X/keep/x/y": "/cases/c_X",
	} {
		if got := e.server.formPagePath(path); got != want {
			t.Errorf("formPagePath(%q) = %q, want %q", path, got, want)
		}
	}
}
