package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/dateinput"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/web/throttle"
)

// formsLanguages are the languages the forms are checked in: one written
// with Latin letters, one without spaces between words, one right to
// left with its own digits.
var formsLanguages = []string{"es", "zh-Hans", "ar"}

// englishFormsFragments lists the English pieces of the forms catalog
// (the text between placeholders) that the translation into l does not
// use: any of them on a page in l is English leaking through.
func englishFormsFragments(t *testing.T, cat *i18n.Catalog, l *i18n.Locale) []string {
	t.Helper()
	en := cat.Default()
	var out []string
	for _, id := range cat.IDs() {
		if !strings.HasPrefix(id, "forms.") {
			continue
		}
		translated := l.T(id, "Count", 2)
		for _, part := range strings.Split(en.T(id, "Count", 2), "<no value>") {
			part = strings.Trim(part, " .,:;()\"")
			if len([]rune(part)) >= 12 && !strings.Contains(translated, part) {
				out = append(out, part)
			}
		}
	}
	if len(out) < 50 {
		t.Fatalf("only %d English fragments of the forms catalog: the check would prove little", len(out))
	}
	return out
}

// assertNoEnglish fails when text shows a fragment of the English forms
// catalog.
func assertNoEnglish(t *testing.T, what, body string, fragments []string) {
	t.Helper()
	text := html.UnescapeString(body)
	for _, f := range fragments {
		if strings.Contains(text, f) {
			t.Errorf("%s shows English %q", what, f)
		}
	}
}

