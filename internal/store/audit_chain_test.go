package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
	"github.com/piao-performance/piao/internal/testfix"
)

func TestAuditChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, owner := testdb.Pools(t)
	ref := testfix.Reference(t, testfix.OnPool(pool))
	st, h := ref.Store, ref.Plan
	// concurrent writers must still form one chain
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- st.SetShowSubmittedMidyear(ctx, h, i%2 == 0, "test")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	verify := func() model.ChainReport {
		t.Helper()
		rep, err := st.VerifyAuditChain(ctx, h.EnteID)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	if rep := verify(); rep.Pending == 0 {
		t.Fatalf("before sealing: %+v, want pending events", rep)
	}
	if n, err := st.SealAudit(ctx); err != nil || n == 0 {
		t.Fatalf("seal: %d %v", n, err)
	}
	var events int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE ente_id = $1`, h.EnteID).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if rep := verify(); rep.BrokenAt != 0 || rep.Events != events || rep.Pending != 0 || events < 17 {
		t.Fatalf("intact chain: %+v, %d events of the ente in the table", rep, events)
	}

	// the application's role cannot change or remove events, sealed or not,
	// nor choose an event's place in the chain
	if _, err := pool.Exec(ctx, `INSERT INTO audit_events (actor, action, ente_id, seq, hash) VALUES ('x', 'forged', $1, 1, 'x')`, h.EnteID); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`UPDATE audit_events SET actor = 'someone else' WHERE seq IS NULL`,
		`UPDATE audit_events SET actor = 'someone else', seq = 99, hash = 'x' WHERE seq IS NULL`,
		`UPDATE audit_events SET actor = 'someone else' WHERE seq = 2`,
		`DELETE FROM audit_events WHERE seq = 2`,
		`TRUNCATE audit_events`,
	} {
		_, err := pool.Exec(ctx, sql)
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Fatalf("%s: %v, want the permission refusal", sql, err)
		}
		// and the owner is stopped by the triggers
		_, err = owner.Exec(ctx, sql)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("owner: %s: %v, want the append-only refusal", sql, err)
		}
	}
	if n, err := st.SealAudit(ctx); err != nil || n != 1 {
		t.Fatalf("seal the inserted event: %d %v", n, err)
	}
	if rep := verify(); rep.BrokenAt != 0 || rep.Events != events+1 || rep.Pending != 0 {
		t.Fatalf("after the insert: %+v, want %d sealed events", rep, events+1)
	}

	// someone with the owner's rights switches the guard off and edits an event
	tamper := func(sql string) {
		t.Helper()
		tx, err := owner.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // committed below
		for _, s := range []string{`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`, sql,
			`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`} {
			var args []any
			if strings.Contains(s, "$1") {
				args = append(args, h.EnteID)
			}
			if _, err := tx.Exec(ctx, s, args...); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	tamper(`UPDATE audit_events SET detail = detail || '{"target": "≥ 1"}' WHERE seq = 5 AND ente_id = $1`)
	if rep := verify(); rep.BrokenAt != 5 || !strings.Contains(rep.Problem, "modificato") {
		t.Fatalf("edited event: %+v, want broken at 5", rep)
	}
	tamper(`UPDATE audit_events SET detail = detail - 'target' WHERE seq = 5 AND ente_id = $1`)
	if rep := verify(); rep.BrokenAt != 0 {
		t.Fatalf("restored event: %+v, want intact", rep)
	}
	// re-hashing an edited event is caught by its successor's link
	tamper(`UPDATE audit_events SET actor = 'someone else' WHERE seq = 5 AND ente_id = $1`)
	forge(t, ctx, owner, h.EnteID, 5)
	if rep := verify(); rep.BrokenAt != 6 || !strings.Contains(rep.Problem, "precedente") {
		t.Fatalf("forged event: %+v, want broken at 6", rep)
	}
	tamper(`UPDATE audit_events SET actor = 'test' WHERE seq = 5 AND ente_id = $1`)
	forge(t, ctx, owner, h.EnteID, 5)
	if rep := verify(); rep.BrokenAt != 0 {
		t.Fatalf("restored event: %+v, want intact", rep)
	}
	tamper(`DELETE FROM audit_events WHERE seq = 3 AND ente_id = $1`)
	if rep := verify(); rep.BrokenAt != 4 || !strings.Contains(rep.Problem, "mancante") {
		t.Fatalf("deleted event: %+v, want broken at 4", rep)
	}
	// all chains are checked and the broken one is named
	if _, err := pool.Exec(ctx, `INSERT INTO audit_events (actor, action) VALUES ('x', 'installation-wide')`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SealAudit(ctx); err != nil {
		t.Fatal(err)
	}
	reps, err := st.VerifyAuditChains(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var broken []string
	for _, r := range reps {
		if r.BrokenAt != 0 {
			broken = append(broken, r.Ente)
		}
	}
	if len(reps) != 2 || reps[0].EnteID != store.InstallationChain || len(broken) != 1 || broken[0] != "cciaa-gran-sasso" {
		t.Fatalf("all chains: %+v, want the installation's and the ente's, only the ente's broken", reps)
	}
}

// TestAuditAppRole: connected as the application, the audit trail can be
// appended to and read, and nothing else: the guards cannot be switched off,
// rows cannot be changed, removed or emptied, not even by claiming to be the
// sealer; audit_seal, running with its owner's rights, still seals.
func TestAuditAppRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := testdb.Pools(t)
	if _, err := pool.Exec(ctx, `INSERT INTO audit_events (actor, action) VALUES ('x', 'one'), ('x', 'two')`); err != nil {
		t.Fatalf("insert as the application: %v", err)
	}
	if n, err := store.New(pool).SealAudit(ctx); err != nil || n != 2 {
		t.Fatalf("seal as the application: %d %v", n, err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO audit_events (actor, action) VALUES ('x', 'three')`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_events`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("select as the application: %d %v", n, err)
	}
	for _, sql := range []string{
		`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`,
		`ALTER TABLE audit_events DISABLE TRIGGER USER`,
		`DROP TRIGGER audit_events_no_update ON audit_events`,
		`CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
		`UPDATE audit_events SET reason = 'x'`,
		`SELECT set_config('piao.audit_sealing', 'on', true); UPDATE audit_events SET seq = 9, prev_hash = NULL, hash = 'x' WHERE seq IS NULL`,
		`DELETE FROM audit_events`,
		`TRUNCATE audit_events`,
		`UPDATE schema_migrations SET version = 1`,
	} {
		_, err := pool.Exec(ctx, sql)
		if err == nil || !(strings.Contains(err.Error(), "permission denied") || strings.Contains(err.Error(), "must be owner")) {
			t.Errorf("%s: %v, want a refusal of rights", sql, err)
		}
	}
	var enabled int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND tgenabled = 'O'`).Scan(&enabled); err != nil || enabled != 3 {
		t.Fatalf("audit triggers enabled: %d %v, want 3", enabled, err)
	}
}

// TestAuditSealOnly: a writer with UPDATE rights (the owner, who runs the
// migrations) cannot give an unsealed event a place in the chain without
// touching its content: only audit_seal can. Before, such an UPDATE went
// through as "sealing" and broke the chain for good.
func TestAuditSealOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, owner := testdb.Pools(t)
	st := store.New(pool)
	if _, err := pool.Exec(ctx, `INSERT INTO audit_events (actor, action, ente_id) VALUES ('x', 'one', 7)`); err != nil {
		t.Fatal(err)
	}
	_, err := owner.Exec(ctx, `UPDATE audit_events SET seq = 5, prev_hash = NULL, hash = '\x00' WHERE seq IS NULL`)
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("owner sets the chain fields: %v, want the append-only refusal", err)
	}
	if n, err := st.SealAudit(ctx); err != nil || n != 1 {
		t.Fatalf("seal: %d %v", n, err)
	}
	if rep, err := st.VerifyAuditChain(ctx, 7); err != nil || rep.BrokenAt != 0 || rep.Events != 1 {
		t.Fatalf("chain: %+v %v", rep, err)
	}
}

// TestAuditTimeStamped: the time of an event is the database's; a writer
// back-dating an event gets the current time instead.
func TestAuditTimeStamped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Pool(t)
	var at, now time.Time
	err := pool.QueryRow(ctx, `INSERT INTO audit_events (at, actor, action) VALUES ('2001-01-01 00:00:00+00', 'x', 'back-dated') RETURNING at, now()`).Scan(&at, &now)
	if err != nil {
		t.Fatal(err)
	}
	if !at.Equal(now) {
		t.Fatalf("event time %s, want the database's %s", at, now)
	}
}

// TestAuditChainPerEnte: each ente's events form their own chain, numbered
// from 1, so an ente's seq numbers say nothing of another's activity; the
// events of no ente form the installation's chain, and a tampered chain
// leaves the others intact.
func TestAuditChainPerEnte(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, owner := testdb.Pools(t)
	st := store.New(pool)
	// interleaved: ente 1, ente 2, none, ente 1, ente 2, ente 1
	for _, e := range []any{1, 2, nil, 1, 2, 1} {
		if _, err := pool.Exec(ctx, `INSERT INTO audit_events (actor, action, ente_id) VALUES ('x', 'a', $1)`, e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.SealAudit(ctx); err != nil {
		t.Fatal(err)
	}
	for chain, want := range map[int64]int{1: 3, 2: 2, store.InstallationChain: 1} {
		rep, err := st.VerifyAuditChain(ctx, chain)
		if err != nil || rep.BrokenAt != 0 || rep.Events != want || rep.Head.Seq != int64(want) {
			t.Fatalf("chain %d: %+v %v, want %d events, head n. %d", chain, rep, err, want, want)
		}
		head, err := st.LatestAuditHead(ctx, chain)
		if err != nil || head != rep.Head {
			t.Fatalf("chain %d head: %+v %v, want %+v", chain, head, err, rep.Head)
		}
		if ok, err := st.AnchorHolds(ctx, chain, head); err != nil || !ok {
			t.Fatalf("chain %d anchor: %v %v", chain, ok, err)
		}
	}
	if ok, err := st.AnchorHolds(ctx, 2, model.AuditHead{Seq: 3, Hash: strings.Repeat("0", 64)}); err != nil || ok {
		t.Fatalf("anchor of another chain: %v %v", ok, err)
	}
	tx, err := owner.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`,
		`UPDATE audit_events SET reason = 'x' WHERE ente_id = 2 AND seq = 1`,
		`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`} {
		if _, err := tx.Exec(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	reps, err := st.VerifyAuditChains(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reps {
		if (r.BrokenAt != 0) != (r.EnteID == 2) {
			t.Fatalf("after tampering with ente 2: %+v", reps)
		}
	}
}

// forge recomputes the stored hash of event seq, as a tamperer who knows the
// function would.
func forge(t *testing.T, ctx context.Context, pool *pgxpool.Pool, ente int64, seq int) {
	t.Helper()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // committed below
	for _, s := range []string{`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`,
		`UPDATE audit_events e SET hash = audit_event_hash(e.prev_hash, e) WHERE seq = $1 AND ente_id = $2`,
		`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`} {
		var args []any
		if strings.Contains(s, "$1") {
			args = append(args, seq, ente)
		}
		if _, err := tx.Exec(ctx, s, args...); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}
