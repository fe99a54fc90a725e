package phrase

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// formCodes are the codes that stay Latin in every language (EB-2,
// I-485); field offices are named by city and state (Newark, NJ).
var formCodes = regexp.MustCompile(`\b[A-Z]{1,3}-[0-9A-Z]+\b`)

// twoBrackets is one aside closed and the next opened at once, "(…) (…)":
// a name reads as a sentence, its parts joined by words.
var twoBrackets = regexp.MustCompile(`[)）]\s*[(（]`)

// groupFilters reach every part of a group's name.
func groupFilters() []stats.Filter {
	m := func(y int, mo time.Month) timeline.Month { return timeline.Month{Year: y, Month: mo} }
	return []stats.Filter{
		{Category: "eb3", Country: "GB", ServiceCenter: "NSC", FiledFrom: m(2026, 5), FiledTo: m(2027, 5)},
		{Category: "eb2-niw", Country: "IN", FiledFrom: m(2024, 1), FiledTo: m(2024, 12)},
		{Category: "k1", ServiceCenter: stats.NoServiceCenter, FiledFrom: m(2024, 3), FiledTo: m(2024, 3)},
		{Category: "n400", FiledFrom: m(2023, 3)},
		{Category: "n400", FiledTo: m(2023, 3)},
		{Country: "MX"},
		{Category: "h1b", Premium: "premium", FilingMethod: "online", PDCurrent: "yes"},
		{Category: "h1b", Premium: "regular", FilingMethod: "paper", PDCurrent: "no"},
		{Category: "h1b", Premium: "upgraded", PDCurrent: "unknown", Chargeability: "CN"},
		{Category: "i485-family", InterviewOffice: "NEW", PDCurrent: stats.NotGiven, Chargeability: stats.NotGiven},
		{Category: "h1b", Premium: stats.NotGiven, FilingMethod: stats.NotGiven, InterviewOffice: stats.NotGiven},
	}
}

// TestGroupSpeaksEveryLanguage: a group's name is in the reader's
// language, with category, center and country names from the reference
// data in that language and years in its digits; the English name of
// each filter shows in none of them.
func TestGroupSpeaksEveryLanguage(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var english []string
	for _, f := range groupFilters() {
		english = append(english, GroupIn(c.Default(), catalog.Default(), f))
	}
	for _, l := range c.Offered() {
		if l.Code() == i18n.Source {
			continue
		}
		t.Run(l.Code(), func(t *testing.T) {
			ref, err := l.Reference(catalog.Default())
			if err != nil {
				t.Fatal(err)
			}
			for i, f := range groupFilters() {
				got := GroupIn(l, ref, f)
				if got == english[i] || got == "" {
					t.Errorf("%+v: %q is the English name", f, got)
				}
				for _, w := range []string{" cases", "filed ", "service center", "premium", "charged to", "not given", "every category"} {
					if strings.Contains(got, w) {
						t.Errorf("%+v: %q has the English %q", f, got, w)
					}
				}
				if twoBrackets.MatchString(got) {
					t.Errorf("%+v: %q has two brackets in a row", f, got)
				}
				if l.RTL() && strings.ContainsAny(formCodes.ReplaceAllString(strings.ReplaceAll(got, "NJ", ""), ""), "0123456789") {
					t.Errorf("%+v: %q has Latin digits", f, got)
				}
			}
			if got, en := CaseFiled(l, ref, "n400", timeline.Month{Year: 2024, Month: time.March}), "N-400 Naturalization case filed in March 2024"; got == en || strings.Contains(got, "case filed") {
				t.Errorf("CaseFiled = %q", got)
			}
		})
	}
}

// TestGroupInEnglishIsGroup: the English functions are GroupIn in the
// source language, so English pages read as before.
func TestGroupInEnglishIsGroup(t *testing.T) {
	cat := catalog.Default()
	for _, f := range groupFilters() {
		if got, want := GroupIn(English(), cat, f), Group(cat, f); got != want {
			t.Errorf("GroupIn = %q, Group = %q", got, want)
		}
	}
	if got := Group(cat, stats.Filter{Country: "MX"}); got != "cases of every category from Mexico" {
		t.Errorf("a group of every category is %q", got)
	}
	if got := CaseFiled(English(), cat, "n400", timeline.Month{Year: 2024, Month: time.March}); got != "N-400 Naturalization case filed in March 2024" {
		t.Errorf("CaseFiled = %q", got)
	}
}
