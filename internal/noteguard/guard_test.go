package noteguard

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	tests := []struct{ note, want string }{
		{"ＥＡＣ２１９０１２３４５６", "EAC2190123456"},                               // full-width forms (NFKC)
		{"EAC2\u200b19\u200d0\u2060123\u00ad456\ufeff", "EAC2190123456"}, // format characters (Cf)
		{"ЕАС2190123456", "EAC2190123456"},                               // Cyrillic look-alikes
		{"ΑΒ1234567", "AB1234567"},                                       // Greek look-alikes
		{"٤١٥-٥٥٥-٠١٣٢", "415-555-0132"},                                 // Arabic-Indic digits
		{"९८७६५ ४३२१०", "98765 43210"},                                   // Devanagari digits
		{"৪১৫ ৫৫৫", "415 555"},                                           // Bengali digits
		{"EAC21O1234567", "EAC2101234567"},                               // O among digits
		{"A12345678O", "A123456780"},                                     // O after digits
		{"4l5-555-0132", "415-555-0132"},                                 // l among digits
		{"I-485 I485 Oct 10 I think", "I-485 I485 Oct 10 I think"},       // letters left alone
		{"415–555—0132", "415-555-0132"},                                 // dashes
		{"zhang＠qq。com", "zhang@qq.com"},                                 // full-width @, ideographic full stop
		{"1\ufe0f\u20e32\ufe0f\u20e3", "12"},                             // keycaps
		{"e\u0301", "é"},                                                 // composition
		{"e\u200b\u0301", "é"},                                           // composition across a removed character
	}
	for _, tt := range tests {
		f := fold(tt.note)
		if f.s != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.note, f.s, tt.want)
		}
		if len(f.origin) != len(f.s) {
			t.Errorf("fold(%q): %d origins for %d bytes", tt.note, len(f.origin), len(f.s))
		}
	}
}

// TestCheckHardCases lists notes that once slipped through, or that look
// like identifiers and are not.
func TestCheckHardCases(t *testing.T) {
	tests := []struct {
		note string
		kind string // "" when the note must pass
	}{
		{"My receipt no is E A C 2190123456", KindReceipt},
		{"receipt EAC-219-0123-456", KindReceipt},
		{"EAC 219 012 345 6", KindReceipt},
		{"IOE 0912345678 IOE 0912345679", KindReceipt},
		{"I-94 number 12345678901", KindPhone},
		{"call me 555 0132", KindPhone},
		{"phone is (415)5550132", KindPhone},
		{"wa.me/14155550132", KindPhone},
		{"tel:+14155550132", KindPhone},
		{"𝟒𝟏𝟓-𝟓𝟓𝟓-𝟎𝟏𝟑𝟐", KindPhone},
		{"④①⑤-⑤⑤⑤-⓪①③②", KindPhone},
		{"a-number A 098-765-432.", KindANumber},
		{"A#098765432", KindANumber},
		{"USCIS A-Number A098765432", KindANumber},
		{"A０９８７６５４３２", KindANumber},
		{"ssn 123 456 789", KindSSN},
		{"SSN: 123 - 45 - 6789", KindSSN},
		{"passport: 5012345678", KindPassport},
		{"pasaporte número X-1234567", KindPassport},
		{"护照号E12345678", KindPassport},
		{"jdoe@gmail.com.", KindEmail},
		{"my email is jdoe at yahoo dot co dot uk", KindEmail},
		{"contact: jdoe＠ｇｍａｉｌ.com", KindEmail},
		// Ordinary talk.
		{"approved 2024.03.15 at 10.30", ""},
		{"i waited 12 months, 3 weeks and 4 days", ""},
		{"$ 1 440", ""},
		{"took 1,095 days", ""},
		{"EB-2 NIW 2024-03-15 I-140 2024-03-20", ""},
		{"received 5/3/24 approved 11/20/24", ""},
		{"I was at NBC. Then it moved", ""},
		{"we met at the office. It went well", ""},
		{"Passport renewed in 2023", ""},
		{"passport expires 2031-05-01", ""},
		{"passport valid until 15.03.2031", ""},
		{"FY20250101 report", ""},
		{"fees: ₹1,50,000 and $12,345,678", ""},
		{"2019 2020 2021 2022", ""},
		{"called at 10:30, 11:45 and 14:00", ""},
		{"I130 I485 I765 I131 filed", ""},
		{"hotel 1234567 nights", ""},
		{"a note about 12345678", ""},
	}
	for _, tt := range tests {
		fs := Check(tt.note)
		switch {
		case tt.kind == "" && fs != nil:
			t.Errorf("Check(%q) = %+v, want nil", tt.note, fs)
		case tt.kind != "" && !slices.ContainsFunc(fs, func(f Finding) bool { return f.Kind == tt.kind }):
			t.Errorf("Check(%q) = %+v, want a %s", tt.note, fs, tt.kind)
		}
	}
}

