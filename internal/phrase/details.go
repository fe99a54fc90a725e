package phrase

import (
	"strings"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
)

// Details names a filter's details in a few words, joined by commas:
// "premium from filing, filed online", "field office: Newark, NJ",
// "priority date current when filed, charged to India"; "" when the
// filter has none.
func Details(cat *catalog.Catalog, f stats.Filter) string {
	var out []string
	for _, d := range []struct {
		by    stats.Dimension
		value string
		what  string
	}{
		{stats.ByPremium, f.Premium, "premium processing"},
		{stats.ByFilingMethod, f.FilingMethod, "filing method"},
		{stats.ByInterviewOffice, f.InterviewOffice, "field office"},
		{stats.ByPDCurrent, f.PDCurrent, "priority date answer"},
	} {
		switch label, ok := stats.DetailLabel(cat, d.by, d.value); {
		case d.value == "" || !ok:
		case d.value == stats.NotGiven:
			out = append(out, d.what+" not given")
		case d.by == stats.ByInterviewOffice:
			out = append(out, "field office: "+label)
		default:
			out = append(out, strings.ToLower(label[:1])+label[1:])
		}
	}
	switch f.Chargeability {
	case "":
	case stats.NotGiven:
		out = append(out, "chargeability not given")
	default:
		name := f.Chargeability
		if c, ok := cat.Country(name); ok {
			name = c.Name
		}
		out = append(out, "charged to "+name)
	}
	return strings.Join(out, ", ")
}
