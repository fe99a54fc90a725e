package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/stats/survival"
	"github.com/casetrack/casetrack/internal/timeline"
	"github.com/casetrack/casetrack/internal/units"
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
	Since   string
	Waiting string
}

// exBinRow is one row of the table behind the histogram.
type exBinRow struct {
	Range string
	Count int
}

// exMilestoneRow is one row of the time-to-step table: the share of cases
// that got the step by each month column, and when those who got it got
// it.
type exMilestoneRow struct {
	Name    string
	Reached int
	By      []string
	Finally string
	Median  string
}

// exBreakdownRow is one row of a breakdown table. A suppressed row has only
// its label: no count, no median, no share.
type exBreakdownRow struct {
	Label      string
	Link       string
	Suppressed bool
	Cases      int
	Decided    string
	Median     string
	CI         string
	Approval   string
	Note       string
}

// exBreakdown is one breakdown table with its CSV download.
type exBreakdown struct {
	ID      string
	Title   string
	Column  string
	Rows    []exBreakdownRow
	CSV     string
	Caption string
	// Cohort tables (by filing period) show the share decided.
	Cohort bool
	// Rows leaves out the rows with fewer than k cases unless All is set
	// (the page's ?all=DIMENSION); Hidden counts those left out, AllLink
	// shows them and FewerLink hides them again.
	All     bool
	Summary string
	// Intro says what the table shows beyond its title, if anything.
	Intro     string
	Hidden    int
	AllLink   string
	FewerLink string
}

// exAnswer is the page's answer in a few words: the median wait as one
// large number, its 95% range in plain words and the share of the group
// already decided.
type exAnswer struct {
	Number string
	Label  string
	Range  string
	Share  string
	Of     string
}

// exChart is a chart image with its alt text.
type exChart struct {
	URL string
	Alt string
}

// exploreView is what the explore page shows about a group with at least
// k cases, already formatted: the template only lays it out.
type exploreView struct {
	// Answer is the number a reader came for, in large type, first.
	Answer exAnswer

	// Headline is the sentence a hurried reader takes away; Describes
	// says exactly what it describes, RangeNote what its 95% range covers
	// and what it does not; Cautions say where the way people shared can
	// make it wrong beyond that range; Recent how much of the recent
	// cohort is decided.
	Headline  string
	Describes string
	RangeNote string
	Cautions  []string
	Notes     []string
	Recent    string
	Facts     []exFact

	QuantilesCaption string
	Quantiles        []exQuantile

	ReadingsGroup string
	Readings      []exFact
	HowShared     []exFact

	Survival        exChart
	SurvivalShort   string
	SurvivalCaption string
	WaitingRows     []exWaitingRow
	Histogram       exChart
	HistSuppress    bool
	BinRows         []exBinRow
	HistogramCSV    string

	Cohorts  exBreakdown
	Trend    exChart
	TrendCSV string

	MilestoneMonths []int
	Milestones      []exMilestoneRow
	Breakdowns      []exBreakdown
	// DetailBreakdowns are the tables by the details of the chosen
	// category (premium processing, filing method, ...), folded together
	// under one line so that they cost a phone one line, not one each.
	DetailBreakdowns []exBreakdown
}

// DetailsOpen unfolds the detail tables when one of them lists all rows.
func (v *exploreView) DetailsOpen() bool {
	return slices.ContainsFunc(v.DetailBreakdowns, func(b exBreakdown) bool { return b.All })
}

// DetailTitles names the detail tables in the line that unfolds them.
func (v *exploreView) DetailTitles() string {
	names := make([]string, len(v.DetailBreakdowns))
	for i, b := range v.DetailBreakdowns {
		names[i] = strings.ToLower(strings.TrimPrefix(b.Title, "By "))
	}
	return "By " + strings.Join(names, ", ")
}

// exploreData is the engine's answer for one group, gathered in one place
// so the page, the charts and the CSV files read the same numbers.
type exploreData struct {
	Filter     stats.Filter
	Result     stats.Result
	Histogram  stats.Histogram
	Cohorts    stats.Breakdown
	Breakdowns []stats.Breakdown
}

