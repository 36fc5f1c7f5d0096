package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/server"
	"github.com/piao-performance/piao/internal/store"
)

// signInApp is authApp's data with server options, and a counter of the
// password hashes run (the check is wrapped, the real one still runs unless
// check is given).
func signInApp(t *testing.T, opts server.Options, check func(pw, hash string) bool) (*server.Server, *pgxpool.Pool) {
	t.Helper()
	_, pool, _ := authApp(t)
	sessions, stop := server.NewSessions(pool, server.SessionOptions{})
	t.Cleanup(stop)
	app := server.New(store.New(pool), sessions, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	if check != nil {
		server.SetPasswordCheck(app, check)
	}
	return app, pool
}

// postSignIn posts the sign-in form from a client address.
func postSignIn(app http.Handler, addr, user, pw string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/accedi", strings.NewReader(url.Values{"username": {user}, "password": {pw}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr + ":40000"
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	return rec
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConcurrentHashesAreBounded: with room for one hash, concurrent
// sign-ins beyond it get 503 with Retry-After and the Italian page, and never
// two hashes run at once.
func TestConcurrentHashesAreBounded(t *testing.T) {
	t.Parallel()
	var running, peak, calls atomic.Int32
	entered := make(chan struct{}, 64)
	release := make(chan struct{})
	app, _ := signInApp(t, server.Options{MaxConcurrentHashes: 1}, func(pw, hash string) bool {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		calls.Add(1)
		entered <- struct{}{}
		<-release // hold the slot until the others were answered
		running.Add(-1)
		return false
	})
	const n = 12
	codes := make(chan *httptest.ResponseRecorder, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// distinct accounts and addresses: no throttling involved
			codes <- postSignIn(app, fmt.Sprintf("198.51.100.%d", i+1), fmt.Sprintf("utente%d", i), "sbagliata-sbagliata")
		}()
	}
	<-entered
	busy := 0
	for busy < n-1 {
		rec := <-codes
		if rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("while the slot is held: %d", rec.Code)
		}
		if rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "Troppe richieste di accesso") {
			t.Fatalf("503 without Retry-After or message: %q", rec.Header())
		}
		busy++
	}
	close(release)
	wg.Wait()
	close(codes)
	for rec := range codes {
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("the hashed one: %d", rec.Code)
		}
	}
	if peak.Load() != 1 || calls.Load() != 1 {
		t.Fatalf("hashes at once: %d, hashes run: %d", peak.Load(), calls.Load())
	}
	// once free, the slot serves the next sign-in
	if rec := postSignIn(app, "198.51.100.200", "altro", "sbagliata-sbagliata"); rec.Code != http.StatusUnauthorized {
		t.Fatalf("after: %d", rec.Code)
	}
}

// TestParallelGuessesCannotRaceTheThrottle: 40 parallel wrong guesses for one
// account from one address; only five reach the hash, the rest get 429 with
// Retry-After; failures and refusals are not audit events, the lockout is.
func TestParallelGuessesCannotRaceTheThrottle(t *testing.T) {
	t.Parallel()
	var hashes atomic.Int32
	app, pool := signInApp(t, server.Options{MaxConcurrentHashes: 64}, func(pw, hash string) bool {
		hashes.Add(1)
		return false
	})
	before := count(t, pool, `SELECT count(*) FROM audit_events`)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := postSignIn(app, "203.0.113.7", "oiv", "sbagliata-sbagliata")
			if rec.Code == http.StatusTooManyRequests && (rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "Troppi tentativi")) {
				t.Errorf("429 without Retry-After or message")
			}
			mu.Lock()
			codes[rec.Code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if hashes.Load() != int32(store.DefaultThrottle.MaxAccount) || codes[http.StatusUnauthorized] != store.DefaultThrottle.MaxAccount ||
		codes[http.StatusTooManyRequests] != 40-store.DefaultThrottle.MaxAccount {
		t.Fatalf("hashes %d, answers %v", hashes.Load(), codes)
	}
	var actions []string
	rows, err := pool.Query(context.Background(), `SELECT action FROM audit_events ORDER BY id OFFSET $1`, before)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		actions = append(actions, a)
	}
	if len(actions) != 1 || actions[0] != "auth.lockout" {
		t.Fatalf("audit events of 40 failed sign-ins: %v, want one auth.lockout", actions)
	}
	if n := count(t, pool, `SELECT count(*) FROM sign_in_throttle`); n != 2 {
		t.Fatalf("throttling rows: %d, want one for the account and one for the address", n)
	}
}

