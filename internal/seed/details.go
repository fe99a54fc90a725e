package seed

import (
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// Shares of seeded cases that give each detail where their category has
// it: most people answer a question about premium processing or filing,
// fewer name their office or look up their priority date.
const (
	premiumAnswered  = 0.7
	methodAnswered   = 0.6
	officeAnswered   = 0.5
	priorityAnswered = 0.5
)

// bigOffices are the field offices most seeded interviews happen at, as
// they handle most adjustment and naturalization cases; the rest share
// what is left.
var bigOffices = []string{"NYC", "LOS", "HOU", "CHI", "NEW", "SFR", "SEA", "ATL", "MIA", "DAL", "WAS", "BOS"}

// details draws the optional details of a seeded case (timeline.Details)
// from its own random stream, keyed by the case id, so that adding them
// left every other field of every seeded case as it was. Premium cases
// (the profile's fast mode) say "premium", the others "regular"; none is
// seeded as upgraded, since the generator draws no upgrade day.
func (pl *plan) details(cp *categoryPlan, c *timeline.Case, premium, interviewed bool) timeline.Details {
	h := fnv.New64a()
	h.Write([]byte(c.ID))
	r := rand.New(rand.NewPCG(h.Sum64(), pcgStream+1))
	var d timeline.Details
	cat := cp.category
	if cat.Premium && r.Float64() < premiumAnswered {
		d.Premium = timeline.PremiumRegular
		if premium {
			d.Premium = timeline.PremiumFromFiling
		}
	}
	if cat.OnlineFiling && r.Float64() < methodAnswered {
		d.FilingMethod = timeline.FiledPaper
		if c.ServiceCenter == "ONLINE" || r.Float64() < 0.4 {
			d.FilingMethod = timeline.FiledOnline
		}
	}
	if cat.FieldOffice && interviewed && len(cp.offices) > 0 && r.Float64() < officeAnswered {
		if r.Float64() < 0.7 {
			d.InterviewOffice = bigOffices[r.IntN(len(bigOffices))]
		} else {
			d.InterviewOffice = cp.offices[r.IntN(len(cp.offices))]
		}
	}
	if cat.PriorityDate && r.Float64() < priorityAnswered {
		// Most file when their date is current; India and China wait
		// years for it in the employment categories, others months.
		back := r.IntN(24)
		if c.Country == "IN" || c.Country == "CN" {
			back = 24 + r.IntN(96)
		}
		pd := timeline.MonthFromOrdinal(c.Filed.Ordinal() - back)
		if !pd.Before(timeline.Month{Year: 1975, Month: time.January}) {
			d.PriorityDate = pd
		}
		d.Chargeability = c.Country
		switch x := r.Float64(); {
		case x < 0.7:
			d.PDCurrent = timeline.PDCurrentYes
		case x < 0.9:
			d.PDCurrent = timeline.PDCurrentNo
		default:
			d.PDCurrent = timeline.PDCurrentUnknown
		}
	}
	return d
}
