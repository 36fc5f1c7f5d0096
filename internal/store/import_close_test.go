package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
	"github.com/piao-performance/piao/internal/testfix"
)

// Imports never close a period before its end, the closing page's rule: a
// measurements import asked to close its periods closes those that ended and
// leaves the others open, saying from when they can be closed; a plan file
// that has a period closed before its end is refused whole.
func TestImportsDoNotClosePeriodsBeforeTheirEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ref := testfix.Reference(t)
	pool, st := ref.Pool, ref.Store
	h, err := st.PlanHeader(ctx, testfix.Ente, testfix.Plan)
	if err != nil {
		t.Fatal(err)
	}
	back, err := st.ExportPlan(ctx, testfix.Ente, testfix.Plan)
	if err != nil {
		t.Fatal(err)
	}
	// a period of this year ending today (the database's date): not ended yet
	var year int
	var from string
	if err := pool.QueryRow(ctx, `SELECT extract(year FROM current_date)::int, to_char(current_date + 1, 'DD/MM/YYYY')`).Scan(&year, &from); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO periods (plan_id, year, kind, ends_on)
		VALUES ($1, $2, 'final', current_date)`, h.ID, year); err != nil {
		t.Fatal(err)
	}
	v := 210.0
	rows := []measure.Row{{Indicator: "O.3.3.1/1", Year: 2023, Period: "final", Value: &v},
		{Indicator: "O.3.3.1/1", Year: year, Period: "final", Value: &v}}
	res, err := st.ImportMeasurements(ctx, testfix.Ente, testfix.Plan, rows, store.ImportOptions{Actor: "test", Status: "approved", ClosePeriods: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 2 || len(res.Closed) != 1 || res.Closed[0] != "31/12/2023" {
		t.Errorf("import: %d inserted, closed %v", res.Inserted, res.Closed)
	}
	if len(res.NotClosed) != 1 || !strings.Contains(res.NotClosed[0], "non è ancora terminato") ||
		!strings.Contains(res.NotClosed[0], "potrà essere chiuso dal "+from) {
		t.Errorf("the period not ended is not reported: %q", res.NotClosed)
	}
	for _, c := range []struct {
		year   int
		closed bool
	}{{2023, true}, {year, false}} {
		p, err := st.Period(ctx, h.ID, c.year, "final")
		if err != nil {
			t.Fatal(err)
		}
		if p.Closed() != c.closed {
			t.Errorf("%d final: closed %v, want %v", c.year, p.Closed(), c.closed)
		}
	}
	var events int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'period.close'`).Scan(&events); err != nil || events != 1 {
		t.Errorf("closing events: %d %v", events, err)
	}

	// a plan file with a period closed on its end date, before it ended: refused, nothing loaded
	found := false
	for i, p := range back.State.Periods {
		if p.Year == 2025 && p.Kind == "final" {
			back.State.Periods[i].ClosedAt, back.State.Periods[i].ClosedBy, found = "2025-12-31T10:00:00+01:00", "test", true
		}
	}
	if !found {
		t.Fatal("no 2025 final period in the export")
	}
	other := store.New(testdb.Pool(t))
	_, err = other.LoadPlan(ctx, back, store.LoadOptions{Actor: "piao import"})
	if err == nil || !strings.Contains(err.Error(), "prima della sua fine") {
		t.Fatalf("a plan file closing a period before its end: %v", err)
	}
	if _, err := other.PlanHeader(ctx, testfix.Ente, testfix.Plan); err == nil {
		t.Error("the refused plan file was loaded")
	}
}
