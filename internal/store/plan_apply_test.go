package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/revision"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
)

func findIndicator(d *plan.Document, key string) *plan.Indicator {
	for i := range d.Objectives {
		for j := range d.Objectives[i].Indicators {
			if d.Objectives[i].Indicators[j].Key == key {
				return &d.Objectives[i].Indicators[j]
			}
		}
	}
	return nil
}

// TestApplyRevision: a revision made on the adopted reference plan changes a
// target, a title and adds an objective; measurements stay attached, the
// old target keeps its history and governs the periods before the revision,
// and what would lose measurements or drop a target is refused whole.
func TestApplyRevision(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := store.New(testdb.Pool(t))
	ref, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.LoadPlan(ctx, ref, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	rows, err := seed.SampleActuals(ref)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportMeasurements(ctx, ref.Ente.Slug, ref.Plan.Slug, rows, store.ImportOptions{Actor: "test", Status: "approved", Demo: true}); err != nil {
		t.Fatal(err)
	}
	h, err := st.PlanHeader(ctx, ref.Ente.Slug, ref.Plan.Slug)
	if err != nil {
		t.Fatal(err)
	}
	measured := count(t, st, "measurements")
	doc, err := st.ExportPlan(ctx, h.EnteSlug, h.Slug)
	if err != nil {
		t.Fatal(err)
	}
	doc.State = nil
	six := 6.0
	in := findIndicator(doc, "O.4.2.1/1")
	in.Targets[0] = plan.Target{Year: 2023, Operator: ">=", Value: &six, Text: ">= 6"}
	for i := range doc.Objectives {
		if doc.Objectives[i].Code == "OT_1" {
			doc.Objectives[i].Title = "Gestione e riorganizzazione del magazzino"
		}
	}
	one := 1.0
	doc.Objectives = append(doc.Objectives, plan.Objective{Code: "O.4.2.9", Kind: plan.KindOperational, Area: 4, Parent: "4.2",
		Title: "Nuovo obiettivo di prova", Owners: []string{"dir-prm"}, Indicators: []plan.Indicator{{Key: "O.4.2.9/1",
			Name: "Iniziative nuove", Algorithm: "Numero", Unit: plan.UnitCount, Polarity: plan.PolarityHigher, Formula: plan.FormulaDirect,
			Targets: []plan.Target{{Year: 2024, Operator: ">=", Value: &one, Text: ">= 1"}}}}})
	meta := plan.Revision{Label: "Aggiornamento di prova (novembre 2023)", InForceFrom: "2023-11-01", ActReference: "Delibera di Giunta n. 99/2023",
		Reason: "Prova di revisione"}
	seq, err := st.ApplyRevision(ctx, h, doc, meta, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if seq != 3 {
		t.Fatalf("new revision %d, want 3", seq)
	}
	if got := count(t, st, "measurements"); got != measured {
		t.Errorf("measurements %d → %d", measured, got)
	}
	h, _ = st.PlanHeader(ctx, ref.Ente.Slug, ref.Plan.Slug)
	diff, err := st.RevisionDiff(ctx, h.ID, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, d := range diff {
		kinds[d.Kind]++
		if d.Reason != "Prova di revisione" || d.Revision != meta.Label {
			t.Errorf("%+v: reason or revision", d)
		}
	}
	if kinds[revision.TargetChanged] != 1 || kinds[revision.TitleChanged] != 1 || kinds[revision.ObjectiveAdded] != 1 || len(diff) != 3 {
		t.Errorf("differences %v", kinds)
	}
	// the target in force by period: 30/06 original ≥ 1, 31/12 this revision ≥ 6; history kept
	for kind, want := range map[string]string{"midyear": ">=1", "final": ">= 6"} {
		p, _ := st.Period(ctx, h.ID, 2023, kind)
		snap, _, err := st.Snapshot(ctx, h, 2023, p.EndsOn)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range snap.Indicators {
			if x.Key == "O.4.2.1/1" && (x.Target == nil || x.Target.Text != want) {
				t.Errorf("%s: target %+v, want %s", kind, x.Target, want)
			}
		}
	}
	if n := count(t, st, "targets"); n == 0 {
		t.Fatal("no targets")
	}

	// The revision survives export and import: the second database rebuilds
	// the same contents, so the same differences.
	exported, err := st.ExportPlan(ctx, h.EnteSlug, h.Slug)
	if err != nil {
		t.Fatal(err)
	}
	st2 := store.New(testdb.Pool(t))
	if _, err := st2.LoadPlan(ctx, exported, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	h2, _ := st2.PlanHeader(ctx, h.EnteSlug, h.Slug)
	for _, pair := range [][2]int{{1, 2}, {2, 3}, {1, 3}} {
		a, err1 := st.RevisionDiff(ctx, h.ID, pair[0], pair[1])
		b, err2 := st2.RevisionDiff(ctx, h2.ID, pair[0], pair[1])
		if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("revisions %v after export and import: %v %v\n%v\n%v", pair, err1, err2, a, b)
		}
	}

	// Refused whole: removing a measured indicator, or a target.
	before := count(t, st, "revisions")
	doc2, _ := st.ExportPlan(ctx, h.EnteSlug, h.Slug)
	doc2.State = nil
	for i := range doc2.Objectives {
		if doc2.Objectives[i].Code == "O.3.3.1" {
			doc2.Objectives[i].Indicators = doc2.Objectives[i].Indicators[1:]
		}
	}
	for i := range doc2.Individual { // the individual objectives that repeat it go too: only the measurements stop it
		iv := &doc2.Individual[i]
		kept := iv.Indicators[:0]
		for _, x := range iv.Indicators {
			if x.Indicator != "O.3.3.1/1" {
				kept = append(kept, x)
			}
		}
		iv.Indicators = kept
	}
	if _, err := st.ApplyRevision(ctx, h, doc2, meta, "admin"); !errors.As(err, new(*store.ErrHasMeasurements)) {
		t.Errorf("removing a measured indicator: %v", err)
	}
	doc3, _ := st.ExportPlan(ctx, h.EnteSlug, h.Slug)
	doc3.State = nil
	findIndicator(doc3, "O.4.2.9/1").Targets = nil
	if _, err := st.ApplyRevision(ctx, h, doc3, meta, "admin"); !errors.As(err, new(*store.ErrTargetRemoved)) {
		t.Errorf("removing a target: %v", err)
	}
	if got := count(t, st, "revisions"); got != before {
		t.Errorf("refused revisions wrote something: %d → %d", before, got)
	}

	// Drafts: start, edit, adopt in one step; a stale save is refused.
	if err := st.StartDraft(ctx, h, model.Draft{Label: "Bozza", InForceFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Reason: "Prova"}, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := st.StartDraft(ctx, h, model.Draft{Label: "Altra", InForceFrom: time.Now(), Reason: "x"}, "admin"); !errors.Is(err, store.ErrDraftExists) {
		t.Errorf("second draft: %v", err)
	}
	d, err := st.DraftOf(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	seven := 7.0
	findIndicator(d.Doc, "O.4.2.9/1").Targets[0].Value, findIndicator(d.Doc, "O.4.2.9/1").Targets[0].Text = &seven, ">= 7"
	if err := st.SaveDraft(ctx, h, d.Doc, d.Version, map[string]any{"indicator": "O.4.2.9/1"}, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveDraft(ctx, h, d.Doc, d.Version, nil, "admin"); !errors.Is(err, store.ErrDraftChanged) {
		t.Errorf("stale draft save: %v", err)
	}
	if _, err := st.AdoptDraft(ctx, h, d.Version, "admin"); !errors.Is(err, store.ErrDraftChanged) {
		t.Errorf("stale adoption: %v", err)
	}
	if d, err = st.DraftOf(ctx, h.ID); err != nil {
		t.Fatal(err)
	}
	if seq, err := st.AdoptDraft(ctx, h, d.Version, "admin"); err != nil || seq != 4 {
		t.Fatalf("adopt: %d %v", seq, err)
	}
	if _, err := st.DraftOf(ctx, h.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("draft left after adoption: %v", err)
	}
	h, _ = st.PlanHeader(ctx, ref.Ente.Slug, ref.Plan.Slug)
	if h.RevisionLabel != "Bozza" || h.RevisionSeq != 4 {
		t.Errorf("header after adoption: %+v", h)
	}
}
