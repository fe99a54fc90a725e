package stats

import (
	"slices"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// NotGiven is the filter value (and breakdown key) of a detail for cases
// that did not give it.
const NotGiven = "not_given"

// A row's detail column packs the details a query can filter or break
// down by into one word:
//
//	bits  0-1   premium processing: 0 not given, then timeline.PremiumKinds
//	bits  2-3   filing method: 0 not given, then timeline.FilingMethods
//	bits  4-5   priority date current: 0 not given, then timeline.PDCurrentAnswers
//	bits  6-15  interview office: catalog index + 1, 0 not given
//	bits 16-31  chargeability: catalog country index + 1, 0 not given
type detailField struct {
	shift, bits uint
}

var (
	detailPremium = detailField{0, 2}
	detailMethod  = detailField{2, 2}
	detailCurrent = detailField{4, 2}
	detailOffice  = detailField{6, 10}
	detailCharge  = detailField{16, 16}
)

func (f detailField) mask() uint32           { return (1<<f.bits - 1) << f.shift }
func (f detailField) put(v int) uint32       { return uint32(v) << f.shift & f.mask() }
func (f detailField) get(detail uint32) int  { return int(detail & f.mask() >> f.shift) }
func (f detailField) fits(values int) bool   { return values < 1<<f.bits }
func vocabValue(list []string, v string) int { return slices.Index(list, v) + 1 }

// detailOf packs a case's details (see above).
func (ix *Index) detailOf(d timeline.Details) uint32 {
	v := detailPremium.put(vocabValue(timeline.PremiumKinds, d.Premium)) |
		detailMethod.put(vocabValue(timeline.FilingMethods, d.FilingMethod)) |
		detailCurrent.put(vocabValue(timeline.PDCurrentAnswers, d.PDCurrent))
	if i, ok := ix.cat.FieldOfficeIndex(d.InterviewOffice); ok {
		v |= detailOffice.put(i + 1)
	}
	if i, ok := ix.cat.CountryIndex(d.Chargeability); ok && d.Chargeability != "" {
		v |= detailCharge.put(i + 1)
	}
	return v
}

// checkDetailCatalog panics when the catalog has more offices or
// countries than the detail column has room for: a catalog edit, caught
// by every test that builds an index.
func checkDetailCatalog(cat *catalog.Catalog) {
	if !detailOffice.fits(len(cat.FieldOffices)) || !detailCharge.fits(len(cat.Countries)) {
		panic("stats: the catalog has outgrown the detail column")
	}
}

// detailFilter adds one detail to a matcher: value is a vocabulary value,
// NotGiven or empty (any). ok is false for a value not in the vocabulary.
func (m *matcher) detailFilter(f detailField, value string, lookup func(string) (int, bool)) {
	switch value {
	case "":
		return
	case NotGiven:
		m.detailMask |= f.mask()
		return
	}
	i, ok := lookup(value)
	m.detailMask |= f.mask()
	m.detailWant |= f.put(i)
	m.empty = m.empty || !ok
}

// vocab looks a value up in a detail's vocabulary, 1-based as stored.
func vocab(list []string) func(string) (int, bool) {
	return func(v string) (int, bool) {
		i := vocabValue(list, v)
		return i, i > 0
	}
}

// addDetails resolves the filter's details into m.
func (m *matcher) addDetails(cat *catalog.Catalog, f Filter) {
	m.detailFilter(detailPremium, f.Premium, vocab(timeline.PremiumKinds))
	m.detailFilter(detailMethod, f.FilingMethod, vocab(timeline.FilingMethods))
	m.detailFilter(detailCurrent, f.PDCurrent, vocab(timeline.PDCurrentAnswers))
	m.detailFilter(detailOffice, f.InterviewOffice, func(code string) (int, bool) {
		i, ok := cat.FieldOfficeIndex(code)
		return i + 1, ok
	})
	m.detailFilter(detailCharge, f.Chargeability, func(code string) (int, bool) {
		i, ok := cat.CountryIndex(code)
		return i + 1, ok
	})
	m.byDetail = m.detailMask != 0
}

// detailDimension is a breakdown by one detail.
type detailDimension struct {
	field detailField
	// vocabulary lists the values in order; nil for the office, whose
	// values are the catalog's field offices.
	vocabulary []string
	labels     map[string]string
}

var detailDimensions = map[Dimension]detailDimension{
	ByPremium: {detailPremium, timeline.PremiumKinds, map[string]string{
		timeline.PremiumRegular: "Regular processing", timeline.PremiumFromFiling: "Premium from filing",
		timeline.PremiumUpgraded: "Upgraded to premium"}},
	ByFilingMethod: {detailMethod, timeline.FilingMethods, map[string]string{
		timeline.FiledOnline: "Filed online", timeline.FiledPaper: "Filed on paper"}},
	ByPDCurrent: {detailCurrent, timeline.PDCurrentAnswers, map[string]string{
		timeline.PDCurrentYes: "Priority date current when filed", timeline.PDCurrentNo: "Priority date not current when filed",
		timeline.PDCurrentUnknown: "Did not know"}},
	ByInterviewOffice: {field: detailOffice},
}

// groups is the number of groups of the dimension, "not given" included.
func (d detailDimension) groups(cat *catalog.Catalog) int {
	if d.vocabulary == nil {
		return len(cat.FieldOffices) + 1
	}
	return len(d.vocabulary) + 1
}

// label names group g (0 is "not given").
func (d detailDimension) label(cat *catalog.Catalog, g int) (key, label string) {
	switch {
	case g == 0:
		return NotGiven, "Not given"
	case d.vocabulary == nil:
		o := cat.FieldOffices[g-1]
		return o.Code, o.Label()
	default:
		v := d.vocabulary[g-1]
		return v, d.labels[v]
	}
}

// DetailLabel is the name a breakdown row of a detail dimension has for
// a value ("premium" -> "Premium from filing"), for pages that name a
// filter; ok is false for other dimensions and unknown values.
func DetailLabel(cat *catalog.Catalog, by Dimension, key string) (string, bool) {
	d, ok := detailDimensions[by]
	if !ok {
		return "", false
	}
	if key == NotGiven {
		return "Not given", true
	}
	if d.vocabulary == nil {
		o, ok := cat.FieldOffice(key)
		return o.Label(), ok
	}
	l, ok := d.labels[key]
	return l, ok
}
