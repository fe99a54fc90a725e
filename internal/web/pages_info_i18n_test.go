package web

import (
	"html/template"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestHomeAndPrivacyNumbersInTheLanguage: the numbers the home and
// privacy pages fill into their sentences (the minimum group size, the
// policy date) are written by the locale, so Arabic and Persian pages
// show their own digits and every language its own date pattern.
func TestHomeAndPrivacyNumbersInTheLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), func(c *Config) { c.MinCases = 12 })
	policy, err := time.Parse(time.DateOnly, privacyPolicyDate)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"en", "es", "zh-Hans", "ar", "fa"} {
		t.Run(code, func(t *testing.T) {
			loc := e.server.lang.Locale(code)
			min := loc.Count(12)
			home := e.get("/?lang=" + code)
			mustStatus(t, home, http.StatusOK)
			if want := string(loc.HTML("home.how_compare", "Min", min)); !strings.Contains(home.body, want) {
				t.Errorf("home lacks %q", want)
			}
			privacy := e.get("/privacy?lang=" + code)
			mustStatus(t, privacy, http.StatusOK)
			for _, want := range []string{
				string(loc.HTML("privacy.p6", "Min", min)),
				`<time datetime="` + privacyPolicyDate + `">` + template.HTMLEscapeString(loc.Date(policy)) + `</time>`,
			} {
				if !strings.Contains(privacy.body, want) {
					t.Errorf("privacy lacks %q", want)
				}
			}
			// The sentences above carry the locale's digits; in Arabic
			// and Persian those are not Latin.
			if loc.RTL() && methodLatinDigit.MatchString(min+loc.Date(policy)) {
				t.Errorf("Latin digits in %q, %q", min, loc.Date(policy))
			}
		})
	}
}
