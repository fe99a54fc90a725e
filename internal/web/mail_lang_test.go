package web

import (
	"context"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/alerts"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/mail/mailtest"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// mailWords is a received message's subject (decoded), plain text and
// HTML, for checks on its words.
func mailWords(t *testing.T, m mailtest.Received) string {
	t.Helper()
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	return subject + "\n" + m.Text + "\n" + m.HTML
}

// TestAccountMailInLanguage: the sign-up confirmation, the note to a
// taken address and the password reset are written in the language of
// the page they were asked from (subject, text and HTML), with none of
// the mail catalog's English where the language says otherwise and, in
// Arabic, no Latin digits outside addresses.
func TestAccountMailInLanguage(t *testing.T) {
	e := newMailEnv(t, storetest.SQLite(t))
	cat := e.server.lang
	links := regexp.MustCompile(`https?://[^\s"<]+`)
	for _, code := range []string{"es", "zh-Hans", "ar"} {
		l := cat.Locale(code)
		lang := []string{"Cookie", i18n.CookieName + "=" + code}
		email := "new-" + strings.ToLower(code) + "@example.org"
		e.signupMail(email, testPassword, lang...)
		verify := e.deliverOne(email, "")
		e.signupMail(email, testPassword, lang...)
		exists := e.deliverOne(email, "")
		if res := e.postForm("/forgot", url.Values{"email": {email}}, lang...); res.status != http.StatusSeeOther {
			t.Fatalf("%s: forgot: %d", code, res.status)
		}
		reset := e.deliverOne(email, "")
		for _, m := range []mailtest.Received{verify, exists, reset} {
			text := mailWords(t, m)
			if !strings.Contains(m.HTML, `<html lang="`+code+`" dir="`+l.Dir()+`">`) {
				t.Errorf("%s: the HTML is not marked as %s", code, code)
			}
			for _, left := range englishLeft(t, cat, l, text, "mail.verify.", "mail.exists.", "mail.reset.", "mail.sign_in") {
				t.Errorf("%s: English left: %s", code, left)
			}
			plain := text[:len(text)-len(m.HTML)] // the HTML's styles have digits of their own
			if l.RTL() && strings.ContainsAny(links.ReplaceAllString(plain, ""), "0123456789") {
				t.Errorf("%s: Latin digits in:\n%s", code, text)
			}
		}
	}
}

// TestMailLanguageRemembered: the language of the page where a person
// saves an alert is the one its digests are written in.
func TestMailLanguageRemembered(t *testing.T) {
	e := newMailEnv(t, storetest.SQLite(t))
	ana := e.storedAccount("ana@example.org")
	res := e.postForm("/me/alerts?lang=es", url.Values{"group": {"category=eb2-niw&country=IN"}, "every": {"weekly"}}, ana...)
	if res.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.status, res.body)
	}
	if code, err := e.st.MailLanguage(context.Background(), "a_ANA"); err != nil || code != "es" {
		t.Errorf("mail language %q, %v; want es", code, err)
	}
	if res := e.postForm("/me/reminders?lang=fa", url.Values{"on": {"no"}}, ana...); res.status != http.StatusSeeOther {
		t.Fatalf("reminders: %d", res.status)
	}
	if code, _ := e.st.MailLanguage(context.Background(), "a_ANA"); code != "fa" {
		t.Errorf("mail language %q after the reminder setting in Persian, want fa", code)
	}
	// A refused alert says why in the page's language.
	other := e.create(variedSubmission(0))
	res = e.postForm("/me/alerts?lang=es", url.Values{"case": {other.ID}, "every": {"weekly"}}, ana...)
	if res.status != http.StatusForbidden || !strings.Contains(res.body, "Este caso no está en su cronología.") {
		t.Errorf("refused alert in Spanish: %d\n%s", res.status, res.body)
	}
	if code, _ := e.st.MailLanguage(context.Background(), "a_ANA"); code != "fa" {
		t.Errorf("a refused alert changed the mail language to %q", code)
	}
}

