package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/casetrack/casetrack/internal/stats"
)

// CSV downloads of the explore page's tables, for researchers and
// journalists: one file per table, with the filter in the query string as
// on the page. A withheld number is the text "not enough data", so a
// spreadsheet can never show it as a zero.

// csvDimensions maps the CSV file names to breakdown dimensions; the
// trend is the breakdown by filing month.
var csvDimensions = map[string]stats.Dimension{
	"country":        stats.ByCountry,
	"service_center": stats.ByServiceCenter,
	"quarter":        stats.ByQuarter,
	"trend":          stats.ByMonth,

	"premium":               stats.ByPremium,
	"filing_method":         stats.ByFilingMethod,
	"interview_office":      stats.ByInterviewOffice,
	"priority_date_current": stats.ByPDCurrent,
}

// csvKeyColumn names the first column of each breakdown file.
var csvKeyColumn = map[stats.Dimension]string{
	stats.ByCountry:       "country",
	stats.ByServiceCenter: "service_center",
	stats.ByQuarter:       "filing_quarter",
	stats.ByMonth:         "filing_month",

	stats.ByPremium:         "premium",
	stats.ByFilingMethod:    "filing_method",
	stats.ByInterviewOffice: "interview_office",
	stats.ByPDCurrent:       "priority_date_current",
}

// breakdownCSVHeader is the header of every breakdown file after the key.
var breakdownCSVHeader = []string{"label", "cases", "decided", "median_days", "median_months",
	"median_ci_low_days", "median_ci_high_days", "approval_rate", "cautions"}

// csvBreakdown returns the handler of GET /explore/{name}.csv for one
// breakdown.
func (s *Server) csvBreakdown(name string) handlerFunc {
	dim := csvDimensions[name]
	return func(w http.ResponseWriter, r *http.Request) error {
		f, fe := s.parseFilter(filterFormOf(r.URL.Query()))
		if fe == nil {
			fe = s.detailDimensionError(s.locale(r), f.Category, dim)
		}
		if fe != nil {
			return filterError(fe)
		}
		records := [][]string{append([]string{csvKeyColumn[dim]}, breakdownCSVHeader...)}
		if s.groupSuppressed(f) {
			// As on the page: no rows at all for a group below k, since
			// even suppressed rows would say which values occur in it.
			records = append(records, suppressedRecord("all", "All cases matching the filters", len(breakdownCSVHeader)-1))
			return writeCSV(w, r, csvFilename(f, name), records)
		}
		b, err := s.index.Breakdown(f, dim, s.minCases)
		if err != nil {
			return fmt.Errorf("breakdown by %s: %w", dim, err)
		}
		for _, row := range b.Rows {
			records = append(records, breakdownRecord(row))
		}
		return writeCSV(w, r, csvFilename(f, name), records)
	}
}

// breakdownRecord is one CSV row of a breakdown.
func breakdownRecord(row stats.BreakdownRow) []string {
	if row.Suppressed {
		return suppressedRecord(row.Key, row.Label, len(breakdownCSVHeader)-1)
	}
	approval := ""
	if row.ApprovalRate != nil {
		approval = strconv.FormatFloat(*row.ApprovalRate, 'f', -1, 64)
	}
	cautions := make([]string, len(row.Cautions))
	for i, c := range row.Cautions {
		cautions[i] = string(c)
	}
	return []string{row.Key, row.Label, strconv.Itoa(row.Cases), strconv.Itoa(row.Decided),
		csvDays(row.Median), optMonths(row.Median, notReached),
		csvDays(row.MedianCI[0]), csvDays(row.MedianCI[1]), approval, strings.Join(cautions, ";")}
}

// histogramCSVHeader is the header of the histogram file.
var histogramCSVHeader = []string{"from_days", "to_days", "from_months", "to_months", "decided_cases"}

// csvHistogram handles GET /explore/histogram.csv.
func (s *Server) csvHistogram(w http.ResponseWriter, r *http.Request) error {
	f, fe := s.parseFilter(filterFormOf(r.URL.Query()))
	if fe != nil {
		return filterError(fe)
	}
	records := [][]string{histogramCSVHeader}
	h := s.index.Histogram(f, s.minCases)
	if h.Suppressed {
		rec := make([]string, len(histogramCSVHeader))
		for i := range rec {
			rec[i] = notEnoughData
		}
		records = append(records, rec)
	}
	for _, b := range h.Bins {
		records = append(records, []string{strconv.Itoa(b.From), strconv.Itoa(b.To),
			monthsText(b.From), monthsText(b.To), strconv.Itoa(b.Count)})
	}
	return writeCSV(w, r, csvFilename(f, "histogram"), records)
}

// suppressedRecord is a row whose numbers are withheld.
func suppressedRecord(key, label string, numbers int) []string {
	rec := []string{key, label}
	for range numbers {
		rec = append(rec, notEnoughData)
	}
	return rec
}

// csvDays formats an optional duration in days.
func csvDays(days *int) string {
	if days == nil {
		return notReached
	}
	return strconv.Itoa(*days)
}

// csvFilename names a download after its group and table, for example
// "casetrack-eb2-niw-IN-TSC-2023-01-to-2024-12-by-country.csv".
func csvFilename(f stats.Filter, table string) string {
	parts := []string{"casetrack", f.Category}
	if f.Country != "" {
		parts = append(parts, f.Country)
	}
	if f.ServiceCenter != "" {
		parts = append(parts, f.ServiceCenter)
	}
	switch {
	case !f.FiledFrom.IsZero() && !f.FiledTo.IsZero():
		parts = append(parts, f.FiledFrom.String()+"-to-"+f.FiledTo.String())
	case !f.FiledFrom.IsZero():
		parts = append(parts, "from-"+f.FiledFrom.String())
	case !f.FiledTo.IsZero():
		parts = append(parts, "to-"+f.FiledTo.String())
	}
	parts = append(parts, detailFileParts(f)...)
	if table == "histogram" || table == "trend" {
		parts = append(parts, table)
	} else {
		parts = append(parts, "by-"+strings.ReplaceAll(table, "_", "-"))
	}
	name := strings.Join(parts, "-")
	// Every part is a validated catalog code or month, but the name goes
	// into a header: keep only characters that need no quoting.
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, name)
	return name + ".csv"
}

// writeCSV sends records as a CSV attachment.
func writeCSV(w http.ResponseWriter, r *http.Request, filename string, records [][]string) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.WriteAll(records); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
	return nil
}
