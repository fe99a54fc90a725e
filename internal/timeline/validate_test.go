package timeline

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
)

// testNow is the fixed "now" of these tests: 10 June 2025, midday UTC.
var testNow = time.Date(2025, time.June, 10, 12, 0, 0, 0, time.UTC)

func ms(pairs ...string) []MilestoneInput {
	var out []MilestoneInput
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, MilestoneInput{Code: pairs[i], Date: pairs[i+1]})
	}
	return out
}

func validSubmission() Submission {
	return Submission{
		Category:      "eb2-niw",
		Country:       "IN",
		ServiceCenter: "TSC",
		Filed:         "2024-03",
		Milestones:    ms("received", "2024-03-20", "approved", "2025-06"),
		Note:          "Premium processing was not used.",
	}
}

func TestValidateAccepts(t *testing.T) {
	cat := catalog.Default()
	today := time.Date(2025, time.June, 10, 0, 0, 0, 0, time.UTC)
	c, fe := Validate(cat, validSubmission(), testNow)
	if fe != nil {
		t.Fatalf("Validate(valid) = %v", fe)
	}
	want := &Case{
		Category:      "eb2-niw",
		Country:       "IN",
		ServiceCenter: "TSC",
		Filed:         Month{2024, time.March},
		Milestones: []Milestone{
			{Code: "received", Date: ApproxDate{2024, time.March, 20}},
			{Code: "approved", Date: ApproxDate{2025, time.June, 0}},
		},
		Note:    "Premium processing was not used.",
		AsOf:    today,
		Created: today,
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Validate(valid) =\n%+v\nwant\n%+v", c, want)
	}
}

