package charts

import (
	"fmt"
	"time"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/casetrack/casetrack/internal/i18n"
)

// TrendChart shows the median months to decision for each filing period
// (a month or a quarter) as a line inside its 95% range, so people can see
// whether recent filers wait longer or shorter, and how sure that is.
type TrendChart struct {
	// Title names the chart in the SVG's <title>.
	Title string
	// Locale writes the chart's words and numbers; nil means English.
	Locale *i18n.Locale
	// Step is how many months each point covers: 1 for filing months, 3
	// for quarters. Zero means 1.
	Step int
	// Points are the filing periods in increasing order, each named by its
	// first month. Periods without a value (too few cases, or a median not
	// reached yet) are left as gaps in the line and the band.
	Points []TrendPoint
	// EmptyNote is shown under "Not enough data" when no period has a value.
	EmptyNote string
}

// TrendPoint is the median for one filing period.
type TrendPoint struct {
	Year  int
	Month time.Month
	// Median months from filing to decision; drawn only when HasValue.
	Median   float64
	HasValue bool
	// Lower and Upper are the ends of the median's 95% range, in months.
	// An end the data do not reach yet (HasLower or HasUpper false) opens
	// the band to the edge of the chart rather than invent one.
	Lower, Upper       float64
	HasLower, HasUpper bool
}

// ordinal numbers months consecutively so that gaps keep their width.
func (p TrendPoint) ordinal() int { return p.Year*12 + int(p.Month) - 1 }

// step is the chart's months per point.
func (c TrendChart) step() int { return max(c.Step, 1) }

// check rejects points that cannot be drawn.
func (c TrendChart) check() error {
	if c.Step < 0 {
		return fmt.Errorf("%w: step %d", ErrInvalidInput, c.Step)
	}
	for i, p := range c.Points {
		if p.Month < time.January || p.Month > time.December {
			return fmt.Errorf("%w: point %d month %d", ErrInvalidInput, i, p.Month)
		}
		if i > 0 && p.ordinal() <= c.Points[i-1].ordinal() {
			return fmt.Errorf("%w: point %d (%d-%02d) is not after the one before", ErrInvalidInput, i, p.Year, p.Month)
		}
		if !p.HasValue {
			continue
		}
		if !finite(p.Median) || p.Median < 0 {
			return fmt.Errorf("%w: point %d median %v", ErrInvalidInput, i, p.Median)
		}
		if p.HasLower && (!finite(p.Lower) || p.Lower < 0 || p.Lower > p.Median) {
			return fmt.Errorf("%w: point %d lower end %v for median %v", ErrInvalidInput, i, p.Lower, p.Median)
		}
		if p.HasUpper && (!finite(p.Upper) || p.Upper < p.Median) {
			return fmt.Errorf("%w: point %d upper end %v for median %v", ErrInvalidInput, i, p.Upper, p.Median)
		}
	}
	return nil
}

// SVG draws the trend: the shaded 95% range of each run of consecutive
// periods with a value, the median as a line through it, and a dot on
// each median, so a lone period between gaps still shows.
func (c TrendChart) SVG() ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	l, err := localeOr(c.Locale)
	if err != nil {
		return nil, err
	}
	runs := trendRuns(c.Points, c.step())
	if len(runs) == 0 {
		return NotEnoughData(l, c.Title, c.EmptyNote)
	}
	top := trendTop(runs)

	p := newPlot(l, "charts.axis.filing_date", "charts.axis.median_months")
	p.X.Tick.Marker = monthTicks(l, 4)
	p.Y.Tick.Marker = numberTicks(l, 5, true)
	p.Add(grid())
	line := draw.LineStyle{Color: colorBlue, Width: vg.Points(2)}
	var dots plotter.XYs
	for _, r := range runs {
		band, err := plotter.NewPolygon(r.band(c.step(), top))
		if err != nil {
			return nil, fmt.Errorf("trend band: %w", err)
		}
		band.Color = colorBand
		band.LineStyle.Width = 0
		p.Add(band)
		if len(r) >= 2 {
			median, err := plotter.NewLine(r.medians())
			if err != nil {
				return nil, fmt.Errorf("trend line: %w", err)
			}
			median.LineStyle = line
			p.Add(median)
		}
		dots = append(dots, r.medians()...)
	}
	s, err := plotter.NewScatter(dots)
	if err != nil {
		return nil, fmt.Errorf("trend points: %w", err)
	}
	s.GlyphStyle = draw.GlyphStyle{Color: colorBlue, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
	p.Add(s)

	first, last := float64(c.Points[0].ordinal()), float64(c.Points[len(c.Points)-1].ordinal()+c.step()-1)
	p.X.Min, p.X.Max = first-0.5, last+0.5
	p.Y.Min, p.Y.Max = 0, top
	return render(p, l, c.Title)
}

