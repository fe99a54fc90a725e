package timeline

import (
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
)

func intp(n int) *int { return &n }

// The fields that split the distributions: each is optional, checked
// against the catalog, and refused with a clear message for a category
// it does not apply to.
func TestValidateDetails(t *testing.T) {
	cat := catalog.Default()
	i485 := func(d DetailsInput) Submission {
		return Submission{Category: "i485-employment", Country: "IN", Filed: "2024-03",
			Milestones: ms("received", "2024-03-20"), DetailsInput: d}
	}
	niw := func(d DetailsInput, milestones ...string) Submission {
		s := validSubmission()
		if milestones != nil {
			s.Milestones = ms(milestones...)
		}
		s.DetailsInput = d
		return s
	}
	for _, tc := range []struct {
		name string
		sub  Submission
		want Details
		errs map[string]string // field -> part of the message
	}{
		{name: "none given", sub: niw(DetailsInput{})},
		{name: "premium from filing", sub: niw(DetailsInput{Premium: " Premium "}), want: Details{Premium: PremiumFromFiling}},
		{name: "none means regular", sub: niw(DetailsInput{Premium: "none"}), want: Details{Premium: PremiumRegular}},
		{name: "upgraded on day 120", sub: niw(DetailsInput{Premium: "upgraded", PremiumUpgradeDay: intp(120)}),
			want: Details{Premium: PremiumUpgraded, UpgradeDay: 120}},
		{name: "upgraded on day 0", sub: niw(DetailsInput{Premium: "upgraded", PremiumUpgradeDay: intp(0)}),
			want: Details{Premium: PremiumUpgraded}},
		{name: "upgraded without a day", sub: niw(DetailsInput{Premium: "upgraded"}),
			errs: map[string]string{FieldPremiumUpgradeDay: "how many days"}},
		{name: "negative upgrade day", sub: niw(DetailsInput{Premium: "upgraded", PremiumUpgradeDay: intp(-1)}),
			errs: map[string]string{FieldPremiumUpgradeDay: "0 or more"}},
		{name: "upgrade after the decision", sub: niw(DetailsInput{Premium: "upgraded", PremiumUpgradeDay: intp(200)}, "received", "2024-03-20", "approved", "2024-08-01"),
			errs: map[string]string{FieldPremiumUpgradeDay: "after the decision"}},
		{name: "upgrade in the decision's month", sub: niw(DetailsInput{Premium: "upgraded", PremiumUpgradeDay: intp(150)}, "received", "2024-03-20", "approved", "2024-08"),
			want: Details{Premium: PremiumUpgraded, UpgradeDay: 150}},
		{name: "upgrade in the future", sub: niw(DetailsInput{Premium: "upgraded", PremiumUpgradeDay: intp(500)}, "received", "2024-03-20"),
			errs: map[string]string{FieldPremiumUpgradeDay: "future"}},
		{name: "upgrade day without upgrade", sub: niw(DetailsInput{Premium: "premium", PremiumUpgradeDay: intp(3)}),
			errs: map[string]string{FieldPremiumUpgradeDay: "only for a case upgraded"}},
		{name: "unknown premium", sub: niw(DetailsInput{Premium: "fast"}),
			errs: map[string]string{FieldPremium: "regular, premium or upgraded"}},
		{name: "premium for I-485", sub: i485(DetailsInput{Premium: "premium"}),
			errs: map[string]string{FieldPremium: "does not apply to"}},
		{name: "online N-400", sub: Submission{Category: "n400", Country: "MX", Filed: "2024-03", DetailsInput: DetailsInput{FilingMethod: "ONLINE", InterviewOffice: "new"}},
			want: Details{FilingMethod: FiledOnline, InterviewOffice: "NEW"}},
		{name: "filing method for I-140", sub: niw(DetailsInput{FilingMethod: "paper"}),
			errs: map[string]string{FieldFilingMethod: "does not apply"}},
		{name: "unknown filing method", sub: Submission{Category: "n400", Country: "MX", Filed: "2024-03", DetailsInput: DetailsInput{FilingMethod: "fax"}},
			errs: map[string]string{FieldFilingMethod: "online or paper"}},
		{name: "unknown office", sub: i485(DetailsInput{InterviewOffice: "XYZ"}),
			errs: map[string]string{FieldInterviewOffice: "not a field office"}},
		{name: "office for I-140", sub: niw(DetailsInput{InterviewOffice: "NYC"}),
			errs: map[string]string{FieldInterviewOffice: "does not apply"}},
		{name: "priority date and chargeability", sub: i485(DetailsInput{PriorityDate: "2019-03", Chargeability: "in", PriorityDateCurrent: "Yes"}),
			want: Details{PriorityDate: Month{2019, time.March}, Chargeability: "IN", PDCurrent: PDCurrentYes}},
		{name: "priority date in the filing month", sub: i485(DetailsInput{PriorityDate: "2024-03", PriorityDateCurrent: "don't know"}),
			want: Details{PriorityDate: Month{2024, time.March}, PDCurrent: PDCurrentUnknown}},
		{name: "priority date after filing", sub: i485(DetailsInput{PriorityDate: "2024-04"}),
			errs: map[string]string{FieldPriorityDate: "after the filing month"}},
		{name: "priority date with a day", sub: i485(DetailsInput{PriorityDate: "2019-03-05"}),
			errs: map[string]string{FieldPriorityDate: "month only"}},
		{name: "priority date garbled", sub: i485(DetailsInput{PriorityDate: "March 2019"}),
			errs: map[string]string{FieldPriorityDate: "YYYY-MM"}},
		{name: "priority date too old", sub: i485(DetailsInput{PriorityDate: "1960-01"}),
			errs: map[string]string{FieldPriorityDate: "cannot be before"}},
		{name: "priority date for I-140", sub: niw(DetailsInput{PriorityDate: "2019-03", Chargeability: "IN", PriorityDateCurrent: "no"}),
			errs: map[string]string{FieldPriorityDate: "does not apply", FieldChargeability: "does not apply", FieldPDCurrent: "does not apply"}},
		{name: "unknown chargeability", sub: i485(DetailsInput{Chargeability: "XX"}),
			errs: map[string]string{FieldChargeability: "not a country code"}},
		{name: "unknown answer", sub: i485(DetailsInput{PriorityDateCurrent: "maybe"}),
			errs: map[string]string{FieldPDCurrent: "yes, no or unknown"}},
		{name: "identifier is not echoed", sub: i485(DetailsInput{InterviewOffice: "EAC2190012345"}),
			errs: map[string]string{FieldInterviewOffice: "This is not"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, fe := Validate(cat, tc.sub, testNow)
			if tc.errs == nil {
				if fe != nil {
					t.Fatalf("Validate: %v", fe)
				}
				if c.Details != tc.want {
					t.Errorf("Details = %+v, want %+v", c.Details, tc.want)
				}
				// A stored case submitted again gives the same details.
				again := tc.sub
				again.DetailsInput = c.Details.Input()
				if c2, fe := Validate(cat, again, testNow); fe != nil || c2.Details != c.Details {
					t.Errorf("round trip through Input: %+v, %v", c2, fe)
				}
				return
			}
			if len(fe) != len(tc.errs) {
				t.Errorf("errors %v, want fields %v", fe, tc.errs)
			}
			for field, part := range tc.errs {
				if !strings.Contains(fe[field], part) {
					t.Errorf("%s: %q, want it to contain %q", field, fe[field], part)
				}
			}
		})
	}
}

