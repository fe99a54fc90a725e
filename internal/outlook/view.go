package outlook

import (
	"math"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/units"
)

// LinkFunc is the address of the page that shows a group (Explore with
// its filters and the same outlook); the web package supplies it.
type LinkFunc func(stats.Filter) string

// View is the outlook of a case still waiting, in words, ready for a
// template: the template only lays it out.
type View struct {
	// Suppressed is set when no group had k cases still waiting after the
	// person's day; only NotEnough and the Ladder are filled then.
	Suppressed bool
	NotEnough  string
	// Waited is how long the case has waited, in words ("15.2 months"),
	// AsOf the day that is counted to ("June 20, 2025").
	Waited, AsOf string
	// Sentence is what a hurried reader takes away: the share decided by
	// now, the remaining wait and its 80% range with dates.
	Sentence string
	// Rank and Approval are empty when fewer than k similar cases were
	// decided.
	Rank, Approval string
	// Group names the group the numbers come from, GroupLink shows it,
	// Why says why that group.
	Group, GroupLink, Why string
	// Borrowed says which wider group's pace the curve takes beyond the
	// days the group's own cases have reached; empty when none.
	Borrowed string
	// Trend says how processing times move from one filing year to the
	// next and that the outlook allows for it; empty when they hardly
	// move.
	Trend string
	// Cautions say why the numbers may be wrong, from how the group's and
	// the category's timelines reached the site.
	Cautions []string
	Bar      *Bar
	// Ladder lists every group tried, most specific first.
	Ladder []Rung
}

// Rung is one group of the ladder as the page lists it.
type Rung struct {
	Label, Link string
	// Suppressed rungs (fewer than k cases) show no numbers.
	Suppressed bool
	// Counts says how many cases the group has and how many of them were
	// still waiting after the person's day.
	Counts string
	// Used marks the group the numbers come from; Narrower the groups
	// before it, which had too few cases still waiting.
	Used, Narrower bool
}

// Bar is where the person stands, drawn from filing (0) to the end of
// the scale (Scale): every position is in thousandths of the bar.
type Bar struct {
	Now int
	// From and To are the 80% range; Median the day half of those still
	// waiting are decided by (-1 when not known).
	From, To, Median int
	// OpenEnded says the range runs past the end of the data: To is then
	// the least it can be, and the bar shows it running off the end.
	OpenEnded bool
	// Label is the bar's text alternative.
	Label string
	// Start and End label the two ends of the bar; Legend says what each
	// mark means, in words.
	Start, End string
	Legend     []LegendItem
}

// LegendItem is one mark of the bar and what it stands for.
type LegendItem struct {
	// Mark is "now", "range" or "median", for the swatch beside it.
	Mark, Text string
}

// words writes an outlook in one language: the reader's Locale and the
// reference data named in it, so that numbers, dates and group names
// all read as the rest of the page.
type words struct {
	l   *i18n.Locale
	ref *catalog.Catalog
}

// percent formats a share as a whole percentage ("62%", "٦٢٪").
func (w words) percent(v float64) string {
	return w.l.T("outlook.percent", "Value", w.l.Digits(int(math.Round(v*100))))
}

// month names the month a day falls in ("November 2027").
func (w words) month(t time.Time) string { return w.l.MonthYear(t) }

// group names a group of the ladder.
func (w words) group(f stats.Filter) string { return phrase.GroupIn(w.l, w.ref, f) }

// sentences puts a second sentence after a first one.
func (w words) sentences(first, second string) string {
	return w.l.T("outlook.sentences", "First", first, "Second", second)
}

// span is a range of durations, the unit said once when both ends share
// it ("1.2 and 11.5 months", "27 days and 11.5 months").
func (w words) span(from, to int) string {
	low := w.l.Duration(from)
	if units.InDays(from) == units.InDays(to) {
		low = w.l.Decimal(units.Months(from))
		if units.InDays(from) {
			low = w.l.Count(from)
		}
	}
	return w.l.T("outlook.span", "From", low, "To", w.l.Duration(to))
}