// trendSpot is one period with a value, placed at the middle of its
// months, with its range clipped to what the chart shows later.
type trendSpot struct {
	x                  float64
	median, lo, hi     float64
	hasLower, hasUpper bool
}

// trendRun is a run of consecutive periods with a value.
type trendRun []trendSpot

// medians are the run's medians as points.
func (r trendRun) medians() plotter.XYs {
	xy := make(plotter.XYs, len(r))
	for i, s := range r {
		xy[i] = plotter.XY{X: s.x, Y: s.median}
	}
	return xy
}

// band outlines the run's 95% range: along the lower ends left to right,
// back along the upper ends. An unknown end reaches the axis (0 below,
// top above), and ends beyond top are cut at it. A run of one period is
// a box a little narrower than its period.
func (r trendRun) band(step int, top float64) plotter.XYs {
	lo := func(s trendSpot) float64 {
		if !s.hasLower {
			return 0
		}
		return min(s.lo, top)
	}
	hi := func(s trendSpot) float64 {
		if !s.hasUpper {
			return top
		}
		return min(s.hi, top)
	}
	if len(r) == 1 {
		s, w := r[0], 0.35*float64(step)
		return plotter.XYs{{X: s.x - w, Y: lo(s)}, {X: s.x + w, Y: lo(s)}, {X: s.x + w, Y: hi(s)}, {X: s.x - w, Y: hi(s)}}
	}
	out := make(plotter.XYs, 0, 2*len(r))
	for _, s := range r {
		out = append(out, plotter.XY{X: s.x, Y: lo(s)})
	}
	for i := len(r) - 1; i >= 0; i-- {
		out = append(out, plotter.XY{X: r[i].x, Y: hi(r[i])})
	}
	return out
}

// trendRuns splits the periods with a value into runs of consecutive
// periods, each drawn as one band and one line.
func trendRuns(points []TrendPoint, step int) []trendRun {
	var runs []trendRun
	var run trendRun
	prev := 0
	for _, pt := range points {
		if !pt.HasValue {
			continue
		}
		if len(run) > 0 && pt.ordinal() != prev+step {
			runs = append(runs, run)
			run = nil
		}
		run = append(run, trendSpot{x: float64(pt.ordinal()) + float64(step-1)/2, median: pt.Median,
			lo: pt.Lower, hi: pt.Upper, hasLower: pt.HasLower, hasUpper: pt.HasUpper})
		prev = pt.ordinal()
	}
	if len(run) > 0 {
		runs = append(runs, run)
	}
	return runs
}

// trendTop is the top of the month axis: room above the highest median
// and the known upper ends, but never more than twice the highest median,
// so that one wide range does not flatten every line (the band is cut at
// the top instead).
func trendTop(runs []trendRun) float64 {
	medians, uppers := 0.0, 0.0
	for _, r := range runs {
		for _, s := range r {
			medians = max(medians, s.median)
			if s.hasUpper {
				uppers = max(uppers, s.hi)
			}
		}
	}
	return max(max(medians, min(uppers, 2*medians))*1.1, 1)
}
