package catalog

import (
	"slices"
	"strings"
	"testing"
)

// wantCategories is the fixed list of categories every package codes
// against: code, form, group and milestones in order.
var wantCategories = []struct {
	code, name, form, group string
	milestones              []string
}{
	{"eb1a", "EB-1A Extraordinary Ability", "I-140", "Employment-based petitions", petition},
	{"eb1b", "EB-1B Outstanding Professor or Researcher", "I-140", "Employment-based petitions", petition},
	{"eb1c", "EB-1C Multinational Manager or Executive", "I-140", "Employment-based petitions", petition},
	{"eb2-niw", "EB-2 National Interest Waiver", "I-140", "Employment-based petitions", petition},
	{"eb2-perm", "EB-2 PERM (Advanced Degree)", "I-140", "Employment-based petitions", petition},
	{"eb3", "EB-3 Skilled Worker or Professional", "I-140", "Employment-based petitions", petition},
	{"i485-employment", "I-485 Adjustment of Status (employment-based)", "I-485", "Green card (adjustment)", adjustment},
	{"i485-family", "I-485 Adjustment of Status (family-based)", "I-485", "Green card (adjustment)", adjustment},
	{"i130-spouse-usc", "I-130 Spouse of a U.S. Citizen", "I-130", "Family petitions", family},
	{"i130-spouse-lpr", "I-130 Spouse of a Permanent Resident", "I-130", "Family petitions", family},
	{"i130-parent", "I-130 Parent of a U.S. Citizen", "I-130", "Family petitions", family},
	{"i130-child", "I-130 Child of a U.S. Citizen or Permanent Resident", "I-130", "Family petitions", family},
	{"i130-sibling", "I-130 Sibling of a U.S. Citizen", "I-130", "Family petitions", family},
	{"k1", "K-1 Fiancé(e) Petition", "I-129F", "Family petitions", fiance},
	{"i751", "I-751 Removal of Conditions", "I-751", "Green card (other)", withInterview},
	{"n400", "N-400 Naturalization", "N-400", "Citizenship", withInterview},
	{"i765", "I-765 Work Permit (EAD)", "I-765", "Work and travel documents", withBiometrics},
	{"i131", "I-131 Travel Document (Advance Parole)", "I-131", "Work and travel documents", withBiometrics},
	{"i90", "I-90 Green Card Renewal", "I-90", "Green card (other)", withBiometrics},
	{"h1b", "H-1B Specialty Occupation", "I-129", "Temporary work visas", petition},
	{"l1", "L-1 Intracompany Transferee", "I-129", "Temporary work visas", petition},
	{"o1", "O-1 Extraordinary Ability", "I-129", "Temporary work visas", petition},
	{"i539", "I-539 Extend or Change Nonimmigrant Status", "I-539", "Temporary work visas", withBiometrics},
}

var (
	petition       = []string{"received", "rfe", "rfe_response", "approved", "denied"}
	adjustment     = []string{"received", "transferred", "biometrics", "rfe", "rfe_response", "interview", "approved", "denied"}
	family         = []string{"received", "transferred", "rfe", "rfe_response", "interview", "approved", "denied"}
	fiance         = []string{"received", "transferred", "rfe", "rfe_response", "approved", "denied"}
	withInterview  = []string{"received", "biometrics", "rfe", "rfe_response", "interview", "approved", "denied"}
	withBiometrics = []string{"received", "biometrics", "rfe", "rfe_response", "approved", "denied"}
)

var wantMilestoneNames = map[string]string{
	"received":     "Receipt notice",
	"transferred":  "Case transferred",
	"biometrics":   "Biometrics appointment",
	"rfe":          "Request for evidence (RFE)",
	"rfe_response": "RFE response received",
	"interview":    "Interview",
	"approved":     "Approved",
	"denied":       "Denied",
}

func TestDefaultCategories(t *testing.T) {
	cat := Default()
	if got, want := len(cat.Categories), len(wantCategories); got != want {
		t.Errorf("got %d categories, want %d", got, want)
	}
	for i, want := range wantCategories {
		c, ok := cat.Category(want.code)
		if !ok {
			t.Errorf("category %q missing", want.code)
			continue
		}
		if idx, _ := cat.CategoryIndex(want.code); idx != i {
			t.Errorf("category %q at position %d, want %d", want.code, idx, i)
		}
		if c.Name != want.name || c.Form != want.form || c.Group != want.group {
			t.Errorf("category %q = (%q, %q, %q), want (%q, %q, %q)",
				want.code, c.Name, c.Form, c.Group, want.name, want.form, want.group)
		}
		var codes []string
		for _, m := range c.Milestones {
			codes = append(codes, m.Code)
		}
		if !slices.Equal(codes, want.milestones) {
			t.Errorf("category %q milestones = %v, want %v", want.code, codes, want.milestones)
		}
		if c.HasRFE() != slices.Contains(want.milestones, "rfe") {
			t.Errorf("category %q: HasRFE() = %v", want.code, c.HasRFE())
		}
	}
}