// TestValidateFields covers each rule both ways: every case changes one
// thing in a valid submission and says which fields, if any, must fail
// and with what words, or how the accepted value is normalised.
func TestValidateFields(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *Submission)
		// errs maps field keys to a fragment of the expected message; nil
		// means the submission must be accepted.
		errs  map[string]string
		check func(t *testing.T, c *Case)
	}{
		// Category.
		{name: "category missing", change: func(s *Submission) { s.Category = "  " },
			errs: map[string]string{"category": "Choose a visa category"}},
		{name: "category unknown", change: func(s *Submission) { s.Category = "eb9" },
			errs: map[string]string{"category": `"eb9" is not a category we know`}},
		{name: "category trimmed and lower-cased", change: func(s *Submission) { s.Category = " EB2-NIW " },
			check: func(t *testing.T, c *Case) { wantEq(t, c.Category, "eb2-niw") }},
		{name: "very long category is clipped in the message",
			change: func(s *Submission) { s.Category = strings.Repeat("x", 500) },
			errs:   map[string]string{"category": `"xxxxxxxxxxxxxxxxxxxx…" is not`}},

		{name: "identifier in the category field is not echoed", change: func(s *Submission) { s.Category = "EAC2112345678" },
			errs: map[string]string{"category": "This is not a category we know."}},

		// Country.
		{name: "country missing", change: func(s *Submission) { s.Country = "" },
			errs: map[string]string{"country": "Choose your country of birth"}},
		{name: "country not ISO", change: func(s *Submission) { s.Country = "XK" },
			errs: map[string]string{"country": `"XK" is not a country code we know`}},
		{name: "country alpha-3", change: func(s *Submission) { s.Country = "IND" },
			errs: map[string]string{"country": "two-letter ISO code"}},
		{name: "country lower case", change: func(s *Submission) { s.Country = " mx " },
			check: func(t *testing.T, c *Case) { wantEq(t, c.Country, "MX") }},

		// Service center.
		{name: "service center optional", change: func(s *Submission) { s.ServiceCenter = " " },
			check: func(t *testing.T, c *Case) { wantEq(t, c.ServiceCenter, "") }},
		{name: "service center lower case", change: func(s *Submission) { s.ServiceCenter = "online" },
			check: func(t *testing.T, c *Case) { wantEq(t, c.ServiceCenter, "ONLINE") }},
		{name: "service center unknown", change: func(s *Submission) { s.ServiceCenter = "XYZ" },
			errs: map[string]string{"service_center": `"XYZ" is not a service center we know`}},

		// Filing month.
		{name: "filed missing", change: func(s *Submission) { s.Filed = "" },
			errs: map[string]string{"filed": "Enter the month you filed"}},
		{name: "filed with a day", change: func(s *Submission) { s.Filed = "2024-03-20" },
			errs: map[string]string{"filed": "Use the form YYYY-MM"}},
		{name: "filed one-digit month", change: func(s *Submission) { s.Filed = "2024-3" },
			errs: map[string]string{"filed": "Use the form YYYY-MM"}},
		{name: "filed month 13", change: func(s *Submission) { s.Filed = "2024-13" },
			errs: map[string]string{"filed": "between 01 and 12"}},
		{name: "filed next month", change: func(s *Submission) { s.Filed, s.Milestones = "2025-07", nil },
			errs: map[string]string{"filed": "in the future"}},
		{name: "filed this month", change: func(s *Submission) { s.Filed, s.Milestones = "2025-06", nil },
			check: func(t *testing.T, c *Case) { wantEq(t, c.Filed, Month{2025, time.June}) }},
		{name: "filed before 1990", change: func(s *Submission) { s.Filed, s.Milestones = "1989-12", nil },
			errs: map[string]string{"filed": "cannot be before 1990-01"}},
		{name: "filed January 1990", change: func(s *Submission) { s.Filed, s.Milestones = "1990-01", nil },
			check: func(t *testing.T, c *Case) { wantEq(t, c.Filed, Month{1990, time.January}) }},
		{name: "filed trimmed", change: func(s *Submission) { s.Filed = " 2024-03\t" },
			check: func(t *testing.T, c *Case) { wantEq(t, c.Filed, Month{2024, time.March}) }},

		// Milestone count.
		{name: "no milestones", change: func(s *Submission) { s.Milestones = nil },
			check: func(t *testing.T, c *Case) { wantEq(t, len(c.Milestones), 0) }},
		{name: "31 milestones", change: func(s *Submission) {
			s.Milestones = nil
			for range 31 {
				s.Milestones = append(s.Milestones, MilestoneInput{Code: "rfe", Date: "2024-04"})
			}
		}, errs: map[string]string{"milestones": "at most 30 milestones"}},

		// Milestone codes.
		{name: "code missing", change: func(s *Submission) { s.Milestones[0].Code = "" },
			errs: map[string]string{"milestones[0].code": "Choose a step"}},
		{name: "code not in category", change: func(s *Submission) { s.Milestones = ms("interview", "2024-05-01") },
			errs: map[string]string{"milestones[0].code": `"interview" is not a step of EB-2 National Interest Waiver (I-140) cases. Steps for these cases: received, rfe, rfe_response, approved, denied.`}},
		{name: "code in another category", change: func(s *Submission) {
			s.Category = "n400"
			s.Milestones = ms("received", "2024-03-20", "transferred", "2024-04")
		}, errs: map[string]string{"milestones[1].code": `"transferred" is not a step of N-400 Naturalization (N-400) cases`}},
		{name: "code upper case", change: func(s *Submission) { s.Milestones[0].Code = " RECEIVED " },
			check: func(t *testing.T, c *Case) { wantEq(t, c.Milestones[0].Code, "received") }},
		{name: "code repeated", change: func(s *Submission) {
			s.Milestones = ms("received", "2024-03-20", "received", "2024-03-21")
		}, errs: map[string]string{"milestones[1].code": `already has "Receipt notice"`}},
		{name: "five RFEs and five responses", change: func(s *Submission) {
			s.Milestones = nil
			for i := range 5 {
				s.Milestones = append(s.Milestones, ms("rfe", fmt.Sprintf("2024-%02d", i+4), "rfe_response", fmt.Sprintf("2024-%02d-20", i+4))...)
			}
		}, check: func(t *testing.T, c *Case) { wantEq(t, len(c.Milestones), 10) }},
		{name: "six RFEs", change: func(s *Submission) {
			s.Milestones = nil
			for i := range 6 {
				s.Milestones = append(s.Milestones, MilestoneInput{Code: "rfe", Date: fmt.Sprintf("2024-%02d", i+4)})
			}
		}, errs: map[string]string{"milestones[5].code": `"Request for evidence (RFE)" can be listed at most 5 times`}},
		{name: "six RFE responses", change: func(s *Submission) {
			s.Milestones = nil
			for range 6 {
				s.Milestones = append(s.Milestones, MilestoneInput{Code: "rfe_response", Date: "2024-06"})
			}
		}, errs: map[string]string{"milestones[5].code": "at most 5 times"}},
		{name: "approved and denied", change: func(s *Submission) {
			s.Milestones = ms("denied", "2025-01", "approved", "2025-02")
		}, errs: map[string]string{"milestones[1].code": "already has a decision (Denied). A case can have only one decision."}},
		{name: "approved twice", change: func(s *Submission) {
			s.Milestones = ms("approved", "2025-01", "approved", "2025-02")
		}, errs: map[string]string{"milestones[1].code": `already has "Approved"`}},
		{name: "repeat of a milestone with a bad date still counts", change: func(s *Submission) {
			s.Milestones = ms("received", "2024-02-30", "received", "2024-03-20")
		}, errs: map[string]string{"milestones[0].date": "not a real date", "milestones[1].code": "already has"}},

		{name: "identifier in a code field is not echoed", change: func(s *Submission) { s.Milestones[0].Code = "A123456789" },
			errs: map[string]string{"milestones[0].code": "This is not a step of EB-2"}},

		// Milestone dates.
		{name: "date missing", change: func(s *Submission) { s.Milestones[0].Date = " " },
			errs: map[string]string{"milestones[0].date": "Enter the date of this step"}},
		{name: "date with slashes", change: func(s *Submission) { s.Milestones[0].Date = "2024/03/20" },
			errs: map[string]string{"milestones[0].date": "Use the form YYYY-MM-DD or YYYY-MM"}},
		{name: "date not real", change: func(s *Submission) { s.Milestones[0].Date = "2023-02-29" },
			errs: map[string]string{"milestones[0].date": "2023-02-29 is not a real date."}},
		{name: "leap day", change: func(s *Submission) { s.Milestones[0].Date = "2024-02-29"; s.Filed = "2024-02" },
			check: func(t *testing.T, c *Case) { wantEq(t, c.Milestones[0].Date, ApproxDate{2024, time.February, 29}) }},
		{name: "date before filing month", change: func(s *Submission) { s.Milestones[0].Date = "2024-02-28" },
			errs: map[string]string{"milestones[0].date": "before the filing month (2024-03)"}},
		{name: "date month-only before filing month", change: func(s *Submission) { s.Milestones[0].Date = "2024-02" },
			errs: map[string]string{"milestones[0].date": "before the filing month"}},
		{name: "date first day of filing month", change: func(s *Submission) { s.Milestones[0].Date = "2024-03-01" },
			check: func(t *testing.T, c *Case) { wantEq(t, c.Milestones[0].Date, ApproxDate{2024, time.March, 1}) }},
		{name: "date filing month only", change: func(s *Submission) { s.Milestones[0].Date = "2024-03" },
			check: func(t *testing.T, c *Case) { wantEq(t, c.Milestones[0].Date, ApproxDate{2024, time.March, 0}) }},
		{name: "date tomorrow", change: func(s *Submission) { s.Milestones[1].Date = "2025-06-11" },
			errs: map[string]string{"milestones[1].date": "in the future"}},
		{name: "date today", change: func(s *Submission) { s.Milestones[1].Date = "2025-06-10" },
			check: func(t *testing.T, c *Case) { wantEq(t, c.Milestones[1].Date, ApproxDate{2025, time.June, 10}) }},
		{name: "date next month", change: func(s *Submission) { s.Milestones[1].Date = "2025-07" },
			errs: map[string]string{"milestones[1].date": "in the future"}},
		{name: "date before 1990 when the filing month is invalid", change: func(s *Submission) {
			s.Filed = "bad"
			s.Milestones[0].Date = "1989-05-01"
		}, errs: map[string]string{"filed": "Use the form", "milestones[0].date": "before 1990-01"}},

		// Decision against receipt.
		{name: "decision the day before receipt", change: func(s *Submission) {
			s.Milestones = ms("received", "2024-05-10", "approved", "2024-05-09")
		}, errs: map[string]string{"milestones[1].date": "The decision is dated before the receipt notice (2024-05-10)"}},
		{name: "decision the day of receipt", change: func(s *Submission) {
			s.Milestones = ms("received", "2024-05-10", "denied", "2024-05-10")
		}, check: func(t *testing.T, c *Case) { wantEq(t, c.Status(), StatusDenied) }},
		{name: "decision month of receipt, month precision", change: func(s *Submission) {
			s.Milestones = ms("received", "2024-05-20", "approved", "2024-05")
		}, check: func(t *testing.T, c *Case) { wantEq(t, c.Status(), StatusApproved) }},
		{name: "decision month before receipt month", change: func(s *Submission) {
			s.Milestones = ms("received", "2024-05", "approved", "2024-04-30")
		}, errs: map[string]string{"milestones[1].date": "before the receipt notice (2024-05)"}},
		{name: "receipt listed after an earlier decision", change: func(s *Submission) {
			s.Milestones = ms("approved", "2024-04-01", "received", "2024-04-02")
		}, errs: map[string]string{"milestones[1].date": "The receipt notice is dated after the decision (2024-04-01)"}},

		// Order.
		{name: "milestones sorted by date, ties in catalog order", change: func(s *Submission) {
			s.Category = "i485-employment"
			s.Milestones = ms("approved", "2025-01-10", "interview", "2025-01-10", "biometrics", "2024-05",
				"received", "2024-05-14", "rfe", "2024-05-15", "transferred", "2024-05-15")
		}, check: func(t *testing.T, c *Case) {
			var got []string
			for _, m := range c.Milestones {
				got = append(got, m.Code+" "+m.Date.String())
			}
			want := []string{"received 2024-05-14", "transferred 2024-05-15", "biometrics 2024-05",
				"rfe 2024-05-15", "interview 2025-01-10", "approved 2025-01-10"}
			if !slices.Equal(got, want) {
				t.Errorf("milestones = %v, want %v", got, want)
			}
		}},

		// Note.
		{name: "note optional", change: func(s *Submission) { s.Note = "" },
			check: func(t *testing.T, c *Case) { wantEq(t, c.Note, "") }},
		{name: "note trimmed, line endings normalised", change: func(s *Submission) { s.Note = "  RFE after 45 days\r\nPD 2019-03\rNSC\t \n" },
			check: func(t *testing.T, c *Case) { wantEq(t, c.Note, "RFE after 45 days\nPD 2019-03\nNSC") }},
		{name: "note of 1000 characters", change: func(s *Submission) { s.Note = strings.Repeat("é", MaxNoteLength) },
			check: func(t *testing.T, c *Case) { wantEq(t, len([]rune(c.Note)), MaxNoteLength) }},
		{name: "note of 1001 characters", change: func(s *Submission) { s.Note = strings.Repeat("é", MaxNoteLength+1) },
			errs: map[string]string{"note": "too long: 1001 characters. The limit is 1000."}},
		{name: "note length counted after trimming", change: func(s *Submission) { s.Note = " " + strings.Repeat("a", MaxNoteLength) + "\n" },
			check: func(t *testing.T, c *Case) { wantEq(t, len(c.Note), MaxNoteLength) }},
		{name: "note with a bell", change: func(s *Submission) { s.Note = "ok\afine" },
			errs: map[string]string{"note": "invisible control character at character 3"}},
		{name: "note with an escape sequence", change: func(s *Submission) { s.Note = "\x1b[31mred" },
			errs: map[string]string{"note": "control character"}},
		{name: "note not UTF-8", change: func(s *Submission) { s.Note = "caf\xe9" },
			errs: map[string]string{"note": "not text"}},
		{name: "note with a receipt number", change: func(s *Submission) { s.Note = "Case number EAC2112345678" },
			errs: map[string]string{"note": `USCIS receipt number ("EAC21...") at character 13 — please remove it.`}},
		{name: "note of ordinary talk", change: func(s *Submission) { s.Note = "I-140 approved 2024-05-17, I-485 pending since 2023-11" },
			check: func(t *testing.T, c *Case) {
				wantEq(t, c.Note, "I-140 approved 2024-05-17, I-485 pending since 2023-11")
			}},
	}
	cat := catalog.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSubmission()
			tt.change(&s)
			c, fe := Validate(cat, s, testNow)
			if tt.errs == nil {
				if fe != nil {
					t.Fatalf("Validate() errors = %v, want none", fe)
				}
				if tt.check != nil {
					tt.check(t, c)
				}
				return
			}
			if c != nil {
				t.Errorf("Validate() returned a case %+v along with errors", c)
			}
			if len(fe) != len(tt.errs) {
				t.Errorf("Validate() errors = %v, want keys %v", fe, keys(tt.errs))
			}
			for k, frag := range tt.errs {
				if !strings.Contains(fe[k], frag) {
					t.Errorf("error %q = %q, want it to contain %q", k, fe[k], frag)
				}
			}
		})
	}
}

