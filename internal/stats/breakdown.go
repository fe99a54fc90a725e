package stats

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/casetrack/casetrack/internal/timeline"
)

// Dimension is what a breakdown groups cases by.
type Dimension string

// Breakdown dimensions.
const (
	ByCountry       Dimension = "country"
	ByServiceCenter Dimension = "service_center"
	ByQuarter       Dimension = "quarter" // filing quarter, "2024-Q1"
	ByMonth         Dimension = "month"   // filing month, "2024-03": the trend
	// The details (timeline.Details), each with a "not given" row.
	ByPremium         Dimension = "premium"
	ByFilingMethod    Dimension = "filing_method"
	ByInterviewOffice Dimension = "interview_office"
	ByPDCurrent       Dimension = "priority_date_current"
)

// Dimensions lists every dimension, in the order messages name them.
var Dimensions = []Dimension{ByCountry, ByServiceCenter, ByQuarter, ByMonth, ByPremium, ByFilingMethod, ByInterviewOffice, ByPDCurrent}

// ParseDimension checks a dimension name from a request.
func ParseDimension(s string) (Dimension, error) {
	if d := Dimension(s); slices.Contains(Dimensions, d) {
		return d, nil
	}
	return "", fmt.Errorf("unknown breakdown %q: use one of %v", s, Dimensions)
}

// Breakdown splits a group into rows by one dimension.
type Breakdown struct {
	Filter   Filter         `json:"filter"`
	By       Dimension      `json:"by"`
	MinCases int            `json:"min_cases"`
	Rows     []BreakdownRow `json:"rows"`
}

// BreakdownRow is one value of the dimension. A row with fewer than k
// cases is suppressed: its count and numbers are left out.
type BreakdownRow struct {
	Key   string
	Label string
	// Suppressed rows have zero Cases and nil numbers.
	Suppressed bool
	// Cases and Decided count the row's cases; the median and its interval
	// are read with DefaultPolicy, as the group's are.
	Cases, Decided int
	Median         *int
	MedianCI       [2]*int
	ApprovalRate   *float64
	// Cautions say what the interval does not cover (see Estimate).
	Cautions []Caution
}

type breakdownRowJSON struct {
	Key          string    `json:"key"`
	Label        string    `json:"label"`
	Cases        *int      `json:"cases"`
	Decided      *int      `json:"decided"`
	Median       *int      `json:"median"`
	MedianCI     *[2]*int  `json:"median_ci"`
	ApprovalRate *float64  `json:"approval_rate"`
	Cautions     []Caution `json:"cautions"`
	Suppressed   bool      `json:"suppressed"`
}

// MarshalJSON writes a row; a suppressed one has every number null.
func (r BreakdownRow) MarshalJSON() ([]byte, error) {
	j := breakdownRowJSON{Key: r.Key, Label: r.Label, Suppressed: r.Suppressed, Cautions: []Caution{}}
	if !r.Suppressed {
		j.Cases, j.Decided, j.Median, j.MedianCI, j.ApprovalRate = &r.Cases, &r.Decided, r.Median, &r.MedianCI, r.ApprovalRate
		if r.Cautions != nil {
			j.Cautions = r.Cautions
		}
	}
	return json.Marshal(j)
}

// groupAcc gathers one breakdown row's cases during the pass, to be read
// through the policy afterwards, one row at a time, so that a breakdown
// holds one sampler's day tallies rather than one per row.
type groupAcc struct {
	denied, decided int
	keys            []uint64
	seen            []uint32
	months          []uint16
}

