package charts

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/casetrack/casetrack/internal/i18n"
)

// SurvivalChart is a Kaplan-Meier "share still waiting" curve: the share
// of cases not yet decided, by months since filing.
type SurvivalChart struct {
	// Title names the chart in the SVG's <title>.
	Title string
	// Locale writes the chart's words and numbers; nil means English.
	Locale *i18n.Locale
	// Steps are the points where the curve drops, in increasing Months.
	// The curve starts at 100% at month 0.
	Steps []SurvivalStep
	// HasBand draws the 95% confidence band from each step's Lower and Upper.
	HasBand bool
	// FollowUp is the longest time observed (months), decided or still
	// pending; the last step is drawn flat up to it.
	FollowUp float64
	// Median is the estimated median in months, marked on the curve when
	// MedianReached; otherwise the chart says the median is not reached.
	Median        float64
	MedianReached bool
	// EmptyNote is shown under "Not enough data" when there is nothing to draw.
	EmptyNote string
}

// SurvivalStep is one drop of the curve.
type SurvivalStep struct {
	// Months since filing at which the share drops.
	Months float64
	// Share still waiting just after Months, between 0 and 1.
	Share float64
	// Lower and Upper bound the 95% confidence band for Share (0–1).
	Lower, Upper float64
}

// empty reports whether the chart has nothing to draw.
func (c SurvivalChart) empty() bool { return len(c.Steps) == 0 && c.FollowUp <= 0 }

// check rejects input that cannot be a survival curve.
func (c SurvivalChart) check() error {
	if !finite(c.FollowUp) || c.FollowUp < 0 {
		return fmt.Errorf("%w: follow-up %v months", ErrInvalidInput, c.FollowUp)
	}
	if c.MedianReached && (!finite(c.Median) || c.Median < 0) {
		return fmt.Errorf("%w: median %v months", ErrInvalidInput, c.Median)
	}
	prev := 0.0
	for i, s := range c.Steps {
		if !finite(s.Months, s.Share) || s.Months < prev || s.Share < 0 || s.Share > 1 {
			return fmt.Errorf("%w: step %d (%v months, share %v)", ErrInvalidInput, i, s.Months, s.Share)
		}
		if c.HasBand && (!finite(s.Lower, s.Upper) || s.Lower < 0 || s.Upper > 1 || s.Lower > s.Upper) {
			return fmt.Errorf("%w: step %d band %v–%v", ErrInvalidInput, i, s.Lower, s.Upper)
		}
		prev = s.Months
	}
	return nil
}

// SVG draws the curve. With no steps and no follow-up it returns the
// "Not enough data" image instead.
func (c SurvivalChart) SVG() ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	l, err := localeOr(c.Locale)
	if err != nil {
		return nil, err
	}
	if c.empty() {
		return NotEnoughData(l, c.Title, c.EmptyNote)
	}
	end := c.FollowUp
	if n := len(c.Steps); n > 0 {
		end = math.Max(end, c.Steps[n-1].Months)
	}
	if c.MedianReached {
		end = math.Max(end, c.Median)
	}
	end = math.Max(end, 1)
	steps := thinSteps(c.Steps, end, int(canvasWidth))

	p := newPlot(l, "charts.axis.months_since_filing", "charts.axis.still_waiting")
	p.X.Min, p.X.Max = 0, end
	p.Y.Min, p.Y.Max = 0, 100
	p.X.Tick.Marker = numberTicks(l, 6, true)
	p.Y.Tick.Marker = percentTicks(l)
	p.Add(grid())

	if c.HasBand && len(steps) > 0 {
		band, err := plotter.NewPolygon(bandOutline(steps, end))
		if err != nil {
			return nil, fmt.Errorf("survival band: %w", err)
		}
		band.Color = colorBand
		band.LineStyle.Width = 0
		p.Add(band)
	}

	curve, err := plotter.NewLine(curvePoints(steps, end))
	if err != nil {
		return nil, fmt.Errorf("survival curve: %w", err)
	}
	curve.StepStyle = plotter.PostStep
	curve.LineStyle = draw.LineStyle{Color: colorBlue, Width: vg.Points(2)}
	p.Add(curve)

	guide := plotter.XYs{{X: 0, Y: 50}, {X: end, Y: 50}}
	if c.MedianReached {
		guide = plotter.XYs{{X: 0, Y: 50}, {X: c.Median, Y: 50}, {X: c.Median, Y: 0}}
	}
	marker, err := plotter.NewLine(guide)
	if err != nil {
		return nil, fmt.Errorf("median marker: %w", err)
	}
	marker.LineStyle = draw.LineStyle{Color: colorVermilion, Width: vg.Points(1.25), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	p.Add(marker, medianLabel{locale: l, months: c.Median, reached: c.MedianReached})
	return render(p, l, c.Title)
}

