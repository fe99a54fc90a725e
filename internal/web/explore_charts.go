package web

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/casetrack/casetrack/internal/charts"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/pagecache"
	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/stats"
)

// chartCacheControl lets browsers reuse a chart briefly (a page reload, the
// back button) without showing numbers much older than the page around it.
const chartCacheControl = "public, max-age=60"

// survivalChart converts the engine's curve into the chart's input, in
// l's language: days become months, and confidence limits the engine
// leaves undefined (where the estimate reaches 0) collapse onto the
// estimate.
func survivalChart(l *i18n.Locale, title string, a pageAnswer) charts.SurvivalChart {
	c := charts.SurvivalChart{Locale: l, Title: title, HasBand: true,
		EmptyNote: l.T("charts.empty.none_decided")}
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
func histogramChart(l *i18n.Locale, title string, h stats.Histogram) charts.HistogramChart {
	c := charts.HistogramChart{Locale: l, Title: title, EmptyNote: l.T("charts.empty.none_decided")}
	for _, b := range h.Bins {
		c.Bins = append(c.Bins, charts.HistogramBin{From: toMonths(b.From), To: toMonths(b.To), Count: b.Count})
	}
	return c
}

// trendChart converts a breakdown by filing quarter into trend points,
// each with its median's 95% range; a suppressed quarter or an unreached
// median is a gap.
func trendChart(l *i18n.Locale, title string, b stats.Breakdown) (charts.TrendChart, error) {
	c := charts.TrendChart{Locale: l, Title: title, Step: 3, EmptyNote: l.T("charts.empty.no_quarter")}
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

// fewerNote is the second line of a "Not enough data" chart: fewer than
// the minimum of cases (message id: charts.note.*).
func (s *Server) fewerNote(l *i18n.Locale, id string) string {
	return l.T(id, "Count", s.minCases)
}

// widerNote adds to a "Not enough data" chart's note the nearest wider
// group that has numbers, with its size: an image cannot link, so it
// names the group; the page around it links to it.
func (s *Server) widerNote(l *i18n.Locale, f stats.Filter, note string) string {
	for _, w := range s.index.Wider(f, s.minCases) {
		if !w.Suppressed {
			return note + "\n" + l.T("charts.wider.cases", "Group", widerName(l, w), "Count", w.Cases)
		}
	}
	return note
}

// widerParts are the words for each filter a wider group drops.
var widerParts = map[string]string{
	"details":        "charts.wider.details",
	"service_center": "charts.wider.service_center",
	"country":        "charts.wider.country",
	"filed":          "charts.wider.filed",
}

// widerName says in a few words how a wider group widens ("Any service
// center", "Any country, every filing month").
func widerName(l *i18n.Locale, w stats.WiderGroup) string {
	var parts []string
	for _, d := range strings.Split(w.Dropped, "+") {
		if id, ok := widerParts[d]; ok {
			parts = append(parts, l.T(id))
		}
	}
	if len(parts) == 0 {
		return l.T("charts.wider.group")
	}
	return upperFirst(strings.Join(parts, l.T("charts.wider.separator")))
}

// upperFirst capitalizes the first letter, for scripts that have cases.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// chartHandler serves one chart of an Explore group: the filter is read
// and checked on every request (an invalid one is a 422), and the image is
// drawn by draw, in the request's language, once per change of the
// group's category and served from the rendered-response cache (keyed by
// language, see pageVariant), with its ETag, until then.
func (s *Server) chartHandler(path string, draw func(r *http.Request, f stats.Filter) ([]byte, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := s.chartFilter(r)
		if err != nil {
			return err
		}
		key := s.renderedKey(r, path, filterValues(f))
		return s.serveRendered(w, r, s.statsPages, key, s.index.CategoryVersion(f.Category), func(r *http.Request) (*pagecache.Response, error) {
			body, err := draw(r, f)
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
func (s *Server) survivalSVG(r *http.Request, f stats.Filter) ([]byte, error) {
	l := s.locale(r)
	group := phrase.GroupIn(l, s.reference(r), f)
	title := l.T("charts.title.survival", "Group", group)
	res := s.index.Stats(f, s.minCases)
	if res.Suppressed {
		return s.notEnough(l, title, s.widerNote(l, f, s.fewerNote(l, "charts.note.fewer_cases")))
	}
	a := answerOf(res)
	if a.Pace {
		title = l.T("charts.title.survival_pace", "Group", group)
	}
	if a.Suppressed {
		return s.notEnough(l, title, s.widerNote(l, f, s.fewerNote(l, "charts.note.fewer_waiting")))
	}
	return drawChart(survivalChart(l, title, a))
}

// histogramSVG draws GET /explore/chart/histogram.svg.
func (s *Server) histogramSVG(r *http.Request, f stats.Filter) ([]byte, error) {
	l := s.locale(r)
	title := l.T("charts.title.histogram", "Group", phrase.GroupIn(l, s.reference(r), f))
	h := s.index.Histogram(f, s.minCases)
	if h.Suppressed {
		return s.notEnough(l, title, s.widerNote(l, f, s.fewerNote(l, "charts.note.fewer_decided")))
	}
	return drawChart(histogramChart(l, title, h))
}

// trendSVG draws GET /explore/chart/trend.svg.
func (s *Server) trendSVG(r *http.Request, f stats.Filter) ([]byte, error) {
	l := s.locale(r)
	title := l.T("charts.title.trend", "Group", phrase.GroupIn(l, s.reference(r), f))
	if s.groupSuppressed(f) {
		return s.notEnough(l, title, s.widerNote(l, f, s.fewerNote(l, "charts.note.fewer_cases")))
	}
	b, err := s.index.Breakdown(f, stats.ByQuarter, s.minCases)
	if err != nil {
		return nil, fmt.Errorf("trend: %w", err)
	}
	c, err := trendChart(l, title, b)
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

// notEnough draws the "Not enough data" image in l's language.
func (s *Server) notEnough(l *i18n.Locale, title, note string) ([]byte, error) {
	body, err := charts.NotEnoughData(l, title, note)
	if err != nil {
		return nil, fmt.Errorf("render empty chart: %w", err)
	}
	return body, nil
}