func TestParseUpgradeDay(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want *int
		err  bool
	}{
		{"", nil, false}, {"  ", nil, false}, {"45", intp(45), false}, {" 45 days", intp(45), false},
		{"1 day", intp(1), false}, {"-3", intp(-3), false}, {"4.5", nil, true}, {"forty", nil, true},
		{"99999999999", nil, true},
	} {
		got, err := ParseUpgradeDay(tc.in)
		if (err != nil) != tc.err || (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("ParseUpgradeDay(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func FuzzParseUpgradeDay(f *testing.F) {
	for _, s := range []string{"", "45", "45 days", "-1", "1e9", "０"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseUpgradeDay(s)
		if err == nil && n != nil && (*n > 999999 || *n < -99999) {
			t.Errorf("ParseUpgradeDay(%q) = %d: out of the bounded range", s, *n)
		}
	})
}

// FuzzValidateDetails: whatever the details, validation either refuses
// them with a message per field or returns details that a second
// validation accepts unchanged.
func FuzzValidateDetails(f *testing.F) {
	f.Add("i485-family", "upgraded", 3, "paper", "NYC", "2019-03", "IN", "yes")
	f.Add("eb2-niw", "upgraded", 30, "", "", "", "", "")
	f.Add("n400", "", -1, "online", "new", "2024-13", "zz", "maybe")
	cat := catalog.Default()
	f.Fuzz(func(t *testing.T, category, premium string, day int, method, office, pd, charge, current string) {
		in := DetailsInput{Premium: premium, FilingMethod: method, InterviewOffice: office,
			PriorityDate: pd, Chargeability: charge, PriorityDateCurrent: current}
		if day >= 0 {
			in.PremiumUpgradeDay = &day
		}
		sub := Submission{Category: category, Country: "IN", Filed: "2024-03", DetailsInput: in}
		c, fe := Validate(cat, sub, testNow)
		if fe != nil {
			for k, msg := range fe {
				if msg == "" {
					t.Errorf("%s: empty message", k)
				}
			}
			return
		}
		sub.DetailsInput = c.Details.Input()
		c2, fe := Validate(cat, sub, testNow)
		if fe != nil || c2.Details != c.Details {
			t.Errorf("details %+v do not validate again: %+v, %v", c.Details, c2, fe)
		}
	})
}

// The details of a stored case are replaced through the same rules.
func TestSetDetails(t *testing.T) {
	cat := catalog.Default()
	c, fe := Validate(cat, validSubmission(), testNow)
	if fe != nil {
		t.Fatal(fe)
	}
	if fe := SetDetails(cat, c, DetailsInput{Premium: "upgraded", PremiumUpgradeDay: intp(30)}, testNow); fe != nil {
		t.Fatalf("SetDetails: %v", fe)
	}
	if c.Details != (Details{Premium: PremiumUpgraded, UpgradeDay: 30}) {
		t.Errorf("Details = %+v", c.Details)
	}
	before := c.Details
	fe = SetDetails(cat, c, DetailsInput{Premium: "upgraded", PremiumUpgradeDay: intp(900), InterviewOffice: "NYC"}, testNow)
	if fe[FieldPremiumUpgradeDay] == "" || fe[FieldInterviewOffice] == "" || c.Details != before {
		t.Errorf("SetDetails(bad) = %v, details now %+v", fe, c.Details)
	}
}

// A form or a CSV cell gives the upgrade day as text.
func TestUpgradeDayText(t *testing.T) {
	cat := catalog.Default()
	s := validSubmission()
	s.DetailsInput = DetailsInput{Premium: "upgraded", PremiumUpgradeDayText: " 45 days"}
	if c, fe := Validate(cat, s, testNow); fe != nil || c.Details.UpgradeDay != 45 {
		t.Errorf("Validate(45 days) = %+v, %v", c, fe)
	}
	s.DetailsInput = DetailsInput{Premium: "upgraded", PremiumUpgradeDayText: "soon"}
	if _, fe := Validate(cat, s, testNow); !strings.Contains(fe[FieldPremiumUpgradeDay], "whole number of days") {
		t.Errorf("Validate(soon) = %v", fe)
	}
	s.DetailsInput = DetailsInput{Premium: "regular", PremiumUpgradeDayText: "soon"}
	if _, fe := Validate(cat, s, testNow); fe[FieldPremiumUpgradeDay] == "" {
		t.Errorf("junk beside regular processing accepted: %v", fe)
	}
}

// A decision added to an upgraded case cannot come before the upgrade.
func TestAddDecisionBeforeUpgrade(t *testing.T) {
	cat := catalog.Default()
	s := validSubmission()
	s.Milestones = ms("received", "2024-03-20")
	s.DetailsInput = DetailsInput{Premium: "upgraded", PremiumUpgradeDay: intp(200)}
	c, fe := Validate(cat, s, testNow)
	if fe != nil {
		t.Fatal(fe)
	}
	if fe := AddMilestone(cat, c, MilestoneInput{Code: "approved", Date: "2024-06-01"}, testNow); !strings.Contains(fe["date"], "upgraded to premium processing 200 days after filing") {
		t.Errorf("decision before the upgrade: %v", fe)
	}
	if fe := AddMilestone(cat, c, MilestoneInput{Code: "approved", Date: "2024-10-05"}, testNow); fe != nil {
		t.Errorf("decision after the upgrade: %v", fe)
	}
}
