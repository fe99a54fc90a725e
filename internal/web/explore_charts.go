package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/charts"
	"github.com/casetrack/casetrack/internal/pagecache"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/units"
)

// chartCacheControl lets browsers reuse a chart briefly (a page reload, the
// back button) without showing numbers much older than the page around it.
const chartCacheControl = "public, max-age=60"

// survivalChart converts the engine's curve into the chart's input: days
// become months, and confidence limits the engine leaves undefined (where
// the estimate reaches 0) collapse onto the estimate.
func survivalChart(title string, a pageAnswer) charts.SurvivalChart {
	c := charts.SurvivalChart{Title: title, HasBand: true,
		EmptyNote: "No case in this group has been decided yet."}
	for _, p := range a.Curve.Points {
		lo, hi := p.CI()
		if math.IsNaN(lo) || math.IsNaN(hi) {
			lo, hi = p.S, p.S
		}
		c.Steps = append(c.Steps, charts.SurvivalStep{Months: toMonths(p.T), Share: p.S, Lower: lo, Upper: hi})
	}
	if n := len(c.Steps); n > 0 {
		c.FollowUp = c.Steps[n-1].Months
	}
	if a.Median != nil {
		c.Median, c.MedianReached = toMonths(*a.Median), true
	}
	return c
}

// histogramChart converts the engine's day bins into month bins.
func histogramChart(title string, h stats.Histogram) charts.HistogramChart {
	c := charts.HistogramChart{Title: title, EmptyNote: "No case in this group has been decided yet."}
	for _, b := range h.Bins {
		c.Bins = append(c.Bins, charts.HistogramBin{From: toMonths(b.From), To: toMonths(b.To), Count: b.Count})
	}
	return c
}

// trendChart converts a breakdown by filing quarter into trend points,
// each with its median's 95% range; a suppressed quarter or an unreached
// median is a gap.
func trendChart(title string, b stats.Breakdown) (charts.TrendChart, error) {
	c := charts.TrendChart{Title: title, Step: 3, EmptyNote: "No filing quarter has enough decided cases yet."}
	for _, r := range b.Rows {
		var y, q int
		if _, err := fmt.Sscanf(r.Key, "%d-Q%d", &y, &q); err != nil || q < 1 || q > 4 {
			return c, fmt.Errorf("trend row %q: not a quarter", r.Key)
		}
		pt := charts.TrendPoint{Year: y, Month: time.Month(3*q - 2)}
		if !r.Suppressed && r.Median != nil {
			pt.Median, pt.HasValue = toMonths(*r.Median), true
			if lo := r.MedianCI[0]; lo != nil {
				pt.Lower, pt.HasLower = toMonths(*lo), true
			}
			if hi := r.MedianCI[1]; hi != nil {
				pt.Upper, pt.HasUpper = toMonths(*hi), true
			}
		}
		c.Points = append(c.Points, pt)
	}
	return c, nil
}

// chartFilter parses the filter of a chart request. Invalid filters are a
// 422 like everywhere else; the page never links to one.
func (s *Server) chartFilter(r *http.Request) (stats.Filter, error) {
	f, fe := s.parseFilter(filterFormOf(r.URL.Query()))
	if fe != nil {
		return f, filterError(fe)
	}
	return f, nil
}

// suppressedNote is the second line of a "Not enough data" chart.
func (s *Server) suppressedNote() string {
	return "Fewer than " + strconv.Itoa(s.minCases) + " cases match these filters."
}

// widerNote adds to a "Not enough data" chart's note the nearest wider
// group that has numbers, with its size: an image cannot link, so it
// names the group; the page around it links to it.
func (s *Server) widerNote(f stats.Filter, note string) string {
	for _, w := range s.index.Wider(f, s.minCases) {
		if !w.Suppressed {
			return note + "\n" + widerName(w) + ": " + units.Count(w.Cases) + " cases"
		}
	}
	return note
}

