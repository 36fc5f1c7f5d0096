package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
)

func TestAuditChain(t *testing.T) {
	ctx := context.Background()
	pool := testdb.Pool(t)
	st := store.New(pool)
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.LoadPlan(ctx, doc, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	h, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
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
	verify := func() store.ChainReport {
		t.Helper()
		rep, err := st.VerifyAuditChain(ctx)
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
	events, err := st.Count(ctx, "audit_events")
	if err != nil {
		t.Fatal(err)
	}
	if rep := verify(); rep.BrokenAt != 0 || rep.Events != events || rep.Pending != 0 || events < 17 {
		t.Fatalf("intact chain: %+v, %d events in the table", rep, events)
	}

	// the application's role cannot change or remove events, sealed or not,
	// nor choose an event's place in the chain
	if _, err := pool.Exec(ctx, `INSERT INTO audit_events (actor, action, seq, hash) VALUES ('x', 'forged', 1, 'x')`); err != nil {
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
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("%s: %v, want the append-only refusal", sql, err)
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
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // committed below
		for _, s := range []string{`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`, sql,
			`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`} {
			if _, err := tx.Exec(ctx, s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	tamper(`UPDATE audit_events SET detail = detail || '{"target": "≥ 1"}' WHERE seq = 5`)
	if rep := verify(); rep.BrokenAt != 5 || !strings.Contains(rep.Problem, "modificato") {
		t.Fatalf("edited event: %+v, want broken at 5", rep)
	}
	tamper(`UPDATE audit_events SET detail = detail - 'target' WHERE seq = 5`)
	if rep := verify(); rep.BrokenAt != 0 {
		t.Fatalf("restored event: %+v, want intact", rep)
	}
	// re-hashing an edited event is caught by its successor's link
	tamper(`UPDATE audit_events SET actor = 'someone else' WHERE seq = 5`)
	forge(t, ctx, pool, 5)
	if rep := verify(); rep.BrokenAt != 6 || !strings.Contains(rep.Problem, "precedente") {
		t.Fatalf("forged event: %+v, want broken at 6", rep)
	}
	tamper(`UPDATE audit_events SET actor = 'test' WHERE seq = 5`)
	forge(t, ctx, pool, 5)
	if rep := verify(); rep.BrokenAt != 0 {
		t.Fatalf("restored event: %+v, want intact", rep)
	}
	tamper(`DELETE FROM audit_events WHERE seq = 3`)
	if rep := verify(); rep.BrokenAt != 4 || !strings.Contains(rep.Problem, "mancante") {
		t.Fatalf("deleted event: %+v, want broken at 4", rep)
	}
}

// forge recomputes the stored hash of event seq, as a tamperer who knows the
// function would.
func forge(t *testing.T, ctx context.Context, pool *pgxpool.Pool, seq int) {
	t.Helper()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // committed below
	for _, s := range []string{`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`,
		`UPDATE audit_events e SET hash = audit_event_hash(e.prev_hash, e) WHERE seq = $1`,
		`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`} {
		var args []any
		if strings.Contains(s, "$1") {
			args = append(args, seq)
		}
		if _, err := tx.Exec(ctx, s, args...); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}
