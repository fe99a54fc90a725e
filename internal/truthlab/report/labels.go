package report

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/casetrack/casetrack/internal/i18n"
)

// Label is a behaviour, an estimator or a target as a page names it in
// the reader's language: a short name and a line of description. The
// report keeps the English names, which are also the command's codes
// ("early-faithful"); a label is found by them.
type Label struct {
	Name, Doc string
}

// labelIDs are the catalog messages of one name and its description;
// args fills the description's numbers, taken from the simulation.
type labelIDs struct {
	name, doc string
	args      func(l *i18n.Locale) []any
}

// behaviourLabels are the messages of the named behaviours.
var behaviourLabels = map[string]labelIDs{
	"early-faithful": {name: "methodology.behaviour.early_faithful", doc: "methodology.behaviour.early_faithful_doc"},
	"delayed-entry":  {name: "methodology.behaviour.delayed_entry", doc: "methodology.behaviour.delayed_entry_doc", args: findWithinArgs},
	"found-anytime":  {name: "methodology.behaviour.found_anytime", doc: "methodology.behaviour.found_anytime_doc", args: findWithinArgs},
	"retrospective":  {name: "methodology.behaviour.retrospective", doc: "methodology.behaviour.retrospective_doc"},
	"launch":         {name: "methodology.behaviour.launch", doc: "methodology.behaviour.launch_doc"},
	"stale":          {name: "methodology.behaviour.stale", doc: "methodology.behaviour.stale_doc"},
	"stale-returning": {name: "methodology.behaviour.stale_returning", doc: "methodology.behaviour.stale_returning_doc",
		args: func(l *i18n.Locale) []any { return []any{"Share", localPercent(l, StaleReturnShare)} }},
	"forgetting": {name: "methodology.behaviour.forgetting", doc: "methodology.behaviour.forgetting_doc",
		args: func(l *i18n.Locale) []any { return []any{"Share", localPercent(l, ForgetRecordShare)} }},
	"mix": {name: "methodology.behaviour.mix", doc: "methodology.behaviour.mix_doc", args: func(l *i18n.Locale) []any {
		return []any{"EarlyFaithful", localPercent(l, MixEarlyFaithful), "DelayedEntry", localPercent(l, MixDelayedEntry),
			"Retrospective", localPercent(l, MixRetrospective), "StaleReturning", localPercent(l, MixStaleReturning),
			"Stale", localPercent(l, MixStale), "Forgetting", localPercent(l, MixForgetting)}
	}},
}

func findWithinArgs(l *i18n.Locale) []any { return []any{"Months", l.Count(FindWithinDays / 30)} }

// estimatorLabels are the messages of the estimators.
var estimatorLabels = map[string]labelIDs{
	"published":                  {name: "methodology.estimator.published", doc: "methodology.estimator.published_doc"},
	"plain Kaplan-Meier":         {name: "methodology.estimator.plain", doc: "methodology.estimator.plain_doc"},
	"delayed entry only":         {name: "methodology.estimator.delayed_entry", doc: "methodology.estimator.delayed_entry_doc"},
	"silence ends at the report": {name: "methodology.estimator.silence_report", doc: "methodology.estimator.silence_report_doc"},
	"shared while waiting only":  {name: "methodology.estimator.waiting_only", doc: "methodology.estimator.waiting_only_doc"},
	"conditional (Turnbull)":     {name: "methodology.estimator.conditional", doc: "methodology.estimator.conditional_doc"},
}

// targetLabels are the messages of the targets; a cohort's description
// quotes its filing months.
var targetLabels = map[string]labelIDs{
	"mature cohort": {name: "methodology.target.mature", doc: "methodology.target.mature_doc", args: cohortArgs(MatureFrom, MatureTo)},
	"recent cohort": {name: "methodology.target.recent", doc: "methodology.target.recent_doc", args: cohortArgs(RecentFrom, RecentTo)},
	"headline":      {name: "methodology.target.headline", doc: "methodology.target.headline_doc"},
}

func cohortArgs(from, to int) func(l *i18n.Locale) []any {
	return func(l *i18n.Locale) []any { return []any{"From", l.Count(from), "To", l.Count(to)} }
}

func (ids labelIDs) label(l *i18n.Locale) Label {
	var args []any
	if ids.args != nil {
		args = ids.args(l)
	}
	return Label{Name: l.T(ids.name), Doc: l.T(ids.doc, args...)}
}

// BehaviourLabel names a behaviour of a report in the language; one
// with reminders is named after the behaviour it is built on. ok is
// false for a behaviour the catalog does not know (a report from a newer
// lab): the page then shows the report's English.
func BehaviourLabel(l *i18n.Locale, b Named) (Label, bool) {
	if b.Base != "" && b.ReminderResponse > 0 {
		base, ok := BehaviourLabel(l, Named{Name: b.Base})
		if !ok {
			return Label{}, false
		}
		return remindersLabel(l, base.Name, b.ReminderResponse, b.ReminderAccounts), true
	}
	ids, ok := behaviourLabels[b.Name]
	if !ok {
		return Label{}, false
	}
	return ids.label(l), true
}

// remindersLabel is a behaviour with monthly reminders, as
// Behaviour.WithReminders names and describes it.
func remindersLabel(l *i18n.Locale, base string, response, accounts float64) Label {
	if accounts <= 0 || accounts >= 1 {
		return Label{
			Name: l.T("methodology.behaviour.reminders", "Base", base, "Rate", localPercent(l, response)),
			Doc:  l.T("methodology.behaviour.reminders_doc", "Base", base, "Response", localPercent(l, response)),
		}
	}
	rate := l.T("methodology.behaviour.reminders_rate_of", "Response", localPercent(l, response), "Accounts", localPercent(l, accounts))
	return Label{
		Name: l.T("methodology.behaviour.reminders", "Base", base, "Rate", rate),
		Doc:  l.T("methodology.behaviour.reminders_doc_accounts", "Base", base, "Response", localPercent(l, response), "Accounts", localPercent(l, accounts)),
	}
}

// EstimatorLabel names an estimator of a report in the language; ok is
// false for one the catalog does not know.
func EstimatorLabel(l *i18n.Locale, name string) (Label, bool) {
	ids, ok := estimatorLabels[name]
	if !ok {
		return Label{}, false
	}
	return ids.label(l), true
}

// TargetLabel names a target of a report in the language; ok is false
// for one the catalog does not know.
func TargetLabel(l *i18n.Locale, name string) (Label, bool) {
	ids, ok := targetLabels[name]
	if !ok {
		return Label{}, false
	}
	return ids.label(l), true
}

// localPercent writes a share as a percentage in the language's digits and
// sign ("85%", "85 %", "٨٥٪"), with as many decimals as it has, up to
// two ("2.5%").
func localPercent(l *i18n.Locale, x float64) string {
	p := message.NewPrinter(language.Make(l.Code()))
	return strings.TrimSpace(p.Sprint(number.Percent(x, number.MaxFractionDigits(2))))
}