// exploreDimensions are the breakdown tables of the page after the cohort
// table, in order.
var exploreDimensions = []stats.Dimension{stats.ByCountry, stats.ByServiceCenter}

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
	if d.Cohorts, err = s.index.Breakdown(f, stats.ByQuarter, s.minCases); err != nil {
		return d, fmt.Errorf("cohorts: %w", err)
	}
	for _, dim := range slices.Concat(exploreDimensions, detailDimensionsOf(s.cat, f.Category)) {
		b, err := s.index.Breakdown(f, dim, s.minCases)
		if err != nil {
			return d, fmt.Errorf("breakdown by %s: %w", dim, err)
		}
		d.Breakdowns = append(d.Breakdowns, b)
	}
	return d, nil
}

// pageAnswer is the estimate the explore page, its survival chart and its
// "how long" table describe. Without filing months it is the headline's
// period estimate, for people filing now; with them, the estimate of
// those filing months. No default pools every filing year.
type pageAnswer struct {
	// Pace is set for the period estimate.
	Pace     bool
	Median   *int
	MedianCI [2]*int
	P25, P75 *int
	P90      *int
	Curve    survival.Curve
	Cautions []stats.Caution
	Reading  string
	// Suppressed is set when the period estimate has too few cases in its
	// window (the group itself may have enough).
	Suppressed bool
}

// answerOf picks the page's answer from a result.
func answerOf(r stats.Result) pageAnswer {
	f := r.Filter
	if f.FiledFrom.IsZero() && f.FiledTo.IsZero() && r.Headline != nil {
		h := r.Headline
		return pageAnswer{Pace: true, Median: h.Median, MedianCI: h.MedianCI, P25: h.P25, P75: h.P75, P90: h.P90,
			Curve: h.Curve, Cautions: h.Cautions, Reading: h.Reading, Suppressed: h.Suppressed}
	}
	if d := r.Decision; d != nil {
		return pageAnswer{Median: d.Median, MedianCI: d.MedianCI, P25: d.P25, P75: d.P75, P90: d.P90,
			Curve: d.Curve, Cautions: d.Cautions, Reading: d.Reading}
	}
	return pageAnswer{Suppressed: true}
}

