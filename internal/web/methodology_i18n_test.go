package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/truthlab/report"
)

var (
	methodCodeBlock  = regexp.MustCompile(`(?s)<(code|pre)>.*?</(code|pre)>`)
	methodTableCell  = regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`)
	methodListItem   = regexp.MustCompile(`(?s)<li>(.*?)</li>`)
	methodLatinDigit = regexp.MustCompile(`[0-9]`)
)

// methodSection is the page from the heading with id to the next h2.
func methodSection(body, id string) string {
	i := strings.Index(body, `<h2 id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i+1:]
	if j := strings.Index(rest, "<h2 "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// methodEnglishLabels are the truth lab's names and descriptions as the
// English page shows them.
func methodEnglishLabels(t *testing.T, rep *report.Report, en *i18n.Locale) []string {
	t.Helper()
	var out []string
	for _, b := range rep.Behaviours {
		l, _ := report.BehaviourLabel(en, b)
		out = append(out, l.Name, l.Doc)
	}
	for _, e := range rep.Estimators {
		l, _ := report.EstimatorLabel(en, e.Name)
		out = append(out, l.Name, l.Doc)
	}
	for _, tg := range rep.Targets {
		l, _ := report.TargetLabel(en, tg.Name)
		out = append(out, l.Name, l.Doc)
	}
	return out
}

// TestMethodologyTruthLabInTheLanguage: in other languages the truth
// lab names its patterns, readings and targets in the language (a
// pattern's English code may show only as code), and in Arabic and
// Persian every number of its tables, its lists and the worked example
// is in the language's digits.
func TestMethodologyTruthLabInTheLanguage(t *testing.T) {
	rep, err := report.Latest()
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Cells) == 0 {
		t.Skip("no truth lab report embedded")
	}
	e := newEnv(t, storetest.SQLite(t))
	en := e.server.lang.Default()
	english := methodEnglishLabels(t, rep, en)
	for _, code := range []string{"es", "zh-Hans", "ar", "fa"} {
		t.Run(code, func(t *testing.T) {
			loc := e.server.lang.Locale(code)
			res := e.get("/methodology?lang=" + code)
			mustStatus(t, res, http.StatusOK)
			lab := methodSection(res.body, "truth-lab")
			if lab == "" {
				t.Fatal("no truth lab section")
			}
			words := " " + text(methodCodeBlock.ReplaceAllString(lab, " ")) + " "
			for _, s := range english {
				if regexp.MustCompile(`[\s(]` + regexp.QuoteMeta(s) + `[\s.:,)]`).MatchString(words) {
					t.Errorf("English %q in the truth lab", s)
				}
			}
			for _, b := range rep.Behaviours {
				l, _ := report.BehaviourLabel(loc, b)
				if !strings.Contains(lab, string(loc.HTML("methodology.lab.named_code", "Name", l.Name, "Code", b.Name, "Doc", l.Doc))) {
					t.Errorf("pattern %s is not named %q beside its code", b.Name, l.Name)
				}
			}
			if !loc.RTL() {
				return
			}
			var numbers []string
			for _, id := range []string{"truth-lab", "example", "outlook"} {
				s := methodCodeBlock.ReplaceAllString(methodSection(res.body, id), " ")
				for _, m := range methodTableCell.FindAllStringSubmatch(s, -1) {
					numbers = append(numbers, text(m[1]))
				}
			}
			for _, m := range methodListItem.FindAllStringSubmatch(methodCodeBlock.ReplaceAllString(lab, " "), -1) {
				numbers = append(numbers, text(m[1]))
			}
			if len(numbers) < 50 {
				t.Fatalf("only %d cells and items found", len(numbers))
			}
			for _, s := range numbers {
				if methodLatinDigit.MatchString(s) {
					t.Errorf("Latin digits in %q", s)
				}
			}
		})
	}
}
