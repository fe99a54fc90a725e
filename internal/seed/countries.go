package seed

// countryMix selects how countries of birth are weighted: employment-based
// cases lean to India and China, family-based ones to Mexico, the
// Philippines, Vietnam and the Caribbean.
type countryMix int

const (
	mixGeneral countryMix = iota
	mixEmployment
	mixFamily
)

// countryWeights are rough relative shares of countries of birth among
// applicants. Every other catalog country gets tailWeight, so the long tail
// of small groups (which the statistics must hide below k cases) exists.
var countryWeights = map[string]float64{
	"IN": 16, "MX": 9, "CN": 8, "PH": 5, "VN": 3.5, "BR": 3, "NG": 3,
	"IR": 2.5, "CA": 2.5, "GB": 2.5, "KR": 2.5, "DO": 2, "PK": 2, "BD": 1.8,
	"CO": 1.8, "CU": 1.5, "SV": 1.5, "VE": 1.5, "RU": 1.5, "UA": 1.5, "TR": 1.5,
	"GT": 1.2, "HT": 1.2, "JM": 1.2, "EG": 1, "ET": 1, "GH": 1, "TW": 1,
	"NP": 1, "HN": 1, "KE": 0.8, "JP": 0.8, "DE": 0.8, "PE": 0.8, "AF": 0.8,
	"FR": 0.7, "EC": 0.7, "AR": 0.6, "IQ": 0.6, "IT": 0.5, "ES": 0.5, "ID": 0.5,
	"TH": 0.5, "CM": 0.5, "LK": 0.4, "MY": 0.4, "SA": 0.4, "IL": 0.4, "LB": 0.4,
	"JO": 0.4, "MA": 0.4, "AU": 0.4, "PL": 0.4, "ZA": 0.4, "NI": 0.4, "UZ": 0.4,
	"SY": 0.3, "HK": 0.3, "RO": 0.3, "NL": 0.3, "BY": 0.3, "KZ": 0.3, "AM": 0.3,
	"GE": 0.3, "AL": 0.3, "MM": 0.3, "TT": 0.3, "GY": 0.3, "SG": 0.2, "SE": 0.2,
	"CH": 0.2, "IE": 0.2, "KH": 0.2, "SN": 0.2, "SL": 0.2, "LR": 0.2, "ER": 0.2,
	"SO": 0.2, "UG": 0.2, "TZ": 0.2, "ZW": 0.2, "CL": 0.2, "BO": 0.2, "PA": 0.2,
	"CR": 0.2, "UY": 0.1, "PY": 0.1, "GR": 0.1, "PT": 0.1, "HU": 0.1, "CZ": 0.1,
	"BG": 0.1, "RS": 0.1, "BA": 0.1, "MD": 0.1, "AZ": 0.1, "KG": 0.1, "TJ": 0.1,
	"MN": 0.1, "LA": 0.1, "NZ": 0.1, "DZ": 0.1, "TN": 0.1, "SD": 0.1, "YE": 0.1,
	"KW": 0.1, "AE": 0.1, "QA": 0.1, "BE": 0.1, "AT": 0.1, "DK": 0.1, "NO": 0.1,
	"FI": 0.1, "BS": 0.1, "BB": 0.1, "BZ": 0.1,
}

// tailWeight is the weight of catalog countries not listed above.
const tailWeight = 0.02

// mixBoost multiplies countryWeights for a mix.
var mixBoost = map[countryMix]map[string]float64{
	mixEmployment: {"IN": 2.5, "CN": 2, "KR": 1.5, "TW": 1.5, "IR": 1.5, "NG": 1.3, "MX": 0.3, "DO": 0.2, "CU": 0.2, "SV": 0.2, "GT": 0.2, "HT": 0.2, "HN": 0.2},
	mixFamily:     {"MX": 2.5, "PH": 1.8, "VN": 2, "DO": 2.5, "CU": 2, "SV": 2, "HT": 1.5, "JM": 1.5, "GT": 1.5, "HN": 1.5, "IN": 0.5, "CN": 0.6, "IR": 0.6},
}

// notBirthCountries are catalog entries nobody applying to USCIS is born in:
// the United States and its territories (people born there are citizens)
// and uninhabited territories.
var notBirthCountries = map[string]bool{
	"US": true, "PR": true, "GU": true, "VI": true, "AS": true, "MP": true, "UM": true,
	"AQ": true, "BV": true, "HM": true, "GS": true, "TF": true,
}

// countryWeight is the weight of a country of birth under a mix.
func countryWeight(code string, mix countryMix) float64 {
	if notBirthCountries[code] {
		return 0
	}
	w, ok := countryWeights[code]
	if !ok {
		return tailWeight
	}
	if b, ok := mixBoost[mix][code]; ok {
		w *= b
	}
	return w
}