// widerName says in a few words how a wider group widens ("Any service
// center", "Any country, every filing month").
func widerName(w stats.WiderGroup) string {
	var parts []string
	for _, d := range strings.Split(w.Dropped, "+") {
		switch d {
		case "details":
			parts = append(parts, "any processing, office or priority date")
		case "service_center":
			parts = append(parts, "any service center")
		case "country":
			parts = append(parts, "any country")
		case "filed":
			parts = append(parts, "every filing month")
		}
	}
	out := strings.Join(parts, ", ")
	if out == "" {
		return "Wider group"
	}
	return strings.ToUpper(out[:1]) + out[1:]
}

// chartHandler serves one chart of an Explore group: the filter is read
// and checked on every request (an invalid one is a 422), and the image is
// drawn by draw once per change of the group's category and served from
// the rendered-response cache, with its ETag, until then.
func (s *Server) chartHandler(path string, draw func(f stats.Filter) ([]byte, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := s.chartFilter(r)
		if err != nil {
			return err
		}
		key := s.renderedKey(r, path, filterValues(f))
		return s.serveRendered(w, r, key, s.index.CategoryVersion(f.Category), func() (*pagecache.Response, error) {
			body, err := draw(f)
			if err != nil {
				return nil, err
			}
			return pagecache.NewResponse("image/svg+xml", body), nil
		}, svgHeaders)
	}
}

// svgHeaders are the relaxed policy web.md allows for images (they cannot
// run scripts, and the chart library writes style attributes), and a
// short cache lifetime.
func svgHeaders(h http.Header) {
	h.Set("Content-Security-Policy", svgContentSecurityPolicy)
	h.Set("Cache-Control", chartCacheControl)
}

// survivalSVG draws GET /explore/chart/survival.svg.
func (s *Server) survivalSVG(f stats.Filter) ([]byte, error) {
	title := "Share of " + groupPhrase(s.cat, f) + " still waiting"
	res := s.index.Stats(f, s.minCases)
	if res.Suppressed {
		return s.notEnough(title, s.widerNote(f, s.suppressedNote()))
	}
	a := answerOf(res)
	if a.Pace {
		title += ", at the pace of the last six months"
	}
	if a.Suppressed {
		return s.notEnough(title, s.widerNote(f, "Fewer than "+strconv.Itoa(s.minCases)+" cases were waiting during the last six months."))
	}
	return drawChart(survivalChart(title, a))
}

// histogramSVG draws GET /explore/chart/histogram.svg.
func (s *Server) histogramSVG(f stats.Filter) ([]byte, error) {
	title := "Months from filing to decision, " + groupPhrase(s.cat, f)
	h := s.index.Histogram(f, s.minCases)
	if h.Suppressed {
		return s.notEnough(title, s.widerNote(f, "Fewer than "+strconv.Itoa(s.minCases)+" decided cases match these filters."))
	}
	return drawChart(histogramChart(title, h))
}

// trendSVG draws GET /explore/chart/trend.svg.
func (s *Server) trendSVG(f stats.Filter) ([]byte, error) {
	title := "Median months to decision by filing quarter, with its 95% range, " + groupPhrase(s.cat, f)
	if s.groupSuppressed(f) {
		return s.notEnough(title, s.widerNote(f, s.suppressedNote()))
	}
	b, err := s.index.Breakdown(f, stats.ByQuarter, s.minCases)
	if err != nil {
		return nil, fmt.Errorf("trend: %w", err)
	}
	c, err := trendChart(title, b)
	if err != nil {
		return nil, err
	}
	return drawChart(c)
}

// svgChart is any chart of package charts.
type svgChart interface{ SVG() ([]byte, error) }

// drawChart renders a chart as an SVG image.
func drawChart(c svgChart) ([]byte, error) {
	body, err := c.SVG()
	if err != nil {
		return nil, fmt.Errorf("render chart: %w", err)
	}
	return body, nil
}

// notEnough draws the "Not enough data" image.
func (s *Server) notEnough(title, note string) ([]byte, error) {
	body, err := charts.NotEnoughData(title, note)
	if err != nil {
		return nil, fmt.Errorf("render empty chart: %w", err)
	}
	return body, nil
}
