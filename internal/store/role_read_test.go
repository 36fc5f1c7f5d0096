package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

func testRole(t *testing.T, ref testfix.Ref) {
	st, ctx := ref.Store, context.Background()
	cases := []struct {
		key, title, unit   string
		rpct               bool
		objectives, indics int
	}{
		{"sg", "Segretario Generale", "", false, 19, -1},
		{"dir-ef", "Dirigente Area Economico-Finanziaria", "", false, 21, -1},
		{"dir-prm", "Dirigente Area Promozione e Regolazione del Mercato", "Area Promozione e Regolazione del Mercato", true, 23, 40},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			d, err := st.Role(ctx, testfix.Ente, testfix.Plan, c.key)
			if err != nil {
				t.Fatal(err)
			}
			if d.Role.Key != c.key || d.Role.Title != c.title || d.Role.RPCT != c.rpct || d.Plan.ID != ref.Plan.ID {
				t.Errorf("role %+v of plan %d", d.Role, d.Plan.ID)
			}
			if c.unit != "" && d.UnitName != c.unit {
				t.Errorf("unit %q, want %q", d.UnitName, c.unit)
			}
			if len(d.Objectives) != c.objectives {
				t.Errorf("%d individual objectives, want %d", len(d.Objectives), c.objectives)
			}
			n := 0
			for _, o := range d.Objectives {
				if len(o.Indicators) == 0 {
					t.Errorf("objective %s without indicators", o.CodeText)
				}
				n += len(o.Indicators)
			}
			if c.indics >= 0 && n != c.indics {
				t.Errorf("%d individual indicators, want %d", n, c.indics)
			}
		})
	}
	t.Run("dir-prm scorecard in order, with the targets in force for 2023", func(t *testing.T) {
		d, err := st.Role(ctx, testfix.Ente, testfix.Plan, "dir-prm")
		if err != nil {
			t.Fatal(err)
		}
		first := d.Objectives[0]
		if first.CodeText != "001" || first.ObjectiveCode != "O.2.2.1" || first.ObjectiveKind != "operational" ||
			first.Title != "Rafforzamento strutturale: favorire l'accesso al credito delle pmi, la costituzione di reti di impresa, il passaggio generazionale" {
			t.Errorf("first objective %+v", first)
		}
		ind := first.Indicators[0]
		if ind.Key != "O.2.2.1/1" || ind.Name != "Numero di iniziative realizzate" || ind.TargetText != "≥ 3" || ind.Unit != "count" {
			t.Errorf("first indicator %+v", ind)
		}
		if ind.Target == nil || ind.Target.Year != 2023 || ind.Target.Operator != ">=" || ind.Target.Value == nil || *ind.Target.Value != 3 ||
			ind.Target.Revision != "Versione originale (gennaio 2023)" {
			t.Errorf("target in force %+v", ind.Target)
		}
		third := d.Objectives[2]
		if third.CodeText != "003" || third.ObjectiveCode != "O.3.3.1" || len(third.Indicators) != 9 ||
			third.Indicators[0].Key != "O.3.3.1/1" || third.Indicators[1].Key != "O.3.3.1/2" {
			t.Errorf("third objective %s %s with %d indicators", third.CodeText, third.ObjectiveCode, len(third.Indicators))
		}
		// O.4.2.1/1's 2023 target was raised from 1 to 5 by the October 2023 revision.
		for _, o := range d.Objectives {
			for _, i := range o.Indicators {
				if i.Key == "O.4.2.1/1" {
					if i.Target == nil || *i.Target.Value != 5 || i.Target.Revision != "Aggiornamento obiettivi (ottobre 2023)" {
						t.Errorf("O.4.2.1/1 target %+v", i.Target)
					}
					return
				}
			}
		}
		t.Error("O.4.2.1/1 not on the dir-prm scorecard")
	})
	for _, c := range []struct{ name, ente, plan, key string }{
		{"unknown role", testfix.Ente, testfix.Plan, "dir-x"},
		{"unknown plan", testfix.Ente, "piao-1999", "sg"},
		{"unknown ente", "nessuno", testfix.Plan, "sg"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := st.Role(ctx, c.ente, c.plan, c.key); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("err %v, want ErrNotFound", err)
			}
		})
	}
}
