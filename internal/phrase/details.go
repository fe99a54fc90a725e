package phrase

import (
	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// Details names a filter's details in a few words, joined by commas:
// "premium from filing, filed online", "field office: Newark, NJ",
// "priority date current when filed, charged to India"; "" when the
// filter has none.
func Details(cat *catalog.Catalog, f stats.Filter) string { return DetailsIn(english(), cat, f) }

// detailWords are the message ids of each detail's values, as a group's
// name says them ("premium from filing").
var detailWords = map[stats.Dimension]map[string]string{
	stats.ByPremium: {
		timeline.PremiumRegular:    "phrase.detail.regular",
		timeline.PremiumFromFiling: "phrase.detail.premium_from_filing",
		timeline.PremiumUpgraded:   "phrase.detail.upgraded",
	},
	stats.ByFilingMethod: {
		timeline.FiledOnline: "phrase.detail.online",
		timeline.FiledPaper:  "phrase.detail.paper",
	},
	stats.ByPDCurrent: {
		timeline.PDCurrentYes:     "phrase.detail.pd_current",
		timeline.PDCurrentNo:      "phrase.detail.pd_not_current",
		timeline.PDCurrentUnknown: "phrase.detail.pd_unknown",
	},
}

// DetailsIn names a filter's details in the reader's language; ref
// names the chargeability country in it.
func DetailsIn(l *i18n.Locale, ref *catalog.Catalog, f stats.Filter) string {
	var out []string
	for _, d := range []struct {
		by       stats.Dimension
		value    string
		notGiven string
	}{
		{stats.ByPremium, f.Premium, "phrase.detail.premium_not_given"},
		{stats.ByFilingMethod, f.FilingMethod, "phrase.detail.method_not_given"},
		{stats.ByInterviewOffice, f.InterviewOffice, "phrase.detail.office_not_given"},
		{stats.ByPDCurrent, f.PDCurrent, "phrase.detail.pd_not_given"},
	} {
		switch label, ok := stats.DetailLabel(ref, d.by, d.value); {
		case d.value == "" || !ok:
		case d.value == stats.NotGiven:
			out = append(out, l.T(d.notGiven))
		case d.by == stats.ByInterviewOffice:
			// Field offices are named by city, the same in every
			// language.
			out = append(out, l.T("phrase.detail.office", "Office", label))
		default:
			out = append(out, l.T(detailWords[d.by][d.value]))
		}
	}
	switch f.Chargeability {
	case "":
	case stats.NotGiven:
		out = append(out, l.T("phrase.detail.chargeability_not_given"))
	default:
		out = append(out, l.T("phrase.detail.charged_to", "Country", countryName(ref, f.Chargeability)))
	}
	return join(l, out)
}

// join lists parts with the language's separator ("a, b, c").
func join(l *i18n.Locale, parts []string) string {
	s := ""
	for i, p := range parts {
		if i == 0 {
			s = p
			continue
		}
		s = l.T("phrase.list", "Before", s, "Next", p)
	}
	return s
}
