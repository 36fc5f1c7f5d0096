package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

// testfixEnte is a second administration for tests that need one.
func testfixEnte(slug string) plan.Ente {
	return plan.Ente{Slug: slug, Name: "Ente di prova " + slug, ShortName: "Prova"}
}

func testEnti(t *testing.T, ref testfix.Ref) {
	st, ctx := ref.Store, context.Background()

	t.Run("the reference ente", func(t *testing.T) {
		e, err := st.Ente(ctx, testfix.Ente)
		if err != nil {
			t.Fatal(err)
		}
		if e.Slug != testfix.Ente || e.Name != ref.Doc.Ente.Name || e.ShortName != ref.Doc.Ente.ShortName {
			t.Errorf("ente %+v", e.Ente)
		}
		want := []plan.Role{{Key: "sg", Title: "Segretario Generale"}, {Key: "dir-ef", Title: "Dirigente Area Economico-Finanziaria"},
			{Key: "dir-prm", Title: "Dirigente Area Promozione e Regolazione del Mercato"}}
		if len(e.Positions) != len(want) {
			t.Fatalf("positions %+v", e.Positions)
		}
		for i, p := range e.Positions {
			if p.Key != want[i].Key || p.Title != want[i].Title {
				t.Errorf("position %d: %+v, want %+v", i, p, want[i])
			}
		}
		if len(e.Plans) != 1 || e.Plans[0].Slug != testfix.Plan || e.Plans[0].Objectives != 51 || e.Plans[0].Measures != 88 {
			t.Errorf("plans %+v", e.Plans)
		}
	})
	t.Run("unknown slug", func(t *testing.T) {
		if _, err := st.Ente(ctx, "nessuno"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("err %v, want ErrNotFound", err)
		}
	})
	t.Run("create, trimmed and audited", func(t *testing.T) {
		if err := st.CreateEnte(ctx, plan.Ente{Slug: "cciaa-nuova", Name: "  CCIAA Nuova ", ShortName: " Nuova "}, "admin"); err != nil {
			t.Fatal(err)
		}
		e, err := st.Ente(ctx, "cciaa-nuova")
		if err != nil {
			t.Fatal(err)
		}
		if e.Name != "CCIAA Nuova" || e.ShortName != "Nuova" || len(e.Positions) != 0 || len(e.Plans) != 0 {
			t.Errorf("created %+v", e)
		}
		ev := auditRows(t, st, store.AuditFilter{Action: "ente.create", Object: "cciaa-nuova"})
		if len(ev) != 1 || ev[0].Actor != "admin" || ev[0].ObjectType != "ente" || ev[0].ObjectKey != "cciaa-nuova" {
			t.Errorf("audit %+v", ev)
		}
	})
	t.Run("taken slug", func(t *testing.T) {
		before := len(auditRows(t, st, store.AuditFilter{Action: "ente.create"}))
		err := st.CreateEnte(ctx, plan.Ente{Slug: testfix.Ente, Name: "Doppione"}, "admin")
		if !errors.Is(err, store.ErrEnteExists) {
			t.Fatalf("err %v, want ErrEnteExists", err)
		}
		if after := len(auditRows(t, st, store.AuditFilter{Action: "ente.create"})); after != before {
			t.Errorf("a refused creation left an audit event: %d -> %d", before, after)
		}
	})
	t.Run("empty plan", func(t *testing.T) {
		e := plan.Ente{Slug: "cciaa-vuota", Name: "CCIAA Vuota"}
		if err := st.CreateEnte(ctx, e, "admin"); err != nil {
			t.Fatal(err)
		}
		info := plan.Info{Slug: "piao-2026-2028", Title: "PIAO 2026-2028", StartYear: 2026, EndYear: 2028}
		if err := st.CreateEmptyPlan(ctx, e, info, "admin"); err != nil {
			t.Fatal(err)
		}
		h, err := st.PlanHeader(ctx, "cciaa-vuota", "piao-2026-2028")
		if err != nil {
			t.Fatal(err)
		}
		if h.RevisionSeq != 1 || h.RevisionLabel != "Prima versione (in preparazione)" || h.SourceTitle != "Redatto nell'applicazione" ||
			h.StartYear != 2026 || h.EndYear != 2028 {
			t.Errorf("header %+v", h)
		}
		got, err := st.Ente(ctx, "cciaa-vuota")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Plans) != 1 || got.Plans[0].Objectives != 0 || got.Plans[0].Measures != 0 {
			t.Errorf("plans %+v", got.Plans)
		}
		ev := auditRows(t, st, store.AuditFilter{Action: "plan.load", Object: "cciaa-vuota/piao-2026-2028"})
		if len(ev) != 1 || ev[0].Actor != "admin" {
			t.Errorf("audit %+v", ev)
		}
		if err := st.CreateEmptyPlan(ctx, e, info, "admin"); !errors.Is(err, store.ErrPlanExists) {
			t.Errorf("second creation: %v, want ErrPlanExists", err)
		}
	})
}
