package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/truthlab/report"
	"github.com/casetrack/casetrack/internal/units"
)

// methodologyPageData is the data of methodology.html. The page explains
// in plain words what the statistics engine does; the numbers it quotes
// (k, the month length, the grace, the truth lab's table) come from the
// code and the latest lab run, so they cannot drift.
type methodologyPageData struct {
	page
	// DaysPerMonth is the day count of one displayed month; durations up
	// to DaysUpTo days are shown in days.
	DaysPerMonth float64
	DaysUpTo     int
	// OutlookAtRisk is the cases still waiting a group needs for the
	// outlook.
	OutlookAtRisk int
	// GraceDays is the silence rule's grace; HeadlineDays the headline's
	// window and RecentMonths its recent cohort.
	GraceDays, HeadlineDays, RecentMonths int
	// Quality are the numbers of the automatic quality checks.
	Quality qualityRules
	// Lab is the latest truth lab run; nil if none is embedded.
	Lab *labView
}

// qualityRules are the constants of quality.go, for the page.
type qualityRules struct {
	MinCases, LowPercent, HighPercent, Factor, BurstSize, BurstDays int
}

func currentQualityRules() qualityRules {
	return qualityRules{MinCases: qualityMinCases, LowPercent: int(qualityLowQuantile * 100), HighPercent: int(qualityHighQuantile * 100),
		Factor: qualityFactor, BurstSize: burstSize, BurstDays: burstDays}
}

// PerMonthText is the length of a displayed month in days, in the
// page's language ("30.44", "30,44").
func (p *methodologyPageData) PerMonthText() string {
	return newNumbers(p.Lang).decimal(p.DaysPerMonth, 2)
}

// exampleCase is one case of the worked example: decided or last seen
// waiting after Months months.
type exampleCase struct {
	Name    string
	Months  int
	Decided bool
}

// exampleCases are the five cases of the worked example, in order.
var exampleCases = []exampleCase{{"A", 3, true}, {"B", 4, false}, {"C", 5, true}, {"D", 8, true}, {"E", 9, false}}

// exampleRow is one month of the worked example's product-limit table,
// in the page's language. A month where a case leaves undecided has
// Leaves (the case) and Share (the share still waiting) instead of a
// Formula.
type exampleRow struct {
	Month, AtRisk, Decided string
	Formula, Share, Leaves string
}

// Example works the product-limit estimate through exampleCases, so the
// table's numbers are computed, and written in the page's language.
func (p *methodologyPageData) Example() []exampleRow {
	n := newNumbers(p.Lang)
	var rows []exampleRow
	waiting, before := 1.0, n.l.Count(1)
	for i, c := range exampleCases {
		atRisk := len(exampleCases) - i
		row := exampleRow{Month: n.l.Count(c.Months), AtRisk: n.l.Count(atRisk), Decided: n.l.Count(0)}
		if !c.Decided {
			row.Share, row.Leaves = n.share(waiting), c.Name
			rows = append(rows, row)
			continue
		}
		waiting *= 1 - 1/float64(atRisk)
		row.Decided = n.l.Count(1) + " (" + c.Name + ")"
		row.Formula = fmt.Sprintf("%s × (%s − %s/%s) = %s", before, n.l.Count(1), n.l.Count(1), n.l.Count(atRisk), n.share(waiting))
		before = n.share(waiting)
		rows = append(rows, row)
	}
	return rows
}

// labView is a truth lab report formatted for the page, in the reader's
// language: names and descriptions from the catalog, numbers in the
// language's digits.
type labView struct {
	Command, Today       string
	Replicates, Seed     string
	FullPathReplicates   int
	FullPathN, Identical string
	Database             string
	Category             string
	Targets              []labTarget
	NowMonths, OldMonths string
	Published            []labRow
	Estimators           []labNamed
	Alternatives         []labAltRow
	BehaviourDocs        []labNamed
	// Calibration is the outlook's calibration, one row per behaviour;
	// Applicants the held-out applicants per population.
	Calibration []labCalibration
	Applicants  int
}

// labNamed is a behaviour or an estimator: its code (the report's and
// the command's English name), its name in the language and its
// description. Translated shows the code beside the name.
type labNamed struct {
	Code, Name, Doc string
}

// Translated reports whether the name differs from the code, so the
// page shows the code too (it is what the command prints).
func (n labNamed) Translated() bool { return n.Name != n.Code }

// labCalibration is one behaviour's outlook calibration, formatted.
type labCalibration struct {
	Behaviour                                  string
	Answered                                   int
	Coverage, Below, Above, OpenEnded, Flagged string
	Ratio, Bias, AbsErr                        string
}

// labTarget is one measured number with its truth in months.
type labTarget struct {
	Name, Doc, Truth string
}

// labRow is one behaviour's results for the published estimator: per
// target, bias, coverage, share not yet known and share with a caution.
type labRow struct {
	Behaviour string
	Cells     []labCell
	VsNow     string
}

type labCell struct {
	Bias, Coverage, Unknown, Flagged string
}

// labAltRow is one behaviour's bias on every target, for every estimator.
type labAltRow struct {
	Behaviour string
	Cells     []string
}

