package throttle

import "time"

// SignIn limits password guessing without letting anyone lock an account
// they do not control. It keeps three kinds of allowance, each of n failed
// attempts per hour unless said otherwise:
//
//   - per client (an IPv4 address or IPv6 /64), across all accounts: one
//     guesser, or one network spraying many accounts;
//   - per account, for clients the account does not know: a slow
//     allowance of 3n per day that stops guessing spread over many
//     addresses;
//   - per account and known device, for a browser that has signed in to
//     the account before (it holds a random device token in a cookie):
//     the owner's own typing mistakes.
//
// A known device is held only to its own allowance, so strangers' failures,
// wherever they come from, never stop the owner signing in from their usual
// browser. A client whose /64 (or IPv4 address) signed in to the account
// before passes the per-account allowance too, though not the per-client
// one it shares with its network. Successful sign-ins give their places
// back: only failures count.
//
// Everything is in memory, per instance. Behind a load balancer each
// instance counts the attempts that reach it.
type SignIn struct {
	client  *Limiter
	account *Limiter
	device  *Limiter
	// devices and networks remember who signed in to which account.
	devices, networks *knownSet
}

// A device is remembered for 90 days after its last successful sign-in,
// a network, which says more about a person, for 30; knownMax bounds the
// memory each set takes (some 60 bytes a pair, so 30 MB at most).
const (
	deviceKnownFor  = 90 * 24 * time.Hour
	networkKnownFor = 30 * 24 * time.Hour
	knownMax        = 500_000
)

// NewSignIn returns a guard allowing n failed attempts per client per hour
// (and the other allowances derived from n); n 0 turns it off.
func NewSignIn(n int, now func() time.Time) *SignIn {
	return &SignIn{
		client:   PerHour(n, now),
		account:  Per(3*n, 24*time.Hour, now),
		device:   PerHour(n, now),
		devices:  newKnownSet(deviceKnownFor, knownMax, now),
		networks: newKnownSet(networkKnownFor, knownMax, now),
	}
}

// Refusal says which allowance an attempt ran out of.
type Refusal int

const (
	// ClientLimited: too many failures from this client or device.
	ClientLimited Refusal = iota + 1
	// AccountLimited: too many failures on this account from clients it
	// does not know.
	AccountLimited
)

// Attempt is one sign-in attempt holding places in its allowances.
type Attempt struct {
	g                       *SignIn
	account, client, device string
	cancels                 []func()
}

// Begin takes places for a sign-in attempt on account (a normalised email
// address, whether or not it has an account) from client (ClientKey)
// with device, the device cookie's token or "". When an allowance is used
// up it returns ok false, which one, and how long until the next attempt
// is allowed; nothing is taken then.
func (g *SignIn) Begin(account, client, device string) (a *Attempt, refused Refusal, retryAfter time.Duration, ok bool) {
	a = &Attempt{g: g, account: account, client: client, device: device}
	if g.devices.has("device", account, device) {
		cancel, retry, ok := g.device.Reserve(account + "\x00" + device)
		if !ok {
			return nil, ClientLimited, retry, false
		}
		a.cancels = append(a.cancels, cancel)
		return a, 0, 0, true
	}
	cancel, retry, ok := g.client.Reserve(client)
	if !ok {
		return nil, ClientLimited, retry, false
	}
	a.cancels = append(a.cancels, cancel)
	if g.networks.has("client", account, client) {
		return a, 0, 0, true
	}
	cancel, retry, ok = g.account.Reserve(account)
	if !ok {
		a.giveBack()
		return nil, AccountLimited, retry, false
	}
	a.cancels = append(a.cancels, cancel)
	return a, 0, 0, true
}

// Abandon gives the attempt's places back: it was stopped before the
// password was checked.
func (a *Attempt) Abandon() { a.giveBack() }

// Succeeded gives the attempt's places back and remembers the client and
// the device as known to the account. It returns the device token the
// browser should keep: the one it came with when well formed, or a new one.
func (a *Attempt) Succeeded() (device string) {
	a.giveBack()
	device = a.device
	if !WellFormedDeviceToken(device) {
		device = NewDeviceToken()
	}
	a.g.devices.add("device", a.account, device)
	a.g.networks.add("client", a.account, a.client)
	return device
}

func (a *Attempt) giveBack() {
	for _, c := range a.cancels {
		c()
	}
	a.cancels = nil
}

// SignUp takes a place for a sign-up from the client's allowance: each
// sign-up can be followed by one probing sign-in, so they count alike.
func (g *SignIn) SignUp(client string) (retryAfter time.Duration, ok bool) {
	_, retry, ok := g.client.Reserve(client)
	return retry, ok
}