// TestLockoutCannotBeTurnedAgainstTheOwner: an attacker's address locks the
// account from there only; refused attempts do not extend the lock; the
// owner signs in from his own address; an administrator unlocks, audited.
func TestLockoutCannotBeTurnedAgainstTheOwner(t *testing.T) {
	t.Parallel()
	app, pool := signInApp(t, server.Options{}, nil)
	const attacker, owner = "203.0.113.66", "198.51.100.10"
	for range store.DefaultThrottle.MaxAccount {
		if rec := postSignIn(app, attacker, "oiv", "sbagliata-sbagliata"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure: %d", rec.Code)
		}
	}
	lockedUntil := func() string {
		var s string
		if err := pool.QueryRow(context.Background(), `SELECT locked_until::text FROM sign_in_throttle WHERE key = $1`, "acct:oiv|"+attacker).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	until := lockedUntil()
	for range 10 { // even the right password is refused from there, without hashing
		if rec := postSignIn(app, attacker, "oiv", testPassword); rec.Code != http.StatusTooManyRequests {
			t.Fatalf("locked: %d", rec.Code)
		}
	}
	if lockedUntil() != until {
		t.Fatal("refused attempts extended the lock")
	}
	if rec := postSignIn(app, owner, "oiv", testPassword); rec.Code != http.StatusSeeOther {
		t.Fatalf("the owner from his own address: %d", rec.Code)
	}
	// the administrator sees the lock and lifts it
	srv := httptest.NewServer(app)
	defer srv.Close()
	adm := client(t)
	signIn(t, adm, srv.URL, "admin", testPassword)
	_, body := fetch(t, adm, srv.URL+"/amministrazione/cciaa-gran-sasso")
	mustContain(t, body, "accesso bloccato fino al", "/utenti/oiv/sblocca")
	res, err := adm.Post(srv.URL+"/amministrazione/cciaa-gran-sasso/utenti/oiv/sblocca", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", res.StatusCode)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_events WHERE action = 'auth.unlock' AND actor = 'admin' AND object_key = 'oiv'`); n != 1 {
		t.Fatalf("unlock audit events: %d", n)
	}
	if rec := postSignIn(app, attacker, "oiv", testPassword); rec.Code != http.StatusSeeOther {
		t.Fatalf("after unlock: %d", rec.Code)
	}
	// another ente's administrator cannot unlock this ente's accounts
	other := client(t)
	signIn(t, other, srv.URL, "admin-altro-ente", testPassword)
	res, err = other.Post(srv.URL+"/amministrazione/cciaa-gran-sasso/utenti/oiv/sblocca", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("other ente's unlock: %d", res.StatusCode)
	}
}

// TestThrottleUsesTrustedProxyAddress: behind a trusted proxy each client is
// throttled on its own address, not the proxy's; from anyone else the
// header is ignored.
func TestThrottleUsesTrustedProxyAddress(t *testing.T) {
	t.Parallel()
	app, pool := signInApp(t, server.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}},
		func(string, string) bool { return false })
	post := func(peer, xff string) {
		req := httptest.NewRequest(http.MethodPost, "/accedi", strings.NewReader(url.Values{"username": {"oiv"}, "password": {"x-sbagliata-x"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", xff)
		req.RemoteAddr = peer + ":1234"
		app.ServeHTTP(httptest.NewRecorder(), req)
	}
	post("10.0.0.1", "198.51.100.1")
	post("10.0.0.1", "198.51.100.2")
	post("203.0.113.5", "198.51.100.3")
	var keys string
	if err := pool.QueryRow(context.Background(), `SELECT string_agg(key, ' ' ORDER BY key) FROM sign_in_throttle`).Scan(&keys); err != nil {
		t.Fatal(err)
	}
	if keys != "acct:oiv|198.51.100.1 acct:oiv|198.51.100.2 acct:oiv|203.0.113.5 addr:198.51.100.1 addr:198.51.100.2 addr:203.0.113.5" {
		t.Fatalf("throttling keys: %s", keys)
	}
}

// TestAnonymousVisitsCreateNoSessions: sessions are created at sign-in only.
func TestAnonymousVisitsCreateNoSessions(t *testing.T) {
	t.Parallel()
	app, pool := signInApp(t, server.Options{}, nil)
	srv := httptest.NewServer(app)
	defer srv.Close()
	c := client(t)
	for range 25 {
		for _, p := range []string{"/", refPlan, refPlan + "/obiettivi/1.1", refPlan + "/obiettivi/O.3.3.1", "/accedi", "/opendata",
			"/accedi?next=/area-riservata", "/area-riservata", refPlan + "/cruscotto", "/healthz", "/nessuna-pagina"} {
			res, _ := fetch(t, c, srv.URL+p)
			if res.StatusCode >= 500 {
				t.Fatalf("%s: %d", p, res.StatusCode)
			}
		}
		fetch(t, client(t), srv.URL+refPlan+"/obiettivi/1.1") // a new visitor each time too
	}
	if n := count(t, pool, `SELECT count(*) FROM sessions`); n != 0 {
		t.Fatalf("anonymous visits created %d session rows", n)
	}
	signIn(t, c, srv.URL, "lettore", testPassword)
	if n := count(t, pool, `SELECT count(*) FROM sessions`); n != 1 {
		t.Fatalf("sign-in created %d session rows", n)
	}
}

// TestOpenRedirectRefused: a hostile next never becomes the Location.
func TestOpenRedirectRefused(t *testing.T) {
	t.Parallel()
	app, _ := signInApp(t, server.Options{}, nil)
	for _, next := range []string{"/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example", "/%09/evil.example"} {
		req := httptest.NewRequest(http.MethodPost, "/accedi", strings.NewReader(url.Values{"username": {"lettore"},
			"password": {testPassword}, "next": {next}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = "198.51.100.44:1"
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, req)
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") ||
			strings.ContainsAny(loc, "\t\\") || strings.Contains(loc, "evil") {
			t.Errorf("next %q: %d → %q", next, rec.Code, loc)
		}
	}
}
