package auth

import "testing"

// BenchmarkVerifyDefaultCost measures one sign-in's password check at the
// production cost, the figure DefaultPasswordCost's comment quotes.
func BenchmarkVerifyDefaultCost(b *testing.B) {
	h, err := NewHasher(0)
	if err != nil {
		b.Fatal(err)
	}
	hash, err := h.Hash("correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if !h.Verify(hash, "correct horse battery") {
			b.Fatal("the right password did not verify")
		}
	}
}