// NewView words an outlook for a case still waiting, in the language of
// l; ref is the reference data named in it. k is the minimum group size;
// link addresses each group of the ladder.
func NewView(l *i18n.Locale, ref *catalog.Catalog, o stats.Outlook, k int, link LinkFunc) View {
	w := words{l, ref}
	a := o.Day
	need := l.Count(max(k, stats.OutlookAtRisk))
	waited := l.Duration(a)
	v := View{Waited: waited, AsOf: l.Date(o.Request.AsOf), Suppressed: o.Suppressed()}
	v.Ladder = w.ladder(o, link)
	if v.Suppressed {
		v.NotEnough = l.T("outlook.not_enough", "Need", need, "Waited", waited)
		return v
	}
	g := o.Group()
	v.Group, v.GroupLink = w.group(g), link(g)
	v.Why = l.T("outlook.why", "Need", need, "Waited", waited)
	v.Trend = w.trend(o.DriftPerYear())
	v.Cautions = w.cautions(o.Cautions)
	v.Sentence = w.sentence(o)
	if o.Decided >= k {
		v.Rank = l.T("outlook.rank", "Percent", w.percent(float64(o.Shorter)/float64(o.Decided)), "Decided", l.Count(o.Decided))
		if o.Approval != nil {
			v.Approval = l.T("outlook.approval", "Percent", w.percent(*o.Approval))
		}
	}
	v.Borrowed = w.borrowed(o)
	v.Bar = w.newBar(o)
	return v
}

// trend words the category's drift, when it is at least 2% a year.
func (w words) trend(perYear float64) string {
	switch {
	case perYear >= 1.02:
		return w.l.T("outlook.trend_growing", "Percent", w.percent(perYear-1))
	case perYear <= 0.98:
		return w.l.T("outlook.trend_shrinking", "Percent", w.percent(1-perYear))
	}
	return ""
}

// cautionWords are the message ids of the cautions an outlook can carry.
var cautionWords = map[stats.Caution]string{
	stats.CautionSharedDecided: "outlook.caution_shared_decided",
	stats.CautionSilent:        "outlook.caution_silent",
}

// cautions words the cautions that come with an outlook.
func (w words) cautions(cs []stats.Caution) []string {
	var out []string
	for _, c := range cs {
		if id, ok := cautionWords[c]; ok {
			out = append(out, w.l.T(id))
		}
	}
	return out
}

// sentence is the outlook's first sentence: the share decided by now,
// then the remaining wait of those still waiting, with the dates it
// falls on, honest where the data end.
func (w words) sentence(o stats.Outlook) string {
	l := w.l
	waited := l.Duration(o.Day)
	s := l.T("outlook.decided_by_now", "Percent", w.percent(o.DecidedByNow), "Waited", waited)
	month := func(d int) string { return w.month(o.Date(d)) }
	lo, med, hi := o.Range[0], o.Remaining, o.Range[1]
	atLeast := l.Duration(o.AtLeast)
	var rest string
	switch {
	case med != nil && hi != nil:
		rest = l.T("outlook.remaining_closed", "Waited", waited, "Median", l.Duration(*med), "Span", w.span(*lo, *hi),
			"From", month(*lo), "To", month(*hi))
	case med != nil:
		rest = l.T("outlook.remaining_open", "Waited", waited, "Median", l.Duration(*med), "Low", l.Duration(*lo),
			"AtLeast", atLeast, "From", month(*lo), "To", month(o.AtLeast))
	case lo != nil:
		rest = l.T("outlook.remaining_no_median", "Waited", waited, "Low", l.Duration(*lo), "AtLeast", atLeast, "Month", month(o.AtLeast))
	default:
		rest = l.T("outlook.remaining_unknown", "Waited", waited, "AtLeast", atLeast, "Month", month(o.AtLeast))
	}
	return w.sentences(s, rest)
}

// ladder lists the rungs of the outlook with their sizes and links.
func (w words) ladder(o stats.Outlook, link LinkFunc) []Rung {
	out := make([]Rung, 0, len(o.Ladder))
	for i, r := range o.Ladder {
		rg := Rung{Label: w.group(r.Filter), Link: link(r.Filter), Suppressed: r.Suppressed,
			Used: i == o.Used, Narrower: o.Used < 0 || i < o.Used}
		if r.Suppressed {
			rg.Counts = w.l.T("outlook.too_few_to_show")
		} else {
			rg.Counts = w.l.T("outlook.rung_counts", "Count", r.Cases, "Waiting", w.l.Count(r.AtRiskBeyond), "Waited", w.l.Duration(o.Day))
		}
		out = append(out, rg)
	}
	return out
}

