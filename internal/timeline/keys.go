package timeline

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"strings"
)

// NewCaseID returns a random, unguessable public case id: "c_" and 26
// base-32 characters (128 bits), so ids can be neither guessed nor counted.
func NewCaseID() string { return "c_" + rand.Text() }

// NewEditKey returns a fresh edit key and the hash to store. The key itself
// is shown to the submitter once and never stored.
func NewEditKey() (key string, hash []byte) {
	key = "ek_" + rand.Text() + rand.Text()
	return key, HashEditKey(key)
}

// HashEditKey hashes an edit key for storage and comparison. Edit keys are
// 256 bits of randomness, so a fast hash is enough: there is nothing to
// brute-force that a slow password hash would protect.
func HashEditKey(key string) []byte {
	sum := sha256.Sum256([]byte(strings.TrimSpace(key)))
	return sum[:]
}

// EditKeyMatches compares a presented key with a stored hash in constant time.
func EditKeyMatches(key string, hash []byte) bool {
	if key == "" || len(hash) == 0 {
		return false
	}
	return subtle.ConstantTimeCompare(HashEditKey(key), hash) == 1
}
