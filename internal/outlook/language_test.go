package outlook

import (
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/stats"
)

// formCodes are the codes that stay Latin in every language (EB-2,
// I-485, N-400), taken out before looking for Latin digits.
var formCodes = regexp.MustCompile(`\b[A-Z]{1,3}-[0-9A-Z]+\b`)

// latinDigit finds a digit a right-to-left page must write in its own
// digits.
var latinDigit = regexp.MustCompile(`[0-9]`)

// englishPieces are the fixed words of the area's English messages (the
// text between placeholders, three words or more) that the language
// writes differently: any of them on a translated page is a leak.
func englishPieces(c *i18n.Catalog, l *i18n.Locale, prefixes ...string) []string {
	var out []string
	for _, id := range c.IDs() {
		if !hasPrefix(id, prefixes) {
			continue
		}
		en, tr := c.Default().T(id, "Count", 5), l.T(id, "Count", 5)
		if en == tr {
			continue
		}
		for _, piece := range strings.Split(en, "<no value>") {
			piece = strings.TrimSpace(strings.Trim(piece, " ,.;:()"))
			if len(strings.Fields(piece)) >= 3 && !strings.Contains(tr, piece) {
				out = append(out, piece)
			}
		}
	}
	return out
}

func hasPrefix(id string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// viewTexts is every text of a view and of the decided comparison, in
// one language, for each way the outlook can read.
func viewTexts(l *i18n.Locale, ref *catalog.Catalog) []string {
	variants := []func(o *stats.Outlook){
		func(*stats.Outlook) {},
		func(o *stats.Outlook) { o.Range[1], o.AtLeast = nil, 400 },
		func(o *stats.Outlook) { o.Remaining, o.Range[1], o.AtLeast = nil, nil, 400 },
		func(o *stats.Outlook) { o.Remaining, o.Range, o.AtLeast = nil, [2]*int{}, 45 },
		func(o *stats.Outlook) {
			o.Drift = math.Log(1.2) / 365.25
			o.Cautions = []stats.Caution{stats.CautionSharedDecided, stats.CautionSilent}
		},
		func(o *stats.Outlook) { o.Drift = math.Log(0.8) / 365.25 },
		func(o *stats.Outlook) {
			o.Segments = append(o.Segments, stats.Segment{From: 1401, To: 1600, Rung: 0})
		},
		func(o *stats.Outlook) {
			o.Used = -1
			for i := range o.Ladder {
				o.Ladder[i].Enough = false
			}
		},
		func(o *stats.Outlook) { o.Ladder[1].Cases = 1 },
	}
	var out []string
	for _, modify := range variants {
		o := example()
		o.Range = [2]*int{ip(27), ip(350)}
		modify(&o)
		v := NewView(l, ref, o, 5, testLink)
		out = append(out, v.NotEnough, v.Waited, v.AsOf, v.Sentence, v.Rank, v.Approval, v.Group, v.Why, v.Borrowed, v.Trend)
		out = append(out, v.Cautions...)
		for _, r := range v.Ladder {
			out = append(out, r.Label, r.Counts)
		}
		if b := v.Bar; b != nil {
			out = append(out, b.Label, b.Start, b.End)
			for _, it := range b.Legend {
				out = append(out, it.Text)
			}
		}
		d := NewDecided(l, ref, o, 5, testLink)
		out = append(out, d.NotEnough, d.Sentence, d.Detail, d.Group)
	}
	return out
}

// leaks lists the English pieces found in texts, and for a right-to-left
// language the texts with Latin digits outside form codes.
func leaks(texts, pieces []string, rtl bool) []string {
	var out []string
	for _, s := range texts {
		for _, p := range pieces {
			if strings.Contains(s, p) {
				out = append(out, "English "+p+" in "+s)
			}
		}
		if rtl && latinDigit.MatchString(formCodes.ReplaceAllString(s, "")) {
			out = append(out, "Latin digits in "+s)
		}
	}
	return out
}

// TestViewSpeaksEveryLanguage: every sentence of the outlook, its bar and
// its ladder is in the reader's language, numbers in the language's
// digits.
func TestViewSpeaksEveryLanguage(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Offered() {
		if l.Code() == i18n.Source {
			continue
		}
		t.Run(l.Code(), func(t *testing.T) {
			ref, err := l.Reference(catalog.Default())
			if err != nil {
				t.Fatal(err)
			}
			pieces := englishPieces(c, l, "outlook.", "phrase.")
			if len(pieces) < 40 {
				t.Fatalf("only %d English pieces to look for: %q", len(pieces), pieces)
			}
			for _, leak := range leaks(viewTexts(l, ref), pieces, l.RTL()) {
				t.Error(leak)
			}
			// The same check finds the English outlook, so it can fail.
			if found := leaks(viewTexts(c.Default(), catalog.Default()), pieces, l.RTL()); len(found) < 20 {
				t.Errorf("the check finds only %d leaks in the English outlook", len(found))
			}
		})
	}
}
