package timeline_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/timeline"
)

var field = regexp.MustCompile(`\{\{\.([A-Za-z]+)\}\}`)

// TestEnglishMessagesMatchCatalog holds the English texts validation
// writes without a reader (timeline.English) to the English catalog,
// which translators read: the two must say the same.
func TestEnglishMessagesMatchCatalog(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en := cat.Default()
	msgs := timeline.EnglishMessages()
	if len(msgs) < 40 {
		t.Fatalf("only %d English messages", len(msgs))
	}
	for key, text := range msgs {
		id, singular := strings.CutSuffix(key, "#one")
		if !cat.Has(id) {
			t.Errorf("%s: not in the catalog", id)
			continue
		}
		count := 2
		if singular {
			count = 1
		}
		args := []any{"Count", count}
		for _, m := range field.FindAllStringSubmatch(text, -1) {
			if m[1] != "Count" {
				args = append(args, m[1], "<"+m[1]+">")
			}
		}
		if got, want := timeline.English.T(id, args...), en.T(id, args...); got != want {
			t.Errorf("%s: Go writes %q, the catalog %q", key, got, want)
		}
	}
}

// TestValidateInTheReadersLanguage checks that the messages follow the
// Writer: Spanish words, and dates in the language's own digits.
func TestValidateInTheReadersLanguage(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ref := catalog.Default()
	now := time.Date(2025, time.June, 10, 12, 0, 0, 0, time.UTC)
	sub := timeline.Submission{Category: "eb2-niw", Country: "IN", Filed: "2024-03",
		Milestones: []timeline.MilestoneInput{{Code: "received", Date: "2024-02-01"}}}
	for _, tc := range []struct{ code, want string }{
		{"en", "This date is before the filing month (2024-03)."},
		{"es", "Esta fecha es anterior al mes de presentación (marzo de 2024)."},
		{"ar", "(مارس ٢٠٢٤)"},
	} {
		_, fe := timeline.ValidateIn(cat.Locale(tc.code), ref, sub, now)
		if got := fe["milestones[0].date"]; !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want it to contain %q", tc.code, got, tc.want)
		}
	}
}
