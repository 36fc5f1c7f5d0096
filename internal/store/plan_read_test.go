package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

func testPlanRead(t *testing.T, ref testfix.Ref) {
	st, h, ctx := ref.Store, ref.Plan, context.Background()

	t.Run("list enti", func(t *testing.T) {
		if err := st.CreateEnte(ctx, testfixEnte("aaa-senza-piani"), "admin"); err != nil {
			t.Fatal(err)
		}
		es, err := st.ListEnti(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// an ente without plans is not listed
		if len(es) != 1 || es[0].Slug != testfix.Ente || es[0].Name != ref.Doc.Ente.Name || len(es[0].Plans) != 1 {
			t.Fatalf("%+v", es)
		}
		p := es[0].Plans[0]
		if p.Slug != testfix.Plan || p.StartYear != 2023 || p.EndYear != 2025 || p.Revision != "Aggiornamento obiettivi (ottobre 2023)" ||
			p.Objectives != 51 || p.Measures != 88 {
			t.Errorf("%+v", p)
		}
	})
	t.Run("plan header", func(t *testing.T) {
		if h.EnteSlug != testfix.Ente || h.Slug != testfix.Plan || h.StartYear != 2023 || h.EndYear != 2025 || h.RevisionSeq != 2 ||
			h.RevisionLabel != "Aggiornamento obiettivi (ottobre 2023)" || h.Title != ref.Doc.Plan.Title || h.SourceTitle != ref.Doc.SourceTitle {
			t.Errorf("%+v", h)
		}
		for _, c := range [][2]string{{testfix.Ente, "piao-1999"}, {"nessuno", testfix.Plan}, {testfix.Plan, testfix.Ente}} {
			if _, err := st.PlanHeader(ctx, c[0], c[1]); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s/%s: %v", c[0], c[1], err)
			}
		}
	})
	t.Run("plan tree", func(t *testing.T) {
		tr, err := st.PlanTree(ctx, testfix.Ente, testfix.Plan)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Plan.ID != h.ID || len(tr.Areas) != 5 || len(tr.Objectives) != 51 || tr.Notes != 86 {
			t.Fatalf("%d areas, %d objectives, %d notes", len(tr.Areas), len(tr.Objectives), tr.Notes)
		}
		if tr.Areas[0].Number != 1 || tr.Areas[0].Title != "Rafforzare lo stato di salute del sistema" || tr.Areas[4].Number != 5 {
			t.Errorf("areas %+v", tr.Areas)
		}
		first, last := tr.Objectives[0], tr.Objectives[50]
		if first.Code != "1.1" || first.Kind != "strategic" || first.Area != 1 || first.Indicators != 2 || first.ParentCode != "" {
			t.Errorf("first %+v", first)
		}
		if last.Code != "PO.4.1" || last.Kind != "organisational" || last.Indicators != 1 {
			t.Errorf("last %+v", last)
		}
		want := []struct {
			key        string
			rpct       bool
			individual int
		}{{"sg", false, 19}, {"dir-ef", false, 21}, {"dir-prm", true, 23}}
		if len(tr.Roles) != 3 {
			t.Fatalf("roles %+v", tr.Roles)
		}
		for i, w := range want {
			if r := tr.Roles[i]; r.Key != w.key || r.RPCT != w.rpct || r.Individual != w.individual {
				t.Errorf("role %d: %+v", i, r)
			}
		}
		if _, err := st.PlanTree(ctx, testfix.Ente, "piao-1999"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown plan: %v", err)
		}
	})
	t.Run("an operational objective", func(t *testing.T) {
		d, err := st.Objective(ctx, testfix.Ente, testfix.Plan, "O.3.3.1")
		if err != nil {
			t.Fatal(err)
		}
		if d.Row.Code != "O.3.3.1" || d.Row.Kind != "operational" || d.Row.Area != 3 || d.Row.ParentCode != "3.3" || d.Row.Indicators != 9 ||
			d.AreaTitle != "Semplicità ed innovazione: la PA al servizio dell'economia" || d.ParentTitle == "" {
			t.Errorf("row %+v area %q parent %q", d.Row, d.AreaTitle, d.ParentTitle)
		}
		if len(d.Owners) != 1 || d.Owners[0].Key != "dir-prm" || !d.Owners[0].RPCT {
			t.Errorf("owners %+v", d.Owners)
		}
		if len(d.Units) != 1 || d.Units[0] != "Servizio Regolazione del Mercato e Tutela del Consumatore" {
			t.Errorf("units %v", d.Units)
		}
		if len(d.Individual) != 1 || d.Individual[0].RoleKey != "dir-prm" || d.Individual[0].CodeText != "003" {
			t.Errorf("individual %+v", d.Individual)
		}
		if len(d.Children) != 0 || len(d.Indicators) != 9 || len(d.Notes) != 5 {
			t.Errorf("%d children, %d indicators, %d notes", len(d.Children), len(d.Indicators), len(d.Notes))
		}
		in := d.Indicators[0]
		if in.Key != "O.3.3.1/1" || len(in.Baselines) != 1 || in.Baselines[0].Year != 2022 || in.Baselines[0].Value == nil ||
			*in.Baselines[0].Value != 183 || len(in.Targets) != 1 || in.Targets[0].Year != 2023 || *in.Targets[0].Value != 200 {
			t.Errorf("first indicator %+v", in)
		}
		ratio := d.Indicators[5]
		if ratio.Key != "O.3.3.1/6" || ratio.Formula != "ratio" || ratio.Scale == nil || *ratio.Scale != 100 || len(ratio.Inputs) != 2 ||
			ratio.Inputs[0].Key != "numerator" {
			t.Errorf("ratio %+v", ratio)
		}
	})
	t.Run("a strategic objective and its children", func(t *testing.T) {
		d, err := st.Objective(ctx, testfix.Ente, testfix.Plan, "3.3")
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Children) != 1 || d.Children[0].Code != "O.3.3.1" || d.ParentTitle != "" || len(d.Owners) != 0 {
			t.Errorf("children %+v owners %+v", d.Children, d.Owners)
		}
		d, err = st.Objective(ctx, testfix.Ente, testfix.Plan, "1.1")
		if err != nil || len(d.Children) != 11 {
			t.Errorf("1.1: %d children, %v", len(d.Children), err)
		}
	})
	t.Run("the target in force comes from the latest revision", func(t *testing.T) {
		d, err := st.Objective(ctx, testfix.Ente, testfix.Plan, "O.4.2.1")
		if err != nil {
			t.Fatal(err)
		}
		tg := d.Indicators[0].Targets
		if len(tg) == 0 || tg[0].Year != 2023 || *tg[0].Value != 5 || tg[0].Revision != "Aggiornamento obiettivi (ottobre 2023)" {
			t.Errorf("targets %+v", tg)
		}
	})
	for _, c := range [][3]string{{testfix.Ente, testfix.Plan, "9.9"}, {testfix.Ente, "piao-1999", "1.1"}, {"nessuno", testfix.Plan, "1.1"}} {
		t.Run("objective not found "+strings.Join(c[:], " "), func(t *testing.T) {
			if _, err := st.Objective(ctx, c[0], c[1], c[2]); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("err %v", err)
			}
		})
	}
	t.Run("notes", func(t *testing.T) {
		nh, ns, err := st.Notes(ctx, testfix.Ente, testfix.Plan)
		if err != nil {
			t.Fatal(err)
		}
		if nh.ID != h.ID || len(ns) != 86 {
			t.Fatalf("%d notes", len(ns))
		}
		kinds := map[string]int{}
		for _, n := range ns {
			kinds[n.Kind]++
		}
		if kinds["typo"] != 20 || kinds["ambiguous"] != 20 || kinds["bare_number_target"] != 13 || kinds["wrong_parent"] != 1 {
			t.Errorf("kinds %v", kinds)
		}
		if n := ns[1]; n.Kind != "text_baseline" || n.IndicatorKey != "1.1/1" || n.ObjectiveCode != "1.1" || n.SourceLine != 27 {
			t.Errorf("second note %+v", n)
		}
		if _, _, err := st.Notes(ctx, "nessuno", testfix.Plan); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown ente: %v", err)
		}
	})
	t.Run("indicator detail", func(t *testing.T) {
		for _, c := range []struct {
			key, objective, formula, derived, refs string
		}{
			{"O.3.3.1/6", "O.3.3.1", "ratio", "", ""},
			{"PO.2.1/1", "PO.2.1", "derived", "count_indicators_met", "PO.2.1/2,PO.2.1/3,PO.2.1/4,PO.2.1/5"},
			{"PO.1.1/1", "PO.1.1", "derived", "avg_objectives", ""},
		} {
			in, o, err := st.IndicatorDetail(ctx, h, c.key)
			if err != nil {
				t.Fatal(err)
			}
			if in.Key != c.key || o.Code != c.objective || string(in.Formula) != c.formula || in.Derived != c.derived ||
				strings.Join(in.Refs, ",") != c.refs {
				t.Errorf("%s: %+v of %s", c.key, in, o.Code)
			}
		}
		in, _, err := st.IndicatorDetail(ctx, h, "PO.1.1/1")
		if err != nil || strings.Join(in.Kinds, ",") != "operational,transversal,extraordinary" {
			t.Errorf("kinds %v %v", in.Kinds, err)
		}
		if _, _, err := st.IndicatorDetail(ctx, h, "X/1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown key: %v", err)
		}
	})
}
