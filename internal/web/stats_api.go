package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The statistics API (API.md, "Statistics"): the numbers behind the
// explore page as JSON, from the in-memory index, with the same filters
// and the same minimum group size k.

// paramDimension is the breakdown dimension parameter.
const paramDimension = "dimension"

// apiFilter parses the filter of a statistics request; problems are a 422
// with one message per field, in the reader's language like the rest of
// the API's human text.
func (s *Server) apiFilter(r *http.Request, extra timeline.FieldErrors) (stats.Filter, error) {
	f, fe := s.parseFilterIn(s.locale(r), filterFormOf(r.URL.Query()))
	for k, v := range extra {
		if fe == nil {
			fe = timeline.FieldErrors{}
		}
		fe[k] = v
	}
	if fe != nil {
		return f, errValidation(fe)
	}
	return f, nil
}

// apiStats handles GET /api/v1/stats.
func (s *Server) apiStats(w http.ResponseWriter, r *http.Request) error {
	f, err := s.apiFilter(r, nil)
	if err != nil {
		return err
	}
	return s.writeStatsJSON(w, r, f.Category, s.statsKey("stats", f, ""), func() (any, error) {
		return s.index.Stats(f, s.minCases), nil
	})
}

// breakdownJSON is a breakdown as the API sends it. When the whole group
// has fewer than k cases it is suppressed with no rows at all: even rows
// without numbers would tell which countries or centers occur in it.
type breakdownJSON struct {
	stats.Breakdown
	Suppressed bool `json:"suppressed"`
}

// apiBreakdown handles GET /api/v1/stats/breakdown?dimension=...
func (s *Server) apiBreakdown(w http.ResponseWriter, r *http.Request) error {
	raw := strings.TrimSpace(r.URL.Query().Get(paramDimension))
	var extra timeline.FieldErrors
	dim, derr := stats.ParseDimension(strings.ToLower(raw))
	switch l := s.locale(r); {
	case raw == "":
		extra = timeline.FieldErrors{paramDimension: l.T("forms.filter.dimension_missing", "Names", dimensionNames(l))}
	case derr != nil:
		extra = timeline.FieldErrors{paramDimension: l.T("forms.filter.dimension_unknown", "Value", quoteInput(raw), "Names", dimensionNames(l))}
	}
	f, err := s.apiFilter(r, extra)
	if err != nil {
		return err
	}
	if fe := s.detailDimensionError(s.locale(r), f.Category, dim); fe != nil {
		return errValidation(fe)
	}
	return s.writeBreakdown(w, r, f, dim)
}

// apiTrend handles GET /api/v1/stats/trend: the breakdown by filing month.
func (s *Server) apiTrend(w http.ResponseWriter, r *http.Request) error {
	f, err := s.apiFilter(r, nil)
	if err != nil {
		return err
	}
	return s.writeBreakdown(w, r, f, stats.ByMonth)
}

// groupSuppressed reports whether the whole group has fewer than k cases,
// so that its breakdowns and charts show nothing, not even which values
// occur in it.
func (s *Server) groupSuppressed(f stats.Filter) bool { return s.index.Count(f) < s.minCases }

// writeBreakdown answers with one breakdown of the group.
func (s *Server) writeBreakdown(w http.ResponseWriter, r *http.Request, f stats.Filter, dim stats.Dimension) error {
	return s.writeStatsJSON(w, r, f.Category, s.statsKey("breakdown", f, string(dim)), func() (any, error) {
		if s.groupSuppressed(f) {
			return breakdownJSON{
				Breakdown:  stats.Breakdown{Filter: f, By: dim, MinCases: s.minCases, Rows: []stats.BreakdownRow{}},
				Suppressed: true,
			}, nil
		}
		b, err := s.index.Breakdown(f, dim, s.minCases)
		if err != nil {
			return nil, err
		}
		return breakdownJSON{Breakdown: b}, nil
	})
}

// apiHistogram handles GET /api/v1/stats/histogram.
func (s *Server) apiHistogram(w http.ResponseWriter, r *http.Request) error {
	f, err := s.apiFilter(r, nil)
	if err != nil {
		return err
	}
	return s.writeStatsJSON(w, r, f.Category, s.statsKey("histogram", f, ""), func() (any, error) {
		return s.index.Histogram(f, s.minCases), nil
	})
}

// quoteInput quotes user input for a message, shortened.
func quoteInput(s string) string { return strconv.Quote(clipInput(s, 40)) }

// dimensionNames lists the breakdown dimensions as a client types them,
// quoted, joined in l ("country", "month" or "premium").
func dimensionNames(l *i18n.Locale) string {
	names := make([]string, len(stats.Dimensions))
	for i, d := range stats.Dimensions {
		names[i] = strconv.Quote(string(d))
	}
	return joinOr(l, names)
}
