package seed

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// step is a milestone the generator knows how to place in time. Milestones a
// catalog adds beyond these are simply never generated.
type step int

const (
	stepReceived step = iota
	stepTransferred
	stepBiometrics
	stepRFE
	stepRFEResponse
	stepInterview
	stepApproved
	stepDenied
	numSteps
)

// stepCodes are the catalog milestone codes of the steps (common to every
// category that has them).
var stepCodes = [numSteps]string{"received", "transferred", "biometrics", "rfe", "rfe_response", "interview", catalog.OutcomeApproved, catalog.OutcomeDenied}

// plan is what Generate derives once from the catalog and "today", so that
// building each case is only arithmetic and table look-ups.
type plan struct {
	categories   []categoryPlan
	pickCategory weighted
	countries    []string
	months       []filingMonth
	pickMonth    weighted
	today        int // day number of today
	// midOrdinal is the month ordinal in the middle of the filing window,
	// where the time trend factor is 1.
	midOrdinal float64
}

// categoryPlan is one catalog category with its profile resolved against
// the catalog.
type categoryPlan struct {
	code string
	form string
	p    profile
	// has tells which steps the category's catalog entry lists, order their
	// position in it (for ordering milestones on the same day).
	has   [numSteps]bool
	order [numSteps]int
	// centers are the profile's centers that exist in the catalog.
	centers     []center
	pickCenter  weighted
	pickCountry weighted
	// category is the catalog entry, for the details it may have.
	category catalog.Category
	// offices are the catalog's field offices with weights, for the
	// categories decided at one.
	offices []string
	// denyNoRFE and denyRFE are denial probabilities without and after an
	// RFE, chosen so the overall share matches the profile's approval rate.
	denyNoRFE, denyRFE float64
}

// filingMonth is a month cases can be filed in.
type filingMonth struct {
	month   timeline.Month
	ordinal int
	first   int // day number of the 1st
	days    int // days of the month up to today
}

func newPlan(cat *catalog.Catalog, now time.Time) (*plan, error) {
	if cat == nil {
		return nil, errors.New("seed: no catalog")
	}
	if len(cat.Categories) == 0 {
		return nil, errors.New("seed: the catalog has no categories")
	}
	if len(cat.Countries) == 0 {
		return nil, errors.New("seed: the catalog has no countries")
	}
	today := timeline.Today(now)
	pl := &plan{today: dayOf(today.Year(), today.Month(), today.Day())}
	pl.countries = make([]string, len(cat.Countries))
	for i, co := range cat.Countries {
		pl.countries[i] = co.Code
	}
	if err := pl.addMonths(today); err != nil {
		return nil, err
	}
	countryTables := map[countryMix]weighted{}
	weights := make([]float64, 0, len(cat.Categories))
	for _, c := range cat.Categories {
		p, ok := profiles[c.Code]
		if !ok {
			p = defaultProfile
		}
		cp := categoryPlan{code: c.Code, form: c.Form, p: p, category: c}
		for _, o := range cat.FieldOffices {
			cp.offices = append(cp.offices, o.Code)
		}
		for s, code := range stepCodes {
			if i, ok := c.MilestoneIndex(code); ok {
				cp.has[s], cp.order[s] = true, i
			}
		}
		for _, sc := range p.centers {
			if _, ok := cat.ServiceCenter(sc.code); ok {
				cp.centers = append(cp.centers, sc)
			}
		}
		if len(cp.centers) > 0 {
			w := make([]float64, len(cp.centers))
			for i, sc := range cp.centers {
				w[i] = sc.weight
			}
			cp.pickCenter, _ = newWeighted(w)
		}
		t, ok := countryTables[p.mix]
		if !ok {
			t = pl.countryTable(p.mix)
			countryTables[p.mix] = t
		}
		cp.pickCountry = t
		cp.denyNoRFE, cp.denyRFE = denialRates(1-p.approval, p.rfe)
		if !cp.has[stepRFE] {
			cp.denyNoRFE = 1 - p.approval
		}
		pl.categories = append(pl.categories, cp)
		weights = append(weights, p.weight)
	}
	var ok bool
	if pl.pickCategory, ok = newWeighted(weights); !ok {
		return nil, fmt.Errorf("seed: no category has a positive weight")
	}
	return pl, nil
}

// addMonths lays out the filing window: windowMonths months ending with the
// current one, weighted toward recent months, the current month in
// proportion to how much of it has passed.
func (pl *plan) addMonths(today time.Time) error {
	cur := timeline.MonthOf(today).Ordinal()
	pl.midOrdinal = float64(cur) - float64(windowMonths-1)/2
	w := make([]float64, 0, windowMonths)
	for age := windowMonths - 1; age >= 0; age-- {
		m := timeline.MonthFromOrdinal(cur - age)
		first := dayOf(m.Year, m.Month, 1)
		days := dayOf(m.Year, m.Month+1, 1) - first
		weight := math.Pow(0.5, float64(age)/filingHalfLife)
		if age == 0 {
			weight *= float64(today.Day()) / float64(days)
			days = today.Day()
		}
		pl.months = append(pl.months, filingMonth{month: m, ordinal: cur - age, first: first, days: days})
		w = append(w, weight)
	}
	var ok bool
	if pl.pickMonth, ok = newWeighted(w); !ok {
		return errors.New("seed: empty filing window")
	}
	return nil
}

// countryTable weights the catalog's countries for a mix; a catalog with
// none of the known countries falls back to equal weights.
func (pl *plan) countryTable(mix countryMix) weighted {
	w := make([]float64, len(pl.countries))
	for i, code := range pl.countries {
		w[i] = countryWeight(code, mix)
	}
	t, ok := newWeighted(w)
	if !ok {
		for i := range w {
			w[i] = 1
		}
		t, _ = newWeighted(w)
	}
	return t
}

// denialRates splits an overall denial share d between cases without and
// with an RFE (share r), denials being rfeDenialFactor times likelier after
// an RFE, so that the overall share stays d.
func denialRates(d, r float64) (noRFE, withRFE float64) {
	noRFE = d / (1 + (rfeDenialFactor-1)*r)
	withRFE = min(rfeDenialFactor*noRFE, 0.9)
	if r < 1 {
		// Recompute the no-RFE share in case the cap above bit.
		noRFE = (d - r*withRFE) / (1 - r)
	}
	return max(noRFE, 0), withRFE
}
