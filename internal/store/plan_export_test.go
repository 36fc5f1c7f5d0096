package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/piao-performance/piao/internal/testfix"
)

func TestExportReferencePlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ref := testfix.Reference(t)
	st, doc := ref.Store, ref.Doc
	got, err := st.ExportPlan(ctx, testfix.Ente, testfix.Plan)
	if err != nil {
		t.Fatal(err)
	}
	// The state is what a backup adds: the seed has none; a fresh plan has
	// the default rules and periods and nothing else.
	s := got.State
	if s == nil || s.Rules == nil || s.Rules.Cap != 100 || len(s.Rules.IndividualBands) != 4 || len(s.Periods) != 6 ||
		s.Periods[0].Deadline != "2023-07-31" || s.Periods[0].ClosedAt != "" || len(s.Measurements) != 0 || len(s.Behaviour) != 0 {
		t.Fatalf("state of a fresh plan: %+v", s)
	}
	got.State = nil
	// The one normalisation: objective_units has no position (the schema
	// keeps an objective's units as a set, and scoring reads them in the
	// ente's unit order), so the export lists them in that order; the seed
	// lists the units of O.1.1.5 and OT_2 in another.
	order := make([]string, len(doc.Units))
	for i, u := range doc.Units {
		order[i] = u.Key
	}
	for i := range doc.Objectives {
		slices.SortFunc(doc.Objectives[i].Units, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
	}
	// JSON bytes rather than reflect.DeepEqual: the seed writes a few empty
	// baseline lists as [], which decode as empty slices but mean (and
	// encode as) nothing, like the export's nil.
	testfix.SameBytes(t, "export and seed", testfix.MarshalDoc(t, got), testfix.MarshalDoc(t, doc))
}