// newExploreView formats a group that is not suppressed. all names the
// breakdowns whose rows under k are listed too (as "not enough data").
func newExploreView(cat *catalog.Catalog, d exploreData, k int, all showAll) *exploreView {
	r := d.Result
	q := filterQuery(d.Filter)
	group := groupPhrase(cat, d.Filter)
	a := answerOf(r)
	v := &exploreView{RangeNote: rangeNote, Answer: answerBlock(r, a)}
	if a.Pace {
		v.Headline, v.Describes = paceHeadline(cat, d.Filter, r.Headline, a)
		v.Recent = recentText(r.Headline)
		v.QuantilesCaption = "Time from filing to decision at the pace of the last six months (a period estimate)"
		v.SurvivalShort = "The share still waiting by time since filing, at the pace of the last six months; shaded: its 95% band; dashed: the median."
		v.SurvivalCaption = "The solid line is the share still waiting at each time since filing, at the pace of the last six months: each case counts for the days it spent waiting in that window. The shaded band is its 95% confidence band; the dashed line marks the median."
	} else {
		v.Headline = cohortHeadline(group, r, a)
		v.QuantilesCaption = "Time from filing to decision for " + group
		v.SurvivalShort = "The share still waiting by time since filing; shaded: its 95% band; dashed: the median."
		v.SurvivalCaption = "The solid line is the share of cases still waiting at each time since filing; the shaded band is its 95% confidence band (sampling error only); the dashed line marks the median, where half have been decided."
	}
	v.Cautions = cautionTexts(a.Cautions, r)
	if a.Reading == stats.ReadingFromFiling {
		v.Notes = append(v.Notes, "Most of these timelines were shared at once, decided or not, as when a site opens and people share what they have. They are read as a random sample of their filing period, from filing.")
	}

	v.Facts = []exFact{
		{"Cases", units.Count(r.Cases)},
		{"Decided", units.Count(r.Decided)},
		{"Still pending", units.Count(r.Pending)},
		{"Approved", units.Count(r.Approved)},
		{"Denied", units.Count(r.Denied)},
		{"Approval rate (of decided cases)", optPercent(r.ApprovalRate, "no decisions yet")},
	}
	if r.RFE != nil {
		v.Facts = append(v.Facts, exFact{"Listed a request for evidence", units.Count(*r.RFE) + " (" + optPercent(r.RFERate, "–") + " of all cases)"})
	}
	if !a.Suppressed {
		v.Quantiles = []exQuantile{
			{"A quarter decided within", units.Optional(a.P25, notYetKnown)},
			{"Half decided within (median)", units.Optional(a.Median, notYetKnown)},
			{"Three quarters decided within", units.Optional(a.P75, notYetKnown)},
			{"Nine in ten decided within", units.Optional(a.P90, notYetKnown)},
		}
		v.WaitingRows = waitingRows(a.Curve)
	}
	v.ReadingsGroup, v.Readings = readings(group, r)
	v.HowShared = howSharedFacts(r.HowShared)
	v.Survival = exChart{URL: "/explore/chart/survival.svg?" + q, Alt: survivalAlt(group, a)}

	v.HistSuppress = d.Histogram.Suppressed
	v.HistogramCSV = "/explore/histogram.csv?" + q
	v.Histogram = exChart{URL: "/explore/chart/histogram.svg?" + q,
		Alt: fmt.Sprintf("Histogram of the time from filing to decision, in months, for the %s decided %s; the numbers are in the table below.", units.Count(d.Histogram.Decided), group)}
	for _, b := range d.Histogram.Bins {
		v.BinRows = append(v.BinRows, exBinRow{Range: units.Span(b.From, b.To, "–"), Count: b.Count})
	}

	v.Cohorts = newBreakdownView(d.Cohorts, d.Filter, q, k, all)
	v.Trend = exChart{URL: "/explore/chart/trend.svg?" + q,
		Alt: "Median time to decision, in months, with its 95% range, for each filing quarter of " + group + "; quarters with fewer than " + strconv.Itoa(k) + " cases or a median not yet known are gaps. The numbers are in the table by filing period below."}
	v.TrendCSV = "/explore/trend.csv?" + q

	v.MilestoneMonths = milestoneMonths
	for _, ms := range r.Milestones {
		v.Milestones = append(v.Milestones, incidenceRow(ms))
	}
	for _, b := range d.Breakdowns {
		bv := newBreakdownView(b, d.Filter, q, k, all)
		if slices.Contains(exploreDimensions, b.By) {
			v.Breakdowns = append(v.Breakdowns, bv)
		} else {
			v.DetailBreakdowns = append(v.DetailBreakdowns, bv)
		}
	}
	return v
}

// notYetKnown is written for a median or quantile the data do not reach
// yet: fewer than that share of cases is decided as far as the data go,
// and no number is invented.
const notYetKnown = "not yet known"

// rangeNote says inline what every 95% range on the page covers.
const rangeNote = "The 95% range covers sampling error only: how far the number could move by chance with this many timelines. " +
	"It does not cover who chose to share a timeline here; the notes below say where that matters."

// paceHeadline is the headline without filing months: the period estimate
// for someone filing now, and exactly what it describes.
func paceHeadline(cat *catalog.Catalog, f stats.Filter, h *stats.Headline, a pageAnswer) (headline, describes string) {
	who := groupPhrase(cat, f)
	if a.Suppressed {
		return fmt.Sprintf("Fewer than %d %s were waiting during the last six months, so there is no estimate of the pace for people filing now.", h.MinCases, who),
			"See the table by filing period below for earlier filings."
	}
	window := dayText(h.WindowFrom) + " – " + dayText(h.WindowTo)
	describes = fmt.Sprintf("This is a period estimate: it applies the decisions of %s to someone filing today, from the %s %s (filed %s – %s) that were waiting during those months. Processing speeds change; the table by filing period shows how long earlier filings took.",
		window, units.Count(h.WindowCases), plural(h.WindowCases, "case", "cases"), monthName(h.FiledFrom), monthName(h.FiledTo))
	switch {
	case a.Median != nil:
		ci := rangeText(a.MedianCI)
		if ci != "" {
			ci = " (" + ci + ")"
		}
		headline = fmt.Sprintf("Filing now: at the pace of the last six months, half of %s would be decided within %s%s.",
			who, units.Duration(*a.Median), ci)
	case len(a.Curve.Points) == 0:
		headline = fmt.Sprintf("Filing now: none of the %s waiting during the last six months was decided then, so the wait for someone filing now is not yet known.", who)
	default:
		headline = fmt.Sprintf("Filing now: at the pace of the last six months, fewer than half of %s would be decided within %s, as far as the data reach; the median is not yet known.",
			who, units.Duration(a.Curve.LastDay))
	}
	return headline, describes
}

