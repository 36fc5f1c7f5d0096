package store_test

import (
	"context"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
	"github.com/piao-performance/piao/internal/workflow"
)

// positions maps the reference ente's position keys to their ids.
func positions(t *testing.T, st *store.Store, h model.PlanHeader, p model.Period) map[string]int64 {
	t.Helper()
	_, by, err := st.Collection(context.Background(), h, p)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, c := range by {
		out[c.PositionKey] = c.PositionID
	}
	return out
}

func TestWorklist(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	mid24 := period(t, st, h, 2024, "midyear")
	enter(t, st, h, mid24, "O.3.3.1/1", 10, false, auth.User{Username: "referente.promozione", Role: auth.Referente})
	enter(t, st, h, mid24, "O.3.3.1/2", 20, true, auth.User{Username: "dir.promozione", Role: auth.Dirigente})
	pos := positions(t, st, h, mid24)

	for _, c := range []struct {
		name     string
		position int64
		want     int
		first    string
	}{
		{"every indicator but the 4 derived", 0, 84, "1.1/1"},
		{"sg", pos["sg"], 21, "O.1.1.1/1"},
		{"dir-ef", pos["dir-ef"], 24, "O.1.1.3/1"},
		{"dir-prm", pos["dir-prm"], 42, "TR.1/1"},
		{"an unknown position", -1, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ws, err := st.Worklist(ctx, h, mid24, c.position)
			if err != nil {
				t.Fatal(err)
			}
			if len(ws) != c.want {
				t.Fatalf("%d items, want %d", len(ws), c.want)
			}
			if c.want > 0 && ws[0].Key != c.first {
				t.Errorf("first %s, want %s", ws[0].Key, c.first)
			}
			for _, w := range ws {
				if w.Formula == "derived" {
					t.Errorf("derived indicator %s listed", w.Key)
				}
				if c.position != 0 && !contains(w.Owners, c.position) {
					t.Errorf("%s not owned by the position: %v", w.Key, w.Owners)
				}
			}
		})
	}
	byKey := func(t *testing.T, p model.Period, key string) model.WorkItem {
		t.Helper()
		ws, err := st.Worklist(ctx, h, p, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			if w.Key == key {
				return w
			}
		}
		t.Fatalf("%s not in the worklist", key)
		return model.WorkItem{}
	}
	t.Run("an entry in progress, with last period's approved value", func(t *testing.T) {
		w := byKey(t, mid24, "O.3.3.1/1")
		if w.Entry.Version != 1 || w.Entry.Status != workflow.Draft || w.Entry.Value == nil || *w.Entry.Value != 10 ||
			w.Entry.Author != "referente.promozione" || w.Entry.Demo {
			t.Errorf("entry %+v", w.Entry)
		}
		if w.Previous == nil || w.Previous.Status != workflow.Approved {
			t.Errorf("previous %+v", w.Previous)
		}
		if w.ObjectiveCode != "O.3.3.1" || len(w.Owners) != 1 || w.Owners[0] != pos["dir-prm"] {
			t.Errorf("objective %s owners %v", w.ObjectiveCode, w.Owners)
		}
		if w.Target != nil {
			t.Errorf("target %+v, but the plan sets O.3.3.1/1 a target for 2023 only", w.Target)
		}
		if w := byKey(t, mid24, "3.2/1"); w.Target == nil || w.Target.Year != 2024 || w.Target.Operator != ">=" || *w.Target.Value != 2 {
			t.Errorf("3.2/1 target %+v", w.Target)
		}
	})
	t.Run("a ratio's inputs", func(t *testing.T) {
		w := byKey(t, mid24, "O.3.3.1/6")
		if w.Formula != "ratio" || w.Scale != 100 || w.Unit != "percent" || len(w.Inputs) != 2 ||
			w.Inputs[0].Key != "numerator" || w.Inputs[1].Key != "denominator" ||
			w.Inputs[1].Label != "numero certificati d'origine rilasciati" {
			t.Errorf("%+v", w)
		}
		if w.Entry.Version != 0 {
			t.Errorf("nothing entered yet, got %+v", w.Entry)
		}
	})
	t.Run("the target in force and the missing previous value", func(t *testing.T) {
		fin23 := period(t, st, h, 2023, "final")
		w := byKey(t, fin23, "O.4.2.1/1")
		if w.Target == nil || w.Target.Operator != ">=" || w.Target.Value == nil || *w.Target.Value != 5 {
			t.Errorf("target %+v, want the revised >= 5", w.Target)
		}
		if w.Previous == nil || w.Previous.Status != workflow.Approved {
			t.Errorf("previous %+v", w.Previous)
		}
		w = byKey(t, fin23, "3.2/1") // no value at 2023 midyear
		if w.Previous != nil {
			t.Errorf("previous %+v, want none", w.Previous)
		}
		if w.Entry.Status != workflow.Approved || !w.Entry.Demo {
			t.Errorf("entry %+v", w.Entry)
		}
	})

	t.Run("submitted", func(t *testing.T) {
		ws, err := st.Submitted(ctx, h, mid24)
		if err != nil {
			t.Fatal(err)
		}
		if len(ws) != 1 || ws[0].Key != "O.3.3.1/2" || ws[0].Entry.Status != workflow.Submitted {
			t.Errorf("%+v", ws)
		}
		ws, err = st.Submitted(ctx, h, period(t, st, h, 2023, "final"))
		if err != nil || len(ws) != 0 {
			t.Errorf("2023: %d submitted, %v", len(ws), err)
		}
	})

	t.Run("late", func(t *testing.T) {
		ls, err := st.Late(ctx, h, period(t, st, h, 2023, "midyear"))
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) != 35 {
			t.Errorf("%d rows, want 35", len(ls))
		}
		if ls[0].Position != "Segretario Generale" || ls[0].Objective != "O.1.1.1" || ls[0].Missing != 1 {
			t.Errorf("first %+v", ls[0])
		}
		found := false
		for _, l := range ls {
			if l.Objective == "O.3.3.1" {
				found = true
				if l != (model.Lateness{Position: "Dirigente Area Promozione e Regolazione del Mercato", Objective: "O.3.3.1",
					Title: l.Title, Missing: 4, Approved: 5}) {
					t.Errorf("O.3.3.1 %+v", l)
				}
			}
		}
		if !found {
			t.Error("O.3.3.1 not late at 2023 midyear")
		}
		ls, err = st.Late(ctx, h, mid24)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			if l.Objective == "O.3.3.1" && (l.Missing != 7 || l.InProgress != 1 || l.Submitted != 1 || l.Approved != 0) {
				t.Errorf("2024 O.3.3.1 %+v", l)
			}
		}
		ls, err = st.Late(ctx, h, period(t, st, h, 2023, "final"))
		if err != nil || len(ls) != 0 {
			t.Errorf("2023 final, every value approved: %+v %v", ls, err)
		}
	})

	t.Run("closing gaps", func(t *testing.T) {
		gs, err := st.ClosingGaps(ctx, h, mid24)
		if err != nil {
			t.Fatal(err)
		}
		want := []model.ClosingGap{
			{Position: "Segretario Generale", Empty: 21},
			{Position: "Dirigente Area Economico-Finanziaria", Empty: 24},
			{Position: "Dirigente Area Promozione e Regolazione del Mercato", Empty: 40, Draft: 1, Submitted: 1},
		}
		if len(gs) != len(want) {
			t.Fatalf("%+v", gs)
		}
		for i := range want {
			if gs[i] != want[i] {
				t.Errorf("gap %d: %+v, want %+v", i, gs[i], want[i])
			}
		}
		gs, err = st.ClosingGaps(ctx, h, period(t, st, h, 2023, "final"))
		if err != nil || len(gs) != 0 {
			t.Errorf("2023 final: %+v %v", gs, err)
		}
	})
}

func contains(xs []int64, x int64) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
