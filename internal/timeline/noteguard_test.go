package timeline

import (
	"strings"
	"testing"
)

// Notes people really write about their timelines must pass the guard.
var cleanNotes = []string{
	"",
	"RFE after 45 days",
	"PD 2019-03",
	"I-485 filed",
	"NSC",
	"biometrics 10/12",
	"EB2 NIW approved in 8 months",
	"I-140 approved 2024-05-17, I-485 pending since 2023-11",
	"premium processing, 15 business days",
	"waited 430 days",
	"case was transferred to NBC on 03/14/2024",
	"RFE response sent 2024-06-01",
	"form I-765 (c)(9)",
	"Priority date Jan 2019, category EB-3",
	"interview at field office 10:30am",
	"filed 2024",
	"$715 fee",
	"$1,440 filing fee plus $2,805 premium processing",
	"Transferred NSC -> NBC 2024-02-14, then to the field office.",
	"Bio 2024-01-09 10:00, EAD card produced 2024-03-22",
	"RFE on 2023-12-01 asking for 3 more recommendation letters",
	"Interview scheduled 2024-07-15 at 8:45 am, approved same day",
	"Used premium processing (I-907), approved in 12 days.",
	"Approved 2024-05-17 10 days after the RFE response",
	"NBC 2024-03-14 10 days later interview notice",
	"Filed online via myUSCIS, category E21, PD 2021-08-30",
	"I-131 and I-765 filed together with I-485 (concurrent filing)",
	"Case status: Case Was Approved. Card mailed 2024/06/03.",
	"H-1B cap FY2025, lottery selected in round 1",
	"Waited 18 months, 2 weeks. 3 inquiries, 1 congressional.",
	"Sent 2 RFE responses: 2024-01-05 and 2024-04-22",
	"Country chargeability India, EB-2 backlog ~10 years",
	"N-400 oath ceremony 2024-09-12, 100 applicants",
	"I-797C notice dated 01/02/2024",
	"Phone call to USCIS contact center, tier 2 callback in 3 days",
	"Biometrics reused from 2022.",
	"Received 2024-03-20; approved 2025-06 (no RFE).",
	"Spouse's case separate; K-1 approved after 11.5 months",
	"Plan A: wait. Plan B: premium upgrade for +$2,805",
	"Processing +2 months after transfer",
	"Email from the lawyer said approved.",
	"Passport renewed in 2023, no impact on the case",
	"My SSN card arrived 2 weeks after approval",
	"Case number starts with IOE, filed online",
	"Fee $2,805 paid 2024-01-15, receipt 2024-01-18",
	"Approval at 98% in 2024",
	"Über-schnell: genehmigt nach 3 Monaten 😀",
	"审批用了 14 个月",
}

func TestCheckNoteClean(t *testing.T) {
	for _, note := range cleanNotes {
		if err := CheckNote(note); err != nil {
			t.Errorf("CheckNote(%q) = %v, want nil", note, err)
		}
	}
}