// cohortHeadline is the headline with filing months: how long the cases
// filed then took.
func cohortHeadline(group string, r stats.Result, a pageAnswer) string {
	pending := "none still pending"
	if r.Pending > 0 {
		pending = units.Count(r.Pending) + " still pending"
	}
	from := fmt.Sprintf("from %s %s, %s", units.Count(r.Cases), plural(r.Cases, "case", "cases"), pending)
	switch {
	case len(a.Curve.Points) == 0:
		return fmt.Sprintf("None of the %s has been decided yet (%s), so the waiting time is not yet known.", group, from)
	case a.Median == nil:
		return fmt.Sprintf("Fewer than half of %s have been decided as far as the data reach (%s), so the median waiting time is not yet known (%s).",
			group, units.Duration(a.Curve.LastDay), from)
	}
	ci := rangeText(a.MedianCI)
	if ci != "" {
		ci = " (" + ci + ")"
	}
	return fmt.Sprintf("Half of %s were decided within %s%s, %s.", group, units.Duration(*a.Median), ci, from)
}

// recentText says how much of the recent cohort is decided.
func recentText(h *stats.Headline) string {
	rc := h.Recent
	span := monthName(rc.FiledFrom) + " – " + monthName(rc.FiledTo)
	if rc.Suppressed {
		return fmt.Sprintf("Fewer than %d timelines were filed in the last %d months (%s), so we show no share decided for them.", h.MinCases, stats.RecentMonths, span)
	}
	return fmt.Sprintf("Of the %s timelines filed in the last %d months (%s), %s are decided so far.",
		units.Count(rc.Cases), stats.RecentMonths, span, percentText(float64(rc.Decided)/float64(rc.Cases)))
}

// cautionTexts words the cautions of an answer, with the measured shares
// behind them.
func cautionTexts(cs []stats.Caution, r stats.Result) []string {
	var out []string
	h := r.HowShared
	for _, c := range cs {
		switch c {
		case stats.CautionSharedDecided:
			t := "Many of these timelines were shared after their decision"
			if h != nil {
				t += fmt.Sprintf(" (%s of them). Had people shared alike whether or not they were still waiting, about %s would have been shared while waiting and still been waiting a month later; %s were",
					percentText(h.SharedAfterDecisionShare), percentText(h.ExpectedWhilePendingShare), percentText(h.StillWaitingMonthLaterShare))
			}
			out = append(out, t+". People still waiting seem not to share here, and their waits are missing: the real wait may be longer than shown, by more than the 95% range.")
		case stats.CautionSilent:
			t := "Many of the pending timelines here have not been confirmed for a while"
			if h != nil {
				t = fmt.Sprintf("%s of the pending timelines here have not been confirmed for over %d days, and %s of people who go silent here come back to record their decision",
					units.Count(h.Silent), h.GraceDays, percentText(h.ReturnRate))
			}
			t += ". If those silent people were decided and did not say so, the wait is shorter than shown"
			if d := r.Decision; d != nil && d.Sensitivity.IfSilentWereDecided != nil {
				t += ": the median could be as short as " + units.Duration(*d.Sensitivity.IfSilentWereDecided)
			}
			out = append(out, t+", beyond the 95% range.")
		}
	}
	return out
}

// readings lists the same median read other ways, so a reader can see how
// much the reading matters, and names the group they describe.
func readings(group string, r stats.Result) (string, []exFact) {
	d := r.Decision
	if d == nil {
		return "", nil
	}
	alt := func(a stats.Alternative) string {
		if a.Median == nil {
			return notYetKnown
		}
		s := units.Duration(*a.Median)
		if ci := rangeText(a.MedianCI); ci != "" {
			s += " (" + ci + ")"
		}
		return s
	}
	published := alt(stats.Alternative{Median: d.Median, MedianCI: d.MedianCI})
	silent := "no silent timelines"
	if v := d.Sensitivity.IfSilentWereDecided; v != nil {
		silent = units.Duration(*v)
	} else if r.HowShared != nil && r.HowShared.Silent > 0 {
		silent = notYetKnown
	}
	naive := "no decisions yet"
	if d.NaiveMedianDecided != nil {
		naive = units.Duration(*d.NaiveMedianDecided)
	}
	return group + ", every filing month together", []exFact{
		{"As published (from the day each timeline was shared, with the silence rule)", published},
		{"Every timeline counted from filing, every recorded decision counted", alt(d.Sensitivity.PlainKM)},
		{"Only timelines shared while still waiting", alt(d.Sensitivity.SharedWhilePendingOnly)},
		{"If silent timelines had been decided right after their last report", silent},
		{"Simple median of decided cases only (leans toward fast cases)", naive},
	}
}

