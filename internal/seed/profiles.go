package seed

// profile describes how cases of one category behave. The numbers are
// rounded impressions of published USCIS processing times and of what
// public timeline trackers show, not measurements: they only need to make
// the synthetic data look and behave like the real thing.
type profile struct {
	// weight is the category's relative share of all cases.
	weight float64
	// median and sigma shape the log-normal time from filing to decision,
	// in days, under regular processing.
	median, sigma float64
	// premium is the share of cases using premium processing, decided after
	// about premiumMedian days instead.
	premium, premiumMedian float64
	// approval is the share of decisions that are approvals.
	approval float64
	// rfe is the share of cases that receive a request for evidence.
	rfe float64
	// interview is the share of cases with an interview, interviewLag the
	// median days from interview to decision and sameDay the share decided
	// at the interview itself.
	interview, interviewLag, sameDay float64
	// transfer is the share of cases moved to another office on the way.
	transfer float64
	// trend is the change of log processing time per year of filing date:
	// positive means later filings wait longer.
	trend float64
	// centers lists where the category is processed, with relative weights
	// and a factor on processing time (above 1 is slower).
	centers []center
	// mix is the country-of-birth profile.
	mix countryMix
}

type center struct {
	code   string
	weight float64
	factor float64
}

// noCenterShare is the share of cases submitted without a service center.
const noCenterShare = 0.10

// Processing locations per form. Factors make a few centers visibly slower.
var (
	i140Centers = []center{{"TSC", 50, 0.85}, {"NSC", 50, 1.15}}
	i485Centers = []center{{"NBC", 45, 1.0}, {"TSC", 20, 0.9}, {"NSC", 20, 1.1}, {"CSC", 5, 1.0}, {"PSC", 5, 1.25}, {"VSC", 5, 1.0}}
	i130Centers = []center{{"NBC", 25, 1.0}, {"PSC", 20, 1.25}, {"CSC", 15, 0.95}, {"VSC", 10, 1.0}, {"TSC", 10, 0.9}, {"NSC", 10, 1.05}, {"ONLINE", 10, 0.95}}
	k1Centers   = []center{{"CSC", 40, 1.0}, {"TSC", 20, 0.9}, {"NSC", 20, 1.05}, {"VSC", 10, 1.0}, {"PSC", 10, 1.2}}
	i751Centers = []center{{"CSC", 30, 1.0}, {"VSC", 25, 0.95}, {"NSC", 20, 1.05}, {"TSC", 15, 0.9}, {"PSC", 10, 1.25}}
	n400Centers = []center{{"ONLINE", 60, 0.95}, {"NBC", 30, 1.05}, {"PSC", 5, 1.2}, {"TSC", 5, 1.0}}
	eadCenters  = []center{{"ONLINE", 30, 0.9}, {"NBC", 25, 1.0}, {"TSC", 15, 0.95}, {"NSC", 10, 1.05}, {"PSC", 10, 1.3}, {"CSC", 5, 1.0}, {"VSC", 5, 1.0}}
	i90Centers  = []center{{"ONLINE", 70, 0.95}, {"NBC", 30, 1.1}}
	i129Centers = []center{{"CSC", 50, 1.05}, {"VSC", 50, 0.95}}
	i539Centers = []center{{"ONLINE", 30, 0.9}, {"NSC", 20, 1.05}, {"TSC", 20, 0.95}, {"PSC", 10, 1.25}, {"CSC", 10, 1.0}, {"VSC", 10, 1.0}}
)

