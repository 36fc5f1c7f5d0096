package store_test

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

// The session store reads a session's active account with the session:
// the account named by the data at the last commit, read live, so a
// deactivation shows at the next read; a signed-out session names none.
func TestSessionStoreReadsTheAccountWithTheSession(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t)
	st, pool, ctx := ref.Store, ref.Pool, context.Background()
	dir := addMailUser(t, st, "dir.sessione", "dir@example.it", auth.Dirigente, "dir-prm")
	ss := store.NewSessionStore(pool, accountOfTestData, 0, nil)
	defer ss.Stop()
	find := func(token string) (*store.SessionUser, bool) {
		t.Helper()
		fctx, su := store.WithSessionUser(ctx)
		_, found, err := ss.FindCtx(fctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return su, found
	}
	signedIn := binary.BigEndian.AppendUint64(nil, uint64(dir.ID))
	if err := ss.CommitCtx(ctx, "tok-in", signedIn, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := ss.CommitCtx(ctx, "tok-anon", []byte("anonimo"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := ss.CommitCtx(ctx, "tok-old", signedIn, time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	su, found := find("tok-in")
	if !found || su.User.ID != dir.ID || su.User.Username != "dir.sessione" || su.User.Role != auth.Dirigente ||
		su.User.PositionKey != "dir-prm" || su.User.EnteSlug != "cciaa-gran-sasso" || su.User.Epoch != dir.Epoch {
		t.Fatalf("signed in: found %v, %+v", found, su)
	}
	if su, found := find("tok-anon"); !found || su.User.ID != 0 {
		t.Fatalf("signed out: found %v, %+v", found, su)
	}
	if _, found := find("tok-old"); found {
		t.Fatal("an expired session was found")
	}
	if _, found := find("nessuno"); found {
		t.Fatal("an unknown token was found")
	}
	if err := st.SetActive(ctx, "dir.sessione", false, "test"); err != nil {
		t.Fatal(err)
	}
	if su, found := find("tok-in"); !found || su.User.ID != 0 {
		t.Fatalf("after the deactivation: found %v, %+v", found, su)
	}
	// signing out rewrites the row without the account
	if err := ss.CommitCtx(ctx, "tok-in", []byte("uscito"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE user_id IS NOT NULL`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows naming an account: %d %v", n, err)
	}
	if err := ss.DeleteCtx(ctx, "tok-anon"); err != nil {
		t.Fatal(err)
	}
	if _, found := find("tok-anon"); found {
		t.Fatal("a deleted session was found")
	}
}

// OfUserCtx reads the sessions that may be an account's: its own and those
// without an account column (written before migration 000039, or signed
// out), never another account's nor an expired one.
func TestSessionStoreOfUser(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t)
	pool, ctx := ref.Pool, context.Background()
	ss := store.NewSessionStore(pool, accountOfTestData, 0, nil)
	defer ss.Stop()
	of := func(id int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(id)) }
	later, earlier := time.Now().Add(time.Hour), time.Now().Add(-time.Minute)
	for token, c := range map[string]struct {
		data   []byte
		expiry time.Time
	}{
		"a1": {of(7), later}, "a2": {of(7), later}, "a-expired": {of(7), earlier}, "b": {of(8), later}, "anon": {[]byte("x"), later},
	} {
		if err := ss.CommitCtx(ctx, token, c.data, c.expiry); err != nil {
			t.Fatal(err)
		}
	}
	// a row as migration 000039 found it: the account only in the data
	if _, err := pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ('old', $1, $2)`, of(7), later); err != nil {
		t.Fatal(err)
	}
	got, err := ss.OfUserCtx(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, d := range got {
		n[string(d)]++
	}
	if len(got) != 4 || n[string(of(7))] != 3 || n["x"] != 1 {
		t.Fatalf("sessions of account 7: %q, want its two live ones, the old row and the anonymous one", got)
	}
}

// accountOfTestData reads the account id of a test session: the data is
// opaque to the store, here eight bytes of the id (anything else: none).
func accountOfTestData(b []byte) int64 {
	if len(b) != 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(b))
}