// Breakdown computes every row of one dimension in a single pass over the
// category. Country, service center and interview office rows are sorted
// by number of cases, largest first, with suppressed rows after them in
// key order (so their order reveals nothing about their size); quarter
// and month rows are in time order; the other details' rows in the order
// of their values, "not given" first.
func (ix *Index) Breakdown(f Filter, by Dimension, k int) (Breakdown, error) {
	if _, err := ParseDimension(string(by)); err != nil {
		return Breakdown{}, err
	}
	out := Breakdown{Filter: f, By: by, MinCases: k, Rows: []BreakdownRow{}}
	m := newMatcher(ix.cat, f)

	var groups []*groupAcc
	var base int // the column value of groups[0] for time dimensions
	pol := ix.resolve(f.Category, DefaultPolicy)
	today := ix.Today()
	var ag ages
	maxDay := 0
	ix.mu.RLock()
	p := ix.partition(f.Category)
	if p != nil && p.n > 0 {
		ag = newAges(p, today)
		maxDay = tallyDays(p, &ag, pol)
		// groupsOf writes the group number of each selected row to gs: the
		// country or center column value, or the month or quarter counted
		// from the partition's earliest filing month.
		var groupsOf func(b *block, sel []uint16, gs []int)
		switch by {
		case ByCountry:
			groups = make([]*groupAcc, len(ix.cat.Countries)+1)
			groupsOf = func(b *block, sel []uint16, gs []int) {
				for k, i := range sel {
					gs[k] = int(b.place[i] >> 16)
				}
			}
		case ByServiceCenter:
			groups = make([]*groupAcc, len(ix.cat.ServiceCenters)+1)
			groupsOf = func(b *block, sel []uint16, gs []int) {
				for k, i := range sel {
					gs[k] = int(b.place[i] & 0xFFFF)
				}
			}
		case ByQuarter:
			base = int(p.minMonth) / 3
			groups = make([]*groupAcc, int(p.maxMonth)/3-base+1)
			groupsOf = func(b *block, sel []uint16, gs []int) {
				for k, i := range sel {
					gs[k] = int(b.month[i])/3 - base
				}
			}
		case ByMonth:
			base = int(p.minMonth)
			groups = make([]*groupAcc, int(p.maxMonth)-base+1)
			groupsOf = func(b *block, sel []uint16, gs []int) {
				for k, i := range sel {
					gs[k] = int(b.month[i]) - base
				}
			}
		default:
			d := detailDimensions[by]
			groups = make([]*groupAcc, d.groups(ix.cat))
			groupsOf = func(b *block, sel []uint16, gs []int) {
				for k, i := range sel {
					gs[k] = d.field.get(b.detail[i])
				}
			}
		}
		gs := make([]int, maxBlock)
		p.scan(&m, func(b *block, sel []uint16) {
			groupsOf(b, sel, gs)
			for k, i := range sel {
				a := groups[gs[k]]
				if a == nil {
					a = &groupAcc{}
					groups[gs[k]] = a
				}
				key := b.key[i]
				a.keys = append(a.keys, key)
				a.seen = append(a.seen, b.seen[i])
				a.months = append(a.months, b.month[i])
				if rowEvent(key) {
					a.decided++
					a.denied += int(key & keyDenied >> 31)
				}
			}
		})
	}
	ix.mu.RUnlock()

	var s *sampler
	for g, a := range groups {
		if a == nil {
			continue
		}
		row := BreakdownRow{Suppressed: len(a.keys) < k}
		row.Key, row.Label = ix.groupLabel(by, g, base)
		if !row.Suppressed {
			if s == nil {
				s = newSampler(pol, 0, maxDay)
			} else {
				s.reset()
			}
			for i, key := range a.keys {
				s.add(key, a.seen[i], a.months[i], ag.of(a.months[i]))
			}
			e := s.estimate()
			row.Cases, row.Decided = len(a.keys), a.decided
			row.Median, row.MedianCI, row.Cautions = e.Median, e.MedianCI, e.Cautions
			row.ApprovalRate = rate(a.decided-a.denied, a.decided)
		}
		out.Rows = append(out.Rows, row)
	}
	if by == ByCountry || by == ByServiceCenter || by == ByInterviewOffice {
		slices.SortStableFunc(out.Rows, func(a, b BreakdownRow) int {
			if a.Suppressed != b.Suppressed {
				if a.Suppressed {
					return 1
				}
				return -1
			}
			if c := cmp.Compare(b.Cases, a.Cases); c != 0 {
				return c
			}
			return cmp.Compare(a.Key, b.Key)
		})
	}
	return out, nil
}

