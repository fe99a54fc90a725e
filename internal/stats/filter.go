package stats

import (
	"encoding/json"
	"math"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// NoServiceCenter is the ServiceCenter filter value (and breakdown key)
// for cases filed without a service center.
const NoServiceCenter = "none"

// Filter selects a group of cases. Category is required; an empty string
// or zero month leaves that dimension open. FiledFrom and FiledTo are
// inclusive.
type Filter struct {
	Category      string
	Country       string
	ServiceCenter string // a catalog code, NoServiceCenter, or empty for any
	FiledFrom     timeline.Month
	FiledTo       timeline.Month
	// The details (timeline.Details values, a catalog code, NotGiven, or
	// empty for any). Chargeability is a country code.
	Premium         string
	FilingMethod    string
	InterviewOffice string
	PDCurrent       string
	Chargeability   string
}

// filterJSON is the API shape of a filter: only the fields that were given,
// months as "YYYY-MM".
type filterJSON struct {
	Category      string `json:"category"`
	Country       string `json:"country,omitempty"`
	ServiceCenter string `json:"service_center,omitempty"`
	FiledFrom     string `json:"filed_from,omitempty"`
	FiledTo       string `json:"filed_to,omitempty"`

	Premium         string `json:"premium,omitempty"`
	FilingMethod    string `json:"filing_method,omitempty"`
	InterviewOffice string `json:"interview_office,omitempty"`
	PDCurrent       string `json:"priority_date_current,omitempty"`
	Chargeability   string `json:"chargeability,omitempty"`
}

// MarshalJSON writes the filter as API.md shows it.
func (f Filter) MarshalJSON() ([]byte, error) {
	j := filterJSON{Category: f.Category, Country: f.Country, ServiceCenter: f.ServiceCenter,
		Premium: f.Premium, FilingMethod: f.FilingMethod, InterviewOffice: f.InterviewOffice, PDCurrent: f.PDCurrent, Chargeability: f.Chargeability}
	if !f.FiledFrom.IsZero() {
		j.FiledFrom = f.FiledFrom.String()
	}
	if !f.FiledTo.IsZero() {
		j.FiledTo = f.FiledTo.String()
	}
	return json.Marshal(j)
}

// matcher is a filter resolved to column values for the scan loop.
type matcher struct {
	// A row matches when place&placeMask == placeWant and its month is in
	// [from, to].
	placeMask, placeWant uint32
	from, to             uint16
	byPlace, byMonth     bool
	// A row matches only when detail&detailMask == detailWant too.
	detailMask, detailWant uint32
	byDetail               bool
	// empty is set when a filter value is not in the catalog: nothing can
	// match, and no row is looked at.
	empty bool
	// all is set when only the category is given: every row matches.
	all bool
}

func newMatcher(cat *catalog.Catalog, f Filter) matcher {
	m := matcher{from: 0, to: math.MaxUint16}
	if f.Country != "" {
		i, ok := cat.CountryIndex(f.Country)
		m.placeMask |= 0xFFFF0000
		m.placeWant |= uint32(i+1) << 16
		m.empty = m.empty || !ok
	}
	switch f.ServiceCenter {
	case "":
	case NoServiceCenter:
		m.placeMask |= 0xFFFF
	default:
		i, ok := cat.ServiceCenterIndex(f.ServiceCenter)
		m.placeMask |= 0xFFFF
		m.placeWant |= uint32(i + 1)
		m.empty = m.empty || !ok
	}
	if !f.FiledFrom.IsZero() {
		m.from = monthColumn(f.FiledFrom)
	}
	if !f.FiledTo.IsZero() {
		m.to = monthColumn(f.FiledTo)
	}
	m.empty = m.empty || m.from > m.to
	m.byPlace = m.placeMask != 0
	m.byMonth = m.from != 0 || m.to != math.MaxUint16
	m.addDetails(cat, f)
	m.all = !m.byPlace && !m.byMonth && !m.byDetail
	return m
}

// selectRows writes the positions of b's matching rows to sel (which has
// room for maxBlock) and returns how many there are. Each loop writes every
// position and only advances on a match; there is one loop per kind of
// filter so that the common ones test a single column.
func (m *matcher) selectRows(b *block, sel []uint16) int {
	n := 0
	place := b.place
	month := b.month[:len(place)]
	sel = sel[:len(place)]
	mask, want, from, to := m.placeMask, m.placeWant, m.from, m.to
	switch {
	case m.byDetail:
		// Details narrow a group a lot, and are rarer in queries: one
		// loop tests every column.
		detail := b.detail[:len(place)]
		dmask, dwant := m.detailMask, m.detailWant
		for i, pl := range place {
			sel[n] = uint16(i)
			if pl&mask == want && month[i] >= from && month[i] <= to && detail[i]&dmask == dwant {
				n++
			}
		}
	case !m.byMonth:
		for i, pl := range place {
			sel[n] = uint16(i)
			if pl&mask == want {
				n++
			}
		}
	case !m.byPlace:
		for i, mo := range month {
			sel[n] = uint16(i)
			if mo >= from && mo <= to {
				n++
			}
		}
	default:
		for i, pl := range place {
			sel[n] = uint16(i)
			if pl&mask == want && month[i] >= from && month[i] <= to {
				n++
			}
		}
	}
	return n
}

// monthColumn stores a month as its ordinal in 16 bits: that covers years 0
// to 5461, far beyond any filing date validation accepts.
func monthColumn(m timeline.Month) uint16 {
	return uint16(min(max(m.Ordinal(), 0), math.MaxUint16))
}
