package web

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// timeElement is a <time> element: its machine-readable date and the
// text a person reads.
var timeElement = regexp.MustCompile(`<time datetime="([^"]+)">([^<]*)</time>`)

// TestCasePageDatesInLanguage checks that a case page writes its dates
// (filed, as of, each milestone, a day or only a month) in the reader's
// words and digits, like the feed beside it, keeping the ISO date in
// the datetime attribute for machines.
func TestCasePageDatesInLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := e.create(validSubmission())
	tests := []struct {
		lang string
		want []string // what the page must read, in order
	}{
		{"en", []string{"March 2024", "March 20, 2024", "September 2024"}},
		{"es", []string{"marzo de 2024", "20 de marzo de 2024", "septiembre de 2024"}},
		{"ar", []string{"مارس ٢٠٢٤", "٢٠ مارس ٢٠٢٤", "سبتمبر ٢٠٢٤"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			body := e.get("/cases/" + c.ID + "?lang=" + tt.lang).body
			times := timeElement.FindAllStringSubmatch(body, -1)
			if len(times) < 4 {
				t.Fatalf("%d <time> elements, want filed, as of and two milestones: %.600s", len(times), body)
			}
			var read []string
			for _, m := range times {
				machine, shown := m[1], html.UnescapeString(m[2])
				if shown == machine || !regexp.MustCompile(`^\d{4}-\d{2}(-\d{2})?$`).MatchString(machine) {
					t.Errorf("<time datetime=%q> reads %q: want the machine date in the attribute and words in the text", machine, shown)
				}
				if tt.lang == "ar" && strings.ContainsAny(shown, "0123456789") {
					t.Errorf("Arabic date %q has Latin digits", shown)
				}
				read = append(read, shown)
			}
			joined := strings.Join(read, " | ")
			at := 0
			for _, w := range tt.want {
				i := strings.Index(joined[at:], w)
				if i < 0 {
					t.Fatalf("dates read %q, want %q (in order %q)", joined, w, tt.want)
				}
				at += i + len(w)
			}
		})
	}
}
