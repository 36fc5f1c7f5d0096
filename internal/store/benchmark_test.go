package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scores"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
)

// TestBenchmarkFromAnotherEnte: the reference plan's benchmarking KPI takes
// its benchmark from the CCIAA di Chieti-Pescara's approved value of the same
// period, whatever was typed as benchmark; without that value it uses the
// typed one; the public sees it only once the other ente closed the period;
// and the dashboard fingerprint changes when the other ente's value does.
func TestBenchmarkFromAnotherEnte(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := store.New(testdb.Pool(t))
	ref, _ := seed.Reference()
	bench, err := seed.BenchmarkEnte()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.LoadPlan(ctx, ref, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LoadPlan(ctx, bench, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	own, typed := -18.0, -7.0
	if _, err := st.ImportMeasurements(ctx, ref.Ente.Slug, ref.Plan.Slug, []measure.Row{{Indicator: "PO.4.1/1", Year: 2023, Period: "final",
		Inputs: map[string]float64{"value": own, "benchmark": typed}}}, store.ImportOptions{Actor: "test", Status: "approved", ClosePeriods: true}); err != nil {
		t.Fatal(err)
	}
	h, _ := st.PlanHeader(ctx, ref.Ente.Slug, ref.Plan.Slug)
	p, _ := st.Period(ctx, h.ID, 2023, "final")
	actual := func(vis model.Visibility) (float64, string) {
		t.Helper()
		c, err := scores.Load(ctx, st, h, p, vis)
		if err != nil {
			t.Fatal(err)
		}
		r, i := c.Indicator("PO.4.1/1")
		return r.Actual, c.Result.Provenance[i]
	}
	if got, _ := actual(model.Approved); got != own-typed {
		t.Errorf("without the other ente's value: %v, want %v (the typed benchmark)", got, own-typed)
	}
	fp0, err := st.FingerprintWithPrevious(ctx, h, p)
	if err != nil {
		t.Fatal(err)
	}
	other := -2.5
	if _, err := st.ImportMeasurements(ctx, bench.Ente.Slug, bench.Plan.Slug, []measure.Row{{Indicator: "TP.1/1", Year: 2023, Period: "final", Value: &other}},
		store.ImportOptions{Actor: "test", Status: "approved"}); err != nil {
		t.Fatal(err)
	}
	if fp1, _ := st.FingerprintWithPrevious(ctx, h, p); fp1 == fp0 {
		t.Error("the fingerprint ignores the other ente's value")
	}
	got, prov := actual(model.Approved)
	if got != own-other || !strings.Contains(prov, "Camera di Commercio di Chieti-Pescara") || !strings.Contains(prov, "TP.1/1") {
		t.Errorf("with the other ente's value: %v (%s), want %v", got, prov, own-other)
	}
	// the other ente's period is open: the public still sees the typed benchmark
	if got, _ := actual(model.Public); got != own-typed {
		t.Errorf("public before the other ente closes: %v, want %v", got, own-typed)
	}
	if _, err := st.ImportMeasurements(ctx, bench.Ente.Slug, bench.Plan.Slug, []measure.Row{{Indicator: "TP.1/1", Year: 2023, Period: "final", Value: &other}},
		store.ImportOptions{Actor: "test", Status: "approved", ClosePeriods: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := actual(model.Public); got != own-other {
		t.Errorf("public after the other ente closed: %v, want %v", got, own-other)
	}
}
