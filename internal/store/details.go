package store

import (
	"database/sql"
	"fmt"
	"slices"

	"github.com/casetrack/casetrack/internal/timeline"
)

// detailsRow is timeline.Details in the form its columns take (see the
// details migration): NULL for what was not given.
type detailsRow struct {
	premium                     sql.NullString
	premiumDay                  sql.NullInt64
	filingMethod, office        sql.NullString
	priorityDate, chargeability sql.NullString
	pdCurrent                   sql.NullString
}

// encodeDetails checks details for storage. Like the rest of newCaseRow it
// refuses only what would corrupt the columns (values outside their
// vocabulary, codes that are not tokens); the rules of the domain are
// timeline.Validate's.
func encodeDetails(d timeline.Details) (detailsRow, error) {
	var r detailsRow
	if d.Premium != "" && !slices.Contains(timeline.PremiumKinds, d.Premium) {
		return r, fmt.Errorf("unknown premium processing %q", d.Premium)
	}
	if d.UpgradeDay != 0 && d.Premium != timeline.PremiumUpgraded || d.UpgradeDay < 0 {
		return r, fmt.Errorf("upgrade day %d without an upgrade", d.UpgradeDay)
	}
	if d.FilingMethod != "" && !slices.Contains(timeline.FilingMethods, d.FilingMethod) {
		return r, fmt.Errorf("unknown filing method %q", d.FilingMethod)
	}
	if d.PDCurrent != "" && !slices.Contains(timeline.PDCurrentAnswers, d.PDCurrent) {
		return r, fmt.Errorf("unknown priority date answer %q", d.PDCurrent)
	}
	for _, code := range []string{d.InterviewOffice, d.Chargeability} {
		if code != "" && !validToken(code) {
			return r, fmt.Errorf("invalid code %q", code)
		}
	}
	r.premium = nullString(d.Premium)
	if d.Premium == timeline.PremiumUpgraded {
		r.premiumDay = sql.NullInt64{Int64: int64(d.UpgradeDay), Valid: true}
	}
	r.filingMethod = nullString(d.FilingMethod)
	r.office = nullString(d.InterviewOffice)
	if !d.PriorityDate.IsZero() {
		pd := d.PriorityDate.String()
		if _, ok := parseMonth(pd); !ok {
			return r, fmt.Errorf("invalid priority date %s", pd)
		}
		r.priorityDate = nullString(pd)
	}
	r.chargeability = nullString(d.Chargeability)
	r.pdCurrent = nullString(d.PDCurrent)
	return r, nil
}

// detailsSelect reads the text details as part of caseSelect's first
// column, space-separated (none can contain a space); premium_day comes
// in a column of its own, as the dialects format numbers as text
// differently.
const detailsSelect = "coalesce(premium, '') || ' ' || coalesce(filing_method, '') || ' ' || coalesce(interview_office, '') || ' ' || " +
	"coalesce(priority_date, '') || ' ' || coalesce(chargeability, '') || ' ' || coalesce(pd_current, '')"

// detailFields is how many fields detailsSelect adds to the head.
const detailFields = 6

// decodeDetails reads the details back from detailsSelect's fields and
// the premium day, refusing what encodeDetails would not have written.
func decodeDetails(f []string, premiumDay sql.NullInt64, in interner) (timeline.Details, error) {
	d := timeline.Details{
		Premium: in.get(f[0]), FilingMethod: in.get(f[1]), InterviewOffice: in.get(f[2]),
		Chargeability: in.get(f[4]), PDCurrent: in.get(f[5]),
	}
	if f[3] != "" {
		m, ok := parseMonth(f[3])
		if !ok {
			return d, fmt.Errorf("corrupt priority date %q", f[3])
		}
		d.PriorityDate = m
	}
	if premiumDay.Valid {
		d.UpgradeDay = int(premiumDay.Int64)
	}
	if premiumDay.Valid != (d.Premium == timeline.PremiumUpgraded) {
		return d, fmt.Errorf("corrupt premium processing %q with day %v", d.Premium, premiumDay)
	}
	if _, err := encodeDetails(d); err != nil {
		return d, fmt.Errorf("corrupt details: %w", err)
	}
	return d, nil
}