// TestMailPagesInLanguage: the pages a mail's links open name what they
// stop or confirm in the reader's language, dates included.
func TestMailPagesInLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	s := e.server
	in := func(code string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/mail/unsubscribe", nil)
		return r.WithContext(context.WithValue(r.Context(), localeKey{}, s.lang.Locale(code)))
	}
	weekly := &alerts.Listed{Alert: store.Alert{Query: "category=eb2-niw&country=IN", Every: alerts.Weekly}}
	sameMonth := &alerts.Listed{Alert: store.Alert{CaseID: "c_X", Every: alerts.Daily}}
	c := &timeline.Case{Category: "n400", Filed: timeline.Month{Year: 2024, Month: time.March}}
	for _, tc := range []struct{ got, want string }{
		{s.unsubscribeWhat(in("en"), alerts.Unsubscribed{}), "the monthly “still pending?” reminders of your cases"},
		{s.unsubscribeWhat(in("es"), alerts.Unsubscribed{}), "los recordatorios mensuales de «¿sigue pendiente?» de sus casos"},
		{s.unsubscribeWhat(in("en"), alerts.Unsubscribed{Alert: weekly}), "the weekly news of EB-2 National Interest Waiver cases from India"},
		{s.unsubscribeWhat(in("es"), alerts.Unsubscribed{Alert: sameMonth}), "las noticias diarias de las personas que presentaron el mismo mes que su caso"},
		{caseWords(s, in("en"), c), "N-400 Naturalization case filed in March 2024"},
		{caseWords(s, in("es"), c), "caso de " + s.lang.Locale("es").T(i18n.CategoryID("n400")) + " presentado en marzo de 2024"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if got := s.unsubscribeWhat(in("es"), alerts.Unsubscribed{Alert: weekly}); !strings.HasPrefix(got, "las noticias semanales de ") {
		t.Errorf("es weekly alert: %q", got)
	}
}

// TestMailLimitInLanguage: the refusal of too much account mail says the
// wait in the reader's language, and in English as before.
func TestMailLimitInLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	cat := e.server.lang
	for _, d := range []time.Duration{30 * time.Second, 90 * time.Minute, 3 * time.Hour} {
		want := "Too many requests for sign-up and password mail from your network. Please try again in " + waitText(d) + "."
		if got := errMailLimited(cat.Default(), d).Message; got != want {
			t.Errorf("en %v: %q, want %q", d, got, want)
		}
	}
	if got := errMailLimited(cat.Locale("es"), 90*time.Minute).Message; !strings.Contains(got, "Inténtelo de nuevo en 90 minutos.") {
		t.Errorf("es: %q", got)
	}
	if got := errMailLimited(cat.Locale("ar"), 3*time.Hour).Message; strings.ContainsAny(got, "0123456789") || !strings.Contains(got, "٣ ساعات") {
		t.Errorf("ar: %q", got)
	}
}

// TestComputedMailPageIDs checks the ids the unsubscribe page builds
// from an alert's frequency.
func TestComputedMailPageIDs(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	for _, every := range []string{alerts.Daily, alerts.Weekly} {
		for _, id := range []string{"mail.page.what_alert_" + every, "mail.page.what_same_" + every} {
			if !e.server.lang.Has(id) {
				t.Errorf("%s is not in the catalog", id)
			}
		}
	}
}

// waitText says a wait in whole minutes or hours, rounded up, in English:
// the oracle waitIn's English must equal.
func waitText(d time.Duration) string {
	switch m := int(math.Ceil(d.Minutes())); {
	case m <= 1:
		return "a minute"
	case m < 120:
		return fmt.Sprintf("%d minutes", m)
	default:
		return fmt.Sprintf("%d hours", int(math.Ceil(d.Hours())))
	}
}
