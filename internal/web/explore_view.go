package web

import (
	"fmt"
	"strconv"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// exFact is one labelled number of the summary list.
type exFact struct {
	Label, Value string
}

// exQuantile is one row of the "how long" table.
type exQuantile struct {
	Label, Value string
}

// exWaitingRow is one row of the table behind the survival chart.
type exWaitingRow struct {
	Months  string
	Waiting string
}

// exBinRow is one row of the table behind the histogram.
type exBinRow struct {
	Range string
	Count int
}

// exMilestoneRow is one row of the time-to-milestone table.
type exMilestoneRow struct {
	Name    string
	Reached int
	Median  string
	CI      string
	P25     string
	P75     string
}

// exBreakdownRow is one row of a breakdown table. A suppressed row has only
// its label: no count, no median, no share.
type exBreakdownRow struct {
	Label      string
	Link       string
	Suppressed bool
	Cases      int
	Median     string
	CI         string
	Approval   string
}

// exBreakdown is one breakdown table with its CSV download.
type exBreakdown struct {
	ID      string
	Title   string
	Column  string
	Rows    []exBreakdownRow
	CSV     string
	Caption string
}

// exChart is a chart image with its alt text.
type exChart struct {
	URL string
	Alt string
}

// exploreView is what the explore page shows about a group with at least
// k cases, already formatted: the template only lays it out.
type exploreView struct {
	Headline string
	Facts    []exFact

	MedianKM    string
	MedianNaive string
	NaiveNote   string
	Quantiles   []exQuantile

	Survival     exChart
	WaitingRows  []exWaitingRow
	Histogram    exChart
	HistSuppress bool
	BinRows      []exBinRow
	HistogramCSV string

	Trend      exChart
	TrendTable exBreakdown
	TrendCSV   string

	Milestones []exMilestoneRow
	Breakdowns []exBreakdown
}

// exploreData is the engine's answer for one group, gathered in one place
// so the page, the charts and the CSV files read the same numbers.
type exploreData struct {
	Filter     stats.Filter
	Result     stats.Result
	Histogram  stats.Histogram
	Trend      stats.Breakdown
	Breakdowns []stats.Breakdown
}

// exploreDimensions are the breakdown tables of the page, in order.
var exploreDimensions = []stats.Dimension{stats.ByCountry, stats.ByServiceCenter, stats.ByQuarter}

// gatherExplore asks the index for everything the page shows. A
// suppressed group stops after Stats: its breakdowns would all be
// suppressed too, and listing their labels would still say which
// countries or centers have cases in it.
func (s *Server) gatherExplore(f stats.Filter) (exploreData, error) {
	d := exploreData{Filter: f, Result: s.index.Stats(f, s.minCases)}
	if d.Result.Suppressed {
		return d, nil
	}
	d.Histogram = s.index.Histogram(f, s.minCases)
	var err error
	if d.Trend, err = s.index.Breakdown(f, stats.ByMonth, s.minCases); err != nil {
		return d, fmt.Errorf("trend: %w", err)
	}
	for _, dim := range exploreDimensions {
		b, err := s.index.Breakdown(f, dim, s.minCases)
		if err != nil {
			return d, fmt.Errorf("breakdown by %s: %w", dim, err)
		}
		d.Breakdowns = append(d.Breakdowns, b)
	}
	return d, nil
}

// newExploreView formats a group that is not suppressed.
func newExploreView(cat *catalog.Catalog, d exploreData, k int) *exploreView {
	r := d.Result
	q := filterQuery(d.Filter)
	group := groupPhrase(cat, d.Filter)
	v := &exploreView{Headline: headline(group, r)}

	v.Facts = []exFact{
		{"Cases", strconv.Itoa(r.Cases)},
		{"Decided", strconv.Itoa(r.Decided)},
		{"Still pending", strconv.Itoa(r.Pending)},
		{"Approved", strconv.Itoa(r.Approved)},
		{"Denied", strconv.Itoa(r.Denied)},
		{"Approval rate (of decided cases)", optPercent(r.ApprovalRate, "no decisions yet")},
	}
	if r.RFE != nil {
		v.Facts = append(v.Facts, exFact{"Received a request for evidence", strconv.Itoa(*r.RFE) + " (" + optPercent(r.RFERate, "–") + " of all cases)"})
	}

	dec := r.Decision
	if dec != nil {
		v.MedianKM = medianText(dec)
		v.MedianNaive = optMonths(dec.NaiveMedianDecided, "")
		if v.MedianNaive != "" {
			v.MedianNaive += " months"
		} else {
			v.MedianNaive = "no decisions yet"
		}
		v.NaiveNote = fmt.Sprintf("The simple median looks only at the %d decided %s and ignores the %d still waiting. "+
			"Slow cases are the ones still waiting, so it is biased toward fast cases; the Kaplan-Meier median counts every pending case for as long as it has waited.",
			r.Decided, plural(r.Decided, "case", "cases"), r.Pending)
		v.Quantiles = []exQuantile{
			{"A quarter were decided within", optMonths(dec.P25, notReached)},
			{"Half were decided within (median)", optMonths(dec.Median, notReached)},
			{"Three quarters were decided within", optMonths(dec.P75, notReached)},
			{"Nine in ten were decided within", optMonths(dec.P90, notReached)},
		}
		v.WaitingRows = waitingRows(dec)
	}
	v.Survival = exChart{URL: "/explore/chart/survival.svg?" + q, Alt: survivalAlt(group, dec)}

	v.HistSuppress = d.Histogram.Suppressed
	v.HistogramCSV = "/explore/histogram.csv?" + q
	v.Histogram = exChart{URL: "/explore/chart/histogram.svg?" + q,
		Alt: fmt.Sprintf("Histogram of months from filing to decision for the %d decided %s; the numbers are in the table below.", d.Histogram.Decided, group)}
	for _, b := range d.Histogram.Bins {
		v.BinRows = append(v.BinRows, exBinRow{Range: monthsText(b.From) + "–" + monthsText(b.To), Count: b.Count})
	}

	v.Trend = exChart{URL: "/explore/chart/trend.svg?" + q,
		Alt: "Median months to decision for each filing month of " + group + "; months with fewer than " + strconv.Itoa(k) + " cases or an unreached median are gaps. The numbers are in the table below."}
	v.TrendCSV = "/explore/trend.csv?" + q
	v.TrendTable = newBreakdownView(d.Trend, d.Filter, q, k)

	for _, ms := range r.Milestones {
		v.Milestones = append(v.Milestones, exMilestoneRow{
			Name: ms.Name, Reached: ms.Reached,
			Median: optMonths(ms.Median, notReached), CI: shortCI(ms.MedianCI),
			P25: optMonths(ms.P25, notReached), P75: optMonths(ms.P75, notReached),
		})
	}

	for _, b := range d.Breakdowns {
		v.Breakdowns = append(v.Breakdowns, newBreakdownView(b, d.Filter, q, k))
	}
	return v
}

// headline is the one sentence a hurried reader takes away.
func headline(group string, r stats.Result) string {
	pending := "none still pending"
	if r.Pending > 0 {
		pending = strconv.Itoa(r.Pending) + " still pending"
	}
	from := fmt.Sprintf("from %d %s, %s", r.Cases, plural(r.Cases, "case", "cases"), pending)
	dec := r.Decision
	switch {
	case dec == nil || len(dec.Curve.Points) == 0:
		return fmt.Sprintf("None of the %s has been decided yet (%s), so there is no estimate of the waiting time.", group, from)
	case dec.Median == nil:
		last := dec.Curve.Points[len(dec.Curve.Points)-1].T
		return fmt.Sprintf("Fewer than half of %s have been decided so far, so the median waiting time is not known yet: it is at least %s months (%s).",
			group, monthsText(last), from)
	}
	ci := ciText(dec.MedianCI)
	if ci != "" {
		ci = " (" + ci + ")"
	}
	return fmt.Sprintf("Half of %s were decided within %s months%s, %s.", group, monthsText(*dec.Median), ci, from)
}

// medianText is the Kaplan-Meier median for the comparison with the
// naive one.
func medianText(dec *stats.Decision) string {
	if dec.Median != nil {
		return monthsText(*dec.Median) + " months"
	}
	if n := len(dec.Curve.Points); n > 0 {
		return "not reached yet (at least " + monthsText(dec.Curve.Points[n-1].T) + " months)"
	}
	return "not reached yet"
}

// waitingCheckpoints are the months at which the table behind the
// survival chart reads the curve.
var waitingCheckpoints = []int{1, 2, 3, 6, 9, 12, 18, 24, 30, 36, 48, 60, 72, 84, 96, 120}

// waitingRows reads the share still waiting at each checkpoint up to the
// last decision, and at the last decision itself. Beyond it the curve is
// not estimated, so no row is given.
func waitingRows(dec *stats.Decision) []exWaitingRow {
	pts := dec.Curve.Points
	if len(pts) == 0 {
		return nil
	}
	last := pts[len(pts)-1].T
	at := func(day int) float64 {
		s := 1.0
		for _, p := range pts {
			if p.T > day {
				break
			}
			s = p.S
		}
		return s
	}
	var rows []exWaitingRow
	for _, m := range waitingCheckpoints {
		day := int(float64(m) * daysPerMonth)
		if day >= last {
			break
		}
		rows = append(rows, exWaitingRow{Months: strconv.Itoa(m), Waiting: percentText(at(day))})
	}
	rows = append(rows, exWaitingRow{Months: monthsText(last) + " (last decision)", Waiting: percentText(at(last))})
	return rows
}

// survivalAlt describes the survival chart for people who cannot see it.
func survivalAlt(group string, dec *stats.Decision) string {
	if dec == nil || len(dec.Curve.Points) == 0 {
		return "Chart of the share of " + group + " still waiting: no case has been decided yet, so the chart is empty."
	}
	pts := dec.Curve.Points
	last := pts[len(pts)-1]
	med := "the median is not reached yet"
	if dec.Median != nil {
		med = "half were decided within " + monthsText(*dec.Median) + " months"
	}
	return fmt.Sprintf("Step chart of the share of %s still waiting by months since filing, falling from 100%% at filing to %s at %s months; %s. The numbers are in the table below.",
		group, percentText(last.S), monthsText(last.T), med)
}

// breakdownTitles name the breakdown tables and their first column.
var breakdownTitles = map[stats.Dimension][2]string{
	stats.ByCountry:       {"By country of birth", "Country"},
	stats.ByServiceCenter: {"By service center", "Service center"},
	stats.ByQuarter:       {"By filing quarter", "Filed"},
	stats.ByMonth:         {"By filing month", "Filed"},
}

// newBreakdownView formats one breakdown table.
func newBreakdownView(b stats.Breakdown, f stats.Filter, q string, k int) exBreakdown {
	t := breakdownTitles[b.By]
	return exBreakdown{
		ID:      "by-" + string(b.By),
		Title:   t[0],
		Column:  t[1],
		Rows:    breakdownRows(b, f),
		CSV:     "/explore/" + string(b.By) + ".csv?" + q,
		Caption: fmt.Sprintf("Rows with fewer than %d cases show no numbers.", k),
	}
}

// breakdownRows formats the rows of a breakdown; each row links to the
// explore page narrowed to it.
func breakdownRows(b stats.Breakdown, f stats.Filter) []exBreakdownRow {
	rows := make([]exBreakdownRow, 0, len(b.Rows))
	for _, r := range b.Rows {
		row := exBreakdownRow{Label: r.Label, Suppressed: r.Suppressed, Link: narrowLink(b.By, r.Key, f)}
		if !r.Suppressed {
			row.Cases = r.Cases
			row.Median = optMonths(r.Median, notReached)
			row.CI = shortCI(r.MedianCI)
			row.Approval = optPercent(r.ApprovalRate, "–")
		}
		rows = append(rows, row)
	}
	return rows
}

// narrowLink is the explore page for one breakdown row: the same filter
// with the row's value added, or "" when the row cannot be selected.
func narrowLink(by stats.Dimension, key string, f stats.Filter) string {
	switch by {
	case stats.ByCountry:
		if len(key) != 2 {
			return ""
		}
		f.Country = key
	case stats.ByServiceCenter:
		f.ServiceCenter = key
	case stats.ByQuarter:
		var y, qn int
		if _, err := fmt.Sscanf(key, "%d-Q%d", &y, &qn); err != nil || qn < 1 || qn > 4 {
			return ""
		}
		narrowMonths(&f, timeline.Month{Year: y, Month: time.Month(3*qn - 2)}, timeline.Month{Year: y, Month: time.Month(3 * qn)})
	case stats.ByMonth:
		m, err := timeline.ParseMonth(key)
		if err != nil {
			return ""
		}
		narrowMonths(&f, m, m)
	default:
		return ""
	}
	return "/explore?" + filterQuery(f)
}

// narrowMonths intersects the filter's filing range with from–to, so a
// row link never widens the group the page already shows.
func narrowMonths(f *stats.Filter, from, to timeline.Month) {
	if f.FiledFrom.IsZero() || f.FiledFrom.Before(from) {
		f.FiledFrom = from
	}
	if f.FiledTo.IsZero() || to.Before(f.FiledTo) {
		f.FiledTo = to
	}
}
