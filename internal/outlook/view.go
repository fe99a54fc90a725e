package outlook

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
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

// percent formats a share as a whole percentage ("62%").
func percent(v float64) string { return strconv.Itoa(int(math.Round(v*100))) + "%" }

// monthOf names the month a day falls in ("November 2027").
func monthOf(t time.Time) string { return phrase.Month(timeline.MonthOf(t)) }

// dayText formats a day for sentences ("June 20, 2025").
func dayText(t time.Time) string { return t.Format("January 2, 2006") }

// NewView words an outlook for a case still waiting. k is the minimum
// group size; link addresses each group of the ladder.
func NewView(cat *catalog.Catalog, o stats.Outlook, k int, link LinkFunc) View {
	a := o.Day
	need := max(k, stats.OutlookAtRisk)
	v := View{Waited: units.Duration(a), AsOf: dayText(o.Request.AsOf), Suppressed: o.Suppressed()}
	v.Ladder = ladder(cat, o, link)
	if v.Suppressed {
		v.NotEnough = fmt.Sprintf("Not enough similar cases have waited as long as you: none of the groups below has %d cases still waiting after %s, so we show no outlook rather than a guess. "+
			"Each group links to its own statistics.", need, units.Duration(a))
		return v
	}
	g := o.Group()
	v.Group, v.GroupLink = phrase.Group(cat, g), link(g)
	v.Why = fmt.Sprintf("the most specific group with at least %d cases still waiting after %s, at the pace of the last six months.", need, units.Duration(a))
	v.Trend = trend(o.DriftPerYear())
	v.Cautions = cautions(o.Cautions)
	v.Sentence = sentence(o)
	if o.Decided >= k {
		v.Rank = fmt.Sprintf("You have waited longer than %s of the %s similar cases that were decided.",
			percent(float64(o.Shorter)/float64(o.Decided)), units.Count(o.Decided))
		if o.Approval != nil {
			v.Approval = fmt.Sprintf("%s of those decided were approved.", percent(*o.Approval))
		}
	}
	v.Borrowed = borrowed(cat, o)
	v.Bar = newBar(o)
	return v
}

// trend words the category's drift, when it is at least 2% a year.
func trend(perYear float64) string {
	switch {
	case perYear >= 1.02:
		return fmt.Sprintf("Waits here have been growing: cases filed a year later have taken about %s longer. The outlook allows for that going on; if the pace picks up, the wait will be shorter.", percent(perYear-1))
	case perYear <= 0.98:
		return fmt.Sprintf("Waits here have been getting shorter: cases filed a year later have taken about %s less time. The outlook allows for that going on; if it stops, the wait will be longer.", percent(1-perYear))
	}
	return ""
}

// cautions words the cautions that come with an outlook.
func cautions(cs []stats.Caution) []string {
	var out []string
	for _, c := range cs {
		switch c {
		case stats.CautionSharedDecided:
			out = append(out, "Many timelines of these cases were shared only after their decision, and people still waiting seem not to share here: the real wait may well be longer than this outlook says.")
		case stats.CautionSilent:
			out = append(out, "Many people waiting here stopped confirming and few came back to record a decision: if they were decided without saying so, the real wait is shorter than this outlook says.")
		}
	}
	return out
}

// sentence is the outlook's first sentence: the share decided by now,
// then the remaining wait of those still waiting, with the dates it
// falls on, honest where the data end.
func sentence(o stats.Outlook) string {
	a := o.Day
	waited := units.Duration(a)
	s := fmt.Sprintf("Of similar cases, %s were decided by the %s you have waited.", percent(o.DecidedByNow), waited)
	month := func(d int) string { return monthOf(o.Date(d)) }
	lo, med, hi := o.Range[0], o.Remaining, o.Range[1]
	switch {
	case med != nil && hi != nil:
		s += fmt.Sprintf(" Half of those still waiting at %s were decided within another %s; 8 in 10 between %s — between %s and %s.",
			waited, units.Duration(*med), units.Span(*lo, *hi, " and "), month(*lo), month(*hi))
	case med != nil:
		s += fmt.Sprintf(" Half of those still waiting at %s were decided within another %s; 8 in 10 between %s and at least %s — between %s and %s or later.",
			waited, units.Duration(*med), units.Duration(*lo), units.Duration(o.AtLeast), month(*lo), month(o.AtLeast))
	case lo != nil:
		s += fmt.Sprintf(" A tenth of those still waiting at %s were decided within another %s, but fewer than half within the %s the data reach: half of them wait at least another %s, until %s or later.",
			waited, units.Duration(*lo), units.Duration(o.AtLeast), units.Duration(o.AtLeast), month(o.AtLeast))
	default:
		s += fmt.Sprintf(" None of those still waiting at %s was decided within the %s the data reach: the rest of the wait is at least %s, until %s or later.",
			waited, units.Duration(o.AtLeast), units.Duration(o.AtLeast), month(o.AtLeast))
	}
	return s
}

