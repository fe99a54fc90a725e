package web

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/stats/survival"
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
	By      stats.Dimension
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
	// DetailTitle names the detail tables in the line that unfolds them.
	DetailTitle string
}

// DetailsOpen unfolds the detail tables when one of them lists all rows.
func (v *exploreView) DetailsOpen() bool {
	return slices.ContainsFunc(v.DetailBreakdowns, func(b exBreakdown) bool { return b.All })
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

// newExploreView formats a group that is not suppressed, in the language
// of l with the reference names of ref. all names the breakdowns whose
// rows under k are listed too (as "not enough data").
func newExploreView(l *i18n.Locale, ref *catalog.Catalog, d exploreData, k int, all showAll) *exploreView {
	r := d.Result
	q := filterQuery(d.Filter)
	group := groupName(l, ref, d.Filter)
	a := answerOf(r)
	v := &exploreView{RangeNote: l.T("exview.range_note"), Answer: answerBlock(l, r, a)}
	if a.Pace {
		v.Headline, v.Describes = paceHeadline(l, group, r.Headline, a)
		v.Recent = recentText(l, r.Headline)
		v.QuantilesCaption = l.T("exview.quantiles_caption_pace")
		v.SurvivalShort = l.T("exview.survival_short_pace")
		v.SurvivalCaption = l.T("exview.survival_caption_pace")
	} else {
		v.Headline = cohortHeadline(l, group, r, a)
		v.QuantilesCaption = l.T("exview.quantiles_caption", "Group", group)
		v.SurvivalShort = l.T("exview.survival_short")
		v.SurvivalCaption = l.T("exview.survival_caption")
	}
	v.Cautions = cautionTexts(l, a.Cautions, r)
	if a.Reading == stats.ReadingFromFiling {
		v.Notes = append(v.Notes, l.T("exview.note_from_filing"))
	}
	v.Facts = countFacts(l, r)
	if !a.Suppressed {
		unknown := notYetKnown(l)
		v.Quantiles = []exQuantile{
			{l.T("exview.q25"), optDuration(l, a.P25, unknown)},
			{l.T("exview.q50"), optDuration(l, a.Median, unknown)},
			{l.T("exview.q75"), optDuration(l, a.P75, unknown)},
			{l.T("exview.q90"), optDuration(l, a.P90, unknown)},
		}
		v.WaitingRows = waitingRows(l, a.Curve)
	}
	v.ReadingsGroup, v.Readings = readings(l, group, r)
	v.HowShared = howSharedFacts(l, r.HowShared)
	v.Survival = exChart{URL: "/explore/chart/survival.svg?" + q, Alt: survivalAlt(l, group, a)}

	v.HistSuppress = d.Histogram.Suppressed
	v.HistogramCSV = "/explore/histogram.csv?" + q
	v.Histogram = exChart{URL: "/explore/chart/histogram.svg?" + q,
		Alt: l.T("exview.histogram_alt", "Decided", l.Count(d.Histogram.Decided), "Group", group)}
	for _, b := range d.Histogram.Bins {
		v.BinRows = append(v.BinRows, exBinRow{Range: span(l, "exview.span", b.From, b.To), Count: b.Count})
	}

	v.Cohorts = newBreakdownView(l, ref, d.Cohorts, d.Filter, q, k, all)
	v.Trend = exChart{URL: "/explore/chart/trend.svg?" + q,
		Alt: l.T("exview.trend_alt", "Group", group, "Min", l.Count(k))}
	v.TrendCSV = "/explore/trend.csv?" + q

	v.MilestoneMonths = milestoneMonths
	for _, ms := range r.Milestones {
		v.Milestones = append(v.Milestones, incidenceRow(l, ref, ms))
	}
	for _, b := range d.Breakdowns {
		bv := newBreakdownView(l, ref, b, d.Filter, q, k, all)
		if slices.Contains(exploreDimensions, b.By) {
			v.Breakdowns = append(v.Breakdowns, bv)
		} else {
			v.DetailBreakdowns = append(v.DetailBreakdowns, bv)
		}
	}
	v.DetailTitle = detailTitles(l, v.DetailBreakdowns)
	return v
}

// countFacts are the group's counts: cases, decisions, approval rate.
func countFacts(l *i18n.Locale, r stats.Result) []exFact {
	facts := []exFact{
		{l.T("exview.fact_cases"), l.Count(r.Cases)},
		{l.T("exview.fact_decided"), l.Count(r.Decided)},
		{l.T("exview.fact_pending"), l.Count(r.Pending)},
		{l.T("exview.fact_approved"), l.Count(r.Approved)},
		{l.T("exview.fact_denied"), l.Count(r.Denied)},
		{l.T("exview.fact_approval_rate"), optPercent(l, r.ApprovalRate, l.T("exview.no_decisions"))},
	}
	if r.RFE != nil {
		facts = append(facts, exFact{l.T("exview.fact_rfe"),
			l.T("exview.rfe_value", "Cases", l.Count(*r.RFE), "Share", optPercent(l, r.RFERate, "–"))})
	}
	return facts
}

// paceHeadline is the headline without filing months: the period estimate
// for someone filing now, and exactly what it describes.
func paceHeadline(l *i18n.Locale, who string, h *stats.Headline, a pageAnswer) (headline, describes string) {
	if a.Suppressed {
		return l.T("exview.pace_suppressed", "Min", l.Count(h.MinCases), "Group", who),
			l.T("exview.pace_suppressed_describes")
	}
	describes = l.T("exview.pace_describes", "WindowFrom", l.Date(h.WindowFrom), "WindowTo", l.Date(h.WindowTo),
		"Count", h.WindowCases, "FiledFrom", monthName(l, h.FiledFrom), "FiledTo", monthName(l, h.FiledTo))
	switch {
	case a.Median != nil:
		headline = l.T("exview.pace_headline", "Group", who,
			"Duration", inParens(l, l.Duration(*a.Median), rangeText(l, a.MedianCI)))
	case len(a.Curve.Points) == 0:
		headline = l.T("exview.pace_headline_none", "Group", who)
	default:
		headline = l.T("exview.pace_headline_fewer", "Group", who, "Duration", l.Duration(a.Curve.LastDay))
	}
	return headline, describes
}

// cohortHeadline is the headline with filing months: how long the cases
// filed then took.
func cohortHeadline(l *i18n.Locale, group string, r stats.Result, a pageAnswer) string {
	pending := l.T("exview.cohort_pending_none")
	if r.Pending > 0 {
		pending = l.T("exview.cohort_pending", "Pending", l.Count(r.Pending))
	}
	from := l.T("exview.cohort_from", "Count", r.Cases, "Pending", pending)
	switch {
	case len(a.Curve.Points) == 0:
		return l.T("exview.cohort_none", "Group", group, "From", from)
	case a.Median == nil:
		return l.T("exview.cohort_fewer", "Group", group, "Duration", l.Duration(a.Curve.LastDay), "From", from)
	}
	return l.T("exview.cohort_headline", "Group", group,
		"Duration", inParens(l, l.Duration(*a.Median), rangeText(l, a.MedianCI)), "From", from)
}

// recentText says how much of the recent cohort is decided.
func recentText(l *i18n.Locale, h *stats.Headline) string {
	rc := h.Recent
	from, to := monthName(l, rc.FiledFrom), monthName(l, rc.FiledTo)
	months := l.Count(stats.RecentMonths)
	if rc.Suppressed {
		return l.T("exview.recent_suppressed", "Min", l.Count(h.MinCases), "Months", months, "From", from, "To", to)
	}
	return l.T("exview.recent", "Cases", l.Count(rc.Cases), "Months", months, "From", from, "To", to,
		"Share", percent(l, float64(rc.Decided)/float64(rc.Cases)))
}

// cautionTexts words the cautions of an answer, with the measured shares
// behind them.
func cautionTexts(l *i18n.Locale, cs []stats.Caution, r stats.Result) []string {
	var out []string
	h := r.HowShared
	for _, c := range cs {
		switch c {
		case stats.CautionSharedDecided:
			if h == nil {
				out = append(out, l.T("exview.caution_shared_decided"))
				continue
			}
			out = append(out, l.T("exview.caution_shared_decided_measured", "After", percent(l, h.SharedAfterDecisionShare),
				"Expected", percent(l, h.ExpectedWhilePendingShare), "Actual", percent(l, h.StillWaitingMonthLaterShare)))
		case stats.CautionSilent:
			out = append(out, silentCaution(l, r))
		}
	}
	return out
}

// silentCaution words the caution about timelines gone silent.
func silentCaution(l *i18n.Locale, r stats.Result) string {
	lead := l.T("exview.caution_silent_lead")
	if h := r.HowShared; h != nil {
		lead = l.T("exview.caution_silent_lead_measured", "Silent", l.Count(h.Silent), "Days", l.Count(h.GraceDays),
			"Return", percent(l, h.ReturnRate))
	}
	if d := r.Decision; d != nil && d.Sensitivity.IfSilentWereDecided != nil {
		return l.T("exview.caution_silent_shorter", "Lead", lead, "Duration", l.Duration(*d.Sensitivity.IfSilentWereDecided))
	}
	return l.T("exview.caution_silent", "Lead", lead)
}

// readings lists the same median read other ways, so a reader can see how
// much the reading matters, and names the group they describe.
func readings(l *i18n.Locale, group string, r stats.Result) (string, []exFact) {
	d := r.Decision
	if d == nil {
		return "", nil
	}
	alt := func(a stats.Alternative) string {
		if a.Median == nil {
			return notYetKnown(l)
		}
		return inParens(l, l.Duration(*a.Median), rangeText(l, a.MedianCI))
	}
	published := alt(stats.Alternative{Median: d.Median, MedianCI: d.MedianCI})
	silent := l.T("exview.no_silent")
	if v := d.Sensitivity.IfSilentWereDecided; v != nil {
		silent = l.Duration(*v)
	} else if r.HowShared != nil && r.HowShared.Silent > 0 {
		silent = notYetKnown(l)
	}
	naive := optDuration(l, d.NaiveMedianDecided, l.T("exview.no_decisions"))
	return l.T("exview.readings_group", "Group", group), []exFact{
		{l.T("exview.reading_published"), published},
		{l.T("exview.reading_plain"), alt(d.Sensitivity.PlainKM)},
		{l.T("exview.reading_pending_only"), alt(d.Sensitivity.SharedWhilePendingOnly)},
		{l.T("exview.reading_silent"), silent},
		{l.T("exview.reading_naive"), naive},
	}
}

// howSharedFacts lists how a group's timelines reached the site.
func howSharedFacts(l *i18n.Locale, h *stats.HowShared) []exFact {
	if h == nil {
		return nil
	}
	n := h.SharedWhilePending + h.SharedAfterDecision
	share := func(k int) string {
		if n == 0 {
			return l.Count(k)
		}
		return l.T("exview.count_share", "Number", l.Count(k), "Share", percent(l, float64(k)/float64(n)))
	}
	return []exFact{
		{l.T("exview.shared_pending"), share(h.SharedWhilePending)},
		{l.T("exview.shared_after"), share(h.SharedAfterDecision)},
		{l.T("exview.silent_for", "Days", l.Count(h.GraceDays)), l.Count(h.Silent)},
		{l.T("exview.returned"), l.Count(h.ReturnedAfterSilence)},
		{l.T("exview.return_rate"), percent(l, h.ReturnRate)},
		{l.T("exview.sharing_alike"), percent(l, h.SharingAlike)},
	}
}

// milestoneMonths are the month columns of the time-to-step table.
var milestoneMonths = []int{6, 12, 24}

// incidenceRow formats one optional step's incidence, the step named in
// the reader's language.
func incidenceRow(l *i18n.Locale, ref *catalog.Catalog, ms stats.MilestoneStats) exMilestoneRow {
	unknown := notYetKnown(l)
	name := milestoneName(ref, ms.Code)
	if name == ms.Code && ms.Name != "" {
		name = ms.Name
	}
	row := exMilestoneRow{Name: name, Reached: ms.Reached, Finally: unknown, Median: unknown}
	for _, mo := range milestoneMonths {
		cell := unknown
		for _, p := range ms.Incidence {
			if p.Months == mo {
				cell = shareRange(l, p)
			}
		}
		row.By = append(row.By, cell)
	}
	if e := ms.Eventually; e != nil {
		row.Finally = l.T("exview.share_by", "Share", shareRange(l, *e), "Duration", l.Duration(e.Days))
		row.Median = optDuration(l, ms.AmongReached.Median, unknown)
	} else if ms.Reached == 0 {
		row.Finally, row.Median = l.T("exview.none"), "–"
	}
	return row
}

// shareRange is a share with its 95% range ("12.0% (9.1–15.6%)").
func shareRange(l *i18n.Locale, p stats.IncidencePoint) string {
	if p.Share == 0 {
		return l.T("exview.percent", "Number", l.Count(0))
	}
	return l.T("exview.share_range", "Share", percent(l, p.Share), "Low", l.Decimal(p.CI[0]*100), "High", percent(l, p.CI[1]))
}

// waitingCheckpoints are the months at which the table behind the
// survival chart reads the curve.
var waitingCheckpoints = []int{1, 2, 3, 6, 9, 12, 18, 24, 30, 36, 48, 60, 72, 84, 96, 120}

// waitingRows reads the share still waiting at each checkpoint up to the
// last decision, and at the last decision itself. Beyond it the curve is
// not estimated, so no row is given.
func waitingRows(l *i18n.Locale, cv survival.Curve) []exWaitingRow {
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
		rows = append(rows, exWaitingRow{Since: l.Duration(day), Waiting: percent(l, cv.At(day))})
	}
	rows = append(rows, exWaitingRow{Since: l.T("exview.last_decision", "Duration", l.Duration(last)), Waiting: percent(l, cv.At(last))})
	return rows
}

