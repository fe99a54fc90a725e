package sharecard

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// sampleCards are the kinds of case a shared link can show: approved,
// denied, still waiting, one whose similar cases are too few to compare
// with, and the extremes of names and spans.
func sampleCards() map[string]Card {
	niw := Card{Category: "EB-2 National Interest Waiver", Form: "I-140", Country: "India",
		Filed: timeline.Month{Year: 2024, Month: time.March}, Status: timeline.StatusApproved, Days: 214,
		Milestones: []Milestone{{"Receipt notice", 5, false}, {"Request for evidence (RFE)", 120, false},
			{"RFE response received", 160, false}, {"Approved", 214, true}},
		Cohort: Cohort{Enough: true, Share: 0.62, Group: "EB-2 National Interest Waiver cases from India"}}
	pending := Card{Category: "I-485 Adjustment of Status (employment-based)", Form: "I-485", Country: "China",
		Filed: timeline.Month{Year: 2023, Month: time.November}, Status: timeline.StatusPending, Days: 580,
		Milestones: []Milestone{{"Receipt notice", -3, false}, {"Biometrics appointment", 30, false}, {"Interview", 300, false}},
		Cohort:     Cohort{Enough: true, Share: 0.4, Group: "I-485 Adjustment of Status (employment-based) cases from China"}}
	denied := Card{Category: "N-400 Naturalization", Form: "N-400", Country: "Mexico",
		Filed: timeline.Month{Year: 2025, Month: time.January}, Status: timeline.StatusDenied, Days: 45,
		Milestones: []Milestone{{"Receipt notice", 1, false}, {"Denied", 45, true}},
		Cohort:     Cohort{Enough: true, Share: 0.05, Group: "N-400 Naturalization cases"}}
	notEnough := niw
	notEnough.Cohort = Cohort{}
	long := pending
	long.Category = strings.Repeat("I-130 Child of a U.S. Citizen or Permanent Resident ", 3)
	long.Country = "Saint Helena, Ascension and Tristan da Cunha"
	long.Milestones = nil
	for d := 0; d < 3650; d += 200 {
		long.Milestones = append(long.Milestones, Milestone{"Request for evidence (RFE)", d, false})
	}
	long.Days = 3650
	fresh := Card{Category: "K-1 Fiancé(e) Visa", Form: "I-129F", Country: "Côte d'Ivoire",
		Filed: timeline.Month{Year: 2025, Month: time.June}, Status: timeline.StatusPending, Days: -5}
	return map[string]Card{"approved": niw, "pending": pending, "denied": denied, "not enough data": notEnough,
		"long names and ten years": long, "filed this month, no milestones": fresh}
}

// TestRenderCards: every kind of card is a PNG of the Open Graph size,
// the same card always gives the same bytes, and the title, status badge,
// timeline and cohort sentence each leave ink where the layout puts them.
func TestRenderCards(t *testing.T) {
	seen := map[string]string{}
	for name, c := range sampleCards() {
		t.Run(name, func(t *testing.T) {
			b, err := Render(c)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			again, err := Render(c)
			if err != nil {
				t.Fatalf("Render again: %v", err)
			}
			if !bytes.Equal(b, again) {
				t.Error("the same card gave different bytes")
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if got := img.Bounds().Size(); got != image.Pt(Width, Height) {
				t.Fatalf("size %v, want %dx%d", got, Width, Height)
			}
			for _, region := range []struct {
				what string
				r    image.Rectangle
				min  int
			}{
				{"title", image.Rect(margin, 90, Width-margin, 150), 2000},
				{"subtitle", image.Rect(margin, 160, Width-margin, 200), 800},
				{"status badge", image.Rect(margin, 216, Width-margin, 288), 4000},
				{"timeline", image.Rect(margin, axisY-12, Width-margin, axisY+12), 250},
				{"cohort sentence", image.Rect(margin, 510, Width-margin, 556), 2000},
				{"group", image.Rect(margin, 562, Width-margin, 590), 300},
				{"right margin", image.Rect(Width-margin+14, 80, Width, Height), -1},
			} {
				n := ink(img, region.r)
				if region.min < 0 && n > 0 {
					t.Errorf("%s: %d pixels drawn, want none (text must stay inside the margins)", region.what, n)
				}
				if region.min >= 0 && n < region.min {
					t.Errorf("%s: %d pixels drawn, want at least %d", region.what, n, region.min)
				}
			}
			if other, dup := seen[string(b)]; dup {
				t.Errorf("same picture as %q", other)
			}
			seen[string(b)] = name
		})
	}
}

// ink counts the pixels of r that are not the white ground.
func ink(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if cr, cg, cb, _ := img.At(x, y).RGBA(); cr < 0xf000 || cg < 0xf000 || cb < 0xf000 {
				n++
			}
		}
	}
	return n
}

