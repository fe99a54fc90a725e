package web

import (
	"math"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/outlook"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// englishLocale is the source language, for samples worded in English.
func englishLocale() *i18n.Locale {
	c, err := i18n.Load()
	if err != nil {
		panic(err)
	}
	return c.Default()
}

// sampleOutlook is an outlook with every part, for the template samples:
// a case from India filed in March 2024, waiting on day 974, with an
// open-ended range, in a category whose waits grow, with a caution.
func sampleOutlook(cat *catalog.Catalog) *outlook.View {
	rem, lo := 125, 27
	approval := 0.96
	f := stats.Filter{Category: "eb2-niw", Country: "IN"}
	o := stats.Outlook{
		Request: stats.OutlookRequest{Category: "eb2-niw", Country: "IN", Filed: timeline.Month{Year: 2024, Month: time.March},
			AsOf: time.Date(2026, 11, 14, 0, 0, 0, 0, time.UTC)},
		Day:    974,
		Ladder: []stats.Rung{{Filter: f, Suppressed: true}, {Filter: f, Cases: 140, AtRiskBeyond: 31, Enough: true}, {Filter: stats.Filter{Category: "eb2-niw"}, Cases: 900, AtRiskBeyond: 80, Enough: true}},
		Used:   1, Segments: []stats.Segment{{From: 0, To: 1000, Rung: 1}, {From: 1001, To: 1400, Rung: 2}},
		DecidedByNow: 0.62, Remaining: &rem, Range: [2]*int{&lo, nil}, AtLeast: 400, Approval: &approval, Decided: 93, Shorter: 66,
		Drift: math.Log(1.2) / 365.25, Cautions: []stats.Caution{stats.CautionSilent},
	}
	link := func(f stats.Filter) string { return "/explore?" + filterQuery(f) + "&filed=2024-03" }
	v := outlook.NewView(englishLocale(), cat, o, 5, link)
	return &v
}

// sampleDecided is how a decided case compares, for the samples.
func sampleDecided(cat *catalog.Catalog) *outlook.Decided {
	f := stats.Filter{Category: "eb2-niw", Country: "IN"}
	o := stats.Outlook{Request: stats.OutlookRequest{Category: "eb2-niw", Filed: timeline.Month{Year: 2024, Month: time.March}},
		Day: 400, Ladder: []stats.Rung{{Filter: f, Cases: 40, AtRiskBeyond: 12, Enough: true}}, Used: 0, DecidedByNow: 0.36}
	d := outlook.NewDecided(englishLocale(), cat, o, 5, func(stats.Filter) string { return "/explore?category=eb2-niw" })
	return &d
}