// howSharedFacts lists how a group's timelines reached the site.
func howSharedFacts(h *stats.HowShared) []exFact {
	if h == nil {
		return nil
	}
	n := h.SharedWhilePending + h.SharedAfterDecision
	share := func(k int) string {
		if n == 0 {
			return units.Count(k)
		}
		return fmt.Sprintf("%s (%s)", units.Count(k), percentText(float64(k)/float64(n)))
	}
	return []exFact{
		{"Shared while still waiting", share(h.SharedWhilePending)},
		{"Shared after the decision", share(h.SharedAfterDecision)},
		{fmt.Sprintf("Pending, not confirmed for over %d days", h.GraceDays), units.Count(h.Silent)},
		{"Decisions recorded after such a silence", units.Count(h.ReturnedAfterSilence)},
		{"People who go silent and come back to record their decision (this category)", percentText(h.ReturnRate)},
		{"People sharing while waiting who would have shared whatever their state (this category)", percentText(h.SharingAlike)},
	}
}

// milestoneMonths are the month columns of the time-to-step table.
var milestoneMonths = []int{6, 12, 24}

// incidenceRow formats one optional step's incidence.
func incidenceRow(ms stats.MilestoneStats) exMilestoneRow {
	row := exMilestoneRow{Name: ms.Name, Reached: ms.Reached, Finally: notYetKnown, Median: notYetKnown}
	for _, mo := range milestoneMonths {
		cell := notYetKnown
		for _, p := range ms.Incidence {
			if p.Months == mo {
				cell = shareRange(p)
			}
		}
		row.By = append(row.By, cell)
	}
	if e := ms.Eventually; e != nil {
		row.Finally = shareRange(*e) + " by " + units.Duration(e.Days)
		row.Median = units.Optional(ms.AmongReached.Median, notYetKnown)
	} else if ms.Reached == 0 {
		row.Finally, row.Median = "none", "–"
	}
	return row
}

// shareRange is a share with its 95% range ("12.0% (9.1–15.6%)").
func shareRange(p stats.IncidencePoint) string {
	if p.Share == 0 {
		return "0%"
	}
	return percentText(p.Share) + " (" + strconv.FormatFloat(p.CI[0]*100, 'f', 1, 64) + "–" + percentText(p.CI[1]) + ")"
}

// waitingCheckpoints are the months at which the table behind the
// survival chart reads the curve.
var waitingCheckpoints = []int{1, 2, 3, 6, 9, 12, 18, 24, 30, 36, 48, 60, 72, 84, 96, 120}

// waitingRows reads the share still waiting at each checkpoint up to the
// last decision, and at the last decision itself. Beyond it the curve is
// not estimated, so no row is given.
func waitingRows(cv survival.Curve) []exWaitingRow {
	pts := cv.Points
	if len(pts) == 0 {
		return nil
	}
	last := pts[len(pts)-1].T
	var rows []exWaitingRow
	for _, m := range waitingCheckpoints {
		day := int(float64(m) * daysPerMonth)
		if day >= last {
			break
		}
		rows = append(rows, exWaitingRow{Since: units.Duration(day), Waiting: percentText(cv.At(day))})
	}
	rows = append(rows, exWaitingRow{Since: units.Duration(last) + " (last decision)", Waiting: percentText(cv.At(last))})
	return rows
}

