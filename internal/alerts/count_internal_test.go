package alerts

import (
	"testing"

	"github.com/casetrack/casetrack/internal/catalog"
)

// TestDigestCounts checks that a digest mail writes its counts as the
// pages do, with thousands separators.
func TestDigestCounts(t *testing.T) {
	cat := catalog.Default()
	for _, tc := range []struct{ got, want string }{
		{stepLine(cat, "eb2-niw", "approved", 1200, false), "1,200 approvals"},
		{stepLine(cat, "eb2-niw", "approved", 3, false), "3 approvals"},
		{stepCompact(cat, "eb2-niw", "rfe", 30003), "30,003 RFEs"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