func TestCheckNoteRefuses(t *testing.T) {
	tests := []struct {
		note    string
		kind    string
		offset  int
		excerpt string
	}{
		// Receipt numbers.
		{"Case number EAC2112345678", KindReceipt, 12, "EAC21..."},
		{"my receipt: WAC-21-901-23456, still pending", KindReceipt, 12, "WAC-2..."},
		{"LIN 21 901 23456", KindReceipt, 0, "LIN 2..."},
		{"src2190123456 approved", KindReceipt, 0, "src21..."},
		{"transferred, new number NBC-2190123456", KindReceipt, 24, "NBC-2..."},
		{"MSC2290123456", KindReceipt, 0, "MSC22..."},
		{"online receipt IOE0912345678", KindReceipt, 15, "IOE09..."},
		{"YSC 21-901-23456", KindReceipt, 0, "YSC 2..."},
		{"EAC 415-555-0132", KindReceipt, 0, "EAC 4..."},
		{"new center code XYZ2190123456", KindReceipt, 16, "XYZ21..."},
		{"receipt: ABC-21-901-23456", KindReceipt, 9, "ABC-2..."},
		{"EAC#2190123456", KindReceipt, 0, "EAC#2..."},
		// A-numbers.
		{"A123456789", KindANumber, 0, "A1234..."},
		{"my A-123-456-789 is on the card", KindANumber, 3, "A-123..."},
		{"A# 12345678", KindANumber, 0, "A# 12..."},
		{"A 123 456 789", KindANumber, 0, "A 123..."},
		{"A-number: 123456789", KindANumber, 0, "A-num..."},
		{"a-number 012345678", KindANumber, 0, "a-num..."},
		{"A12345678 on the EAD", KindANumber, 0, "A1234..."},
		{"A no. 098765432", KindANumber, 0, "A no...."},
		// Email addresses.
		{"write to jane.doe@example.com for tips", KindEmail, 9, "jane...."},
		{"contact: a.b+visa@mail.example.org", KindEmail, 9, "a.b+v..."},
		{"ravi_k99@gmail.com", KindEmail, 0, "ravi_..."},
		// Phone numbers.
		{"call me at (415) 555-0132", KindPhone, 11, "(415)..."},
		{"415-555-0132", KindPhone, 0, "415-5..."},
		{"+1 415 555 0132", KindPhone, 0, "+1 41..."},
		{"lawyer +44 20 7946 0958", KindPhone, 7, "+44 2..."},
		{"415.555.0132", KindPhone, 0, "415.5..."},
		{"1-800-375-5283 helped", KindPhone, 0, "1-800..."},
		{"text 4155550132", KindPhone, 5, "41555..."},
		{"WhatsApp +91-98765-43210", KindPhone, 9, "+91-9..."},
		{"+14155550132", KindPhone, 0, "+1415..."},
		// Passport numbers.
		{"passport X1234567 renewed", KindPassport, 9, "X1234..."},
		{"passport no. 123456789", KindPassport, 13, "12345..."},
		{"123456789 is my passport", KindPassport, 0, "12345..."},
		{"old passport K12345678 expired", KindPassport, 13, "K1234..."},
		{"AB1234567", KindPassport, 0, "AB123..."},
		// Social Security numbers.
		{"SSN 123-45-6789", KindSSN, 4, "123-4..."},
		{"got 123 45 6789 in the mail", KindSSN, 4, "123 4..."},
		{"my ssn is 123456789", KindSSN, 10, "12345..."},
		{"Social Security: 987654321", KindSSN, 17, "98765..."},
		// Offsets count runes, not bytes.
		{"Ünïcödé EAC2112345678", KindReceipt, 8, "EAC21..."},
		{"审批 a@b.cn", KindEmail, 3, "a@b.c..."},
	}
	for _, tt := range tests {
		t.Run(tt.note, func(t *testing.T) {
			err := CheckNote(tt.note)
			if err == nil {
				t.Fatalf("CheckNote(%q) = nil, want a %s", tt.note, tt.kind)
			}
			if len(err.Findings) != 1 {
				t.Fatalf("CheckNote(%q) findings = %+v, want one", tt.note, err.Findings)
			}
			f := err.Findings[0]
			want := NoteFinding{Kind: tt.kind, Excerpt: tt.excerpt, Offset: tt.offset}
			if f != want {
				t.Errorf("CheckNote(%q) = %+v, want %+v", tt.note, f, want)
			}
			if !strings.Contains(err.Error(), tt.kind) || !strings.Contains(err.Error(), tt.excerpt) {
				t.Errorf("Error() = %q, want it to name %q and %q", err.Error(), tt.kind, tt.excerpt)
			}
		})
	}
}

func TestNoteErrorMessage(t *testing.T) {
	tests := []struct {
		note, want string
	}{
		{"Case number EAC2112345678",
			`The note contains what looks like a USCIS receipt number ("EAC21...") at character 13 — please remove it.`},
		{"A123456789 and jane@example.com",
			`The note contains what looks like an A-number ("A1234...") at character 1 and an email address ("jane@...") at character 16 — please remove them.`},
		{"EAC2112345678, 415-555-0132, SSN 123-45-6789",
			`The note contains what looks like a USCIS receipt number ("EAC21...") at character 1, a phone number ("415-5...") at character 16 and a Social Security number ("123-4...") at character 34 — please remove them.`},
	}
	for _, tt := range tests {
		err := CheckNote(tt.note)
		if err == nil {
			t.Fatalf("CheckNote(%q) = nil", tt.note)
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("CheckNote(%q).Error() =\n%s\nwant\n%s", tt.note, got, tt.want)
		}
	}
}

func TestCheckNoteLongNote(t *testing.T) {
	note := strings.Repeat("RFE after 45 days. ", 50) + "EAC2112345678 " + strings.Repeat("waited 430 days. ", 10)
	err := CheckNote(note)
	if err == nil || len(err.Findings) != 1 || err.Findings[0].Offset != 50*19 {
		t.Fatalf("CheckNote(long note) = %+v, want one receipt at %d", err, 50*19)
	}
}
