package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// templateSamples gives sample data for each page template, so that
// TestEveryTemplateRenders executes them all. A file adding a page
// template adds its sample from an init function in its own test file.
var templateSamples = map[string]func(s *Server) any{
	"home.html":    func(*Server) any { return &homePageData{Cases: 1234, Deleted: true} },
	"privacy.html": func(*Server) any { return &privacyPageData{PolicyDate: privacyPolicyDate} },
	"error.html": func(*Server) any {
		return &errorPage{page: page{Title: "Too Many Requests"}, Status: 429, Message: "Slow down <please>"}
	},
	"submit.html": func(s *Server) any {
		f := submitForm{Category: "k1", Country: "MX", Filed: "2024-13", Note: "note <kept>", FiledConfirm: "We read 05/02/2024 as May 2024"}
		f.Rows = []milestoneRow{{Code: "received", Name: "Receipt notice", Date: "2024-02-30", DateError: "not a real date", CanRepeat: true},
			{Index: 1, Date: "2024-05-02", Reading: "We read 05/02/2024 as 2 May 2024", Confirm: true}}
		return &submitPageData{Form: f, Errors: timeline.FieldErrors{"filed": "bad month", "milestones": "too many", "note": "found something"}, Problem: "Too many",
			TopCountries: s.cat.Countries[:2]}
	},
	"submit_done.html": func(*Server) any {
		return &submitDonePageData{ID: "c_AAAAAAAAAAAAAAAAAAAAAAAAAA", URL: "/cases/c_AAAAAAAAAAAAAAAAAAAAAAAAAA", EditKey: "ek_KEY", CategoryCode: "eb1a"}
	},
	"case.html": func(s *Server) any {
		return &casePageData{Case: sampleCaseView(s.cat), Edit: editForm{EditKey: "ek_X", Code: "rfe", Date: "2024-05"},
			Errors: timeline.FieldErrors{"edit_key": "wrong", "code": "bad code", "date": "bad date", "status": "decided"}, Notice: notices["milestone"],
			Outlook: sampleOutlook(s.cat), Decided: sampleDecided(s.cat)}
	},
	"case_delete.html": func(s *Server) any {
		return &casePageData{Case: sampleCaseView(s.cat), Edit: editForm{EditKey: "ek_X"}}
	},
}

func sampleCaseView(cat *catalog.Catalog) caseView {
	c := &timeline.Case{
		ID: "c_AAAAAAAAAAAAAAAAAAAAAAAAAA", Category: "i485-employment", Country: "CN", ServiceCenter: "NBC",
		Filed: timeline.Month{Year: 2023, Month: time.November},
		Milestones: []timeline.Milestone{
			{Code: "received", Date: timeline.ApproxDate{Year: 2023, Month: time.November, Day: 20}},
			{Code: "interview", Date: timeline.ApproxDate{Year: 2024, Month: time.August}},
			{Code: "denied", Date: timeline.ApproxDate{Year: 2024, Month: time.October, Day: 1}},
		},
		Note: "line one\nline <two>", AsOf: testStart,
	}
	return newCaseView(cat, c)
}

func TestEveryTemplateRenders(t *testing.T) {
	cat := catalog.Default()
	s, err := New(Config{Store: storetest.SQLite(t), Catalog: cat, Index: stats.NewIndex(cat), MinCases: 5, PasswordCost: 4,
		Contact: "https://example.org/contact", Demo: true, Now: func() time.Time { return testStart }})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.pages[s.lang.Default().Code()]) == 0 {
		t.Fatal("no page templates")
	}
	// Every page renders in every offered language.
	for _, loc := range s.lang.Offered() {
		for name := range s.pages[loc.Code()] {
			sample, ok := templateSamples[name]
			if !ok {
				t.Errorf("%s has no sample in templateSamples; every page template must be rendered by this test", name)
				continue
			}
			t.Run(loc.Code()+"/"+name, func(t *testing.T) {
				w := httptest.NewRecorder()
				r := httptest.NewRequest(http.MethodGet, "/sample?lang="+loc.Code(), nil)
				r = r.WithContext(context.WithValue(r.Context(), localeKey{}, loc))
				if err := s.render(w, r, http.StatusOK, name, sample(s)); err != nil {
					t.Fatal(err)
				}
				body := w.Body.String()
				for _, want := range []string{"<!doctype html>", "</html>", `<html lang="` + loc.Code() + `"`, `class="demo-banner"`, `href="https://example.org/contact"`, "/static/style.", `hreflang="x-default"`} {
					if !strings.Contains(body, want) {
						t.Errorf("lacks %q", want)
					}
				}
				for _, other := range s.lang.Offered() {
					if !strings.Contains(body, `<link rel="alternate" hreflang="`+other.Code()+`" href="/sample?lang=`+other.Code()+`">`) {
						t.Errorf("no hreflang alternate for %s", other.Code())
					}
				}
				if strings.Contains(body, "<please>") || strings.Contains(body, "<kept>") || strings.Contains(body, "<two>") {
					t.Error("user text not escaped")
				}
				if strings.Contains(body, "ZgotmplZ") {
					t.Error("a value was rejected by the template escaper")
				}
			})
		}
	}
	for name := range templateSamples {
		if _, ok := s.pages[s.lang.Default().Code()][name]; !ok {
			t.Errorf("sample for %s, which is not a page template", name)
		}
	}
}

func TestRenderUnknownTemplate(t *testing.T) {
	cat := catalog.Default()
	s, err := New(Config{Store: storetest.SQLite(t), Index: stats.NewIndex(cat), MinCases: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.render(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), 200, "nope.html", &homePageData{}); err == nil {
		t.Error("no error for an unknown template")
	}
}

func TestNewChecksConfig(t *testing.T) {
	_, err := New(Config{MinCases: 0, WriteRate: -1})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"Store", "Index", "MinCases", "WriteRate"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestAllMilestonesOrder(t *testing.T) {
	var codes []string
	for _, m := range allMilestones(catalog.Default()) {
		codes = append(codes, m.Code)
	}
	got := strings.Join(codes, ",")
	if !strings.HasPrefix(got, "received,") || !strings.HasSuffix(got, ",approved,denied") || len(codes) != 8 {
		t.Errorf("milestone choices %s", got)
	}
}
