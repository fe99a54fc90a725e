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