// survivalAlt describes the survival chart for people who cannot see it.
func survivalAlt(l *i18n.Locale, group string, a pageAnswer) string {
	if len(a.Curve.Points) == 0 {
		return l.T("exview.survival_alt_empty", "Group", group)
	}
	pts := a.Curve.Points
	last := pts[len(pts)-1]
	med := l.T("exview.alt_median_unknown")
	if a.Median != nil {
		med = l.T("exview.alt_median", "Duration", l.Duration(*a.Median))
	}
	id := "exview.survival_alt"
	if a.Pace {
		id = "exview.survival_alt_pace"
	}
	return l.T(id, "Group", group, "Full", l.T("exview.percent", "Number", l.Count(100)),
		"Share", percent(l, last.S), "Duration", l.Duration(last.T), "Median", med)
}

// breakdownTitles name the breakdown tables and their first column, by
// message id.
var breakdownTitles = map[stats.Dimension][2]string{
	stats.ByCountry:       {"exview.by_country", "exview.col_country"},
	stats.ByServiceCenter: {"exview.by_service_center", "exview.col_service_center"},
	stats.ByQuarter:       {"exview.by_quarter", "exview.col_filed"},
	stats.ByMonth:         {"exview.by_month", "exview.col_filed"},

	stats.ByPremium:         {"exview.by_premium", "exview.col_processing"},
	stats.ByFilingMethod:    {"exview.by_filing_method", "exview.col_filed"},
	stats.ByInterviewOffice: {"exview.by_interview_office", "exview.col_field_office"},
	stats.ByPDCurrent:       {"exview.by_priority_date", "exview.col_priority_date"},
}