// thinSteps keeps at most one step per column when [0, end] is cut into
// columns equal parts, columns being the canvas width in points: finer
// detail cannot show, and a large group's curve has a step for nearly
// every day, which made the chart about 100 KB, half of its time spent
// printing points no screen could tell apart.
//
// The step kept in a column is its last one. The curve never rises, so at
// the end of every column the thinned curve has exactly the full curve's
// value: it is the full curve with each drop moved right by less than one
// column, never up or down, and every column in which the curve drops
// still shows the drop. The band's bounds are those of the kept step, so
// they too are exact there and differ at most within one column.
func thinSteps(steps []SurvivalStep, end float64, columns int) []SurvivalStep {
	if len(steps) <= columns || end <= 0 {
		return steps
	}
	column := func(months float64) int { return min(int(months/end*float64(columns)), columns-1) }
	out := make([]SurvivalStep, 0, columns)
	for i, s := range steps {
		if i+1 < len(steps) && column(steps[i+1].Months) == column(s.Months) {
			continue // a later step of the same column stands for this one
		}
		out = append(out, s)
	}
	return out
}

// curvePoints returns the step curve in percent, from (0, 100%) to end.
// The line is drawn post-step: each value holds until the next point.
func curvePoints(steps []SurvivalStep, end float64) plotter.XYs {
	pts := make(plotter.XYs, 0, len(steps)+2)
	pts = append(pts, plotter.XY{X: 0, Y: 100})
	last := 100.0
	for _, s := range steps {
		last = s.Share * 100
		pts = append(pts, plotter.XY{X: s.Months, Y: last})
	}
	return append(pts, plotter.XY{X: end, Y: last})
}

// bandOutline returns the confidence band as one closed outline: the
// upper bound as a step function from month 0 to end, then the lower bound
// back. Before the first drop nobody has been decided, so the band is the
// single value 100%.
func bandOutline(steps []SurvivalStep, end float64) plotter.XYs {
	out := make(plotter.XYs, 0, 4*len(steps)+4)
	prev := 100.0
	out = append(out, plotter.XY{X: 0, Y: 100})
	for _, s := range steps {
		out = append(out, plotter.XY{X: s.Months, Y: prev}, plotter.XY{X: s.Months, Y: s.Upper * 100})
		prev = s.Upper * 100
	}
	out = append(out, plotter.XY{X: end, Y: prev})
	prev = steps[len(steps)-1].Lower * 100
	out = append(out, plotter.XY{X: end, Y: prev})
	for i := len(steps) - 1; i >= 0; i-- {
		before := 100.0
		if i > 0 {
			before = steps[i-1].Lower * 100
		}
		out = append(out, plotter.XY{X: steps[i].Months, Y: steps[i].Lower * 100}, plotter.XY{X: steps[i].Months, Y: before})
	}
	return out
}

// medianLabel writes the median beside its marker where the curve cannot
// be: up and right of the point (median, 50%), since the curve is at or
// below 50% after the median; or, when the text would run off the right
// edge, down and left of it, since the curve is above 50% before the
// median. An unreached median is said under the right end of the 50% line,
// a region the curve never enters. A legend was tried and dropped: on a
// phone-sized chart it always covered part of the curve.
type medianLabel struct {
	locale  *i18n.Locale
	months  float64
	reached bool
}

// Plot implements plot.Plotter.
func (m medianLabel) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	gap := vg.Points(4)
	if !m.reached {
		sty := textStyle(legendSize, colorVermilionText, draw.XRight, draw.YTop)
		c.FillText(sty, vg.Point{X: c.Max.X - gap, Y: trY(50) - gap}, m.locale.T("charts.median_not_reached"))
		return
	}
	txt := m.locale.T("charts.median", "Duration", m.locale.T("units.months", "Count", m.months))
	x, y := trX(m.months), trY(50)
	sty := textStyle(legendSize, colorVermilionText, draw.XLeft, draw.YBottom)
	if x+gap+sty.Width(txt) > c.Max.X {
		sty.XAlign, sty.YAlign = draw.XRight, draw.YTop
		c.FillText(sty, vg.Point{X: x - gap, Y: y - gap}, txt)
		return
	}
	c.FillText(sty, vg.Point{X: x + gap, Y: y + gap}, txt)
}
