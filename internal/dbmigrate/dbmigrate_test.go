package dbmigrate_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/dbmigrate"
	"github.com/piao-performance/piao/internal/testdb"
)

func tables(t *testing.T, url string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	err = conn.QueryRow(context.Background(), `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestUpDownUp applies every migration, reverts them all, and applies them again
// on a fresh database: the down files must undo exactly what the up files do.
func TestUpDownUp(t *testing.T) {
	t.Parallel()
	url := testdb.Empty(t)
	if _, _, ok, err := dbmigrate.Version(url); err != nil || ok {
		t.Fatalf("fresh database: ok=%v err=%v", ok, err)
	}
	if err := dbmigrate.Up(url); err != nil {
		t.Fatal(err)
	}
	v, dirty, ok, err := dbmigrate.Version(url)
	if err != nil || !ok || dirty || v < 1 {
		t.Fatalf("after up: v=%d dirty=%v ok=%v err=%v", v, dirty, ok, err)
	}
	n := tables(t, url)
	if n < 15 {
		t.Fatalf("after up: %d tables", n)
	}
	if err := dbmigrate.Up(url); err != nil {
		t.Fatalf("a second up must be a no-op: %v", err)
	}
	if err := dbmigrate.Down(url, 0); err != nil {
		t.Fatal(err)
	}
	if got := tables(t, url); got != 0 {
		t.Fatalf("after down: %d tables left", got)
	}
	if _, _, ok, err := dbmigrate.Version(url); err != nil || ok {
		t.Fatalf("after down: ok=%v err=%v", ok, err)
	}
	if err := dbmigrate.Up(url); err != nil {
		t.Fatal(err)
	}
	if got := tables(t, url); got != n {
		t.Fatalf("after up again: %d tables, want %d", got, n)
	}
}

// TestAuditChainSplit: an existing database with the installation-wide chain
// of 000009 gets its events re-chained per ente by 000016, the old head
// recorded in the installation chain; a broken old chain is refused, not
// laundered by the rebuild.
func TestAuditChainSplit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, broken := range []bool{false, true} {
		url := testdb.Empty(t)
		if err := dbmigrate.Up(url); err != nil {
			t.Fatal(err)
		}
		// back to the version before 000016: one installation-wide chain
		// (by number: migration numbers skip, so steps would miss it)
		if err := dbmigrate.UpTo(url, 15); err != nil {
			t.Fatal(err)
		}
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var oldHead string
		if _, err := conn.Exec(ctx, `INSERT INTO audit_events (actor, action, ente_id)
			SELECT 'x', 'a', e FROM unnest(ARRAY[1, 2, NULL, 1, 2, 1]::bigint[]) e`); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, `SELECT audit_seal()`); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, `SELECT seq::text || ':' || encode(hash, 'hex') FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&oldHead); err != nil {
			t.Fatal(err)
		}
		if broken {
			if _, err := conn.Exec(ctx, `ALTER TABLE audit_events DISABLE TRIGGER USER; UPDATE audit_events SET reason = 'x' WHERE seq = 4;
				ALTER TABLE audit_events ENABLE TRIGGER USER`); err != nil {
				t.Fatal(err)
			}
			err := dbmigrate.Up(url)
			if err == nil || !strings.Contains(err.Error(), "audit chain broken at event 4") {
				t.Fatalf("broken chain: %v, want the migration refused", err)
			}
			continue
		}
		if err := dbmigrate.Up(url); err != nil {
			t.Fatal(err)
		}
		rows, err := conn.Query(ctx, `SELECT coalesce(ente_id, 0), max(seq), count(*), bool_and(seq IS NOT NULL) FROM audit_events GROUP BY 1 ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64][3]any{}
		var (
			ente, top, n int64
			sealed       bool
		)
		if _, err := pgx.ForEachRow(rows, []any{&ente, &top, &n, &sealed}, func() error {
			got[ente] = [3]any{top, n, sealed}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// the installation chain also holds the split event
		want := map[int64][3]any{0: {int64(2), int64(2), true}, 1: {int64(3), int64(3), true}, 2: {int64(2), int64(2), true}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("chains after the split: %v, want %v", got, want)
		}
		var recorded string
		if err := conn.QueryRow(ctx, `SELECT detail->>'previous_head' FROM audit_events WHERE action = 'audit.chain_split'`).Scan(&recorded); err != nil || recorded != oldHead {
			t.Fatalf("recorded previous head %q %v, want %q", recorded, err, oldHead)
		}
	}
}

// TestReopenReasonBackfill: 000020 copies onto each period the latest
// reopening recorded in the audit trail (who, when, why), so periods reopened
// before it show their reason too; periods never reopened stay blank.
func TestReopenReasonBackfill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.Empty(t)
	if err := dbmigrate.Up(url); err != nil {
		t.Fatal(err)
	}
	for { // back to the version before 000020, whatever the top
		v, _, _, err := dbmigrate.Version(url)
		if err != nil {
			t.Fatal(err)
		}
		if v < 20 {
			break
		}
		if err := dbmigrate.Down(url, 1); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `
		INSERT INTO enti (slug, name) VALUES ('ente-a', 'Ente A');
		INSERT INTO plans (ente_id, slug, title, start_year, end_year) SELECT id, 'piao-2023-2025', 'PIAO', 2023, 2025 FROM enti;
		INSERT INTO periods (plan_id, year, kind, ends_on) SELECT id, 2023, 'midyear', '2023-06-30' FROM plans;
		INSERT INTO periods (plan_id, year, kind, ends_on) SELECT id, 2023, 'final', '2023-12-31' FROM plans;
		INSERT INTO audit_events (actor, action, ente_id, object_type, object_key, reason, at) SELECT a, 'period.reopen', e.id, 'period', k, r, t::timestamptz
		FROM enti e, (VALUES
			('sg1', 'ente-a/piao-2023-2025 31/12/2023 (consuntivo annuale)', 'Primo motivo', '2024-02-01'),
			('sg2', 'ente-a/piao-2023-2025 31/12/2023 (consuntivo annuale)', 'Rettifica richiesta dall''OIV', '2024-03-01'),
			('sg3', 'altro/piao-2023-2025 30/06/2023 (monitoraggio infrannuale)', 'Altro ente', '2024-03-02')) v(a, k, r, t)`); err != nil {
		t.Fatal(err)
	}
	if err := dbmigrate.Up(url); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	// the event's own time (the trail may stamp it on insert), and none where never reopened
	rows, err := conn.Query(ctx, `SELECT kind, reopened_by || '|' || reopen_reason || '|' || (reopened_at IS NOT DISTINCT FROM
		(SELECT max(at) FROM audit_events WHERE actor = 'sg2'))::text FROM periods`)
	if err != nil {
		t.Fatal(err)
	}
	var kind, v string
	if _, err := pgx.ForEachRow(rows, []any{&kind, &v}, func() error { got[kind] = v; return nil }); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"final": "sg2|Rettifica richiesta dall'OIV|true", "midyear": "||false"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("periods after 000020: %v, want %v", got, want)
	}
}
