package server

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestSafeNext: only same-origin paths survive, whatever the encoding.
func TestSafeNext(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		"", "evil.example", "https://evil.example/", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
		"/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "/%0a/evil.example", "/%0d%0a/x", "/\r/x", "/%00/x",
		"/%2F/evil.example", "/%2f%2fevil.example", "/%5C/evil.example", "/%5c%5cevil.example", "/x\\y",
		"javascript:alert(1)", "/\u202e/x", "/%E2%80%AE/x", "/x?next=%0d%0aSet-Cookie:x", "/x?a=%09",
		"http:/evil.example", "/\x7f/x", "/%ff", "\x00/x", " /x", "/ok\u0085/x",
	} {
		if got := safeNext(bad); got != "" {
			t.Errorf("safeNext(%q) = %q, want refusal", bad, got)
		}
	}
	for in, want := range map[string]string{
		"/area-riservata":                     "/area-riservata",
		"/enti/e/piani/p/obiettivi/1.1?x=1&y": "/enti/e/piani/p/obiettivi/1.1?x=1&y",
		"/enti/e/piani/p/obiettivi/O%20.1":    "/enti/e/piani/p/obiettivi/O%20.1",
		"/trasparenza/é":                      "/trasparenza/%C3%A9",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTrustedProxies: X-Forwarded-For and X-Forwarded-Proto are believed
// only from a configured proxy; the client cannot pick its address nor turn
// HSTS on.
func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	s := &Server{trustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}}
	req := func(peer string, hdr ...string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = peer
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Add(hdr[i], hdr[i+1])
		}
		return r
	}
	for _, c := range []struct {
		r    *http.Request
		addr string
		hsts bool
	}{
		{req("203.0.113.1:5000", "X-Forwarded-For", "1.2.3.4", "X-Forwarded-Proto", "https"), "203.0.113.1", false},
		{req("10.1.1.1:5000", "X-Forwarded-For", "1.2.3.4, 198.51.100.9, 10.2.2.2", "X-Forwarded-Proto", "https"), "198.51.100.9", true},
		{req("10.1.1.1:5000", "X-Forwarded-For", "1.2.3.4", "X-Forwarded-For", "198.51.100.9"), "198.51.100.9", false},
		{req("10.1.1.1:5000", "X-Forwarded-For", "garbage, 10.3.3.3"), "10.3.3.3", false},
		{req("10.1.1.1:5000"), "10.1.1.1", false},
		{req("10.1.1.1:5000", "X-Forwarded-Proto", "https, http"), "10.1.1.1", false},
		{req("[fd00::1]:5000", "X-Forwarded-For", "2001:db8::7"), "2001:db8::7", false},
		{req("[::ffff:10.1.1.1]:5000", "X-Forwarded-For", "198.51.100.9"), "198.51.100.9", false},
	} {
		if got := s.clientAddress(c.r); got != c.addr {
			t.Errorf("%s %v: client %q, want %q", c.r.RemoteAddr, c.r.Header, got, c.addr)
		}
		rec := httptest.NewRecorder()
		s.securityHeaders(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(rec, c.r)
		if got := rec.Header().Get("Strict-Transport-Security") != ""; got != c.hsts {
			t.Errorf("%s %v: HSTS %v, want %v", c.r.RemoteAddr, c.r.Header, got, c.hsts)
		}
	}
	r := req("203.0.113.1:5000")
	r.TLS = &tls.ConnectionState{}
	rec := httptest.NewRecorder()
	s.securityHeaders(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(rec, r)
	if rec.Header().Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS over TLS")
	}
}