func TestDefaultMilestones(t *testing.T) {
	for _, c := range Default().Categories {
		for _, code := range []string{"received", OutcomeApproved, OutcomeDenied} {
			if _, ok := c.Milestone(code); !ok {
				t.Errorf("category %q has no %q milestone", c.Code, code)
			}
		}
		for _, m := range c.Milestones {
			if want := wantMilestoneNames[m.Code]; m.Name != want {
				t.Errorf("category %q milestone %q named %q, want %q", c.Code, m.Code, m.Name, want)
			}
			terminal := m.Code == OutcomeApproved || m.Code == OutcomeDenied
			if m.Terminal != terminal {
				t.Errorf("category %q milestone %q: terminal = %v", c.Code, m.Code, m.Terminal)
			}
			if terminal && m.Outcome != m.Code {
				t.Errorf("category %q milestone %q: outcome = %q", c.Code, m.Code, m.Outcome)
			}
		}
	}
}

func TestDefaultServiceCenters(t *testing.T) {
	want := []ServiceCenter{
		{"CSC", "California Service Center"},
		{"NSC", "Nebraska Service Center"},
		{"PSC", "Potomac Service Center"},
		{"TSC", "Texas Service Center"},
		{"VSC", "Vermont Service Center"},
		{"NBC", "National Benefits Center"},
		{"ONLINE", "Online filing (myUSCIS)"},
	}
	if !slices.Equal(Default().ServiceCenters, want) {
		t.Errorf("service centers = %v, want %v", Default().ServiceCenters, want)
	}
}

func TestDefaultCountries(t *testing.T) {
	cat := Default()
	// ISO 3166-1 has 249 officially assigned alpha-2 codes.
	if got := len(cat.Countries); got != 249 {
		t.Errorf("got %d countries, want 249", got)
	}
	seen := map[string]bool{}
	for _, c := range cat.Countries {
		if len(c.Code) != 2 || c.Code[0] < 'A' || c.Code[0] > 'Z' || c.Code[1] < 'A' || c.Code[1] > 'Z' {
			t.Errorf("country code %q is not two upper-case letters", c.Code)
		}
		if seen[c.Code] {
			t.Errorf("country code %q listed twice", c.Code)
		}
		seen[c.Code] = true
		if strings.TrimSpace(c.Name) == "" || c.Name != strings.TrimSpace(c.Name) {
			t.Errorf("country %q has name %q", c.Code, c.Name)
		}
	}
	for code, name := range map[string]string{
		"IN": "India", "CN": "China", "MX": "Mexico", "PH": "Philippines", "US": "United States",
		"TW": "Taiwan", "PS": "Palestine, State of", "GB": "United Kingdom", "KR": "South Korea",
		"CI": "Côte d'Ivoire", "AX": "Åland Islands",
	} {
		if c, ok := cat.Country(code); !ok || c.Name != name {
			t.Errorf("Country(%q) = %v, %v; want name %q", code, c, ok, name)
		}
	}
	// Kosovo's XK is user-assigned, not part of ISO 3166-1; UK is reserved.
	for _, code := range []string{"XK", "UK", "EU", "in", ""} {
		if _, ok := cat.Country(code); ok {
			t.Errorf("Country(%q) found, want not found", code)
		}
	}
}

// TestCountriesSortedByName keeps the picker in alphabetical order, with
// accented letters sorted as their base letter.
func TestCountriesSortedByName(t *testing.T) {
	fold := strings.NewReplacer("Å", "A", "ô", "o", "ç", "c", "é", "e", "ü", "u")
	key := func(c Country) string { return strings.ToLower(fold.Replace(c.Name)) }
	cs := Default().Countries
	for _, c := range cs {
		for _, r := range key(c) {
			if r > 0x7f {
				t.Fatalf("country %q: no sort key for %q; extend the fold table", c.Name, r)
			}
		}
	}
	for i := 1; i < len(cs); i++ {
		if key(cs[i-1]) > key(cs[i]) {
			t.Errorf("%q sorted before %q", cs[i-1].Name, cs[i].Name)
		}
	}
}

