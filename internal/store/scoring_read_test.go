package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func testRevisionInForceAndSnapshot(t *testing.T, ref testfix.Ref) {
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	for _, c := range []struct {
		day   string
		seq   int
		label string
	}{
		{"2023-01-01", 1, "Versione originale (gennaio 2023)"},
		{"2023-06-30", 1, "Versione originale (gennaio 2023)"},
		{"2023-09-30", 1, "Versione originale (gennaio 2023)"},
		{"2023-10-01", 2, "Aggiornamento obiettivi (ottobre 2023)"},
		{"2025-12-31", 2, "Aggiornamento obiettivi (ottobre 2023)"},
	} {
		t.Run("in force on "+c.day, func(t *testing.T) {
			r, err := st.RevisionInForce(ctx, h.ID, day(c.day))
			if err != nil {
				t.Fatal(err)
			}
			if r.Seq != c.seq || r.Label != c.label {
				t.Errorf("%+v", r)
			}
		})
	}
	t.Run("no revision before the plan", func(t *testing.T) {
		if _, err := st.RevisionInForce(ctx, h.ID, day("2022-12-31")); err == nil {
			t.Error("a revision governs a day before the first one")
		}
	})
	target := func(snap scoring.Snapshot, key string) *scoring.Target {
		for _, in := range snap.Indicators {
			if in.Key == key {
				return in.Target
			}
		}
		t.Fatalf("no %s", key)
		return nil
	}
	t.Run("snapshot at midyear: the original targets", func(t *testing.T) {
		snap, rev, err := st.Snapshot(ctx, h, 2023, day("2023-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		if rev.Seq != 1 {
			t.Errorf("revision %+v", rev)
		}
		if tg := target(snap, "O.4.2.1/1"); tg == nil || tg.Value != 1 || tg.Operator != ">=" {
			t.Errorf("O.4.2.1/1 target %+v, want >= 1", tg)
		}
	})
	t.Run("snapshot at year end: the revised targets and the whole structure", func(t *testing.T) {
		ys, err := st.ScoredSnapshot(ctx, h, 2023, day("2023-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		snap := ys.Snapshot
		if ys.Revision.Seq != 2 || ys.Rules.No != 1 || ys.Rules.FromYear != 2023 {
			t.Errorf("revision %+v rules no %d from %d", ys.Revision, ys.Rules.No, ys.Rules.FromYear)
		}
		if tg := target(snap, "O.4.2.1/1"); tg == nil || tg.Value != 5 {
			t.Errorf("O.4.2.1/1 target %+v, want >= 5", tg)
		}
		if tg := target(snap, "O.3.3.1/1"); tg == nil || tg.Value != 200 {
			t.Errorf("O.3.3.1/1 target %+v", tg)
		}
		if len(snap.Areas) != 5 || snap.Areas[0] != 1 || snap.Areas[4] != 5 || len(snap.Units) != 12 ||
			strings.Join(snap.Roles, ",") != "sg,dir-ef,dir-prm" || len(snap.Objectives) != 51 || len(snap.Indicators) != 88 ||
			len(snap.Assignments) != 63 {
			t.Errorf("areas %v, %d units, roles %v, %d objectives, %d indicators, %d assignments", snap.Areas, len(snap.Units),
				snap.Roles, len(snap.Objectives), len(snap.Indicators), len(snap.Assignments))
		}
		for _, o := range snap.Objectives {
			if o.Code == "O.3.3.1" && (o.Kind != "operational" || o.Area != 3 || o.Parent != "3.3" || strings.Join(o.Owners, ",") != "dir-prm" || len(o.Units) != 1) {
				t.Errorf("O.3.3.1 %+v", o)
			}
		}
		for _, in := range snap.Indicators {
			if in.Key == "PO.2.1/1" && (in.Derived == nil || in.Derived.Function != "count_indicators_met" || len(in.Derived.Indicators) != 4) {
				t.Errorf("PO.2.1/1 %+v", in.Derived)
			}
			if in.Key == "O.3.3.1/6" && (in.Formula != "ratio" || in.Scale != 100 || in.Objective != "O.3.3.1") {
				t.Errorf("O.3.3.1/6 %+v", in)
			}
		}
		if a := snap.Assignments[0]; a.Role == "" || a.Objective == "" || a.Code == "" {
			t.Errorf("first assignment %+v", a)
		}
		// 2024 has no target for O.3.3.1/1
		snap, _, err = st.Snapshot(ctx, h, 2024, day("2024-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		if tg := target(snap, "O.3.3.1/1"); tg != nil {
			t.Errorf("2024 target of O.3.3.1/1 %+v", tg)
		}
	})
	t.Run("latest baselines with a value", func(t *testing.T) {
		bs, err := st.LatestBaselines(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(bs) != 72 {
			t.Errorf("%d indicators with a baseline value, want 72", len(bs))
		}
		for _, c := range []struct {
			key  string
			year int
			v    float64
		}{{"O.3.3.1/1", 2022, 183}, {"C.2.1/1", 2022, 155}, {"1.1/1", 2022, 0}} {
			b, ok := bs[c.key]
			if !ok || b.Year != c.year || b.Value == nil || *b.Value != c.v {
				t.Errorf("%s: %+v", c.key, b)
			}
		}
	})
}

func TestActuals(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	snap, _, err := st.Snapshot(ctx, h, 2023, day("2023-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	index := map[string]int{}
	for i, in := range snap.Indicators {
		index[in.Key] = i
	}
	mid24 := period(t, st, h, 2024, "midyear")
	enter(t, st, h, mid24, "O.3.3.1/1", 250, true, auth.User{Username: "dir.promozione", Role: auth.Dirigente})
	enter(t, st, h, mid24, "O.3.3.1/2", 40, false, auth.User{Username: "referente.promozione", Role: auth.Referente})
	actuals := func(t *testing.T, p model.Period, vis model.Visibility) store.PeriodActuals {
		t.Helper()
		a, err := st.Actuals(ctx, h.ID, p, snap.Indicators, vis)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Actuals) != 88 || len(a.Provenance) != 88 {
			t.Fatalf("not aligned with the snapshot: %d, %d", len(a.Actuals), len(a.Provenance))
		}
		return a
	}
	t.Run("a closed period, for the public", func(t *testing.T) {
		a := actuals(t, period(t, st, h, 2023, "final"), model.Public)
		if a.Count != 84 || !a.Demo {
			t.Errorf("count %d demo %v", a.Count, a.Demo)
		}
		x := a.Actuals[index["O.3.3.1/6"]]
		if x.State != scoring.Entered || x.B == 0 {
			t.Errorf("ratio %+v: want its inputs", x)
		}
		if p := a.Provenance[index["O.3.3.1/1"]]; !strings.Contains(p, "approvato") || !strings.HasSuffix(p, "dati dimostrativi") {
			t.Errorf("provenance %q", p)
		}
		if x := a.Actuals[index["PO.2.1/1"]]; x.State != scoring.Missing {
			t.Errorf("derived indicator %+v", x)
		}
		na := 0
		for i, x := range a.Actuals {
			if x.State == scoring.NotApplicable {
				na++
				if !strings.Contains(a.Provenance[i], "motivo: ") {
					t.Errorf("not applicable without its reason: %q", a.Provenance[i])
				}
			}
		}
		if na != 2 {
			t.Errorf("%d not applicable, want 2", na)
		}
	})
	t.Run("an open period shows nothing to the public", func(t *testing.T) {
		if a := actuals(t, mid24, model.Public); a.Count != 0 {
			t.Errorf("count %d", a.Count)
		}
	})
	t.Run("submitted values at in-year monitoring follow the plan's setting", func(t *testing.T) {
		if a := actuals(t, mid24, model.Approved); a.Count != 0 {
			t.Errorf("setting off: count %d", a.Count)
		}
		if err := st.SetShowSubmittedMidyear(ctx, h, true, "segretario"); err != nil {
			t.Fatal(err)
		}
		a := actuals(t, mid24, model.Approved)
		i := index["O.3.3.1/1"]
		if a.Count != 1 || a.Actuals[i].State != scoring.Entered || a.Actuals[i].Value != 250 || a.Demo ||
			!strings.Contains(a.Provenance[i], "inviato e non ancora approvato") {
			t.Errorf("count %d, %+v %q", a.Count, a.Actuals[i], a.Provenance[i])
		}
		if a.Actuals[index["O.3.3.1/2"]].State != scoring.Missing {
			t.Error("a draft is shown")
		}
		if a := actuals(t, mid24, model.Public); a.Count != 0 {
			t.Errorf("the public sees submitted values: %d", a.Count)
		}
		ev := lastAudit(t, st, "rules.show_submitted_midyear")
		if ev.Actor != "segretario" || !strings.Contains(ev.Detail, `"new": true`) {
			t.Errorf("audit %+v", ev)
		}
		if err := st.SetShowSubmittedMidyear(ctx, h, false, "segretario"); err != nil {
			t.Fatal(err)
		}
		if a := actuals(t, mid24, model.Approved); a.Count != 0 {
			t.Errorf("setting off again: count %d", a.Count)
		}
	})
	t.Run("never submitted values at year end", func(t *testing.T) {
		if err := st.SetShowSubmittedMidyear(ctx, h, true, "segretario"); err != nil {
			t.Fatal(err)
		}
		fin24 := period(t, st, h, 2024, "final")
		enter(t, st, h, fin24, "O.3.3.1/1", 300, true, auth.User{Username: "dir.promozione", Role: auth.Dirigente})
		if a := actuals(t, fin24, model.Approved); a.Count != 0 {
			t.Errorf("count %d", a.Count)
		}
	})
}
