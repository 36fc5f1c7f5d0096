package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

// TestPlanImports: a review of a read document is kept pending, saved at its
// version, and turned into the draft in one transaction: a stale review or
// a changed draft writes nothing, neither the review nor the draft; an
// applied or discarded review is no longer found; another plan's id is not
// found. Every step is an audit event.
func TestPlanImports(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t)
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	if err := st.StartDraft(ctx, h, model.Draft{Label: "Dal PIAO pubblicato", InForceFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		Reason: "lettura"}, "admin"); err != nil {
		t.Fatal(err)
	}
	d, err := st.DraftOf(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	read := *d.Doc
	read.Objectives = read.Objectives[:3]
	problems := []model.ImportProblem{{Line: 7, Kind: "typo", Objective: read.Objectives[0].Code, Text: "0.1", Chosen: "O.1"}}
	id, err := st.CreatePlanImport(ctx, h, "piao.txt", &read, problems, "admin")
	if err != nil {
		t.Fatal(err)
	}
	imp, err := st.PlanImportOf(ctx, h.ID, id)
	if err != nil || imp.FileName != "piao.txt" || len(imp.Doc.Objectives) != 3 || len(imp.Problems) != 1 || imp.Problems[0] != problems[0] || imp.Version != 1 {
		t.Fatalf("PlanImportOf: %v %+v", err, imp)
	}
	if _, err := st.PlanImportOf(ctx, h.ID+1000, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another plan's review: %v", err)
	}
	if list, err := st.PendingPlanImports(ctx, h.ID); err != nil || len(list) != 1 || list[0].ID != id || len(list[0].Problems) != 1 {
		t.Errorf("PendingPlanImports: %v %+v", err, list)
	}

	imp.Doc.Objectives[0].Title = "Titolo rivisto"
	if err := st.SavePlanImport(ctx, h, id, 1, imp.Doc, imp.Problems, nil, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := st.SavePlanImport(ctx, h, id, 1, imp.Doc, imp.Problems, nil, "admin"); !errors.Is(err, store.ErrImportChanged) {
		t.Errorf("stale save: %v", err)
	}
	// a changed draft: nothing written, the review stays pending at its version
	err = st.ApplyPlanImport(ctx, h, id, 2, imp.Doc, imp.Problems, imp.Doc, d.Version+1000, nil, "admin")
	if !errors.Is(err, store.ErrDraftChanged) {
		t.Fatalf("apply on a changed draft: %v", err)
	}
	if again, err := st.PlanImportOf(ctx, h.ID, id); err != nil || again.Version != 2 {
		t.Fatalf("after a refused apply: %v version %d", err, again.Version)
	}
	if again, err := st.DraftOf(ctx, h.ID); err != nil || again.Version != d.Version {
		t.Fatalf("the draft changed: %v", err)
	}
	if err := st.ApplyPlanImport(ctx, h, id, 1, imp.Doc, imp.Problems, imp.Doc, d.Version, nil, "admin"); !errors.Is(err, store.ErrImportChanged) {
		t.Errorf("apply a stale review: %v", err)
	}
	if err := st.ApplyPlanImport(ctx, h, id, 2, imp.Doc, imp.Problems, imp.Doc, d.Version, nil, "admin"); err != nil {
		t.Fatal(err)
	}
	after, err := st.DraftOf(ctx, h.ID)
	if err != nil || len(after.Doc.Objectives) != 3 || after.Doc.Objectives[0].Title != "Titolo rivisto" {
		t.Fatalf("draft after apply: %v", err)
	}
	if _, err := st.PlanImportOf(ctx, h.ID, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("applied review still pending: %v", err)
	}
	if err := st.DiscardPlanImport(ctx, h, id, 3, "admin"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("discard an applied review: %v", err)
	}

	id2, err := st.CreatePlanImport(ctx, h, "altro.txt", &read, nil, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DiscardPlanImport(ctx, h, id2, 2, "admin"); !errors.Is(err, store.ErrImportChanged) {
		t.Errorf("discard at a wrong version: %v", err)
	}
	if err := st.DiscardPlanImport(ctx, h, id2, 1, "admin"); err != nil {
		t.Fatal(err)
	}
	if list, err := st.PendingPlanImports(ctx, h.ID); err != nil || len(list) != 0 {
		t.Errorf("pending after apply and discard: %v %+v", err, list)
	}
	for action, want := range map[string]int{"plan.import.read": 2, "plan.import.edit": 1, "plan.import.apply": 1, "plan.import.discard": 1} {
		var n int
		if err := ref.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil || n != want {
			t.Errorf("%s: %d events (%v), want %d", action, n, err, want)
		}
	}
}
