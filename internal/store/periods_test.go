package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
)

// The dashboard's one-round-trip query must list the same periods as
// PeriodsWithData for every reader, through every step that changes them.
func TestPlanHeaderAndPeriodsMatchesPeriodsWithData(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	mid, err := f.st.Period(ctx, f.h.ID, 2023, "midyear")
	if err != nil {
		t.Fatal(err)
	}
	labels := func(ps []model.Period) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Label())
		}
		return out
	}
	check := func(step string, wantPrivate, wantPublic int) {
		t.Helper()
		h, all, version, err := f.st.PlanHeaderAndPeriods(ctx, "cciaa-gran-sasso", "piao-2023-2025")
		if err != nil {
			t.Fatal(err)
		}
		if h != f.h {
			t.Fatalf("%s: header %+v, want %+v", step, h, f.h)
		}
		every, err := f.st.Periods(ctx, f.h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(all.All(), every) {
			t.Errorf("%s: All() %+v, want Periods %+v", step, all.All(), every)
		}
		pv, err := f.st.PublicVersion(ctx, "cciaa-gran-sasso", "piao-2023-2025")
		if err != nil {
			t.Fatal(err)
		}
		if version != pv.Version {
			t.Errorf("%s: version %d, want PublicVersion's %d", step, version, pv.Version)
		}
		for vis, want := range map[model.Visibility]int{model.Approved: wantPrivate, model.Public: wantPublic} {
			ref, err := f.st.PeriodsWithData(ctx, f.h.ID, vis)
			if err != nil {
				t.Fatal(err)
			}
			got := all.WithData(vis)
			if len(got) != want || len(ref) != want {
				t.Fatalf("%s, visibility %d: %d periods %v, PeriodsWithData %d %v, want %d", step, vis, len(got), labels(got), len(ref), labels(ref), want)
			}
			for i := range got {
				if got[i].ID != ref[i].ID || got[i].Closed() != ref[i].Closed() {
					t.Fatalf("%s, visibility %d: %v, want %v", step, vis, labels(got), labels(ref))
				}
			}
		}
	}
	check("empty plan", 0, 0)
	for _, p := range []model.Period{mid, f.period} {
		if _, err := f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ind, Period: p, Value: val(100), Submit: true}, dirigente); err != nil {
			t.Fatal(err)
		}
	}
	check("submitted only", 0, 0)
	if err := f.st.SetShowSubmittedMidyear(ctx, f.h, true, "test"); err != nil {
		t.Fatal(err)
	}
	check("submitted shown at midyear", 1, 0)
	e, err := f.st.Entry(ctx, f.ind.ID, f.period.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.Transition(ctx, f.h, f.ind, f.period, e.Version, workflow.Approve, "", sg); err != nil {
		t.Fatal(err)
	}
	check("final approved", 2, 0)
	if err := f.st.SetPeriodClosed(ctx, f.h, f.period, true, "", sg); err != nil {
		t.Fatal(err)
	}
	check("final closed", 2, 1)

	if _, _, _, err := f.st.PlanHeaderAndPeriods(ctx, "cciaa-gran-sasso", "nessuno"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown plan: %v, want ErrNotFound", err)
	}
	// the connection is usable after the failed batch
	if _, _, _, err := f.st.PlanHeaderAndPeriods(ctx, "cciaa-gran-sasso", "piao-2023-2025"); err != nil {
		t.Fatal(err)
	}
}
