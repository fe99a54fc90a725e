package truthlab

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/casetrack/casetrack/internal/catalog"
)

// TestReminderAnswers: a person who answers every reminder confirms the
// timeline each month while waiting and records the decision at the
// first reminder after it; reminders stop once the decision is on the
// site, and a timeline shared already decided never gets one.
func TestReminderAnswers(t *testing.T) {
	always := Reminders{Response: 1}
	r := rand.New(rand.NewPCG(1, 2))
	p := person{decision: 100}
	// Shared on day 5, silent after day 20, today 300.
	got := always.apply(r, &p, shared{first: 5, recorded: -1, lastPending: 20, asOf: 20}, 300)
	if want := (shared{first: 5, recorded: 125, lastPending: 95, asOf: 125}); got != want {
		t.Errorf("silent, decided on day 100: %+v, want %+v", got, want)
	}
	// Still waiting today: confirmed at the last reminder before it.
	p.decision = 400
	if got := always.apply(r, &p, shared{first: 5, recorded: -1, lastPending: 20, asOf: 20}, 300); got.recorded != -1 || got.lastPending != 275 || got.asOf != 275 {
		t.Errorf("still waiting: %+v", got)
	}
	// Recorded by the person on day 110: a reminder on day 95 confirms,
	// none comes after.
	p.decision = 100
	if got := always.apply(r, &p, shared{first: 5, recorded: 110, lastPending: 80, asOf: 110}, 300); got.recorded != 110 || got.lastPending != 95 || got.asOf != 110 {
		t.Errorf("recorded on day 110: %+v", got)
	}
	history := shared{first: 150, recorded: 150, lastPending: -1, asOf: 150}
	if got := always.apply(r, &p, history, 300); got != history {
		t.Errorf("shared decided: %+v", got)
	}
	// Without an account, nothing changes.
	none := Reminders{Response: 1, Accounts: 1e-9}
	silent := shared{first: 5, recorded: -1, lastPending: 20, asOf: 20}
	if got := none.apply(r, &p, silent, 300); got != silent {
		t.Errorf("no account: %+v", got)
	}
}

// TestRemindersKeepThePeople: with reminders, the same seed draws the
// same people sharing the same timelines, and a higher response rate
// records every decision a lower one does, no later.
func TestRemindersKeepThePeople(t *testing.T) {
	m := DefaultModel(labToday)
	m.Scale = 0.2
	b, _ := BehaviourByName("stale")
	base, low, high := m.Population(b, 3), m.Population(b.WithReminders(Reminders{Response: 0.2}), 3),
		m.Population(b.WithReminders(Reminders{Response: 0.5}), 3)
	if len(base) == 0 || len(low) != len(base) || len(high) != len(base) {
		t.Fatalf("%d, %d and %d timelines", len(base), len(low), len(high))
	}
	decided := func(tl Timeline) (string, bool) {
		for _, ms := range tl.Milestones {
			if ms.Code == "approved" || ms.Code == "denied" {
				return ms.Date.String(), true
			}
		}
		return "", false
	}
	moreDecided := 0
	for i := range base {
		if low[i].Filed != base[i].Filed || low[i].Shared != base[i].Shared || high[i].Shared != base[i].Shared || high[i].Country != base[i].Country {
			t.Fatalf("timeline %d differs: %+v, %+v", i, base[i], low[i])
		}
		d0, ok0 := decided(base[i])
		d1, ok1 := decided(low[i])
		d2, ok2 := decided(high[i])
		if ok0 && (!ok1 || d1 != d0) || ok1 && (!ok2 || d2 != d1) {
			t.Fatalf("timeline %d: decisions %q %v, %q %v, %q %v", i, d0, ok0, d1, ok1, d2, ok2)
		}
		if ok1 && high[i].AsOf.After(low[i].AsOf) {
			t.Errorf("timeline %d: recorded on %s at 50%%, on %s at 20%%", i, high[i].AsOf, low[i].AsOf)
		}
		if ok2 && !ok0 {
			moreDecided++
		}
	}
	if moreDecided == 0 {
		t.Error("reminders recorded no decision the stale people had not")
	}
}

// TestRemindersEffect: reminders answered half the time remove most of
// the bias of people who forget to record their decision, in the
// published medians and the outlook, and take away the cautions of both
// forgetting and going silent.
func TestRemindersEffect(t *testing.T) {
	var bs []Behaviour
	for _, name := range []string{"forgetting", "stale"} {
		b, _ := BehaviourByName(name)
		bs = append(bs, b, b.WithReminders(Reminders{Response: 0.5}))
	}
	lab := Lab{Model: DefaultModel(labToday), Catalog: catalog.Default(), Behaviours: bs, Estimators: Estimators[:1], Replicates: 2, Seed: 13}
	r, err := lab.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + FormatReminders(r))
	for _, tg := range []string{"mature cohort", "recent cohort"} {
		without, _ := r.Cell("forgetting", Published, tg)
		with, _ := r.Cell("forgetting +reminders 50%", Published, tg)
		if !(without.Bias-math.Abs(with.Bias) > 0.10 && math.Abs(with.Bias) < 0.08) || with.Known == 0 {
			t.Errorf("forgetting, %s: bias %+.1f%% without reminders, %+.1f%% with (want within 8%%, 10 points nearer)", tg, 100*without.Bias, 100*with.Bias)
		}
		for _, b := range []string{"forgetting", "stale"} {
			without, _ := r.Cell(b, Published, tg)
			with, _ := r.Cell(b+" +reminders 50%", Published, tg)
			if without.Flagged < 1 || with.Flagged > 0 {
				t.Errorf("%s, %s: cautions in %.0f%% of replicates without reminders, %.0f%% with (want all, then none)", b, tg, 100*without.Flagged, 100*with.Flagged)
			}
		}
	}
	var without, with float64
	for _, c := range r.Calibration {
		switch c.Behaviour {
		case "forgetting":
			without = c.MedianBias
		case "forgetting +reminders 50%":
			with = c.MedianBias
		}
	}
	if without-with < 0.2 {
		t.Errorf("forgetting: outlook's remaining wait %+.1f%% without reminders, %+.1f%% with (want 20 points less)", 100*without, 100*with)
	}
}