// TestCheckOffsets checks that findings point into the note as typed, not
// as folded.
func TestCheckOffsets(t *testing.T) {
	tests := []struct {
		note    string
		offset  int
		excerpt string
	}{
		{"Ünïcödé EAC2112345678", 8, "EAC21..."},
		{"ＩＯＥ０９１２３４５６７８", 0, "ＩＯＥ０９..."},
		{"note\u200b: E\u200bA\u200bC2190123456", 7, "E\u200bA\u200bC..."},
		{"e\u0301 A123456789", 3, "A1234..."},
	}
	for _, tt := range tests {
		fs := Check(tt.note)
		if len(fs) != 1 || fs[0].Offset != tt.offset || fs[0].Excerpt != tt.excerpt {
			t.Errorf("Check(%q) = %+v, want one finding at %d, %q", tt.note, fs, tt.offset, tt.excerpt)
		}
	}
}

func FuzzNoteGuard(f *testing.F) {
	for _, file := range []string{"identifiers.txt", "ordinary.txt"} {
		for _, n := range readCorpus(f, file) {
			_, note, ok := strings.Cut(n, "\t")
			if !ok {
				note = n
			}
			f.Add(note)
		}
	}
	f.Add("\xff\xfeEAC2112345678")
	f.Fuzz(func(t *testing.T, note string) {
		fs := Check(note)
		if again := Check(note); !slices.Equal(fs, again) {
			t.Fatalf("Check(%q) gave %+v, then %+v", note, fs, again)
		}
		// Byte offsets of the note's runes, counting an invalid byte as
		// one rune as the guard does.
		var at []int
		for i := 0; i < len(note); {
			at = append(at, i)
			_, size := utf8.DecodeRuneInString(note[i:])
			i += size
		}
		prev := -1
		for _, f := range fs {
			if f.Offset < 0 || f.Offset >= len(at) || f.Offset <= prev {
				t.Fatalf("finding %+v: offset outside the note (%d runes) or out of order", f, len(at))
			}
			prev = f.Offset
			shown, ok := strings.CutSuffix(f.Excerpt, "...")
			if !ok || utf8.RuneCountInString(shown) > ExcerptRunes {
				t.Fatalf("excerpt %q is not at most %d characters and \"...\"", f.Excerpt, ExcerptRunes)
			}
			if !strings.HasPrefix(note[at[f.Offset]:], shown) {
				t.Fatalf("excerpt %q is not the text at offset %d", f.Excerpt, f.Offset)
			}
		}
		// Text that Unicode says is the same gets the same verdict.
		if utf8.ValidString(note) {
			for _, form := range []norm.Form{norm.NFC, norm.NFD, norm.NFKC, norm.NFKD} {
				other := Check(form.String(note))
				if !slices.Equal(kinds(fs), kinds(other)) {
					t.Fatalf("Check(%q) = %+v, but in a normalisation form %+v", note, fs, other)
				}
			}
		}
	})
}

func kinds(fs []Finding) []string {
	var ks []string
	for _, f := range fs {
		ks = append(ks, f.Kind)
	}
	return ks
}

func BenchmarkCheck(b *testing.B) {
	fill := func(s string) string {
		return string([]rune(strings.Repeat(s, 1000))[:1000])
	}
	notes := []struct {
		name, note string
		clean      bool
	}{
		// A typical note.
		{"short", "I-140 approved 2024-05-17, I-485 pending since 2023-11, bio 10/12 at 10:30 am.", true},
		// The longest note of ordinary timeline talk, full of dates.
		{"clean-1000", fill("I-140 approved 2024-05-17, I-485 pending since 2023-11. "), true},
		// Every sentence has identifiers: the worst case.
		{"identifiers-1000", fill("RFE 2024-05-17. EAC2112345678, (415) 555-0132, jane (at) gmail (dot) com. "), false},
		// Chinese text with full-width digits, all through NFKC.
		{"cjk-1000", fill("２０２４年３月１５日递交，等了１８３天才批，费用＄１，４４０。"), true},
		// Prose with many "at"s, each a place an email could start.
		{"at-1000", fill("bio at the ASC at 9 am, interview at the field office at noon. "), true},
	}
	for _, n := range notes {
		b.Run(n.name, func(b *testing.B) {
			b.SetBytes(int64(len(n.note)))
			for b.Loop() {
				if (Check(n.note) == nil) != n.clean {
					b.Fatal("unexpected result")
				}
			}
		})
	}
}
