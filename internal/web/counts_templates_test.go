package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestPagesWriteCountsWithSeparators renders the pages that print counts
// with large ones: the home page's timelines shared and approvals this
// week, the account deletion pages' cases and the moderation queue each
// write "30,003", never "30003".
func TestPagesWriteCountsWithSeparators(t *testing.T) {
	cat := catalog.Default()
	s, err := New(Config{Store: storetest.SQLite(t), Catalog: cat, Index: stats.NewIndex(cat), MinCases: 5, PasswordCost: 4,
		Now: func() time.Time { return testStart }})
	if err != nil {
		t.Fatal(err)
	}
	open := make([]adminItem, 1200)
	for _, tc := range []struct {
		page string
		data any
		want []string
	}{
		{"home.html", &homePageData{Cases: 30003, ApprovedWeek: []categoryCount{{Category: cat.Categories[0], Count: 1200}}},
			[]string{"<strong>30,003</strong> timelines", "<strong>1,200</strong>"}},
		{"me_delete.html", &meDeletePageData{Cases: 1200}, []string{"What should happen to your 1,200 cases?"}},
		{"account_deleted.html", &meDeletePageData{Cases: 1200}, []string{"its 1,200 cases"}},
		{"admin.html", &adminPageData{Open: open}, []string{"To review (1,200)"}},
	} {
		t.Run(tc.page, func(t *testing.T) {
			w := httptest.NewRecorder()
			if err := s.render(w, httptest.NewRequest(http.MethodGet, "/sample", nil), http.StatusOK, tc.page, tc.data); err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.want {
				if !strings.Contains(w.Body.String(), want) {
					t.Errorf("lacks %q", want)
				}
			}
		})
	}
}
