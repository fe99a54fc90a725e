package throttle

import (
	"fmt"
	"testing"
	"time"
)

// fail makes one failed attempt and reports whether it was let through.
func fail(g *SignIn, account, client, device string) (Refusal, bool) {
	_, refused, _, ok := g.Begin(account, client, device)
	return refused, ok
}

// succeed signs in and returns the device token, or fails the test.
func succeed(t *testing.T, g *SignIn, account, client, device string) string {
	t.Helper()
	a, refused, retry, ok := g.Begin(account, client, device)
	if !ok {
		t.Fatalf("sign-in of %s from %s refused (%d, retry %v)", account, client, refused, retry)
	}
	return a.Succeeded()
}

func TestSignInStrangersCannotLockOut(t *testing.T) {
	c := newClock()
	g := NewSignIn(3, c.Now)
	device := succeed(t, g, "ana", "192.0.2.1", "")
	if !WellFormedDeviceToken(device) {
		t.Fatalf("device token %q", device)
	}
	// Many strangers use up the account's allowance.
	for i := range 9 {
		if _, ok := fail(g, "ana", fmt.Sprintf("198.51.100.%d", i), ""); !ok {
			t.Fatalf("stranger %d refused early", i)
		}
	}
	if refused, ok := fail(g, "ana", "198.51.100.99", ""); ok || refused != AccountLimited {
		t.Fatalf("tenth stranger: ok %v refused %d, want AccountLimited", ok, refused)
	}
	// The owner's browser still gets in, from anywhere.
	succeed(t, g, "ana", "203.0.113.50", device)
	// So does the owner's network without the cookie.
	succeed(t, g, "ana", "192.0.2.1", "")
	// An unknown client with the right password does not.
	if _, _, _, ok := g.Begin("ana", "203.0.113.51", ""); ok {
		t.Error("unknown client passed the account's exhausted allowance")
	}
	// A device known to another account does not count for this one.
	other := succeed(t, g, "bea", "203.0.113.52", "")
	if _, _, _, ok := g.Begin("ana", "203.0.113.53", other); ok {
		t.Error("device known to another account passed")
	}
}

func TestSignInOneGuesser(t *testing.T) {
	c := newClock()
	g := NewSignIn(3, c.Now)
	for i := range 3 {
		if _, ok := fail(g, "ana", "198.51.100.7", ""); !ok {
			t.Fatalf("failure %d refused", i)
		}
	}
	_, refused, retry, ok := g.Begin("ana", "198.51.100.7", "")
	if ok || refused != ClientLimited || retry < 19*time.Minute || retry > 20*time.Minute+time.Second {
		t.Fatalf("fourth guess: ok %v refused %d retry %v", ok, refused, retry)
	}
	// Other accounts from the same client: also refused (spraying).
	if _, ok := fail(g, "bea", "198.51.100.7", ""); ok {
		t.Error("same client on another account passed")
	}
	// The refusals took nothing from the account's allowance: 9 = 3n.
	for i := range 6 {
		if _, ok := fail(g, "ana", fmt.Sprintf("203.0.113.%d", i), ""); !ok {
			t.Fatalf("stranger %d refused: the client refusals were counted", i)
		}
	}
	c.Add(20 * time.Minute)
	if _, ok := fail(g, "bea", "198.51.100.7", ""); !ok {
		t.Error("allowance did not refill")
	}
}

func TestSignInKnownDeviceHasItsOwnAllowance(t *testing.T) {
	c := newClock()
	g := NewSignIn(2, c.Now)
	device := succeed(t, g, "ana", "192.0.2.1", "")
	// A guesser on the same network uses up its allowance.
	fail(g, "bea", "192.0.2.1", "")
	fail(g, "cai", "192.0.2.1", "")
	if _, ok := fail(g, "ana", "192.0.2.1", ""); ok {
		t.Fatal("client allowance not used up")
	}
	// The owner mistypes twice and is then held to the device's allowance.
	fail(g, "ana", "192.0.2.1", device)
	fail(g, "ana", "192.0.2.1", device)
	if refused, ok := fail(g, "ana", "192.0.2.1", device); ok || refused != ClientLimited {
		t.Errorf("third mistake on a known device: ok %v refused %d", ok, refused)
	}
	c.Add(31 * time.Minute)
	if again := succeed(t, g, "ana", "192.0.2.1", device); again != device {
		t.Error("a known device got a new token")
	}
}

func TestSignInForgetsKnownClients(t *testing.T) {
	c := newClock()
	g := NewSignIn(1, c.Now)
	device := succeed(t, g, "ana", "192.0.2.1", "")
	c.Add(networkKnownFor + time.Hour)
	if !g.devices.has("device", "ana", device) || g.networks.has("client", "ana", "192.0.2.1") {
		t.Error("after 30 days the device must be known and the network forgotten")
	}
	c.Add(deviceKnownFor - networkKnownFor)
	if g.devices.has("device", "ana", device) {
		t.Error("the device outlived its 90 days")
	}
	succeed(t, g, "bea", "192.0.2.2", "")
	if d, n := g.devices.size(), g.networks.size(); d != 1 || n != 1 {
		t.Errorf("%d devices and %d networks after the sweep, want bea's alone", d, n)
	}
}

func TestKnownSetBounded(t *testing.T) {
	k := newKnownSet(time.Hour, 3, newClock().Now)
	for i := range 10 {
		k.add("client", "ana", fmt.Sprint(i))
	}
	if n := k.size(); n != 3 {
		t.Errorf("%d pairs, want the bound 3", n)
	}
	if !k.has("client", "ana", "9") {
		t.Error("the newest pair was not kept")
	}
}

func TestSignInOff(t *testing.T) {
	g := NewSignIn(0, newClock().Now)
	for range 50 {
		if _, ok := fail(g, "ana", "192.0.2.1", ""); !ok {
			t.Fatal("a limit of 0 refused")
		}
	}
}
