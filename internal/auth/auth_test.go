package auth

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestPasswordHashing(t *testing.T) {
	h, err := NewHasher(bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := h.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(hash, "horse") {
		t.Fatal("hash contains the password")
	}
	if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost != bcrypt.MinCost {
		t.Errorf("cost %d, %v", cost, err)
	}
	for _, tt := range []struct {
		hash, pw string
		ok       bool
	}{
		{hash, "correct horse battery", true},
		{hash, "correct horse batter", false},
		{hash, "Correct horse battery", false},
		{"", "correct horse battery", false},
		{"", "", false},
		{"not a hash", "x", false},
	} {
		if got := h.Verify(tt.hash, tt.pw); got != tt.ok {
			t.Errorf("Verify(%q, %q) = %v", tt.hash, tt.pw, got)
		}
	}
	// bcrypt stops at a NUL byte, so all-NUL passwords would be one
	// password: Verify never accepts a NUL.
	nul, err := h.Hash(strings.Repeat("\x00", 10))
	if err != nil {
		t.Fatal(err)
	}
	if h.Verify(nul, "\x00") || h.Verify(nul, strings.Repeat("\x00", 10)) {
		t.Error("a password with NUL bytes was accepted")
	}
	if _, err := NewHasher(99); err == nil {
		t.Error("cost 99 accepted")
	}
	if d, _ := NewHasher(0); d.Cost != DefaultPasswordCost {
		t.Errorf("default cost %d", d.Cost)
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tt := range []struct {
		pw string
		ok bool
	}{
		{"", false},
		{"123456789", false},
		{"1234567890", true},
		{"ééééééééé", false}, // 9 letters, 18 bytes
		{"éééééééééé", true},
		{strings.Repeat("x", 72), true},
		{strings.Repeat("x", 73), false},
		{strings.Repeat("é", 37), false}, // 74 bytes
		{strings.Repeat("\x00", 10), false},
		{"a password\x00", false},
	} {
		if got := CheckPassword(tt.pw) == ""; got != tt.ok {
			t.Errorf("CheckPassword(%q) ok = %v, want %v", tt.pw, got, tt.ok)
		}
	}
}

func TestCheckEmailAndName(t *testing.T) {
	for _, tt := range []struct {
		email string
		ok    bool
	}{
		{"ana@example.org", true},
		{"Ana.Silva+ct@Example.ORG", true},
		{"", false},
		{"ana", false},
		{"ana@localhost", false},
		{"Ana <ana@example.org>", false},
		{"ana@example.org, bob@example.org", false},
		{strings.Repeat("a", 250) + "@example.org", false},
	} {
		if got := CheckEmail(tt.email) == ""; got != tt.ok {
			t.Errorf("CheckEmail(%q) ok = %v", tt.email, got)
		}
	}
	if EmailKey("  Ana@Example.ORG ") != "ana@example.org" {
		t.Error("EmailKey does not fold case and trim")
	}
	for _, tt := range []struct {
		in, out string
		ok      bool
	}{
		{"  Ana  ", "Ana", true},
		{"", "", true},
		{strings.Repeat("ñ", 80), strings.Repeat("ñ", 80), true},
		{strings.Repeat("ñ", 81), "", false},
		{"a\tb", "", false},
		{"\xff", "", false},
	} {
		got, msg := CleanName(tt.in)
		if (msg == "") != tt.ok || (tt.ok && got != tt.out) {
			t.Errorf("CleanName(%q) = %q, %q", tt.in, got, msg)
		}
	}
}

func TestSessionPolicy(t *testing.T) {
	p := DefaultSessionPolicy
	const start = 20000
	for _, tt := range []struct {
		used, today int64
		ok          bool
	}{
		{start, start, true},
		{start, start + 13, true},
		{start, start + 14, false}, // idle
		{start + 20, start + 29, true},
		{start + 29, start + 30, false}, // absolute
	} {
		if got := p.Valid(start, tt.used, tt.today); got != tt.ok {
			t.Errorf("Valid(%d, %d, %d) = %v", start, tt.used, tt.today, got)
		}
	}
	minStarted, minUsed := p.Oldest(start + 30)
	if !p.Valid(minStarted, minUsed, start+30) || p.Valid(minStarted-1, minUsed, start+30) || p.Valid(minStarted, minUsed-1, start+30) {
		t.Error("Oldest disagrees with Valid")
	}
	if Day(time.Date(1970, 1, 2, 23, 59, 0, 0, time.UTC)) != 1 || Day(time.Date(2025, 6, 20, 1, 0, 0, 0, time.FixedZone("x", 3*3600))) != Day(time.Date(2025, 6, 19, 0, 0, 0, 0, time.UTC)) {
		t.Error("Day does not count UTC days")
	}
}

func TestSessionTokens(t *testing.T) {
	a, ha := NewToken()
	b, _ := NewToken()
	if a == b || !WellFormedToken(a) || len(ha) != 32 || string(HashToken(a)) != string(ha) {
		t.Fatalf("tokens %q %q", a, b)
	}
	for _, bad := range []string{"", "short", a + "x", strings.Repeat("!", 43)} {
		if WellFormedToken(bad) {
			t.Errorf("WellFormedToken(%q)", bad)
		}
	}
	if !strings.HasPrefix(NewAccountID(), "a_") || NewAccountID() == NewAccountID() {
		t.Error("account ids")
	}
}

func TestNewOIDCValidates(t *testing.T) {
	_, err := NewOIDC(OIDCConfig{})
	for _, want := range []string{"issuer", "client id", "redirect"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NewOIDC({}) = %v, want it to name %s", err, want)
		}
	}
	if _, err := NewOIDC(OIDCConfig{Issuer: "https://x", ClientID: "c", RedirectURL: "https://y/cb"}); err != nil {
		t.Error(err)
	}
}