func TestLookups(t *testing.T) {
	cat := Default()

	c, ok := cat.Category("eb2-niw")
	if !ok || c.Form != "I-140" {
		t.Fatalf("Category(eb2-niw) = %v, %v", c, ok)
	}
	if _, ok := cat.Category("EB2-NIW"); ok {
		t.Error("Category lookup should be exact")
	}
	if _, ok := cat.CategoryIndex("nope"); ok {
		t.Error("CategoryIndex(nope) found")
	}

	m, ok := c.Milestone("approved")
	if !ok || !m.Terminal || m.Outcome != OutcomeApproved {
		t.Errorf("Milestone(approved) = %v, %v", m, ok)
	}
	if _, ok := c.Milestone("interview"); ok {
		t.Error("eb2-niw should have no interview milestone")
	}
	if i, ok := c.MilestoneIndex("rfe_response"); !ok || i != 2 {
		t.Errorf("MilestoneIndex(rfe_response) = %d, %v; want 2", i, ok)
	}
	if i, ok := c.MilestoneIndex("biometrics"); ok || i != -1 {
		t.Errorf("MilestoneIndex(biometrics) = %d, %v; want -1, false", i, ok)
	}

	sc, ok := cat.ServiceCenter("TSC")
	if !ok || sc.Name != "Texas Service Center" {
		t.Errorf("ServiceCenter(TSC) = %v, %v", sc, ok)
	}
	if i, ok := cat.ServiceCenterIndex("ONLINE"); !ok || cat.ServiceCenters[i].Code != "ONLINE" {
		t.Errorf("ServiceCenterIndex(ONLINE) = %d, %v", i, ok)
	}
	if _, ok := cat.ServiceCenter("XYZ"); ok {
		t.Error("ServiceCenter(XYZ) found")
	}

	if i, ok := cat.CountryIndex("IN"); !ok || cat.Countries[i].Name != "India" {
		t.Errorf("CountryIndex(IN) = %d, %v", i, ok)
	}
	if _, ok := cat.CountryIndex("ZZ"); ok {
		t.Error("CountryIndex(ZZ) found")
	}
}

func TestParse(t *testing.T) {
	const ok = `{"categories":[{"code":"x","name":"X","form":"I-1","group":"G","milestones":[
		{"code":"received","name":"R","terminal":false},
		{"code":"approved","name":"A","terminal":true,"outcome":"approved"},
		{"code":"denied","name":"D","terminal":true,"outcome":"denied"}]}],
		"service_centers":[{"code":"TSC","name":"Texas"}],"countries":[{"code":"IN","name":"India"}]}`
	cat, err := Parse([]byte(ok))
	if err != nil {
		t.Fatalf("Parse(valid) = %v", err)
	}
	if _, found := cat.Category("x"); !found {
		t.Error("parsed catalog has no category x")
	}

	tests := []struct {
		name, data, wantErr string
	}{
		{"malformed JSON", `{"categories":`, "decode catalog"},
		{"duplicate category", `{"categories":[` + cat1("x") + `,` + cat1("x") + `]}`, `duplicate category "x"`},
		{"duplicate milestone", `{"categories":[{"code":"x","milestones":[
			{"code":"received"},{"code":"received"},
			{"code":"approved","terminal":true,"outcome":"approved"},{"code":"denied","terminal":true,"outcome":"denied"}]}]}`,
			`duplicate milestone "received"`},
		{"no denied", `{"categories":[{"code":"x","milestones":[
			{"code":"received"},{"code":"approved","terminal":true,"outcome":"approved"}]}]}`,
			"needs received, approved and denied"},
		{"no received", `{"categories":[{"code":"x","milestones":[
			{"code":"approved","terminal":true,"outcome":"approved"},{"code":"denied","terminal":true,"outcome":"denied"}]}]}`,
			"needs received, approved and denied"},
		{"outcome on non-terminal", `{"categories":[{"code":"x","milestones":[
			{"code":"received","outcome":"approved"}]}]}`, "terminal milestones and only they"},
		{"terminal without outcome", `{"categories":[{"code":"x","milestones":[
			{"code":"received","terminal":true}]}]}`, "terminal milestones and only they"},
		{"unknown outcome", `{"categories":[{"code":"x","milestones":[
			{"code":"withdrawn","terminal":true,"outcome":"withdrawn"}]}]}`, `unknown outcome "withdrawn"`},
		{"duplicate service center", `{"service_centers":[{"code":"TSC"},{"code":"TSC"}]}`, `duplicate service center "TSC"`},
		{"duplicate country", `{"countries":[{"code":"IN"},{"code":"IN"}]}`, `duplicate country "IN"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse() error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func cat1(code string) string {
	return `{"code":"` + code + `","milestones":[{"code":"received"},
		{"code":"approved","terminal":true,"outcome":"approved"},{"code":"denied","terminal":true,"outcome":"denied"}]}`
}
