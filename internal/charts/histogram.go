package charts

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/casetrack/casetrack/internal/i18n"
)

// HistogramChart shows how many decided cases took how long: one bar per
// bin of months from filing to decision.
type HistogramChart struct {
	// Title names the chart in the SVG's <title>.
	Title string
	// Locale writes the chart's words and numbers; nil means English.
	Locale *i18n.Locale
	// Bins are the bars, in increasing From, not overlapping.
	Bins []HistogramBin
	// EmptyNote is shown under "Not enough data" when there is nothing to draw.
	EmptyNote string
}

// HistogramBin counts the decisions that took From ≤ months < To.
type HistogramBin struct {
	From, To float64
	Count    int
}

// empty reports whether no bin holds a case.
func (c HistogramChart) empty() bool {
	for _, b := range c.Bins {
		if b.Count > 0 {
			return false
		}
	}
	return true
}

// check rejects bins that cannot be drawn.
func (c HistogramChart) check() error {
	prev := 0.0
	for i, b := range c.Bins {
		if !finite(b.From, b.To) || b.From < prev || b.To <= b.From || b.Count < 0 {
			return fmt.Errorf("%w: bin %d [%v, %v) count %d", ErrInvalidInput, i, b.From, b.To, b.Count)
		}
		prev = b.To
	}
	return nil
}

// SVG draws the histogram, or the "Not enough data" image when every bin
// is empty.
func (c HistogramChart) SVG() ([]byte, error) {
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
	h := &plotter.Histogram{
		Bins:      make([]plotter.HistogramBin, len(c.Bins)),
		FillColor: colorSkyBlue,
		LineStyle: draw.LineStyle{Color: color.White, Width: vg.Points(0.75)},
	}
	maxCount := 0
	for i, b := range c.Bins {
		h.Bins[i] = plotter.HistogramBin{Min: b.From, Max: b.To, Weight: float64(b.Count)}
		maxCount = max(maxCount, b.Count)
	}
	h.Width = c.Bins[0].To - c.Bins[0].From

	p := newPlot(l, "charts.axis.months_to_decision", "charts.axis.decided_cases")
	p.X.Tick.Marker = numberTicks(l, 6, true)
	p.Y.Tick.Marker = numberTicks(l, 5, true)
	p.Add(grid(), h)
	p.X.Min = c.Bins[0].From
	p.X.Max = c.Bins[len(c.Bins)-1].To
	p.Y.Min = 0
	p.Y.Max = float64(maxCount) * 1.08
	return render(p, l, c.Title)
}
