package planedit

import (
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/seed"
)

func ref(t *testing.T) *plan.Document {
	t.Helper()
	d, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func indicator(d *plan.Document, key string) *plan.Indicator {
	for i := range d.Objectives {
		for j := range d.Objectives[i].Indicators {
			if d.Objectives[i].Indicators[j].Key == key {
				return &d.Objectives[i].Indicators[j]
			}
		}
	}
	return nil
}

func TestSetIndicatorTargets(t *testing.T) {
	d := ref(t)
	in := *indicator(d, "O.4.2.1/1")
	f := IndicatorFormOf(d, in)
	if len(f.Targets) != 3 || f.Targets[0].Operator != ">=" || f.Targets[0].Value != "5" {
		t.Fatalf("form targets %+v", f.Targets)
	}
	f.Targets[0].Value = "6"
	f.Targets[1] = TargetForm{Year: 2024, Operator: ">=", Value: "7,5"}
	key, errs := SetIndicator(d, "O.4.2.1", "O.4.2.1/1", f)
	if len(errs) > 0 || key != "O.4.2.1/1" {
		t.Fatalf("errors %v", errs)
	}
	got := indicator(d, "O.4.2.1/1").Targets
	if len(got) != 2 || *got[0].Value != 6 || got[0].Text != ">= 6" || *got[1].Value != 7.5 || got[1].Text != ">= 7,5" {
		t.Errorf("targets %+v %+v", got[0], got[1])
	}
	// unchanged targets keep their published text
	in = *indicator(d, "3.3/1")
	f = IndicatorFormOf(d, in)
	if _, errs := SetIndicator(d, "3.3", "3.3/1", f); len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := indicator(d, "3.3/1").Targets[0].Text; got != ">= 200" {
		t.Errorf("published text changed to %q", got)
	}
}

func TestValidationMessagesKeepTheDocument(t *testing.T) {
	d := ref(t)
	before := len(d.Objectives)
	in := *indicator(d, "O.4.2.1/1")
	cases := []struct {
		edit  func(*IndicatorForm)
		field string
		msg   string
	}{
		{func(f *IndicatorForm) { f.Targets[0].Value = "dieci" }, "target-2023", "Target 2023"},
		{func(f *IndicatorForm) {
			f.Targets = append(f.Targets, TargetForm{Year: 2031, Operator: ">=", Value: "1"})
		}, "target-2031", "fuori dagli anni"},
		{func(f *IndicatorForm) { f.Weight = "-2" }, "peso", "positivo"},
		{func(f *IndicatorForm) { f.Name = "  " }, "nome", "obbligatorio"},
		{func(f *IndicatorForm) { f.Unit = "litri" }, "unita-misura", "unità di misura"},
		{func(f *IndicatorForm) { f.Formula = string(plan.FormulaRatio); f.Scale = "0" }, "scala", "positivo"},
		{func(f *IndicatorForm) { f.Baselines = []BaselineForm{{Year: "2022", Value: "x"}} }, "baseline-0", "Baseline 2022"},
		{func(f *IndicatorForm) { f.Targets[0] = TargetForm{Year: 2023, Operator: "yes", Value: "forse"} }, "target-2023", "SI oppure NO"},
	}
	for _, c := range cases {
		f := IndicatorFormOf(d, in)
		c.edit(&f)
		_, errs := SetIndicator(d, "O.4.2.1", "O.4.2.1/1", f)
		if !strings.Contains(errs[c.field], c.msg) {
			t.Errorf("%s: %v", c.field, errs)
		}
		if *indicator(d, "O.4.2.1/1").Targets[0].Value != 5 {
			t.Fatalf("%s: the document changed", c.field)
		}
	}
	// objectives: duplicate code, missing parent, unknown area, renaming a code
	dup := FormOf(d.Objectives[len(d.Objectives)-1])
	if errs := SetObjective(d, "", dup); !strings.Contains(errs["codice"], "Esiste già") {
		t.Errorf("duplicate: %v", errs)
	}
	nf := ObjectiveForm{Code: "O.9.9", Kind: plan.KindOperational, Area: "4", Title: "Nuovo"}
	if errs := SetObjective(d, "", nf); !strings.Contains(errs["padre"], "strategico") {
		t.Errorf("no parent: %v", errs)
	}
	nf.Parent, nf.Area = "4.2", "9"
	if errs := SetObjective(d, "", nf); !strings.Contains(errs["ambito"], "ambito") {
		t.Errorf("unknown area: %v", errs)
	}
	nf.Area = "4"
	if errs := SetObjective(d, "", nf); len(errs) > 0 {
		t.Fatalf("valid objective: %v", errs)
	}
	f := FormOf(d.Objectives[0])
	f.Code = "X.1"
	if errs := SetObjective(d, d.Objectives[0].Code, f); !strings.Contains(errs["codice"], "non si cambia") {
		t.Errorf("rename: %v", errs)
	}
	if len(d.Objectives) != before+1 {
		t.Errorf("objectives %d, want %d", len(d.Objectives), before+1)
	}
	// a new indicator gets the next key; then it is removed with its notes
	key, errs := SetIndicator(d, "O.9.9", "", IndicatorForm{Name: "Iniziative", Unit: plan.UnitCount, Polarity: plan.PolarityHigher,
		Formula: string(plan.FormulaRatio), InputLabels: []string{"Fatte", "Previste"}, Targets: []TargetForm{{Year: 2024, Operator: ">=", Value: "80"}}})
	if len(errs) > 0 || key != "O.9.9/1" {
		t.Fatalf("new indicator %q: %v", key, errs)
	}
	if in := indicator(d, key); in.Scale != 100 || len(in.Inputs) != 2 || in.Inputs[1].Key != "denominator" || in.Inputs[1].Label != "Previste" {
		t.Errorf("new ratio indicator %+v", in)
	}
	if errs := RemoveIndicator(d, key); len(errs) > 0 {
		t.Fatal(errs)
	}
	if errs := RemoveObjective(d, "4.2"); !strings.Contains(errs[""], "discende") {
		t.Errorf("removing a parent: %v", errs)
	}
	if errs := RemoveObjective(d, "O.9.9"); len(errs) > 0 || len(d.Objectives) != before {
		t.Errorf("remove: %v", errs)
	}
	// a stato-di-salute component counted by a derived indicator cannot go
	for _, o := range d.Objectives {
		for _, in := range o.Indicators {
			if in.Derived != nil && len(in.Derived.Indicators) > 0 {
				if errs := RemoveIndicator(d, in.Derived.Indicators[0]); !strings.Contains(errs[""], "derivato") {
					t.Errorf("removing a counted indicator: %v", errs)
				}
				return
			}
		}
	}
	t.Fatal("no derived indicator counting indicators in the reference plan")
}

func TestIndividualAndAreas(t *testing.T) {
	d := ref(t)
	n := len(d.Individual)
	if errs := AddIndividual(d, "dir-prm", IndividualForm{Code: "X1", Title: "Mediazioni", Objective: "O.3.3.1", Weight: "2"}); len(errs) > 0 {
		t.Fatal(errs)
	}
	last := d.Individual[len(d.Individual)-1]
	if len(d.Individual) != n+1 || len(last.Indicators) != 9 || *last.Weight != 2 {
		t.Errorf("individual %+v", last)
	}
	if errs := AddIndividual(d, "dir-prm", IndividualForm{Code: "X1", Title: "Ancora", Objective: "O.3.3.1"}); errs["codice"] == "" {
		t.Error("duplicate individual code accepted")
	}
	if errs := RemoveIndividual(d, "dir-prm", "X1"); len(errs) > 0 || len(d.Individual) != n {
		t.Errorf("remove individual: %v", errs)
	}
	if errs := SetArea(d, 6, "Nuovo ambito"); len(errs) > 0 || len(d.Areas) != 6 {
		t.Errorf("add area: %v", errs)
	}
	if errs := RemoveArea(d, 1); !strings.Contains(errs[""], "ha obiettivi") {
		t.Errorf("remove used area: %v", errs)
	}
	if errs := RemoveArea(d, 6); len(errs) > 0 || len(d.Areas) != 5 {
		t.Errorf("remove area: %v", errs)
	}
}
