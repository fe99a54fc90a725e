package charts

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/plot"

	"github.com/casetrack/casetrack/internal/i18n"
)

// niceStep returns the smallest step of the form 1, 2 or 5 times a power of
// ten that splits span into at most maxTicks intervals. With integer set
// the step is at least 1, for axes of whole cases or whole months.
func niceStep(span float64, maxTicks int, integer bool) float64 {
	if span <= 0 || maxTicks < 1 {
		return 1
	}
	raw := span / float64(maxTicks)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if integer && step < 1 {
		step = 1
	}
	return step
}

// numberTicks labels round values between min and max, at most maxTicks
// of them, without decimals when integer is set, in the language's digits
// and grouping. gonum's default ticker aims at three labels with decimals
// ("2.50"), which reads poorly for months and counts.
func numberTicks(l *i18n.Locale, maxTicks int, integer bool) plot.Ticker {
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		step := niceStep(max-min, maxTicks, integer)
		first := math.Ceil(min/step-1e-9) * step
		var ticks []plot.Tick
		for v := first; v <= max+step*1e-9; v += step {
			if math.Abs(v) < step*1e-9 {
				v = 0
			}
			ticks = append(ticks, plot.Tick{Value: v, Label: numberLabel(l, v, integer)})
		}
		return ticks
	})
}

// numberLabel writes a tick value: whole values like every count on the
// site ("1,200", "١٬٢٠٠"), others with one decimal, enough for the steps
// of 0.1 and more that month axes use.
func numberLabel(l *i18n.Locale, v float64, integer bool) string {
	if whole := math.Round(v); integer || math.Abs(v-whole) < 1e-9 {
		return l.Count(int(whole))
	}
	return l.Decimal(v)
}

// percentTicks labels a 0–100 axis in quarters.
func percentTicks(l *i18n.Locale) plot.Ticker {
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		var ticks []plot.Tick
		for v := 0.0; v <= 100; v += 25 {
			if v >= min-1e-9 && v <= max+1e-9 {
				ticks = append(ticks, plot.Tick{Value: v, Label: l.T("charts.percent", "Value", l.Digits(int(v)))})
			}
		}
		return ticks
	})
}

// monthTicks labels an axis of month ordinals (year*12 + month-1) with at
// most maxTicks labels: "Jan 2024" when ticks are less than a year apart,
// otherwise just the year at each January.
func monthTicks(l *i18n.Locale, maxTicks int) plot.Ticker {
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		lo, hi := int(math.Ceil(min-1e-9)), int(math.Floor(max+1e-9))
		span := hi - lo
		step := 1
		for _, s := range []int{1, 2, 3, 6, 12, 24, 60, 120} {
			step = s
			if span/s+1 <= maxTicks {
				break
			}
		}
		first := lo
		if r := ((first % step) + step) % step; r != 0 {
			first += step - r
		}
		var ticks []plot.Tick
		for n := first; n <= hi; n += step {
			y, m := n/12, time.Month(n%12+1)
			label := l.T("charts.month_tick", "Month", l.T(fmt.Sprintf("charts.month_short_%d", int(m))), "Year", l.Digits(y))
			if step >= 12 {
				label = l.Digits(y)
			}
			ticks = append(ticks, plot.Tick{Value: float64(n), Label: label})
		}
		return ticks
	})
}