// errorText finds the text of a field's error paragraph.
func errorText(body, id string) string {
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `">([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// TestFormsSpeakTheLanguage renders the forms' labels, choices, field
// errors, date readings, case details and API messages in each language
// and checks that none of the forms catalog's English shows, and that
// Arabic writes the dates and numbers it computes in its own digits.
func TestFormsSpeakTheLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	adj := e.create(i485Submission(3, map[string]any{"interview_office": "NEW", "priority_date": "2019-03",
		"chargeability": "IN", "priority_date_current": "no"}))
	upgraded := e.create(h1bSubmission(2, "2024-07-01", map[string]any{"premium": "upgraded", "premium_upgrade_day": 40, "filing_method": "paper"}))

	invalid := url.Values{
		"category": {"i485-employment"}, "country": {"IN"}, "filed": {"2024-03"},
		"milestones[0].step": {"received"}, "milestones[0].on": {"1"}, "milestones[0].date": {"2024-02-05"},
		"milestones[1].step": {"interview"}, "milestones[1].on": {"1"}, "milestones[1].date": {"2024-02-30"},
		"milestones[2].step": {"approved"}, "milestones[2].on": {"1"}, "milestones[2].date": {"13/05/2024"},
		"premium": {"premium"}, "priority_date": {"2024-07"}, "priority_date_current": {"perhaps"},
	}
	missing := url.Values{"filed": {"2024-13"}, "milestones[0].code": {"received"}, "milestones[0].date": {"someday"}}
	ambiguous := url.Values{"category": {"eb2-niw"}, "country": {"IN"}, "filed": {"2024-03-04"},
		"milestones[0].code": {"received"}, "milestones[0].date": {"04/05/2024"}}

	for _, code := range formsLanguages {
		t.Run(code, func(t *testing.T) {
			l := e.server.lang.Locale(code)
			if l == nil {
				t.Fatalf("%s is not offered", code)
			}
			fragments := englishFormsFragments(t, e.server.lang, l)
			q := "?lang=" + code

			form := e.get("/submit" + q + "&category=i485-employment")
			assertNoEnglish(t, "the submit form", form.body, fragments)
			for _, want := range []string{l.T("forms.label.pd_current_question"), l.T("forms.option.pd_current.unknown")} {
				if !strings.Contains(html.UnescapeString(form.body), want) {
					t.Errorf("submit form lacks %q", want)
				}
			}

			res := e.postForm("/submit"+q, invalid)
			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("invalid form: status %d", res.status)
			}
			assertNoEnglish(t, "the invalid form", res.body, fragments)
			res = e.postForm("/submit"+q, missing)
			assertNoEnglish(t, "the form missing its category", res.body, fragments)
			res = e.postForm("/submit"+q, ambiguous)
			assertNoEnglish(t, "the form with an ambiguous date", res.body, fragments)

			for _, p := range []string{"/cases/" + adj.ID, "/cases/" + upgraded.ID} {
				page := e.get(p + q)
				assertNoEnglish(t, "case page "+p, page.body, fragments)
			}
			added := e.postForm("/cases/"+adj.ID+"/milestones"+q, url.Values{"edit_key": {adj.EditKey}, "code": {"interview"}, "date": {"2030-01-01"}})
			assertNoEnglish(t, "the add-milestone form", added.body, fragments)

			for _, body := range []string{"{bad", "", `{"category": 5}`, "[1]"} {
				apiRes := e.postJSON("/api/v1/cases", body, "Accept-Language", code)
				got := apiRes.apiError(t)
				if got.Error != "bad_request" {
					t.Errorf("body %q: error code %q, want bad_request", body, got.Error)
				}
				assertNoEnglish(t, "API message for "+body, got.Message, fragments)
			}
			foreign := e.postJSON("/api/v1/cases", "{}", "Accept-Language", code, "Origin", "http://elsewhere.example")
			if got := foreign.apiError(t); got.Error != "forbidden" || got.Message != l.T("forms.error.cross_origin") {
				t.Errorf("cross-origin refusal in %s: %d %+v", code, foreign.status, got)
			}
			v := validSubmission()
			v["filed"], v["country"] = "2031-01", ""
			apiRes := e.postJSON("/api/v1/cases", v, "Accept-Language", code)
			got := apiRes.apiError(t)
			if got.Error != "validation" || got.Fields["filed"] != l.T("forms.filed.future") || got.Fields["country"] != l.T("forms.country.missing") {
				t.Errorf("API validation in %s: %+v", code, got)
			}
		})
	}

	t.Run("digits", func(t *testing.T) {
		for _, code := range []string{"ar", "fa"} {
			res := e.postForm("/submit?lang="+code, invalid)
			for _, id := range []string{"e-m0-date", "e-priority_date"} {
				msg := errorText(res.body, id)
				if msg == "" || latinDigit.MatchString(msg) {
					t.Errorf("%s: %s = %q, want a message with no Latin digits", code, id, msg)
				}
			}
			long := url.Values{"category": {"eb2-niw"}, "country": {"IN"}, "filed": {"2024-03"}, "note": {strings.Repeat("a", 1001)}}
			if msg := errorText(e.postForm("/submit?lang="+code, long).body, "e-note"); msg == "" || latinDigit.MatchString(msg) {
				t.Errorf("%s: the note's length message is %q, want one with no Latin digits", code, msg)
			}
			page := e.get("/cases/" + adj.ID + "?lang=" + code)
			if !strings.Contains(page.body, e.server.lang.Locale(code).Digits(2019)) || strings.Contains(page.body, "2019 (") {
				t.Errorf("%s: case page does not write the priority date's year in its digits", code)
			}
		}
	})
}

// TestAccountMessagesKnown checks that every message package auth and the
// case handlers write in English has its catalog message, and that each
// reads differently in Spanish and Arabic, with Arabic digits.
func TestAccountMessagesKnown(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	_, nameText := auth.CleanName("\xff")
	_, nameLong := auth.CleanName(strings.Repeat("a", auth.MaxNameRunes+1))
	_, nameLine := auth.CleanName("a\nb")
	msgs := []string{
		auth.CheckEmail(""), auth.CheckEmail(strings.Repeat("a", auth.MaxEmailBytes) + "@x.org"), auth.CheckEmail("bad"),
		nameText, nameLong, nameLine,
		auth.CheckPassword("short"), auth.CheckPassword(strings.Repeat("a", auth.MaxPasswordBytes+1)), auth.CheckPassword("0123456789\x00"),
		editKeyMissing, editKeyWrong, confirmDecided, caseChoiceMissing, manageLinkCut, manageLinkDead, manageCaseGone,
		signinMissing, passwordWrong, caseLinkMissing, unverifiedSent, unverifiedLimited, unverifiedNoMail, caseChoiceAPI,
		updateLimitedMsg, reportLimitedMsg,
	}
	en := e.server.lang.Default()
	for _, msg := range msgs {
		if msg == "" {
			t.Fatal("an auth check accepted a bad value")
		}
		if got := inLanguage(en, msg); got != msg {
			t.Errorf("English %q comes back as %q", msg, got)
		}
		for _, code := range []string{"es", "ar"} {
			if got := inLanguage(e.server.lang.Locale(code), msg); got == msg || strings.HasPrefix(got, "forms.") {
				t.Errorf("%s: %q is not translated (%q)", code, msg, got)
			}
		}
	}
	if got := inLanguage(e.server.lang.Locale("ar"), auth.CheckPassword("short")); latinDigit.MatchString(got) {
		t.Errorf("ar: %q has Latin digits", got)
	}
	if got := signInLimitedMessage(e.server.lang.Locale("es"), throttle.ClientLimited, 5*time.Minute); !strings.Contains(got, "5 minutos") {
		t.Errorf("es: sign-in limit says %q", got)
	}
	if got, want := signInLimitedMessage(en, throttle.AccountLimited, 3*time.Hour), "This account has had too many failed sign-in attempts from places it does not know. "+
		"If it is yours, sign in from a browser you have signed in with before, or try again in 3 hours."; got != want {
		t.Errorf("en: sign-in limit %q, want %q", got, want)
	}
}

// TestSubmitScriptTexts checks that the submit form hands its script the
// sentences in the page's language, and none on English pages, whose
// script keeps its own English.
func TestSubmitScriptTexts(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	texts := regexp.MustCompile(`data-texts="([^"]*)"`)
	if m := texts.FindStringSubmatch(e.get("/submit").body); m != nil {
		t.Errorf("English submit form carries texts: %s", m[1])
	}
	for _, code := range formsLanguages {
		l := e.server.lang.Locale(code)
		m := texts.FindStringSubmatch(e.get("/submit?lang=" + code).body)
		if m == nil {
			t.Fatalf("%s: the submit form carries no texts for its script", code)
		}
		var got map[string]string
		if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &got); err != nil {
			t.Fatalf("%s: texts %q: %v", code, m[1], err)
		}
		if got["lang"] != code || got["read_as"] != l.T("forms.read.as", "Date", "{date}") || !strings.Contains(got["read_as"], "{date}") {
			t.Errorf("%s: texts %v", code, got)
		}
		for key, text := range got {
			if text == "" || strings.HasPrefix(text, "forms.") || strings.HasPrefix(text, "submit.") {
				t.Errorf("%s: text %s is %q", code, key, text)
			}
		}
	}
}

// TestSubmitDateWords checks that the submit form hands its script the
// month names of every language on every page, English included, since
// the server reads a date typed in any of them whatever the page's
// language.
func TestSubmitDateWords(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	words := regexp.MustCompile(`data-date-words="([^"]*)"`)
	for _, code := range append([]string{"en"}, formsLanguages...) {
		m := words.FindStringSubmatch(e.get("/submit?lang=" + code).body)
		if m == nil {
			t.Fatalf("%s: the submit form carries no date words", code)
		}
		var got dateinput.Words
		if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &got); err != nil {
			t.Fatalf("%s: date words %q: %v", code, m[1], err)
		}
		for word, month := range map[string]int{"may": 5, "mayo": 5, "setembro": 9, "मई": 5, "مایو": 5, "مه": 5} {
			if got.Months[word] != month {
				t.Errorf("%s: %q is month %d, want %d", code, word, got.Months[word], month)
			}
		}
		if got.Before["thang"] != 2 || got.After["月"] != 2 || !slices.Contains(got.Particles, "de") {
			t.Errorf("%s: date words %+v", code, got)
		}
	}
}
