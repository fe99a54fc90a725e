package stats

import (
	"encoding/json"
	"time"

	"github.com/casetrack/casetrack/internal/stats/survival"
	"github.com/casetrack/casetrack/internal/timeline"
)

// HeadlineWindow is the calendar window, in days, whose pace the headline
// uses: about the last six months.
const HeadlineWindow = 182

// RecentMonths is how many filing months, up to the current one, make the
// recent cohort the headline reports on.
const RecentMonths = 12

// Headline answers for someone filing now: the time to decision at the
// pace of the last HeadlineWindow days, a period estimate. Every case
// counts for the days it spent waiting inside that calendar window, so
// the curve is what someone filing today would see if decisions keep
// coming as they did lately. In a growing backlog it still lags: it uses
// today's pace for the long waits of older filings. It comes with how
// much of the recent cohort is already decided.
type Headline struct {
	// Filter is the group it describes: the category, country and center
	// of the request, every filing month.
	Filter     Filter
	Suppressed bool
	MinCases   int
	// WindowFrom and WindowTo are the first and last day of the calendar
	// window; WindowCases the cases that were waiting during it, filed
	// from FiledFrom to FiledTo.
	WindowFrom, WindowTo time.Time
	WindowCases          int
	FiledFrom, FiledTo   timeline.Month
	// The median and other quantiles of the period estimate, in days.
	Median   *int
	MedianCI [2]*int
	P25, P75 *int
	P90      *int
	Reading  string
	Cautions []Caution
	// Curve is the period estimate, for charts.
	Curve survival.Curve
	// Recent is the recent cohort: cases filed in the last RecentMonths
	// months, and how many are decided. It is suppressed on its own when
	// it has fewer than k cases.
	Recent Cohort
}

// Cohort counts a filing period's cases.
type Cohort struct {
	FiledFrom, FiledTo timeline.Month
	Suppressed         bool
	Cases, Decided     int
}

type headlineJSON struct {
	Filter      Filter     `json:"filter"`
	Window      windowJSON `json:"window"`
	WindowCases *int       `json:"window_cases"`
	FiledFrom   string     `json:"filed_from,omitempty"`
	FiledTo     string     `json:"filed_to,omitempty"`
	Median      *int       `json:"median"`
	MedianCI    *[2]*int   `json:"median_ci"`
	P25         *int       `json:"p25"`
	P75         *int       `json:"p75"`
	P90         *int       `json:"p90"`
	Reading     string     `json:"reading,omitempty"`
	Cautions    []Caution  `json:"cautions"`
	Recent      cohortJSON `json:"recent"`
	Suppressed  bool       `json:"suppressed"`
	MinCases    int        `json:"min_cases"`
}

type windowJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
	Days int    `json:"days"`
}

type cohortJSON struct {
	FiledFrom    string   `json:"filed_from"`
	FiledTo      string   `json:"filed_to"`
	Cases        *int     `json:"cases"`
	Decided      *int     `json:"decided"`
	DecidedShare *float64 `json:"decided_share"`
	Suppressed   bool     `json:"suppressed"`
}

// MarshalJSON writes the headline; a suppressed one has every number null.
func (h Headline) MarshalJSON() ([]byte, error) {
	j := headlineJSON{Filter: h.Filter, Suppressed: h.Suppressed, MinCases: h.MinCases,
		Window:   windowJSON{From: h.WindowFrom.Format(time.DateOnly), To: h.WindowTo.Format(time.DateOnly), Days: HeadlineWindow},
		Cautions: []Caution{},
		Recent: cohortJSON{FiledFrom: h.Recent.FiledFrom.String(), FiledTo: h.Recent.FiledTo.String(),
			Suppressed: h.Recent.Suppressed}}
	if !h.Suppressed {
		j.WindowCases = &h.WindowCases
		if !h.FiledFrom.IsZero() {
			j.FiledFrom, j.FiledTo = h.FiledFrom.String(), h.FiledTo.String()
		}
		j.Median, j.MedianCI, j.P25, j.P75, j.P90 = h.Median, &h.MedianCI, h.P25, h.P75, h.P90
		j.Reading = h.Reading
		if h.Cautions != nil {
			j.Cautions = h.Cautions
		}
	}
	if !h.Recent.Suppressed {
		j.Recent.Cases, j.Recent.Decided = &h.Recent.Cases, &h.Recent.Decided
		j.Recent.DecidedShare = rate(h.Recent.Decided, h.Recent.Cases)
	}
	return json.Marshal(j)
}

// Headline computes the headline of the group f selects, over every
// filing month (f's months are ignored), suppressed when fewer than k
// cases were waiting during the window.
func (ix *Index) Headline(f Filter, k int) Headline {
	f.FiledFrom, f.FiledTo = timeline.Month{}, timeline.Month{}
	today := ix.Today()
	now := timeline.MonthOf(today)
	h := Headline{Filter: f, MinCases: k, WindowFrom: today.AddDate(0, 0, -HeadlineWindow), WindowTo: today,
		Recent: Cohort{FiledFrom: timeline.MonthFromOrdinal(now.Ordinal() - RecentMonths + 1), FiledTo: now}}
	pol := ix.resolve(f.Category, DefaultPolicy)
	m := newMatcher(ix.cat, f)
	recentFilter := f
	recentFilter.FiledFrom, recentFilter.FiledTo = h.Recent.FiledFrom, h.Recent.FiledTo
	rm := newMatcher(ix.cat, recentFilter)

	ix.mu.RLock()
	p := ix.partition(f.Category)
	s := ix.sample(p, &m, pol, HeadlineWindow, today)
	recent := &statsAcc{}
	p.scan(&rm, recent.addBlock)
	ix.mu.RUnlock()

	h.Recent.Cases, h.Recent.Decided = recent.cases, recent.dec.events
	h.Recent.Suppressed = recent.cases < k
	if h.Recent.Suppressed {
		h.Recent.Cases, h.Recent.Decided = 0, 0
	}
	h.WindowCases = s.windowCases
	if s.windowCases < k {
		h.Suppressed = true
		return h
	}
	e := s.estimate()
	h.FiledFrom, h.FiledTo = timeline.MonthFromOrdinal(int(s.windowMonths[0])), timeline.MonthFromOrdinal(int(s.windowMonths[1]))
	h.Median, h.MedianCI, h.P25, h.P75, h.P90 = e.Median, e.MedianCI, e.P25, e.P75, e.P90
	h.Reading = ReadingDelayedEntry
	if e.ReadFromFiling {
		h.Reading = ReadingFromFiling
	}
	h.Cautions, h.Curve = e.Cautions, e.Curve
	return h
}
