package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
)

// TestDeviationIsVersionedAuditedAndGuardsApproval: the motivazione of a
// scostamento is saved with the value (a referente drafts it, a save without
// the fields keeps it), each change is in the audit trail with the old text,
// and an approval that needs it is refused until it is complete, alone or in
// bulk, changing nothing.
func TestDeviationIsVersionedAuditedAndGuardsApproval(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	part := model.Deviation{What: "Avviate 183 mediazioni su 200."}
	e, err := f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ind, Period: f.period, Value: val(183), Deviation: &part}, referente)
	if err != nil || e.Deviation != part {
		t.Fatalf("referente's draft: %+v %v", e.Deviation, err)
	}
	// the grid carries no motivazione: a save without it keeps the stored one
	e, err = f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ind, Period: f.period, Value: val(183), Version: e.Version, Submit: true}, dirigente)
	if err != nil || e.Deviation != part {
		t.Fatalf("save without the fields: %+v %v", e.Deviation, err)
	}
	ind := f.ind
	ind.DeviationRequired = true
	if _, err := f.st.Transition(ctx, f.h, ind, f.period, e.Version, workflow.Approve, "", sg); !errors.Is(err, store.ErrDeviationRequired) {
		t.Fatalf("approval of an incomplete motivazione: %v", err)
	}
	_, err = f.st.TransitionMany(ctx, f.h, f.period, []store.BulkEntry{{Indicator: ind, Version: e.Version}}, workflow.Approve, "", sg)
	var unexplained *store.UnexplainedDeviationsError
	if !errors.As(err, &unexplained) || len(unexplained.Keys) != 1 || unexplained.Keys[0] != f.ind.Key {
		t.Fatalf("bulk approval of an incomplete motivazione: %v", err)
	}
	cur, err := f.st.Entry(ctx, f.ind.ID, f.period.ID)
	if err != nil || cur.Status != workflow.Submitted || cur.Version != e.Version {
		t.Fatalf("a refused approval changed the entry: %+v %v", cur, err)
	}
	// the Segretario returns it; the dirigente completes it and submits again
	e, err = f.st.Transition(ctx, f.h, ind, f.period, e.Version, workflow.Return, "Manca la motivazione", sg)
	if err != nil {
		t.Fatal(err)
	}
	full := model.Deviation{What: part.What, Why: "Due conciliatori in meno.", Action: "Nuovo elenco dal 2024."}
	e, err = f.st.SaveEntry(ctx, f.h, store.EntryInput{Indicator: f.ind, Period: f.period, Value: val(183), Version: e.Version,
		Submit: true, Deviation: &full}, dirigente)
	if err != nil {
		t.Fatal(err)
	}
	if e, err = f.st.Transition(ctx, f.h, ind, f.period, e.Version, workflow.Approve, "", sg); err != nil || e.Status != workflow.Approved {
		t.Fatalf("approval with the motivazione: %+v %v", e, err)
	}
	hist, err := f.st.EntryHistory(ctx, f.h, f.ind.Key)
	if err != nil {
		t.Fatal(err)
	}
	var changes int
	for _, ev := range hist {
		d, ok := ev.Detail["deviation"].(map[string]any)
		if !ok {
			continue
		}
		changes++
		if d["why"] == full.Why {
			old, _ := ev.Detail["old_deviation"].(map[string]any)
			if old["what"] != part.What || old["why"] != "" {
				t.Errorf("the trail lacks the old motivazione: %v", ev.Detail)
			}
		}
	}
	if changes != 2 {
		t.Errorf("%d audited changes of the motivazione, want 2 (the draft and its completion)", changes)
	}
}

func TestDeviationRule(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		final, na, actual, target, met, want bool
	}{
		{true, false, true, true, false, true},    // below target at the final period
		{true, false, true, true, true, false},    // met
		{true, true, false, false, false, true},   // not applicable
		{false, true, false, false, false, false}, // in-year: never required
		{false, false, true, true, false, false},
		{true, false, true, false, false, false}, // no target for the year
		{true, false, false, true, false, false}, // nothing entered
	} {
		if got := workflow.DeviationRequired(c.final, c.na, c.actual, c.target, c.met); got != c.want {
			t.Errorf("%+v: got %v", c, got)
		}
	}
}