// ladder lists the rungs of the outlook with their sizes and links.
func ladder(cat *catalog.Catalog, o stats.Outlook, link LinkFunc) []Rung {
	out := make([]Rung, 0, len(o.Ladder))
	for i, r := range o.Ladder {
		rg := Rung{Label: phrase.Group(cat, r.Filter), Link: link(r.Filter), Suppressed: r.Suppressed,
			Used: i == o.Used, Narrower: o.Used < 0 || i < o.Used}
		if r.Suppressed {
			rg.Counts = "too few cases to show"
		} else {
			rg.Counts = fmt.Sprintf("%s %s, %s still waiting after %s", units.Count(r.Cases), plural(r.Cases, "case", "cases"),
				units.Count(r.AtRiskBeyond), units.Duration(o.Day))
		}
		out = append(out, rg)
	}
	return out
}

// borrowed names the wider groups whose pace the curve takes beyond the
// days the group's own cases have reached.
func borrowed(cat *catalog.Catalog, o stats.Outlook) string {
	var names []string
	seen := map[int]bool{}
	for _, sg := range o.Segments {
		if sg.Rung != o.Used && sg.To > o.Day && !seen[sg.Rung] {
			seen[sg.Rung] = true
			names = append(names, phrase.Group(cat, o.Ladder[sg.Rung].Filter))
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return "Beyond the waits its own cases have reached, the outlook follows the pace of " + names[0] + "."
	}
	s := "Beyond the waits its own cases have reached, the outlook follows the pace of wider groups: "
	for i, n := range names {
		if i > 0 {
			s += "; then "
		}
		s += n
	}
	return s + "."
}

// newBar places the marks of the bar. The scale runs from filing to a
// little past the last mark, so every mark is inside it.
func newBar(o stats.Outlook) *Bar {
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
	month := func(d int) string { return monthOf(o.Date(d)) }
	b.Start = "Filed " + phrase.Month(o.Request.Filed)
	b.End = month(scale - a)
	b.Legend = append(b.Legend, LegendItem{"now", fmt.Sprintf("You: %s since filing, as of %s", units.Duration(a), dayText(o.Request.AsOf))})
	label := fmt.Sprintf("Where you stand: filed %s, waiting %s as of %s.", phrase.Month(o.Request.Filed), units.Duration(a), dayText(o.Request.AsOf))
	switch {
	case lo != nil && hi != nil:
		b.From, b.To = pos(a+*lo), pos(a+*hi)
		text := fmt.Sprintf("8 in 10 of those still waiting are decided between %s and %s", month(*lo), month(*hi))
		b.Legend = append(b.Legend, LegendItem{"range", text})
		label += " " + text + "."
	case lo != nil:
		b.From, b.To = pos(a+*lo), pos(a+o.AtLeast)
		text := fmt.Sprintf("8 in 10 of those still waiting are decided between %s and %s or later", month(*lo), month(o.AtLeast))
		b.Legend = append(b.Legend, LegendItem{"range", text})
		label += " " + text + "."
	default:
		b.From, b.To = pos(a), pos(a+o.AtLeast)
		text := fmt.Sprintf("Not known yet: the data reach to %s", month(o.AtLeast))
		b.Legend = append(b.Legend, LegendItem{"range", text})
		label += " " + text + "."
	}
	if med != nil {
		b.Median = pos(a + *med)
		text := fmt.Sprintf("Half of them are decided by %s", month(*med))
		b.Legend = append(b.Legend, LegendItem{"median", text})
		label += " " + text + "."
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

// NewDecided words the outlook asked as of a case's decision day: 1 -
// DecidedByNow of similar cases were still waiting then.
func NewDecided(cat *catalog.Catalog, o stats.Outlook, k int, link LinkFunc) Decided {
	d := Decided{Suppressed: o.Suppressed(), Ladder: ladder(cat, o, link)}
	if d.Suppressed {
		d.NotEnough = fmt.Sprintf("Not enough similar cases waited as long as this one (%s) to compare it with: none of the groups below has %d cases still waiting after that day.",
			units.Duration(o.Day), max(k, stats.OutlookAtRisk))
		return d
	}
	g := o.Group()
	d.Group, d.GroupLink = phrase.Group(cat, g), link(g)
	faster := 1 - o.DecidedByNow
	d.Sentence = "Decided faster than " + percent(faster) + " of similar cases"
	d.Detail = fmt.Sprintf("It was decided %s after filing; at that point %s of similar cases were still waiting.", units.Duration(o.Day), percent(faster))
	return d
}

// plural picks the singular or plural noun for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
