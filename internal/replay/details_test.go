package replay

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// detailsCSV and detailsJSONL are the same two timelines with every
// detail that applies to them: an upgraded H-1B and an adjustment with its
// office and priority date.
const detailsCSV = "category,country,filed,shared,milestones,note,premium,premium_upgrade_day,filing_method,interview_office,priority_date,chargeability,priority_date_current\n" +
	"h1b,IN,2024-03,2024-04-01,received:2024-03-20;approved:2024-09-01,upgraded,Upgraded,160 days,online,,,,\n" +
	"i485-family,MX,2024-03,2024-04-01,received:2024-03-20,adjustment,,,,new,2001-06,mx,No\n"

const detailsJSONL = `{"category":"h1b","country":"IN","filed":"2024-03","shared":"2024-04-01","milestones":[{"code":"received","date":"2024-03-20"},{"code":"approved","date":"2024-09-01"}],"note":"upgraded","premium":"upgraded","premium_upgrade_day":160,"filing_method":"online"}
{"category":"i485-family","country":"MX","filed":"2024-03","shared":"2024-04-01","milestones":[{"code":"received","date":"2024-03-20"}],"note":"adjustment","interview_office":"new","priority_date":"2001-06","chargeability":"mx","priority_date_current":"No"}
`

var wantDetails = map[string]timeline.Details{
	"upgraded": {Premium: timeline.PremiumUpgraded, UpgradeDay: 160, FilingMethod: timeline.FiledOnline},
	"adjustment": {InterviewOffice: "NEW", PriorityDate: timeline.Month{Year: 2001, Month: time.June},
		Chargeability: "MX", PDCurrent: timeline.PDCurrentNo},
}

// The details come in through the import, in both formats, on both
// databases, and go out again through FromCase.
func TestImportDetails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, tc := range []struct {
			format Format
			text   string
		}{{CSV, detailsCSV}, {JSONLines, detailsJSONL}} {
			t.Run(string(tc.format), func(t *testing.T) {
				t.Cleanup(func() { deleteAll(t, st) })
				n, err := Import(t.Context(), st, catalog.Default(), strings.NewReader(tc.text), tc.format, testToday, io.Discard)
				if err != nil || n != 2 {
					t.Fatalf("Import = %d, %v", n, err)
				}
				for note, want := range wantDetails {
					c := stored(t, st)[note]
					if c == nil || c.Details != want {
						t.Fatalf("%s: %+v, want details %+v", note, c, want)
					}
					// Written out and read back, the row gives the same case.
					again, fe := FromCase(c).Case(catalog.Default(), testToday)
					if fe != nil || again.Details != want {
						t.Errorf("%s through FromCase: %+v, %v", note, again, fe)
					}
				}
			})
		}
	})
}

// A bad detail refuses its row with the field named, like any other.
func TestImportDetailsRefused(t *testing.T) {
	header := "category,country,filed,shared,premium,premium_upgrade_day,interview_office\n"
	for _, tc := range []struct{ name, row, want string }{
		{"upgrade day not a number", "h1b,IN,2024-03,2024-04-01,upgraded,soon,", "premium_upgrade_day: Premium upgrade day: enter a whole number of days"},
		{"office for an I-140", "eb2-niw,IN,2024-03,2024-04-01,,,NYC", "interview_office: An interview office does not apply"},
		{"premium for an I-485", "i485-family,IN,2024-03,2024-04-01,premium,,", "premium: Premium processing does not apply"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Check(bytes.NewReader([]byte(header+tc.row+"\n")), CSV, catalog.Default(), testToday, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check = %v, want it to say %q", err, tc.want)
			}
		})
	}
}
