package web

import (
	"context"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/mail/mailtest"
	"github.com/casetrack/casetrack/internal/store/storetest"
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
}