// groupLabel names group g of a dimension.
func (ix *Index) groupLabel(by Dimension, g, base int) (key, label string) {
	switch by {
	case ByCountry:
		if g == 0 {
			return "unknown", "Unknown"
		}
		c := ix.cat.Countries[g-1]
		return c.Code, c.Name
	case ByServiceCenter:
		if g == 0 {
			return NoServiceCenter, "Not given"
		}
		c := ix.cat.ServiceCenters[g-1]
		return c.Code, c.Name
	case ByPremium, ByFilingMethod, ByInterviewOffice, ByPDCurrent:
		return detailDimensions[by].label(ix.cat, g)
	case ByQuarter:
		q := base + g
		return fmt.Sprintf("%04d-Q%d", q/4, q%4+1), fmt.Sprintf("%04d Q%d", q/4, q%4+1)
	default:
		mo := timeline.MonthFromOrdinal(base + g)
		return mo.String(), fmt.Sprintf("%s %d", mo.Month, mo.Year)
	}
}

// HistogramBinDays is the width of a decision-time histogram bin: a
// 30-day month.
const HistogramBinDays = 30

// Histogram counts decided cases by decision time in 30-day bins. It is
// suppressed when fewer than k cases are decided.
type Histogram struct {
	Filter     Filter
	MinCases   int
	Suppressed bool
	Decided    int
	// Bins run from day 0 to the last bin with a decision; bin i covers
	// days [30i, 30i+30).
	Bins []HistogramBin
}

// HistogramBin is one bin: decisions after From to before To days.
type HistogramBin struct {
	From  int `json:"from"`
	To    int `json:"to"`
	Count int `json:"count"`
}

type histogramJSON struct {
	Filter     Filter         `json:"filter"`
	BinDays    int            `json:"bin_days"`
	Decided    *int           `json:"decided"`
	Bins       []HistogramBin `json:"bins"`
	Suppressed bool           `json:"suppressed"`
	MinCases   int            `json:"min_cases"`
}

// MarshalJSON writes the histogram; a suppressed one has decided and bins
// null.
func (h Histogram) MarshalJSON() ([]byte, error) {
	j := histogramJSON{Filter: h.Filter, BinDays: HistogramBinDays, Suppressed: h.Suppressed, MinCases: h.MinCases}
	if !h.Suppressed {
		j.Decided, j.Bins = &h.Decided, h.Bins
		if j.Bins == nil {
			j.Bins = []HistogramBin{}
		}
	}
	return json.Marshal(j)
}

// Histogram computes the decision-time histogram of the group selected by f.
func (ix *Index) Histogram(f Filter, k int) Histogram {
	h := Histogram{Filter: f, MinCases: k}
	m := newMatcher(ix.cat, f)
	var counts []int
	ix.mu.RLock()
	ix.partition(f.Category).scan(&m, func(b *block, sel []uint16) {
		// Rows come in duration order: count each bin's run locally.
		bin, n := -1, 0
		flush := func() {
			for len(counts) <= bin {
				counts = append(counts, 0)
			}
			counts[bin] += n
			h.Decided += n
		}
		for _, i := range sel {
			key := b.key[i]
			if !rowEvent(key) {
				continue
			}
			if d := int(rowDur(key)) / HistogramBinDays; d != bin {
				if n > 0 {
					flush()
				}
				bin, n = d, 0
			}
			n++
		}
		if n > 0 {
			flush()
		}
	})
	ix.mu.RUnlock()
	if h.Decided < k {
		return Histogram{Filter: f, MinCases: k, Suppressed: true}
	}
	for i, c := range counts {
		h.Bins = append(h.Bins, HistogramBin{From: i * HistogramBinDays, To: (i + 1) * HistogramBinDays, Count: c})
	}
	return h
}