func TestValidateCollectsEveryError(t *testing.T) {
	s := Submission{
		Category:      "nope",
		Country:       "ZZ",
		ServiceCenter: "XXX",
		Filed:         "2030-01",
		Milestones:    ms("", "", "received", "2099-01-01"),
		Note:          "call 415-555-0132",
	}
	c, fe := Validate(catalog.Default(), s, testNow)
	if c != nil {
		t.Fatalf("Validate() returned a case")
	}
	want := []string{"category", "country", "filed", "milestones[0].code", "milestones[0].date",
		"milestones[1].date", "note", "service_center"}
	if got := keys(fe); !slices.Equal(got, want) {
		t.Errorf("error keys = %v, want %v", got, want)
	}
	for k, msg := range fe {
		if !strings.HasSuffix(msg, ".") || !(msg[0] == '"' || msg[0] >= 'A' && msg[0] <= 'Z') {
			t.Errorf("message for %q is not a sentence: %q", k, msg)
		}
	}
}

func TestValidateUsesUTCDay(t *testing.T) {
	// 23:30 on 9 June in California is already 10 June in UTC.
	la := time.FixedZone("PDT", -7*3600)
	now := time.Date(2025, time.June, 9, 23, 30, 0, 0, la)
	s := validSubmission()
	s.Milestones = ms("received", "2024-03-20", "approved", "2025-06-10")
	c, fe := Validate(catalog.Default(), s, now)
	if fe != nil {
		t.Fatalf("Validate() = %v", fe)
	}
	day := time.Date(2025, time.June, 10, 0, 0, 0, 0, time.UTC)
	if !c.AsOf.Equal(day) || !c.Created.Equal(day) || c.AsOf.Location() != time.UTC {
		t.Errorf("AsOf, Created = %v, %v; want %v", c.AsOf, c.Created, day)
	}
}