// TestCardText: the card says what the case page says, in short, and
// never a number where the similar cases are too few.
func TestCardText(t *testing.T) {
	cards := sampleCards()
	for _, tt := range []struct {
		name                     string
		status, cohort, subtitle string
	}{
		{"approved", "Approved after 7.0 months", "Decided faster than 62% of similar cases", "I-140 · Filed March 2024 · Born in India"},
		{"pending", "Pending for 19.1 months", "40% of similar cases were decided within 19.1 months", "I-485 · Filed November 2023 · Born in China"},
		{"denied", "Denied after 45 days", "Decided faster than 5% of similar cases", "N-400 · Filed January 2025 · Born in Mexico"},
		{"not enough data", "Approved after 7.0 months", "Not enough similar cases to compare yet", "I-140 · Filed March 2024 · Born in India"},
		{"filed this month, no milestones", "Pending for 0 days", "Not enough similar cases to compare yet", "I-129F · Filed June 2025 · Born in Côte d'Ivoire"},
	} {
		c := cards[tt.name]
		if got := c.StatusText(); got != tt.status {
			t.Errorf("%s: status %q, want %q", tt.name, got, tt.status)
		}
		if got := c.CohortText(); got != tt.cohort {
			t.Errorf("%s: cohort %q, want %q", tt.name, got, tt.cohort)
		}
		if got := c.Subtitle(); got != tt.subtitle {
			t.Errorf("%s: subtitle %q, want %q", tt.name, got, tt.subtitle)
		}
	}
	if g := cards["not enough data"].GroupText(); strings.Contains(g, "%") || strings.Contains(g, "Compared with") {
		t.Errorf("a card without enough similar cases names a comparison: %q", g)
	}
}

// TestCardVersion: the version follows what the card shows, so the cache
// and the ETag change exactly when the picture does.
func TestCardVersion(t *testing.T) {
	base := sampleCards()["approved"]
	if base.Version() != base.Version() {
		t.Fatal("the version of one card changes")
	}
	changes := map[string]func(*Card){
		"share":     func(c *Card) { c.Cohort.Share = 0.63 },
		"enough":    func(c *Card) { c.Cohort.Enough = false },
		"status":    func(c *Card) { c.Status = timeline.StatusDenied },
		"days":      func(c *Card) { c.Days++ },
		"milestone": func(c *Card) { c.Milestones = append(c.Milestones[:1:1], Milestone{"Interview", 100, false}) },
		"country":   func(c *Card) { c.Country = "Nepal" },
		"filed":     func(c *Card) { c.Filed.Month++ },
		"group":     func(c *Card) { c.Cohort.Group = "EB-2 National Interest Waiver cases" },
	}
	for name, change := range changes {
		c := base
		c.Milestones = append([]Milestone(nil), base.Milestones...)
		change(&c)
		if c.Version() == base.Version() {
			t.Errorf("changing the %s keeps the version", name)
		}
	}
}

// TestCache: a card asked for again is not drawn again; a changed card
// is, and replaces the old one; the cache never holds more than its size.
func TestCache(t *testing.T) {
	ch := NewCache(2)
	c := sampleCards()["approved"]
	first, v1, err := ch.PNG("c_1", c)
	if err != nil {
		t.Fatal(err)
	}
	again, v2, err := ch.PNG("c_1", c)
	if err != nil {
		t.Fatal(err)
	}
	if v1 != v2 || &first[0] != &again[0] {
		t.Error("the same card was drawn twice")
	}
	c.Cohort.Share = 0.7
	changed, v3, err := ch.PNG("c_1", c)
	if err != nil {
		t.Fatal(err)
	}
	if v3 == v1 || bytes.Equal(changed, first) {
		t.Error("a changed card came from the cache")
	}
	if ch.Len() != 1 {
		t.Errorf("%d entries for one case, want 1", ch.Len())
	}
	for _, id := range []string{"c_2", "c_3", "c_4"} {
		if _, _, err := ch.PNG(id, c); err != nil {
			t.Fatal(err)
		}
	}
	if ch.Len() > 2 {
		t.Errorf("%d entries in a cache of 2", ch.Len())
	}
	ch.Forget("c_4")
	if _, ok := ch.get(entryKey{"c_4", "en"}, v3); ok {
		t.Error("a forgotten card is still kept")
	}
}

// FuzzRender: whatever the names, days and language, a card is drawn at its size
// without panicking (days come from dates people type, and a receipt may
// predate the filing month).
func FuzzRender(f *testing.F) {
	f.Add("EB-2 National Interest Waiver", "India", "Receipt notice", 214, 5, 0.62, true, "approved", uint8(0))
	f.Add("", "", "", 0, 0, 0.0, false, "pending", uint8(1))
	f.Add(strings.Repeat("W", 200), "Ω", "\u202e", -40, 4000, 1.5, true, "denied", uint8(2))
	f.Add("EB-2 الإعفاء", "\u200c\u064b", "क्ष\u093f", 100, 50, 0.5, true, "approved", uint8(5))
	cat := loadCatalog(f)
	codes := []string{"en", "es", "zh-Hans", "hi", "pt-BR", "vi", "ar", "fa"}
	f.Fuzz(func(t *testing.T, category, country, milestone string, days, day int, share float64, enough bool, status string, lang uint8) {
		// The site keeps days within years of filing; the fuzzer's
		// extremes would only time out the drawing of millions of ticks.
		days, day = days%20000, day%20000
		c := Card{Category: category, Country: country, Filed: timeline.Month{Year: 2024, Month: time.May},
			Status: status, Days: days, Milestones: []Milestone{{milestone, day, enough}},
			Cohort: Cohort{Enough: enough, Share: share, Group: country}, Locale: cat.Locale(codes[int(lang)%len(codes)])}
		b, err := Render(c)
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width != Width || cfg.Height != Height {
			t.Fatalf("decode: %v, %dx%d", err, cfg.Width, cfg.Height)
		}
	})
}

// BenchmarkRender is the cost of drawing one card (a cache miss).
func BenchmarkRender(b *testing.B) {
	c := sampleCards()["approved"]
	for b.Loop() {
		if _, err := Render(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCacheHit is the cost of a card fetched again (a crawler).
func BenchmarkCacheHit(b *testing.B) {
	ch := NewCache(16)
	c := sampleCards()["approved"]
	if _, _, err := ch.PNG("c_1", c); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := ch.PNG("c_1", c); err != nil {
			b.Fatal(err)
		}
	}
}