// methodologyPage handles GET /methodology.
func (s *Server) methodologyPage(w http.ResponseWriter, r *http.Request) error {
	data := &methodologyPageData{page: s.newPage(r, s.t(r, "title.methodology")), DaysPerMonth: daysPerMonth, DaysUpTo: units.MaxDays, OutlookAtRisk: stats.OutlookAtRisk,
		GraceDays: stats.DefaultPolicy.Grace, HeadlineDays: stats.HeadlineWindow, RecentMonths: stats.RecentMonths,
		Quality: currentQualityRules()}
	rep, err := report.Latest()
	if err != nil {
		return err
	}
	data.Lab = newLabView(rep, s.locale(r))
	return s.render(w, r, http.StatusOK, "methodology.html", data)
}

// newLabView formats a report in a language; nil when it has no results.
func newLabView(r *report.Report, l *i18n.Locale) *labView {
	if len(r.Cells) == 0 {
		return nil
	}
	n := newNumbers(l)
	v := &labView{Command: r.Command, Today: r.Today, Replicates: l.Count(r.Replicates), Seed: l.Digits(int(r.Seed)),
		FullPathReplicates: r.FullPath.Replicates, FullPathN: l.Count(r.FullPath.Replicates), Identical: l.Count(r.FullPath.Identical),
		Database: r.FullPath.Database, Category: r.Category, NowMonths: n.months(r.NowMedian), OldMonths: n.months(r.OldMedian),
		Applicants: r.Applicants}
	if today, err := time.Parse(time.DateOnly, r.Today); err == nil {
		v.Today = l.Date(today)
	}
	behaviours := map[string]labNamed{}
	for _, b := range r.Behaviours {
		named := behaviourNamed(l, b)
		behaviours[b.Name] = named
		v.BehaviourDocs = append(v.BehaviourDocs, named)
	}
	for _, e := range r.Estimators {
		v.Estimators = append(v.Estimators, estimatorNamed(l, e))
	}
	for _, t := range r.Targets {
		label, ok := report.TargetLabel(l, t.Name)
		if !ok {
			label = report.Label{Name: t.Name, Doc: t.Doc}
		}
		v.Targets = append(v.Targets, labTarget{Name: label.Name, Doc: label.Doc, Truth: n.months(t.Truth)})
	}
	published := ""
	if len(r.Estimators) > 0 {
		published = r.Estimators[0].Name
	}
	for _, b := range r.Behaviours {
		name := behaviours[b.Name].Name
		v.Published = append(v.Published, publishedRow(r, n, b.Name, name, published))
		v.Alternatives = append(v.Alternatives, alternativesRow(r, n, b.Name, name))
	}
	for _, c := range r.Calibration {
		name := c.Behaviour
		if b, ok := behaviours[c.Behaviour]; ok {
			name = b.Name
		}
		v.Calibration = append(v.Calibration, labCalibration{Behaviour: name, Answered: c.Answered,
			Coverage: n.percent(c.Coverage), Below: n.percent(c.Below), Above: n.percent(c.Above), OpenEnded: n.percent(c.OpenEnded), Flagged: n.percent(c.Flagged),
			Ratio: n.signedPercent(c.MedianRatio), Bias: n.signedPercent(c.MedianBias), AbsErr: n.percent(c.MedianAbsErr)})
	}
	return v
}

// behaviourNamed names a behaviour in the language, or in the report's
// English when the catalog does not know it.
func behaviourNamed(l *i18n.Locale, b report.Named) labNamed {
	label, ok := report.BehaviourLabel(l, b)
	if !ok {
		label = report.Label{Name: b.Name, Doc: b.Doc}
	}
	return labNamed{Code: b.Name, Name: label.Name, Doc: label.Doc}
}

// estimatorNamed names an estimator as behaviourNamed names a behaviour.
func estimatorNamed(l *i18n.Locale, e report.Named) labNamed {
	label, ok := report.EstimatorLabel(l, e.Name)
	if !ok {
		label = report.Label{Name: e.Name, Doc: e.Doc}
	}
	return labNamed{Code: e.Name, Name: label.Name, Doc: label.Doc}
}

// publishedRow is one behaviour's results for the published estimator.
func publishedRow(r *report.Report, n numbers, code, name, published string) labRow {
	row := labRow{Behaviour: name}
	if e, ok := r.HeadlineVsNow[code]; ok {
		row.VsNow = n.signedPercent(e)
	}
	for _, t := range r.Targets {
		c, _ := r.Cell(code, published, t.Name)
		cell := labCell{Unknown: n.percent(c.Unknown), Flagged: n.percent(c.Flagged), Bias: "–", Coverage: "–"}
		if c.Known > 0 {
			cell.Bias, cell.Coverage = n.signedPercent(c.Bias), n.percent(c.Coverage)
		}
		row.Cells = append(row.Cells, cell)
	}
	return row
}

// alternativesRow is one behaviour's bias on every target under every
// estimator, in whole percents: "0 / -22 / -52".
func alternativesRow(r *report.Report, n numbers, code, name string) labAltRow {
	alt := labAltRow{Behaviour: name}
	for _, e := range r.Estimators {
		var parts []string
		for _, t := range r.Targets {
			c, _ := r.Cell(code, e.Name, t.Name)
			if c.Known == 0 {
				parts = append(parts, "–")
				continue
			}
			parts = append(parts, n.signedWhole(c.Bias))
		}
		alt.Cells = append(alt.Cells, strings.Join(parts, " / "))
	}
	return alt
}