func baseCase(t *testing.T) *Case {
	t.Helper()
	s := validSubmission()
	s.Milestones = ms("received", "2024-03-20", "rfe", "2024-09")
	c, fe := Validate(catalog.Default(), s, testNow.AddDate(0, -1, 0))
	if fe != nil {
		t.Fatalf("Validate() = %v", fe)
	}
	return c
}

func TestAddMilestone(t *testing.T) {
	tests := []struct {
		name  string
		setup func(c *Case)
		in    MilestoneInput
		errs  map[string]string
		want  []string // codes in order after a successful add
	}{
		{name: "approval", in: MilestoneInput{" Approved ", " 2025-06-01 "},
			want: []string{"received", "rfe", "approved"}},
		{name: "RFE response goes between", in: MilestoneInput{"rfe_response", "2024-10"},
			want: []string{"received", "rfe", "rfe_response"}},
		{name: "second RFE", in: MilestoneInput{"rfe", "2024-11-02"},
			want: []string{"received", "rfe", "rfe"}},
		{name: "same day as receipt sorts after it", in: MilestoneInput{"denied", "2024-03-20"},
			want: []string{"received", "denied", "rfe"}},
		{name: "both missing", in: MilestoneInput{"", ""},
			errs: map[string]string{"code": "Choose a step", "date": "Enter the date"}},
		{name: "not a step of the category", in: MilestoneInput{"biometrics", "2024-10-01"},
			errs: map[string]string{"code": `"biometrics" is not a step of EB-2 National Interest Waiver (I-140) cases`}},
		{name: "second receipt", in: MilestoneInput{"received", "2024-03-21"},
			errs: map[string]string{"code": `already has "Receipt notice"`}},
		{name: "sixth RFE", setup: func(c *Case) {
			for i := range 4 {
				c.Milestones = append(c.Milestones, Milestone{"rfe", ApproxDate{2024, time.Month(10 + i%3), 0}})
			}
		}, in: MilestoneInput{"rfe", "2025-01"}, errs: map[string]string{"code": "at most 5 times"}},
		{name: "second decision", setup: func(c *Case) {
			c.Milestones = append(c.Milestones, Milestone{"denied", ApproxDate{2025, time.January, 5}})
		}, in: MilestoneInput{"approved", "2025-02"}, errs: map[string]string{"code": "already has a decision (Denied)"}},
		{name: "before filing", in: MilestoneInput{"approved", "2024-02-29"},
			errs: map[string]string{"date": "before the filing month (2024-03)"}},
		{name: "in the future", in: MilestoneInput{"approved", "2025-06-11"},
			errs: map[string]string{"date": "in the future"}},
		{name: "today", in: MilestoneInput{"approved", "2025-06-10"},
			want: []string{"received", "rfe", "approved"}},
		{name: "decision before receipt", in: MilestoneInput{"approved", "2024-03-19"},
			errs: map[string]string{"date": "before the receipt notice (2024-03-20)"}},
		{name: "not a date", in: MilestoneInput{"approved", "June 2025"},
			errs: map[string]string{"date": "Use the form YYYY-MM-DD or YYYY-MM"}},
		{name: "case full", setup: func(c *Case) {
			for len(c.Milestones) < MaxMilestones {
				c.Milestones = append(c.Milestones, Milestone{"rfe", ApproxDate{2024, time.October, 0}})
			}
		}, in: MilestoneInput{"approved", "2025-01"}, errs: map[string]string{"code": "already has 30 milestones"}},
		{name: "unknown category", setup: func(c *Case) { c.Category = "retired" },
			in: MilestoneInput{"approved", "2025-01"}, errs: map[string]string{"code": `category "retired", which we no longer know`}},
	}
	cat := catalog.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := baseCase(t)
			if tt.setup != nil {
				tt.setup(c)
			}
			before := *c
			before.Milestones = slices.Clone(c.Milestones)
			fe := AddMilestone(cat, c, tt.in, testNow)
			if tt.errs != nil {
				if len(fe) != len(tt.errs) {
					t.Errorf("AddMilestone() = %v, want keys %v", fe, keys(tt.errs))
				}
				for k, frag := range tt.errs {
					if !strings.Contains(fe[k], frag) {
						t.Errorf("error %q = %q, want it to contain %q", k, fe[k], frag)
					}
				}
				if !reflect.DeepEqual(*c, before) {
					t.Errorf("AddMilestone() changed the case on error:\n%+v\nwas\n%+v", *c, before)
				}
				return
			}
			if fe != nil {
				t.Fatalf("AddMilestone() = %v", fe)
			}
			var got []string
			for _, m := range c.Milestones {
				got = append(got, m.Code)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("milestones = %v, want %v", got, tt.want)
			}
			if want := Today(testNow); !c.AsOf.Equal(want) {
				t.Errorf("AsOf = %v, want %v", c.AsOf, want)
			}
			if !c.Created.Equal(before.Created) {
				t.Errorf("Created changed from %v to %v", before.Created, c.Created)
			}
		})
	}
}

