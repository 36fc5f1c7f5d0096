package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// peerTrusted reports whether the direct peer is one of the configured
// reverse proxies, whose X-Forwarded-* headers are then believed.
func (s *Server) peerTrusted(r *http.Request) bool {
	a, ok := peerAddr(r)
	return ok && s.trustedAddr(a)
}

func (s *Server) trustedAddr(a netip.Addr) bool {
	for _, p := range s.trustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

func peerAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	return a.Unmap(), err == nil
}

// clientAddress is the address used for throttling and the audit trail: the
// peer, or, behind a trusted proxy, the right-most address of
// X-Forwarded-For that is not itself a trusted proxy. Headers from any other
// peer are ignored: a client cannot choose its own address.
func (s *Server) clientAddress(r *http.Request) string {
	peer, ok := peerAddr(r)
	if !ok {
		return r.RemoteAddr
	}
	if !s.trustedAddr(peer) {
		return peer.String()
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled hop: keep the last address a trusted proxy vouched for
		}
		client = a.Unmap()
		if !s.trustedAddr(client) {
			break
		}
	}
	return client.String()
}

// forwardedHTTPS reports whether the request reached us over HTTPS: directly,
// or through a trusted proxy saying so in X-Forwarded-Proto.
func (s *Server) forwardedHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !s.peerTrusted(r) {
		return false
	}
	// the proxy nearest to us appends last
	v := r.Header.Values("X-Forwarded-Proto")
	if len(v) == 0 {
		return false
	}
	parts := strings.Split(v[len(v)-1], ",")
	return strings.EqualFold(strings.TrimSpace(parts[len(parts)-1]), "https")
}
