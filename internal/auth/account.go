// Package auth holds what signing in needs, apart from HTTP and storage:
// the account as the rest of the program sees it, password hashing,
// session tokens and their expiry, and the OpenID Connect client.
//
// An account holds an email address and an optional name and nothing else
// about the person (privacy promise 3).
package auth

import (
	"crypto/rand"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// RoleAdmin is the role that may moderate.
const RoleAdmin = "admin"

// Account is a signed-in person.
type Account struct {
	ID string
	// Email is the address as the person gave it; compare with EmailKey.
	Email string
	Name  string
	// Role is RoleAdmin or "".
	Role string
}

// IsAdmin reports whether the account may moderate.
func (a *Account) IsAdmin() bool { return a != nil && a.Role == RoleAdmin }

// NewAccountID returns a random account id: "a_" and 26 base-32
// characters, unguessable like case ids.
func NewAccountID() string { return "a_" + rand.Text() }

// EmailKey is the form in which addresses are compared: email addresses
// are case-insensitive in practice, so "Ana@X.org" and "ana@x.org" are one
// account.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Limits of the account fields.
const (
	MaxEmailBytes = 254 // RFC 5321's limit on a forward path
	MaxNameRunes  = 80
)

// CheckEmail returns a message when email is not a plain address
// ("ana@example.org"), or "".
func CheckEmail(email string) string {
	email = strings.TrimSpace(email)
	if email == "" {
		return "Enter your email address."
	}
	if len(email) > MaxEmailBytes {
		return "This email address is too long."
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
		return "Enter an email address like name@example.org."
	}
	return ""
}

// CleanName trims a display name and returns a message when it is too
// long or holds control characters.
func CleanName(name string) (string, string) {
	name = strings.TrimSpace(name)
	if !utf8.ValidString(name) {
		return "", "The name is not valid text."
	}
	if utf8.RuneCountInString(name) > MaxNameRunes {
		return "", "Use at most 80 characters for the name."
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "", "The name must be on one line."
		}
	}
	return name, ""
}