// profiles by catalog category code. A catalog category missing here gets
// defaultProfile; a profile whose category is not in the catalog is unused.
var profiles = map[string]profile{
	"eb1a":     {weight: 3, median: 360, sigma: 0.55, premium: 0.35, premiumMedian: 12, approval: 0.70, rfe: 0.35, trend: 0.10, centers: i140Centers, mix: mixEmployment},
	"eb1b":     {weight: 1.2, median: 300, sigma: 0.5, premium: 0.45, premiumMedian: 12, approval: 0.85, rfe: 0.25, trend: 0.05, centers: i140Centers, mix: mixEmployment},
	"eb1c":     {weight: 0.6, median: 330, sigma: 0.55, premium: 0.30, premiumMedian: 40, approval: 0.72, rfe: 0.35, trend: 0.05, centers: i140Centers, mix: mixEmployment},
	"eb2-niw":  {weight: 8, median: 480, sigma: 0.5, premium: 0.20, premiumMedian: 40, approval: 0.86, rfe: 0.30, trend: 0.15, centers: i140Centers, mix: mixEmployment},
	"eb2-perm": {weight: 4, median: 300, sigma: 0.5, premium: 0.45, premiumMedian: 12, approval: 0.93, rfe: 0.10, trend: 0.05, centers: i140Centers, mix: mixEmployment},
	"eb3":      {weight: 3, median: 330, sigma: 0.5, premium: 0.40, premiumMedian: 12, approval: 0.92, rfe: 0.10, trend: 0.05, centers: i140Centers, mix: mixEmployment},

	"i485-employment": {weight: 12, median: 450, sigma: 0.55, approval: 0.92, rfe: 0.25, interview: 0.25, interviewLag: 30, sameDay: 0.1, transfer: 0.15, trend: 0.05, centers: i485Centers, mix: mixEmployment},
	"i485-family":     {weight: 10, median: 400, sigma: 0.5, approval: 0.90, rfe: 0.20, interview: 0.70, interviewLag: 21, sameDay: 0.25, transfer: 0.15, trend: 0.03, centers: i485Centers, mix: mixFamily},

	"i130-spouse-usc": {weight: 10, median: 425, sigma: 0.45, approval: 0.92, rfe: 0.15, interview: 0.25, interviewLag: 30, sameDay: 0.2, transfer: 0.10, trend: -0.05, centers: i130Centers, mix: mixFamily},
	"i130-spouse-lpr": {weight: 2, median: 900, sigma: 0.45, approval: 0.90, rfe: 0.15, interview: 0.10, interviewLag: 30, sameDay: 0.1, transfer: 0.10, trend: 0.05, centers: i130Centers, mix: mixFamily},
	"i130-parent":     {weight: 2.5, median: 500, sigma: 0.45, approval: 0.93, rfe: 0.10, interview: 0.05, interviewLag: 30, sameDay: 0.1, transfer: 0.10, trend: 0.0, centers: i130Centers, mix: mixFamily},
	"i130-child":      {weight: 1.5, median: 600, sigma: 0.5, approval: 0.93, rfe: 0.10, interview: 0.05, interviewLag: 30, sameDay: 0.1, transfer: 0.10, trend: 0.0, centers: i130Centers, mix: mixFamily},
	"i130-sibling":    {weight: 1.5, median: 1400, sigma: 0.35, approval: 0.90, rfe: 0.10, interview: 0.02, interviewLag: 30, sameDay: 0.1, transfer: 0.10, trend: 0.05, centers: i130Centers, mix: mixFamily},
	"k1":              {weight: 3, median: 300, sigma: 0.45, approval: 0.93, rfe: 0.12, transfer: 0.10, trend: -0.05, centers: k1Centers, mix: mixFamily},
	"i751":            {weight: 4, median: 600, sigma: 0.5, approval: 0.95, rfe: 0.12, interview: 0.30, interviewLag: 30, sameDay: 0.2, trend: -0.05, centers: i751Centers, mix: mixFamily},

	"n400": {weight: 10, median: 200, sigma: 0.4, approval: 0.90, rfe: 0.08, interview: 0.97, interviewLag: 10, sameDay: 0.55, trend: -0.08, centers: n400Centers, mix: mixGeneral},
	"i765": {weight: 9, median: 120, sigma: 0.55, approval: 0.95, rfe: 0.05, trend: -0.05, centers: eadCenters, mix: mixGeneral},
	"i131": {weight: 5, median: 210, sigma: 0.55, approval: 0.93, rfe: 0.05, trend: 0.0, centers: eadCenters, mix: mixGeneral},
	"i90":  {weight: 0.8, median: 300, sigma: 0.6, approval: 0.96, rfe: 0.04, trend: -0.10, centers: i90Centers, mix: mixGeneral},

	"h1b":  {weight: 6, median: 120, sigma: 0.6, premium: 0.40, premiumMedian: 12, approval: 0.88, rfe: 0.22, trend: 0.0, centers: i129Centers, mix: mixEmployment},
	"l1":   {weight: 1, median: 150, sigma: 0.6, premium: 0.50, premiumMedian: 12, approval: 0.80, rfe: 0.35, trend: 0.0, centers: i129Centers, mix: mixEmployment},
	"o1":   {weight: 0.7, median: 90, sigma: 0.6, premium: 0.60, premiumMedian: 12, approval: 0.90, rfe: 0.20, trend: 0.0, centers: i129Centers, mix: mixEmployment},
	"i539": {weight: 2, median: 240, sigma: 0.6, approval: 0.90, rfe: 0.10, trend: 0.05, centers: i539Centers, mix: mixGeneral},
}

// defaultProfile covers categories added to the catalog after this table was
// written, so that seeding never fails because of a new category.
var defaultProfile = profile{weight: 1, median: 300, sigma: 0.5, approval: 0.9, rfe: 0.15, interview: 0.2, interviewLag: 21, sameDay: 0.2, transfer: 0.05, mix: mixGeneral}

// Timing of the steps around the decision, in days.
const (
	receiptMedian      = 12   // filing to receipt notice
	biometricsMedian   = 28   // receipt to biometrics appointment
	biometricsReported = 0.9  // share of cases that list their biometrics
	rfeResponseMedian  = 45   // RFE issued to response received (the usual deadline is 87 days)
	afterRFEMedian     = 35   // response received to decision, regular processing
	afterRFEPremium    = 8    // response received to decision, premium processing
	transferSlowdown   = 1.2  // a transferred case takes this much longer
	rfeDenialFactor    = 2.5  // denial odds after an RFE, relative to without
	maxDecisionDays    = 3000 // cap on the log-normal tail: about eight years
	// windowMonths is how far back filing months reach, including the
	// current month.
	windowMonths = 48
	// filingHalfLife (months) makes recent months denser: the site grows and
	// people are likelier to share a case they are still waiting on.
	filingHalfLife = 30.0
)

// Shares of cases that give milestone dates to the month only.
const (
	allMonthOnlyShare  = 0.12 // cases where every date is month-only
	someMonthOnlyShare = 0.20 // cases where some dates are
	someMonthOnlyRate  = 0.40 // share of month-only dates in those cases
)

// As-of and creation dates.
const (
	recentConfirmShare = 0.65 // pending cases confirmed recently ...
	recentConfirmMean  = 12.0 // ... about this many days ago; the others went stale
	decidedLaterShare  = 0.30 // decided cases touched again after the decision ...
	decidedLaterMean   = 40.0 // ... about this many days later
	sharedEarlyShare   = 0.6  // cases shared soon after the receipt notice ...
	sharedEarlyMean    = 30.0 // ... about this many days after it; the others ...
	sharedLateDays     = 900  // ... on any day of the 30 months after it
	// silentThenBackShare of the cases decided after they were shared
	// went silent at some point and came back only to record the decision.
	silentThenBackShare = 0.1
	noteShare           = 0.10 // cases with a note
)