// detailTitles names the detail tables in the line that unfolds them
// ("By premium processing, filing method").
func detailTitles(l *i18n.Locale, bs []exBreakdown) string {
	if len(bs) == 0 {
		return ""
	}
	names := make([]string, len(bs))
	for i, b := range bs {
		names[i] = l.T("exview.detail_" + string(b.By))
	}
	return l.T("exview.details_by", "List", strings.Join(names, l.T("exview.list_sep")))
}

// newBreakdownView formats one breakdown table: countries in the order
// of their names as shown, and without the rows under k unless all asks
// for them.
func newBreakdownView(l *i18n.Locale, ref *catalog.Catalog, b stats.Breakdown, f stats.Filter, q string, k int, all showAll) exBreakdown {
	t := breakdownTitles[b.By]
	b.Rows = localLabels(l, ref, b)
	if b.By == stats.ByCountry {
		b.Rows = byLabel(l, b.Rows)
	}
	v := exBreakdown{
		ID:      "by-" + string(b.By),
		By:      b.By,
		Title:   l.T(t[0]),
		Column:  l.T(t[1]),
		CSV:     "/explore/" + string(b.By) + ".csv?" + q,
		Caption: l.T("exview.table_caption", "Min", l.Count(k)),
		Cohort:  b.By == stats.ByQuarter || b.By == stats.ByMonth,
		All:     all[b.By],
	}
	if b.By == stats.ByQuarter {
		v.Intro = l.T("exview.quarter_intro")
	}
	rows := breakdownRows(l, b, f)
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
	v.Summary = breakdownSummary(l, b.By, len(rows)-v.Hidden, v.Hidden)
	switch {
	case v.Hidden == 0:
	case v.All:
		v.FewerLink = "/explore?" + all.without(b.By).query(q) + "#" + v.ID
	default:
		v.AllLink = "/explore?" + all.with(b.By).query(q) + "#" + v.ID
	}
	return v
}