// survivalAlt describes the survival chart for people who cannot see it.
func survivalAlt(group string, a pageAnswer) string {
	if len(a.Curve.Points) == 0 {
		return "Chart of the share of " + group + " still waiting: no case has been decided yet, so the chart is empty."
	}
	pts := a.Curve.Points
	last := pts[len(pts)-1]
	med := "the median is not yet known"
	if a.Median != nil {
		med = "half are decided within " + units.Duration(*a.Median)
	}
	pace := ""
	if a.Pace {
		pace = ", at the pace of the last six months"
	}
	return fmt.Sprintf("Step chart of the share of %s still waiting by months since filing%s, falling from 100%% at filing to %s at %s; %s. The numbers are in the table below.",
		group, pace, percentText(last.S), units.Duration(last.T), med)
}

// breakdownTitles name the breakdown tables and their first column.
var breakdownTitles = map[stats.Dimension][2]string{
	stats.ByCountry:       {"By country of birth", "Country"},
	stats.ByServiceCenter: {"By service center", "Service center"},
	stats.ByQuarter:       {"By filing period", "Filed"},
	stats.ByMonth:         {"By filing month", "Filed"},

	stats.ByPremium:         {"By premium processing", "Processing"},
	stats.ByFilingMethod:    {"By filing method", "Filed"},
	stats.ByInterviewOffice: {"By field office", "Field office"},
	stats.ByPDCurrent:       {"By priority date (visa bulletin)", "Priority date when filed"},
}

// newBreakdownView formats one breakdown table: countries in the order
// of their names as shown, and without the rows under k unless all asks
// for them.
func newBreakdownView(b stats.Breakdown, f stats.Filter, q string, k int, all showAll) exBreakdown {
	t := breakdownTitles[b.By]
	if b.By == stats.ByCountry {
		b.Rows = byLabel(b.Rows)
	}
	v := exBreakdown{
		ID:      "by-" + string(b.By),
		Title:   t[0],
		Column:  t[1],
		CSV:     "/explore/" + string(b.By) + ".csv?" + q,
		Caption: fmt.Sprintf("Rows with fewer than %d cases show no numbers. A median not yet known means fewer than half are decided as far as the data reach.", k),
		Cohort:  b.By == stats.ByQuarter || b.By == stats.ByMonth,
		All:     all[b.By],
	}
	if b.By == stats.ByQuarter {
		v.Intro = "How long the cases filed in each quarter took. Recent quarters have had less time: their medians are often not yet known."
	}
	rows := breakdownRows(b, f)
	for _, r := range rows {
		switch {
		case r.Suppressed:
			v.Hidden++
			if v.All {
				v.Rows = append(v.Rows, r)
			}
		default:
			v.Rows = append(v.Rows, r)
		}
	}
	v.Summary = breakdownSummary(b.By, len(rows)-v.Hidden, v.Hidden)
	switch {
	case v.Hidden == 0:
	case v.All:
		v.FewerLink = "/explore?" + all.without(b.By).query(q) + "#" + v.ID
	default:
		v.AllLink = "/explore?" + all.with(b.By).query(q) + "#" + v.ID
	}
	return v
}

// breakdownRows formats the rows of a breakdown; each row links to the
// explore page narrowed to it.
func breakdownRows(b stats.Breakdown, f stats.Filter) []exBreakdownRow {
	rows := make([]exBreakdownRow, 0, len(b.Rows))
	for _, r := range b.Rows {
		row := exBreakdownRow{Label: r.Label, Suppressed: r.Suppressed, Link: narrowLink(b.By, r.Key, f)}
		if !r.Suppressed {
			row.Cases = r.Cases
			row.Decided = percentText(float64(r.Decided) / float64(max(r.Cases, 1)))
			row.Median = units.Optional(r.Median, notYetKnown)
			row.CI = shortCI(r.MedianCI)
			row.Approval = optPercent(r.ApprovalRate, "–")
			row.Note = cautionMarks(r.Cautions)
		}
		rows = append(rows, row)
	}
	return rows
}

// cautionMarks is the short note of a table row with cautions (the
// sentences are above the tables).
func cautionMarks(cs []stats.Caution) string {
	var marks []string
	for _, c := range cs {
		switch c {
		case stats.CautionSharedDecided:
			marks = append(marks, "mostly shared after the decision")
		case stats.CautionSilent:
			marks = append(marks, "many silent timelines")
		}
	}
	return strings.Join(marks, "; ")
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
		if !narrowDetail(by, key, &f) {
			return ""
		}
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
