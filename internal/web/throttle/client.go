package throttle

import (
	"net/netip"
	"strings"
)

// ClientKey is what the per-client limits count by: an IPv4 address as it
// is, and an IPv6 address by its /64, because whoever has one IPv6
// address normally controls the whole /64 and could otherwise step to a
// fresh address for every request. An IPv4-mapped IPv6 address
// (::ffff:192.0.2.1) counts as the IPv4 address. A value that is not an
// address (a Unix socket's "@", a proxy's "unknown") is returned as it is,
// so such clients still share one allowance rather than escaping it.
func ClientKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		// Some proxies write host:port or [v6]:port.
		ap, perr := netip.ParseAddrPort(addr)
		if perr != nil {
			if s := strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]"); s != addr {
				if a2, err2 := netip.ParseAddr(s); err2 == nil {
					return ClientKey(a2.String())
				}
			}
			return addr
		}
		a = ap.Addr()
	}
	a = a.WithZone("").Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64) // cannot fail for an IPv6 address and 64
	return p.String()
}