// localLabels names a breakdown's rows in the reader's language: the
// index labels them in English.
func localLabels(l *i18n.Locale, ref *catalog.Catalog, b stats.Breakdown) []stats.BreakdownRow {
	rows := slices.Clone(b.Rows)
	for i := range rows {
		rows[i].Label = rowLabel(l, ref, b.By, rows[i].Key, rows[i].Label)
	}
	return rows
}

// rowLabel is one row's name in the reader's language, or the index's
// label where no translation applies (field offices are proper names).
// Countries and centers take the reference names of the language, which
// in English are the catalog's own.
func rowLabel(l *i18n.Locale, ref *catalog.Catalog, by stats.Dimension, key, label string) string {
	switch {
	case key == stats.NoServiceCenter && by == stats.ByServiceCenter, key == stats.NotGiven && by != stats.ByCountry:
		return l.T("details.not_given")
	}
	switch by {
	case stats.ByCountry:
		if key == "unknown" {
			return l.T("exview.country_unknown")
		}
		return refName(ref.Country, key, func(c catalog.Country) string { return c.Name })
	case stats.ByServiceCenter:
		return refName(ref.ServiceCenter, key, func(c catalog.ServiceCenter) string { return c.Name })
	case stats.ByQuarter:
		var y, qn int
		if _, err := fmt.Sscanf(key, "%d-Q%d", &y, &qn); err != nil {
			return label
		}
		return l.T("exview.quarter", "Year", l.Digits(y), "Quarter", l.Digits(qn))
	case stats.ByMonth:
		if m, err := timeline.ParseMonth(key); err == nil {
			return monthName(l, m)
		}
	case stats.ByPremium, stats.ByFilingMethod, stats.ByPDCurrent:
		return l.T("exview.value_" + string(by) + "_" + key)
	}
	return label
}

