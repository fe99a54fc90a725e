package truthlab

import (
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/truthlab/report"
)

// labelled is one thing the lab names: its English name and description
// in the code, and its label in a language.
type labelled struct {
	name, doc string
	label     func(l *i18n.Locale) (report.Label, bool)
}

// everythingLabelled lists every behaviour (and one with reminders for
// some accounts), estimator and target of the lab.
func everythingLabelled() []labelled {
	var out []labelled
	withReminders := Behaviours[5].WithReminders(Reminders{Response: 0.5, Accounts: 0.6})
	for _, b := range append(append([]Behaviour{}, Behaviours...), withReminders, Behaviours[0].WithReminders(Reminders{Response: 0.2})) {
		named := report.Named{Name: b.Name, Doc: b.Doc, Base: b.Base}
		if b.Reminders.Response > 0 {
			named.ReminderResponse, named.ReminderAccounts = b.Reminders.Response, b.Reminders.accounts()
		}
		out = append(out, labelled{b.Name, b.Doc, func(l *i18n.Locale) (report.Label, bool) { return report.BehaviourLabel(l, named) }})
	}
	for _, e := range Estimators {
		out = append(out, labelled{e.Name, e.Doc, func(l *i18n.Locale) (report.Label, bool) { return report.EstimatorLabel(l, e.Name) }})
	}
	for _, t := range Targets {
		out = append(out, labelled{t.Name, t.Doc, func(l *i18n.Locale) (report.Label, bool) { return report.TargetLabel(l, t.Name) }})
	}
	return out
}

// TestLabelsSayWhatTheLabDoes: in English, every label is the lab's own
// name and description, so the catalog (and the numbers it quotes from
// report/params.go) cannot drift from what is simulated.
func TestLabelsSayWhatTheLabDoes(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en := cat.Default()
	for _, it := range everythingLabelled() {
		got, ok := it.label(en)
		if !ok {
			t.Errorf("%s: no label", it.name)
			continue
		}
		if got.Name != it.name || got.Doc != it.doc {
			t.Errorf("%s: label %q: %q, want %q: %q", it.name, got.Name, got.Doc, it.name, it.doc)
		}
	}
	if _, ok := report.BehaviourLabel(en, report.Named{Name: "no-such-behaviour"}); ok {
		t.Error("a behaviour the catalog does not know has a label")
	}
}

var latinDigit = regexp.MustCompile(`[0-9]`)

// TestLabelsSpeakEveryLanguage: every label is translated (no message id
// shows, no English description where the language has its own) and in
// Arabic and Persian its numbers are in the language's digits.
func TestLabelsSpeakEveryLanguage(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range cat.Offered()[1:] {
		t.Run(l.Code(), func(t *testing.T) {
			for _, it := range everythingLabelled() {
				got, ok := it.label(l)
				if !ok {
					t.Errorf("%s: no label", it.name)
					continue
				}
				for _, s := range []string{got.Name, got.Doc} {
					if strings.Contains(s, "methodology.") {
						t.Errorf("%s: message id in %q", it.name, s)
					}
				}
				if got.Doc == it.doc {
					t.Errorf("%s: description still English: %q", it.name, got.Doc)
				}
				if l.RTL() && latinDigit.MatchString(got.Name+got.Doc) {
					t.Errorf("%s: Latin digits in %q: %q", it.name, got.Name, got.Doc)
				}
			}
		})
	}
}
