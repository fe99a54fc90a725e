package charts

import (
	"fmt"
	"time"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// TrendChart shows the median months to decision for each filing month,
// so people can see whether recent filers wait longer or shorter.
type TrendChart struct {
	// Title names the chart in the SVG's <title>.
	Title string
	// Points are the filing months in increasing order. Months without a
	// value (too few cases, or a median not reached yet) are left as gaps.
	Points []TrendPoint
	// EmptyNote is shown under "Not enough data" when no month has a value.
	EmptyNote string
}

// TrendPoint is the median for one filing month.
type TrendPoint struct {
	Year  int
	Month time.Month
	// Median months from filing to decision; drawn only when HasValue.
	Median   float64
	HasValue bool
}

// ordinal numbers months consecutively so that gaps keep their width.
func (p TrendPoint) ordinal() int { return p.Year*12 + int(p.Month) - 1 }

// check rejects points that cannot be drawn.
func (c TrendChart) check() error {
	for i, p := range c.Points {
		if p.Month < time.January || p.Month > time.December {
			return fmt.Errorf("%w: point %d month %d", ErrInvalidInput, i, p.Month)
		}
		if i > 0 && p.ordinal() <= c.Points[i-1].ordinal() {
			return fmt.Errorf("%w: point %d (%d-%02d) is not after the one before", ErrInvalidInput, i, p.Year, p.Month)
		}
		if p.HasValue && (!finite(p.Median) || p.Median < 0) {
			return fmt.Errorf("%w: point %d median %v", ErrInvalidInput, i, p.Median)
		}
	}
	return nil
}

// SVG draws the trend: dots for months with a value, joined by a line
// only between consecutive months, so a missing month shows as a gap.
func (c TrendChart) SVG() ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	runs, dots := trendShapes(c.Points)
	if len(dots) == 0 {
		return NotEnoughData(c.Title, c.EmptyNote)
	}
	top := 0.0
	for _, d := range dots {
		top = max(top, d.Y)
	}

	p := newPlot("Filing month", "Median months to decision")
	p.X.Tick.Marker = monthTicks(4)
	p.Y.Tick.Marker = numberTicks(5, true)
	p.Add(grid())
	line := draw.LineStyle{Color: colorBlue, Width: vg.Points(1.5)}
	for _, r := range runs {
		l, err := plotter.NewLine(r)
		if err != nil {
			return nil, fmt.Errorf("trend line: %w", err)
		}
		l.LineStyle = line
		p.Add(l)
	}
	s, err := plotter.NewScatter(dots)
	if err != nil {
		return nil, fmt.Errorf("trend points: %w", err)
	}
	s.GlyphStyle = draw.GlyphStyle{Color: colorBlue, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
	p.Add(s)

	first, last := float64(c.Points[0].ordinal()), float64(c.Points[len(c.Points)-1].ordinal())
	p.X.Min, p.X.Max = first-0.5, last+0.5
	p.Y.Min, p.Y.Max = 0, max(top*1.1, 1)
	return render(p, c.Title)
}

// trendShapes splits the months with a value into runs of consecutive
// months (each drawn as a line, if it has two points or more) and the dots
// for every such month.
func trendShapes(points []TrendPoint) (lines []plotter.XYs, dots plotter.XYs) {
	var run plotter.XYs
	prev := 0
	flush := func() {
		if len(run) >= 2 {
			lines = append(lines, run)
		}
		run = nil
	}
	for _, pt := range points {
		if !pt.HasValue {
			continue
		}
		if len(dots) > 0 && pt.ordinal() != prev+1 {
			flush()
		}
		xy := plotter.XY{X: float64(pt.ordinal()), Y: pt.Median}
		run = append(run, xy)
		dots = append(dots, xy)
		prev = pt.ordinal()
	}
	flush()
	return lines, dots
}
