package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

// indicatorIn returns the indicator of doc with the given key.
func indicatorIn(t *testing.T, doc *plan.Document, key string) *plan.Indicator {
	t.Helper()
	for i := range doc.Objectives {
		for j := range doc.Objectives[i].Indicators {
			if doc.Objectives[i].Indicators[j].Key == key {
				return &doc.Objectives[i].Indicators[j]
			}
		}
	}
	t.Fatalf("no indicator %s", key)
	return nil
}

func TestDrafts(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t)
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	meta := model.Draft{Label: "Aggiornamento di prova (2024)", InForceFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		ActReference: "Delibera n. 1/2024", Reason: "nuovi target"}
	draft := func(t *testing.T) model.Draft {
		t.Helper()
		d, err := st.DraftOf(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	events := func(t *testing.T, action string) int {
		t.Helper()
		return len(auditRows(t, st, store.AuditFilter{Action: action, Object: "cciaa-gran-sasso/piao-2023-2025"}))
	}

	t.Run("no draft yet", func(t *testing.T) {
		if _, err := st.DraftOf(ctx, h.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DraftOf: %v", err)
		}
		if err := st.DiscardDraft(ctx, h, 1, "admin"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DiscardDraft: %v", err)
		}
		if _, err := st.AdoptDraft(ctx, h, 1, "admin"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AdoptDraft: %v", err)
		}
	})
	t.Run("start: a copy of the plan in force", func(t *testing.T) {
		if err := st.StartDraft(ctx, h, meta, "admin"); err != nil {
			t.Fatal(err)
		}
		d := draft(t)
		if d.BaseSeq != 2 || d.Label != meta.Label || d.Reason != meta.Reason || d.ActReference != meta.ActReference ||
			!d.InForceFrom.Equal(meta.InForceFrom) || d.CreatedBy != "admin" || d.Doc == nil || len(d.Doc.Objectives) != 51 || d.Doc.State != nil {
			t.Errorf("draft %+v", d)
		}
		ev := lastAudit(t, st, "plan.draft.start")
		if ev.Actor != "admin" || ev.Reason != "nuovi target" || ev.ObjectKey != "cciaa-gran-sasso/piao-2023-2025" {
			t.Errorf("audit %+v", ev)
		}
	})
	t.Run("a second start is refused", func(t *testing.T) {
		if err := st.StartDraft(ctx, h, meta, "altro"); !errors.Is(err, store.ErrDraftExists) {
			t.Errorf("err %v, want ErrDraftExists", err)
		}
		if n := events(t, "plan.draft.start"); n != 1 {
			t.Errorf("%d start events", n)
		}
	})
	t.Run("save, then a save from the old version is stale", func(t *testing.T) {
		d := draft(t)
		indicatorIn(t, d.Doc, "O.3.3.1/1").Name = "Mediazioni avviate nell'anno"
		if err := st.SaveDraft(ctx, h, d.Doc, d.Version, map[string]any{"indicator": "O.3.3.1/1"}, "admin"); err != nil {
			t.Fatal(err)
		}
		saved := draft(t)
		if saved.Version == d.Version || indicatorIn(t, saved.Doc, "O.3.3.1/1").Name != "Mediazioni avviate nell'anno" {
			t.Errorf("saved version %d (was %d)", saved.Version, d.Version)
		}
		if err := st.SaveDraft(ctx, h, d.Doc, d.Version, nil, "admin"); !errors.Is(err, store.ErrDraftChanged) {
			t.Errorf("stale save: %v, want ErrDraftChanged", err)
		}
		if n := events(t, "plan.draft.edit"); n != 1 {
			t.Errorf("%d edit events, want 1", n)
		}
	})
	t.Run("stale discard and adoption change nothing", func(t *testing.T) {
		d := draft(t)
		if err := st.DiscardDraft(ctx, h, d.Version-1, "admin"); !errors.Is(err, store.ErrDraftChanged) {
			t.Errorf("discard: %v", err)
		}
		if _, err := st.AdoptDraft(ctx, h, d.Version-1, "admin"); !errors.Is(err, store.ErrDraftChanged) {
			t.Errorf("adopt: %v", err)
		}
		if draft(t).Version != d.Version || events(t, "plan.draft.discard") != 0 || events(t, "plan.revision") != 0 {
			t.Error("a stale step changed something")
		}
	})
	t.Run("adoption refuses a draft that drops a target, and keeps it", func(t *testing.T) {
		d := draft(t)
		ind := indicatorIn(t, d.Doc, "O.3.3.1/1")
		kept := ind.Targets
		ind.Targets = nil
		if err := st.SaveDraft(ctx, h, d.Doc, d.Version, nil, "admin"); err != nil {
			t.Fatal(err)
		}
		d = draft(t)
		var removed *store.ErrTargetRemoved
		if _, err := st.AdoptDraft(ctx, h, d.Version, "admin"); !errors.As(err, &removed) || removed.Indicator != "O.3.3.1/1" || removed.Year != 2023 {
			t.Fatalf("err %v, want ErrTargetRemoved", err)
		}
		if draft(t).Version != d.Version {
			t.Error("the refused draft changed")
		}
		indicatorIn(t, d.Doc, "O.3.3.1/1").Targets = kept
		if err := st.SaveDraft(ctx, h, d.Doc, d.Version, nil, "admin"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("adopt: the draft becomes revision 3", func(t *testing.T) {
		d := draft(t)
		seq, err := st.AdoptDraft(ctx, h, d.Version, "admin")
		if err != nil {
			t.Fatal(err)
		}
		if seq != 3 {
			t.Errorf("revision %d, want 3", seq)
		}
		nh, err := st.PlanHeader(ctx, testfix.Ente, testfix.Plan)
		if err != nil {
			t.Fatal(err)
		}
		if nh.RevisionSeq != 3 || nh.RevisionLabel != meta.Label {
			t.Errorf("header %+v", nh)
		}
		ind, err := st.EntryIndicator(ctx, nh, "O.3.3.1/1", 2024)
		if err != nil || ind.Name != "Mediazioni avviate nell'anno" {
			t.Errorf("indicator %+v %v", ind, err)
		}
		if _, err := st.DraftOf(ctx, h.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("draft left after adoption: %v", err)
		}
		if ev := lastAudit(t, st, "plan.revision"); ev.Actor != "admin" {
			t.Errorf("audit %+v", ev)
		}
	})
	t.Run("discard", func(t *testing.T) {
		nh, err := st.PlanHeader(ctx, testfix.Ente, testfix.Plan)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.StartDraft(ctx, nh, meta, "admin"); err != nil {
			t.Fatal(err)
		}
		if d := draft(t); d.BaseSeq != 3 {
			t.Errorf("base %d, want 3", d.BaseSeq)
		}
		if err := st.DiscardDraft(ctx, nh, draft(t).Version, "admin"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DraftOf(ctx, h.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("draft left after discarding: %v", err)
		}
		if ev := lastAudit(t, st, "plan.draft.discard"); ev.Actor != "admin" {
			t.Errorf("audit %+v", ev)
		}
		if after, err := st.PlanHeader(ctx, testfix.Ente, testfix.Plan); err != nil || after.RevisionSeq != 3 {
			t.Errorf("discarding changed the plan: %+v %v", after, err)
		}
	})
}
