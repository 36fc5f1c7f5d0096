package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
)

// TestSignInThrottle: failures lock an account from one address with a
// backoff that doubles; refused attempts are counted apart and neither extend
// the lock nor count as failures; other addresses are not held; quiet rows
// are pruned.
func TestSignInThrottle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Pool(t)
	st := store.New(pool)
	p := store.DefaultThrottle
	reserve := func(user, addr string) store.Reservation {
		t.Helper()
		r, err := st.ReserveSignIn(ctx, user, addr, p)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	lockedUntil := func(user, addr string) time.Time {
		t.Helper()
		var until time.Time
		if err := pool.QueryRow(ctx, `SELECT locked_until FROM sign_in_throttle WHERE key = 'acct:' || $1 || '|' || $2`, user, addr).Scan(&until); err != nil {
			t.Fatal(err)
		}
		return until
	}
	// expire simulates the end of the lock without waiting for it
	expire := func(user, addr string) {
		t.Helper()
		if _, err := pool.Exec(ctx, `UPDATE sign_in_throttle SET locked_until = now() - interval '1 second'
			WHERE key = 'acct:' || $1 || '|' || $2`, user, addr); err != nil {
			t.Fatal(err)
		}
	}
	const a, b = "203.0.113.7", "198.51.100.9"
	var lock time.Duration
	for i := 1; i <= p.MaxAccount; i++ {
		r := reserve("oiv", a)
		if !r.Allowed || r.AccountLocked != (i == p.MaxAccount) {
			t.Fatalf("attempt %d: %+v", i, r)
		}
		lock = r.RetryAfter
	}
	if lock != p.BaseLock {
		t.Fatalf("first lock %v, want %v", lock, p.BaseLock)
	}
	until := lockedUntil("oiv", a)
	for range 20 {
		if r := reserve("oiv", a); r.Allowed || r.RetryAfter <= 0 || r.RetryAfter > p.BaseLock {
			t.Fatalf("while locked: %+v", r)
		}
	}
	if got := lockedUntil("oiv", a); !got.Equal(until) {
		t.Fatalf("refused attempts moved the lock: %v → %v", until, got)
	}
	var failures, refused int
	if err := pool.QueryRow(ctx, `SELECT failures, refused FROM sign_in_throttle WHERE key = 'acct:oiv|' || $1`, a).Scan(&failures, &refused); err != nil {
		t.Fatal(err)
	}
	if failures != 0 || refused != 20 {
		t.Fatalf("refusals must be aggregated apart from failures: failures %d, refused %d", failures, refused)
	}
	// the owner elsewhere is not held by the attacker's address
	if r := reserve("oiv", b); !r.Allowed {
		t.Fatalf("other address: %+v", r)
	}
	if err := st.ReleaseSignIn(ctx, "oiv", b); err != nil {
		t.Fatal(err)
	}
	// the next lock lasts twice as long, and so on up to the cap
	want := p.BaseLock
	for round := 2; round <= 9; round++ {
		expire("oiv", a)
		for i := 1; i <= p.MaxAccount; i++ {
			lock = reserve("oiv", a).RetryAfter
		}
		want = min(want*2, p.MaxLock)
		if lock != want {
			t.Fatalf("lock %d lasts %v, want %v", round, lock, want)
		}
	}
	// a success clears the account's failures from that address
	expire("oiv", a)
	reserve("oiv", a)
	if err := st.ReleaseSignIn(ctx, "oiv", a); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM sign_in_throttle WHERE key = 'acct:oiv|' || $1`, a).Scan(&n); err != nil || n != 0 {
		t.Fatalf("success left %d rows (%v)", n, err)
	}
	// retention: quiet, unlocked rows go; locked ones stay
	for i := 1; i <= p.MaxAccount; i++ {
		reserve("lettore", b)
	}
	if _, err := pool.Exec(ctx, `UPDATE sign_in_throttle SET updated_at = now() - interval '30 days'`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PruneSignInThrottle(ctx, p); err != nil {
		t.Fatal(err)
	}
	var keys []string
	rows, _ := pool.Query(ctx, `SELECT key FROM sign_in_throttle ORDER BY key`)
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		keys = append(keys, k)
	}
	if len(keys) != 1 || keys[0] != "acct:lettore|"+b {
		t.Fatalf("after pruning: %v", keys)
	}
}

// TestSignInReservationIsAtomic: 40 parallel guesses for one account from
// one address; only the allowed number is let through to the hash.
func TestSignInReservationIsAtomic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Pool(t)
	st := store.New(pool)
	p := store.DefaultThrottle
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := st.ReserveSignIn(ctx, "oiv", "203.0.113.7", p)
			if err != nil {
				t.Error(err)
				return
			}
			if r.Allowed {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != p.MaxAccount {
		t.Fatalf("%d of 40 parallel guesses allowed, want %d", allowed, p.MaxAccount)
	}
}

// TestSignInAddressLimit: spraying many accounts from one address locks the
// address; once locked, further names add no rows, and the owner's own
// address is not affected.
func TestSignInAddressLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Pool(t)
	st := store.New(pool)
	p := store.DefaultThrottle
	for i := range p.MaxAddress {
		r, err := st.ReserveSignIn(ctx, fmt.Sprintf("nome%d", i), "203.0.113.50", p)
		if err != nil || !r.Allowed || r.AddressLocked != (i == p.MaxAddress-1) {
			t.Fatalf("attempt %d: %+v %v", i, r, err)
		}
	}
	var before, after int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM sign_in_throttle`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		r, err := st.ReserveSignIn(ctx, fmt.Sprintf("altro%d", i), "203.0.113.50", p)
		if err != nil || r.Allowed || r.RetryAfter <= 0 {
			t.Fatalf("locked address: %+v %v", r, err)
		}
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM sign_in_throttle`).Scan(&after); err != nil || after != before {
		t.Fatalf("a locked address added %d rows (%v)", after-before, err)
	}
	if r, err := st.ReserveSignIn(ctx, "nome1", "198.51.100.1", p); err != nil || !r.Allowed {
		t.Fatalf("another address: %+v %v", r, err)
	}
}
