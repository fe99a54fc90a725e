package report

// The numbers the lab's behaviours and targets are defined with. The
// simulation (package truthlab) draws with them and the labels
// (labels.go) quote them, so a description cannot drift from what was
// simulated.
const (
	// FindWithinDays bounds the day, after filing, on which
	// delayed-entry and found-anytime people find the site (30 months).
	FindWithinDays = 900
	// StaleReturnShare is the share of stale-returning people decided
	// after going silent who come back to record the decision.
	StaleReturnShare = 0.85
	// ForgetRecordShare is the share of forgetting people who record
	// their decision.
	ForgetRecordShare = 0.55
)

// The shares of the behaviours in the mix; forgetting takes the rest.
// Sums of these constants are exact (0.30, 0.50, 0.65, 0.80, 0.90).
const (
	MixEarlyFaithful  = 0.30
	MixDelayedEntry   = 0.20
	MixRetrospective  = 0.15
	MixStaleReturning = 0.15
	MixStale          = 0.10
	MixForgetting     = 1 - MixEarlyFaithful - MixDelayedEntry - MixRetrospective - MixStaleReturning - MixStale
)

// The filing months, before the simulated today's, of the two cohorts
// measured: from the newest to the oldest month.
const (
	MatureFrom, MatureTo = 36, 38
	RecentFrom, RecentTo = 18, 20
)
