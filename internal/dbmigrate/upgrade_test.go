package dbmigrate_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/dbmigrate"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
)

// TestUpgradeFromFirstSchemaKeepsData loads a plan into a database at the
// first migration's schema (testdata/schema1-fixture.sql), migrates it to
// the current schema, and reads the plan back through the store: every
// objective, indicator, baseline and target is still there, and no row of
// the old tables was lost.
func TestUpgradeFromFirstSchemaKeepsData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.Empty(t)
	if err := dbmigrate.UpTo(url, 1); err != nil {
		t.Fatal(err)
	}
	fixture, err := os.ReadFile("testdata/schema1-fixture.sql")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, string(fixture)); err != nil {
		t.Fatalf("fixture at schema 1: %v", err)
	}
	oldTables := []string{"enti", "plans", "revisions", "units", "roles", "areas", "objectives", "objective_owners",
		"objective_units", "indicators", "baselines", "targets", "individual_objectives"}
	count := func(table string) int {
		var n int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		return n
	}
	before := map[string]int{}
	for _, table := range oldTables {
		before[table] = count(table)
	}

	if err := dbmigrate.Up(url); err != nil {
		t.Fatalf("upgrade from schema 1: %v", err)
	}
	v, dirty, _, err := dbmigrate.Version(url)
	latest, lerr := dbmigrate.Latest()
	if err != nil || lerr != nil || dirty || v != latest {
		t.Fatalf("after upgrade: version %d dirty %v (latest %d) %v %v", v, dirty, latest, err, lerr)
	}
	for _, table := range oldTables {
		if got := count(table); got != before[table] {
			t.Errorf("%s: %d rows after the upgrade, %d before", table, got, before[table])
		}
	}

	doc, err := store.New(pool).ExportPlan(ctx, "cciaa-prima-versione", "piao-2023-2025")
	if err != nil {
		t.Fatalf("read the upgraded plan: %v", err)
	}
	if doc.Plan.Title != "PIAO 2023–2025" || len(doc.Objectives) != 2 {
		t.Fatalf("upgraded plan: %q with %d objectives", doc.Plan.Title, len(doc.Objectives))
	}
	var found bool
	for _, o := range doc.Objectives {
		if o.Code != "O.1.1.1" {
			continue
		}
		if len(o.Indicators) != 1 {
			t.Fatalf("O.1.1.1: %d indicators", len(o.Indicators))
		}
		ind := o.Indicators[0]
		found = true
		if ind.Name != "Imprese assistite" || len(ind.Baselines) != 1 || ind.Baselines[0].Text != "36" ||
			ind.Baselines[0].Value == nil || *ind.Baselines[0].Value != 36 || ind.Baselines[0].Footnote != "* Relazione 2022" {
			t.Errorf("indicator after upgrade: %+v", ind)
		}
		if len(ind.Targets) != 3 || ind.Targets[2].Year != 2025 || ind.Targets[2].Value == nil || *ind.Targets[2].Value != 50 || ind.Targets[2].Text != "≥ 50" {
			t.Errorf("targets after upgrade: %+v", ind.Targets)
		}
	}
	if !found {
		t.Error("objective O.1.1.1 lost in the upgrade")
	}
}