// borrowed names the wider groups whose pace the curve takes beyond the
// days the group's own cases have reached.
func (w words) borrowed(o stats.Outlook) string {
	var names []string
	seen := map[int]bool{}
	for _, sg := range o.Segments {
		if sg.Rung != o.Used && sg.To > o.Day && !seen[sg.Rung] {
			seen[sg.Rung] = true
			names = append(names, w.group(o.Ladder[sg.Rung].Filter))
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return w.l.T("outlook.borrowed_one", "Group", names[0])
	}
	list := names[0]
	for _, n := range names[1:] {
		list = w.l.T("outlook.borrowed_then", "Before", list, "Next", n)
	}
	return w.l.T("outlook.borrowed_many", "Groups", list)
}

// newBar places the marks of the bar. The scale runs from filing to a
// little past the last mark, so every mark is inside it.
func (w words) newBar(o stats.Outlook) *Bar {
	l := w.l
	a := o.Day
	lo, med, hi := o.Range[0], o.Remaining, o.Range[1]
	last := a + o.AtLeast
	if hi != nil {
		last = a + *hi
	}
	if med != nil {
		last = max(last, a+*med)
	}
	scale := max(last+max((last)/10, 15), 1)
	pos := func(d int) int { return int(math.Round(1000 * float64(d) / float64(scale))) }
	b := &Bar{Now: pos(a), From: -1, To: -1, Median: -1, OpenEnded: hi == nil}
	month := func(d int) string { return w.month(o.Date(d)) }
	filed := phrase.MonthIn(l, o.Request.Filed)
	waited, asOf := l.Duration(a), l.Date(o.Request.AsOf)
	b.Start = l.T("outlook.bar_filed", "Month", filed)
	b.End = month(scale - a)
	b.Legend = append(b.Legend, LegendItem{"now", l.T("outlook.bar_you", "Waited", waited, "Date", asOf)})
	label := l.T("outlook.bar_label", "Month", filed, "Waited", waited, "Date", asOf)
	add := func(mark, text string) {
		b.Legend = append(b.Legend, LegendItem{mark, text})
		label = w.sentences(label, l.T("outlook.bar_sentence", "Text", text))
	}
	switch {
	case lo != nil && hi != nil:
		b.From, b.To = pos(a+*lo), pos(a+*hi)
		add("range", l.T("outlook.bar_range", "From", month(*lo), "To", month(*hi)))
	case lo != nil:
		b.From, b.To = pos(a+*lo), pos(a+o.AtLeast)
		add("range", l.T("outlook.bar_range_open", "From", month(*lo), "To", month(o.AtLeast)))
	default:
		b.From, b.To = pos(a), pos(a+o.AtLeast)
		add("range", l.T("outlook.bar_unknown", "Month", month(o.AtLeast)))
	}
	if med != nil {
		b.Median = pos(a + *med)
		add("median", l.T("outlook.bar_median", "Month", month(*med)))
	}
	b.Label = label
	return b
}

// Decided is how a decided case compares with similar cases: the share
// of them still waiting on the day it was decided.
type Decided struct {
	Suppressed bool
	NotEnough  string
	// Sentence is "Decided faster than 64% of similar cases".
	Sentence, Detail string
	Group, GroupLink string
	Ladder           []Rung
}

// NewDecided words the outlook asked as of a case's decision day, in the
// language of l: 1 - DecidedByNow of similar cases were still waiting
// then.
func NewDecided(l *i18n.Locale, ref *catalog.Catalog, o stats.Outlook, k int, link LinkFunc) Decided {
	w := words{l, ref}
	d := Decided{Suppressed: o.Suppressed(), Ladder: w.ladder(o, link)}
	if d.Suppressed {
		d.NotEnough = l.T("outlook.decided_not_enough", "Waited", l.Duration(o.Day), "Need", l.Count(max(k, stats.OutlookAtRisk)))
		return d
	}
	g := o.Group()
	d.Group, d.GroupLink = w.group(g), link(g)
	faster := w.percent(1 - o.DecidedByNow)
	d.Sentence = l.T("outlook.decided_faster", "Percent", faster)
	d.Detail = l.T("outlook.decided_detail", "Waited", l.Duration(o.Day), "Percent", faster)
	return d
}