// breakdownRows formats the rows of a breakdown; each row links to the
// explore page narrowed to it.
func breakdownRows(l *i18n.Locale, b stats.Breakdown, f stats.Filter) []exBreakdownRow {
	rows := make([]exBreakdownRow, 0, len(b.Rows))
	for _, r := range b.Rows {
		row := exBreakdownRow{Label: r.Label, Suppressed: r.Suppressed, Link: narrowLink(b.By, r.Key, f)}
		if !r.Suppressed {
			row.Cases = r.Cases
			row.Decided = percent(l, float64(r.Decided)/float64(max(r.Cases, 1)))
			row.Median = optDuration(l, r.Median, notYetKnown(l))
			row.CI = shortCI(l, r.MedianCI)
			row.Approval = optPercent(l, r.ApprovalRate, "–")
			row.Note = cautionMarks(l, r.Cautions)
		}
		rows = append(rows, row)
	}
	return rows
}

// cautionMarks is the short note of a table row with cautions (the
// sentences are above the tables).
func cautionMarks(l *i18n.Locale, cs []stats.Caution) string {
	var marks []string
	for _, c := range cs {
		switch c {
		case stats.CautionSharedDecided:
			marks = append(marks, l.T("exview.mark_shared_decided"))
		case stats.CautionSilent:
			marks = append(marks, l.T("exview.mark_silent"))
		}
	}
	return strings.Join(marks, l.T("exview.marks_sep"))
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
