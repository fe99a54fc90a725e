package alerts_test

import (
	"mime"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/alerts"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestDigestInMailLanguage: a digest is written in the language its
// account last asked for mail in: subject, text and HTML, with the
// names of the reference data in that language and, in Arabic, its
// digits; an account that never said gets English.
func TestDigestInMailLanguage(t *testing.T) {
	st := storetest.SQLite(t)
	f := newFixture(t, st)
	for _, a := range []struct{ id, email, lang string }{{"a_es", "es@example.org", "es"}, {"a_ar", "ar@example.org", "ar"}, {"a_en", "en@example.org", ""}} {
		f.account(a.id, a.email)
		if a.lang != "" {
			if err := st.SetMailLanguage(f.ctx, a.id, a.lang); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.sch.Save(f.ctx, a.id, niwIndia, alerts.Weekly); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for range 8 {
		ids = append(ids, f.addCase("", "eb2-niw", "IN", "2025-01").ID)
	}
	f.clock.days(7)
	f.run()
	first := len(f.deliver())
	f.step(ids[0], "approved")
	f.step(ids[1], "approved")
	f.clock.days(7)
	if r := f.run(); r.Digests != 3 {
		t.Fatalf("%+v, want three digests", r)
	}
	dec := new(mime.WordDecoder)
	links := regexp.MustCompile(`https?://\S+`)
	for _, m := range f.deliver()[first:] {
		subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		text := subject + "\n" + m.Text
		switch m.To[0] {
		case "es@example.org":
			for _, want := range []string{"2 aprobaciones", "Decididos hasta ahora: 25 % de 8 casos", "India", `lang="es"`} {
				if !strings.Contains(text+m.HTML, want) {
					t.Errorf("es: lacks %q:\n%s\n%s", want, text, m.HTML)
				}
			}
			for _, english := range []string{"approvals", "Decided so far", "What moved", "Your alerts", "Stop these messages", "You get this"} {
				if strings.Contains(text+m.HTML, english) {
					t.Errorf("es: English %q:\n%s", english, text)
				}
			}
		case "ar@example.org":
			plain := strings.NewReplacer("EB-2", "", "RFE", "").Replace(links.ReplaceAllString(text, ""))
			if strings.ContainsAny(plain, "0123456789") || !strings.Contains(m.HTML, `dir="rtl"`) {
				t.Errorf("ar: Latin digits or not right to left:\n%s", text)
			}
		case "en@example.org":
			if !strings.Contains(text, "2 approvals in EB-2 National Interest Waiver cases from India") {
				t.Errorf("en:\n%s", text)
			}
		}
	}
}

// TestReminderInMailLanguage: a "still pending?" reminder is written in
// its account's mail language: the case, the wait, the day it was last
// confirmed and how long the link works, in Persian digits in Persian.
func TestReminderInMailLanguage(t *testing.T) {
	st := storetest.SQLite(t)
	f := newFixture(t, st)
	f.account("a_fa", "fa@example.org")
	f.account("a_es", "es@example.org")
	for id, code := range map[string]string{"a_fa": "fa", "a_es": "es"} {
		if err := st.SetMailLanguage(f.ctx, id, code); err != nil {
			t.Fatal(err)
		}
		f.addCase(id, "n400", "IN", "2025-06")
	}
	f.clock.days(30)
	if r := f.run(); r.Reminders != 2 {
		t.Fatalf("%+v, want two reminders", r)
	}
	dec := new(mime.WordDecoder)
	links := regexp.MustCompile(`https?://\S+`)
	for _, m := range f.deliver() {
		subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		text := subject + "\n" + m.Text
		for _, english := range []string{"Still waiting", "has been waiting", "Record the decision", "Your case", "You get this"} {
			if strings.Contains(text+m.HTML, english) {
				t.Errorf("%s: English %q:\n%s", m.To[0], english, text)
			}
		}
		switch m.To[0] {
		case "es@example.org":
			if !strings.Contains(text, "se confirmó por última vez como pendiente el 2 de marzo de 2026") || !strings.Contains(text, "presentado en junio de 2025") {
				t.Errorf("es:\n%s", text)
			}
		case "fa@example.org":
			if plain := strings.NewReplacer("N-400", "").Replace(links.ReplaceAllString(text, "")); strings.ContainsAny(plain, "0123456789") {
				t.Errorf("fa: Latin digits:\n%s", text)
			}
		}
	}
}