// FuzzValidate feeds arbitrary submissions to Validate. Milestones are
// encoded as "code=date" items separated by ";". It must never panic, and
// an accepted submission must validate again to the same case, both whole
// and built step by step with AddMilestone.
func FuzzValidate(f *testing.F) {
	f.Add("eb2-niw", "IN", "TSC", "2024-03", "received=2024-03-20;approved=2025-06", "Premium processing was not used.")
	f.Add(" I485-EMPLOYMENT", "mx ", "nbc", "2023-11", "interview=2025-01-10;received=2023-11;rfe=2024-05;rfe=2024-05;rfe_response=2024-06-01", "RFE after 45 days\r\nPD 2019-03")
	f.Add("n400", "PH", "", "2025-06", "received=2025-06-10", "")
	f.Add("k1", "US", "ONLINE", "1990-01", "denied=1990-01;received=1990-01-31", "\t")
	f.Add("i130-spouse-usc", "CN", "CSC", "2024-02", "received=2024-02-29;transferred=2024-02", "EAC2112345678")
	f.Add("h1b", "XK", "ZZZ", "2025-13", "approved=2025-06-11;approved=2025-05-11", "\x00")
	f.Fuzz(func(t *testing.T, category, country, center, filed, milestones, note string) {
		s := Submission{Category: category, Country: country, ServiceCenter: center, Filed: filed, Note: note}
		if milestones != "" {
			for item := range strings.SplitSeq(milestones, ";") {
				code, date, _ := strings.Cut(item, "=")
				s.Milestones = append(s.Milestones, MilestoneInput{Code: code, Date: date})
			}
		}
		cat := catalog.Default()
		c, fe := Validate(cat, s, testNow)
		if (c == nil) == (fe == nil) {
			t.Fatalf("Validate() = %v, %v: want exactly one of case and errors", c, fe)
		}
		if fe != nil {
			for k, msg := range fe {
				if msg == "" {
					t.Fatalf("empty message for %q", k)
				}
			}
			return
		}

		// The accepted case obeys the rules it was checked against.
		if len(c.Milestones) > MaxMilestones || len([]rune(c.Note)) > MaxNoteLength || CheckNote(c.Note) != nil {
			t.Fatalf("accepted case breaks a limit: %+v", c)
		}
		category0, _ := cat.Category(c.Category)
		if !slices.IsSortedFunc(c.Milestones, func(a, b Milestone) int {
			if d := a.Date.Time().Compare(b.Date.Time()); d != 0 {
				return d
			}
			ia, _ := category0.MilestoneIndex(a.Code)
			ib, _ := category0.MilestoneIndex(b.Code)
			return ia - ib
		}) {
			t.Fatalf("milestones not in order: %v", c.Milestones)
		}

		// Its own output validates to the same case.
		again := Submission{Category: c.Category, Country: c.Country, ServiceCenter: c.ServiceCenter,
			Filed: c.Filed.String(), Note: c.Note}
		for _, m := range c.Milestones {
			again.Milestones = append(again.Milestones, MilestoneInput{Code: m.Code, Date: m.Date.String()})
		}
		c2, fe2 := Validate(cat, again, testNow)
		if fe2 != nil || !reflect.DeepEqual(c, c2) {
			t.Fatalf("re-validating the output gave %+v, %v; want %+v", c2, fe2, c)
		}

		// Adding the same milestones one by one gives the same case.
		bare := again
		bare.Milestones = nil
		c3, fe3 := Validate(cat, bare, testNow)
		if fe3 != nil {
			t.Fatalf("Validate(without milestones) = %v", fe3)
		}
		for _, in := range s.Milestones {
			if fe := AddMilestone(cat, c3, in, testNow); fe != nil {
				t.Fatalf("AddMilestone(%+v) = %v, though Validate accepted it", in, fe)
			}
		}
		// Built step by step, a decided case was pending until its
		// decision was added today; submitted whole, it was shared
		// already decided and has no such day.
		if c3.Status() != StatusPending {
			if want := Today(testNow); !c3.LastPending.Equal(want) {
				t.Fatalf("step by step: LastPending = %v, want %v", c3.LastPending, want)
			}
			c3.LastPending = time.Time{}
		}
		if !reflect.DeepEqual(c, c3) {
			t.Fatalf("step by step gave %+v; want %+v", c3, c)
		}
	})
}

func wantEq[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
