package truthlab

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/casetrack/casetrack/internal/replay"
	"github.com/casetrack/casetrack/internal/timeline"
)

// launchMonths is how long before Now the site opened in the "launch"
// behaviour.
const launchMonths = 12

// Timeline is one shared timeline as the site receives it, with the dates
// of its history: what a replay file carries.
type Timeline struct {
	Category, Country, ServiceCenter string
	Filed                            timeline.Month
	Milestones                       []timeline.Milestone
	// Shared is the day first shared; LastPending the last day confirmed
	// still pending before the decision (zero when shared decided, and for
	// a pending case, whose AsOf is that day); AsOf the day last updated.
	Shared, LastPending, AsOf time.Time
}

// Population draws the people of one replicate and the timelines they
// share under behaviour b. The same seed gives the same people and the
// same timelines; with reminders, the same timelines plus the answers.
func (m *Model) Population(b Behaviour, seed uint64) []Timeline {
	r := rand.New(rand.NewPCG(seed, 0x7472757468))
	answers := rand.New(rand.NewPCG(seed, reminderStream))
	var out []Timeline
	nowMonth := timeline.MonthOf(m.Now)
	launch := timeline.MonthFromOrdinal(nowMonth.Ordinal() - launchMonths).Mid()
	for ci := range m.Categories {
		c := &m.Categories[ci]
		for age := m.Months - 1; age >= 0; age-- {
			filed := m.filedMid(age)
			today := timeline.DaysBetween(filed, m.Now)
			launchDay := timeline.DaysBetween(filed, launch)
			n := poisson(r, c.Volume(age)*cmp.Or(m.Scale, 1))
			for range n {
				p := m.person(r, ci, age)
				s, ok := b.share(r, &p, today, launchDay)
				if !ok {
					continue
				}
				s = b.Reminders.apply(answers, &p, s, today)
				out = append(out, m.timelineOf(&p, s))
			}
		}
	}
	return out
}

// person draws one applicant filed age months ago.
func (m *Model) person(r *rand.Rand, ci, age int) person {
	c := &m.Categories[ci]
	t := math.Exp(math.Log(c.Median(age)) + c.Sigma*r.NormFloat64())
	p := person{category: ci, age: age, country: pick(r, m.Countries), center: pick(r, m.Centers),
		decision: int(t), approved: r.Float64() < c.Approval, rfe: -1, rfeResponse: -1,
		monthOnly: r.Float64() < 0.2}
	p.received = min(r.IntN(31)-1, p.decision)
	if r.Float64() < c.RFE {
		p.rfe = max(p.received, int(float64(p.decision)*(0.2+0.4*r.Float64())))
		if resp := p.rfe + 30 + r.IntN(51); resp < p.decision {
			p.rfeResponse = resp
		}
	}
	return p
}

// timelineOf is what p's shared timeline holds: every step up to the day
// it was last updated, and the decision once recorded.
func (m *Model) timelineOf(p *person, s shared) Timeline {
	c := &m.Categories[p.category]
	filedMonth := m.month(p.age)
	filed := filedMonth.Mid()
	day := func(d int) time.Time { return filed.AddDate(0, 0, d) }
	date := func(d int) timeline.ApproxDate {
		ad := timeline.DateOf(day(d))
		if p.monthOnly {
			ad.Day = 0
		}
		// A step early in the filing month is still in it.
		if ad.MonthOf().Before(filedMonth) {
			ad = timeline.ApproxDate{Year: filedMonth.Year, Month: filedMonth.Month}
		}
		return ad
	}
	t := Timeline{Category: c.Code, Country: p.country, ServiceCenter: p.center, Filed: filedMonth,
		Shared: day(s.first), AsOf: day(s.asOf)}
	known := s.asOf
	add := func(code string, d int) {
		if d <= known {
			t.Milestones = append(t.Milestones, timeline.Milestone{Code: code, Date: date(d)})
		}
	}
	add("received", p.received)
	if p.rfe >= 0 {
		add("rfe", p.rfe)
		if p.rfeResponse >= 0 {
			add("rfe_response", p.rfeResponse)
		}
	}
	if s.recorded >= 0 {
		code := "approved"
		if !p.approved {
			code = "denied"
		}
		t.Milestones = append(t.Milestones, timeline.Milestone{Code: code, Date: date(p.decision)})
		if s.lastPending >= 0 {
			t.LastPending = day(s.lastPending)
		}
	}
	return t
}

// Row is the timeline as a line of a replay file: what "casetrack
// import" reads, and what the lab turns into cases with the very same
// code (replay.Row.Case) when it runs in-process.
func (t Timeline) Row() replay.Row {
	return replay.FromCase(&timeline.Case{Category: t.Category, Country: t.Country, ServiceCenter: t.ServiceCenter,
		Filed: t.Filed, Milestones: t.Milestones, AsOf: t.AsOf, Created: t.Shared, LastPending: t.LastPending})
}

// Rows draws a replicate's replay file (see Population).
func (m *Model) Rows(b Behaviour, seed uint64) []replay.Row {
	tls := m.Population(b, seed)
	rows := make([]replay.Row, len(tls))
	for i, t := range tls {
		rows[i] = t.Row()
	}
	return rows
}

// caseID is a deterministic id in the shape of timeline.NewCaseID.
func caseID(i int) string { return fmt.Sprintf("c_%026d", i) }

func pick(r *rand.Rand, ws []Weighted) string {
	total := 0.0
	for _, w := range ws {
		total += w.Weight
	}
	u := r.Float64() * total
	for _, w := range ws {
		if u < w.Weight {
			return w.Code
		}
		u -= w.Weight
	}
	return ws[len(ws)-1].Code
}

// poisson draws a Poisson count (normal approximation above 50).
func poisson(r *rand.Rand, mean float64) int {
	if mean > 50 {
		return max(0, int(math.Round(mean+math.Sqrt(mean)*r.NormFloat64())))
	}
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
