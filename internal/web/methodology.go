package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

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

// labView is a truth lab report formatted for the page.
type labView struct {
	Command, Today     string
	Replicates         int
	Seed               uint64
	FullPath           report.FullPath
	Category           string
	Targets            []labTarget
	NowMonths          string
	OldMonths          string
	Published          []labRow
	Estimators         []report.Named
	Alternatives       []labAltRow
	BehaviourDocs      []report.Named
	PublishedEstimator string
	// Calibration is the outlook's calibration, one row per behaviour;
	// Applicants the held-out applicants per population.
	Calibration []labCalibration
	Applicants  int
}

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

// signedPercent is a share as a whole signed percentage, "0" for less
// than half a point either way.
func signedPercent(x float64) string {
	v := math.Round(100 * x)
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%+.0f", v)
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
	data.Lab = newLabView(rep)
	return s.render(w, r, http.StatusOK, "methodology.html", data)
}

// newLabView formats a report; nil when it has no results.
func newLabView(r *report.Report) *labView {
	if len(r.Cells) == 0 {
		return nil
	}
	v := &labView{Command: r.Command, Today: r.Today, Replicates: r.Replicates, Seed: r.Seed, FullPath: r.FullPath,
		Category: r.Category, NowMonths: monthsText(r.NowMedian), OldMonths: monthsText(r.OldMedian), Estimators: r.Estimators, BehaviourDocs: r.Behaviours}
	if len(r.Estimators) > 0 {
		v.PublishedEstimator = r.Estimators[0].Name
	}
	for _, t := range r.Targets {
		v.Targets = append(v.Targets, labTarget{Name: t.Name, Doc: t.Doc, Truth: monthsText(t.Truth)})
	}
	pct := func(x float64) string { return strconv.FormatFloat(100*x, 'f', 0, 64) + "%" }
	signed := func(x float64) string {
		s := strconv.FormatFloat(100*x, 'f', 1, 64)
		if x >= 0 {
			s = "+" + s
		}
		return s + "%"
	}
	for _, b := range r.Behaviours {
		row := labRow{Behaviour: b.Name}
		if e, ok := r.HeadlineVsNow[b.Name]; ok {
			row.VsNow = signed(e)
		}
		for _, t := range r.Targets {
			c, _ := r.Cell(b.Name, v.PublishedEstimator, t.Name)
			cell := labCell{Unknown: pct(c.Unknown), Flagged: pct(c.Flagged), Bias: "–", Coverage: "–"}
			if c.Known > 0 {
				cell.Bias, cell.Coverage = signed(c.Bias), pct(c.Coverage)
			}
			row.Cells = append(row.Cells, cell)
		}
		v.Published = append(v.Published, row)
		alt := labAltRow{Behaviour: b.Name}
		for _, e := range r.Estimators {
			var parts []string
			for _, t := range r.Targets {
				c, _ := r.Cell(b.Name, e.Name, t.Name)
				if c.Known == 0 {
					parts = append(parts, "–")
					continue
				}
				parts = append(parts, signedPercent(c.Bias))
			}
			alt.Cells = append(alt.Cells, strings.Join(parts, " / "))
		}
		v.Alternatives = append(v.Alternatives, alt)
	}
	v.Applicants = r.Applicants
	for _, c := range r.Calibration {
		v.Calibration = append(v.Calibration, labCalibration{Behaviour: c.Behaviour, Answered: c.Answered,
			Coverage: pct(c.Coverage), Below: pct(c.Below), Above: pct(c.Above), OpenEnded: pct(c.OpenEnded), Flagged: pct(c.Flagged),
			Ratio: signed(c.MedianRatio), Bias: signed(c.MedianBias), AbsErr: pct(c.MedianAbsErr)})
	}
	return v
}
