package alerts

import (
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
)

// wordsIn is the words of a language for tests.
func wordsIn(t *testing.T, code string) words {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	l := c.Locale(code)
	if l == nil {
		t.Fatalf("%s not offered", code)
	}
	ref, err := l.Reference(catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	return words{l: l, ref: ref}
}

// TestDigestCounts checks that a digest mail writes its counts as the
// pages do, with thousands separators.
func TestDigestCounts(t *testing.T) {
	en := wordsIn(t, "en")
	for _, tc := range []struct{ got, want string }{
		{en.stepLine("eb2-niw", "approved", 1200, false), "1,200 approvals"},
		{en.stepLine("eb2-niw", "approved", 3, false), "3 approvals"},
		{en.stepCompact("eb2-niw", "rfe", 30003), "30,003 RFEs"},
		{wordsIn(t, "es").stepCompact("eb2-niw", "rfe", 30003), "30.003 RFE"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestDigestInLanguage writes every kind of digest sentence in Spanish,
// Chinese, Arabic and Persian: none may keep the English of the mail
// catalog, and Arabic and Persian write every number in their digits.
func TestDigestInLanguage(t *testing.T) {
	en := wordsIn(t, "en")
	median, was := 290, 250
	prev := Numbers{Enough: true, Day: "2026-03-09", Cases: 8, Decided: 2, Approved: 1, MedianOf: medianCohort, Median: &was}
	cur := Numbers{Enough: true, Cases: 1208, Decided: 600, Approved: 1201, MedianOf: medianCohort, Median: &median,
		Steps: map[string]int{"rfe": 4, "interview": 2, "biometrics": 3}}
	today := time.Date(2026, time.March, 30, 0, 0, 0, 0, time.UTC)
	groups := []Group{{Category: "eb2-niw", Country: "IN"}, {Category: "eb2-niw", Milestone: "biometrics"}}
	for _, code := range []string{"es", "zh-Hans", "ar", "fa"} {
		w := wordsIn(t, code)
		var text []string
		for _, g := range groups {
			for _, same := range []bool{false, true} {
				for _, p := range []Numbers{prev, {}} {
					d, ok := digest(w, g, same, p, cur, 5, today)
					if !ok {
						t.Fatalf("%s: no digest for %+v", code, g)
					}
					text = append(text, d.Subject, d.Heading, d.Decided, d.Median, d.Note)
					text = append(text, d.Lines...)
				}
			}
		}
		all := strings.Join(text, "\n")
		for _, id := range []string{"mail.digest.heading", "mail.digest.step.approved", "mail.digest.same.approved", "mail.digest.decided_was",
			"mail.digest.cohort_was", "mail.digest.note_first", "mail.digest.since", "mail.digest.subject_moved"} {
			for _, part := range strings.Split(en.l.T(id, "Count", 2), "<no value>") {
				part = strings.Trim(part, " ,.:;()“”2")
				if len(part) >= 5 && !strings.Contains(w.l.T(id, "Count", 2), part) && strings.Contains(all, part) {
					t.Errorf("%s: English %q (%s) left in:\n%s", code, part, id, all)
				}
			}
		}
		if w.l.RTL() {
			if strings.ContainsAny(strings.NewReplacer("EB-2", "", "RFE", "").Replace(all), "0123456789") {
				t.Errorf("%s: Latin digits in:\n%s", code, all)
			}
		}
	}
}

// TestComputedMailIDs checks that every message id the digest and
// reminder code builds from parts is in the catalog: a missing one would
// show as its id in a mail.
func TestComputedMailIDs(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, kind := range stepMessages {
		ids = append(ids, "mail.digest.step."+kind, "mail.digest.same."+kind)
	}
	ids = append(ids, "mail.digest.step.other", "mail.digest.same.other")
	for _, every := range []string{Daily, Weekly} {
		ids = append(ids, "mail.digest.why_"+every, "mail.digest.why_same_"+every)
	}
	for _, id := range []string{"mail.digest.pace", "mail.digest.cohort", "mail.digest.cohort_same"} {
		ids = append(ids, id, id+"_was")
	}
	for _, id := range ids {
		if !c.Has(id) {
			t.Errorf("%s is not in the catalog", id)
		}
	}
}

// TestMailDate: a mail writes a day as the pages do, in its language's pattern and digits.
func TestMailDate(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, time.June, 3, 0, 0, 0, 0, time.UTC)
	for code, want := range map[string]string{"en": "June 3, 2026", "fa": "۳ ژوئن ۲۰۲۶", "es": "3 de junio de 2026"} {
		if got := (words{l: c.Locale(code)}).date(day); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
}
