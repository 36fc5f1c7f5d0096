package seed_test

import (
	"testing"

	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/seed"
)

// TestTranscriptionCounts checks the transcribed plan against counts taken by
// hand from docs/reference/piao-2023-2025-cciaa-gran-sasso.txt; each comment names where.
func TestTranscriptionCounts(t *testing.T) {
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	objectives := map[string]int{}
	indicators := map[string]int{}
	for _, o := range doc.Objectives {
		objectives[o.Kind]++
		indicators[o.Kind] += len(o.Indicators)
	}
	check := func(what string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s: got %d, want %d", what, got, want)
		}
	}
	// "AMBITO STRATEGICO 1" … "AMBITO STRATEGICO 5" in section 4.3 (lines 17, 49, 122, 181, 207).
	check("areas", len(doc.Areas), 5)
	// Section 4.3.1, "Obiettivo strategico" 1.1, 2.1, 2.2, 2.3, 3.1, 3.2, 3.3, 4.1, 4.2, 5.1, 5.2 (lines 21–231):
	// two KPIs in 1.1 and 3.3, one in each of the others.
	check("strategic objectives", objectives[plan.KindStrategic], 11)
	check("strategic KPIs", indicators[plan.KindStrategic], 13)
	// Section 4.3.1, "Obiettivo Comuni" 1.1, 2.1, 2.3, 3.2 (lines 34, 67, 108, 154), four KPIs each.
	check("common objectives", objectives[plan.KindCommon], 4)
	check("common KPIs", indicators[plan.KindCommon], 16)
	// Section 4.3.2, the labels O.1.1.1 … O.1.1.10, 0.2.1.1, 0.2.2.1, 0.2.3.1, O 3.1.1, O 3.2.1, O 3.3.1,
	// 0.4.1.1, 0 4.2.1, O 5.1.1, O 5.1.2, O 5.2.1 (lines 237–752); KPI rows: 11 in ambito 1 (two in O.1.1.3),
	// 5 in ambito 2 (three in 0.2.1.1), 11 in ambito 3 (nine in O 3.3.1), 3 in ambito 4, 5 in ambito 5.
	check("operational objectives", objectives[plan.KindOperational], 21)
	check("operational KPIs", indicators[plan.KindOperational], 35)
	// Section 4.3.2, "Obiettivo trasversale Segretario Generale e Dirigenti" (line 400) to line 501: OO1 CUG (1 KPI),
	// lavoro agile (2), 001 PTPCT (1), 002 RPCT formazione (2), OO3 RPCT trasparenza (3), OO4 Dirigenti trasparenza (2).
	check("transversal objectives", objectives[plan.KindTransversal], 6)
	check("transversal KPIs", indicators[plan.KindTransversal], 11)
	// Section 4.3.2, OT_1, OT_2, OT_3 (lines 504, 518, 534), one KPI each.
	check("extraordinary objectives", objectives[plan.KindExtraordinary], 3)
	check("extraordinary KPIs", indicators[plan.KindExtraordinary], 3)
	// Section 4.3.2, "Obiettivi operativi di performance organizzativa" (line 755): three on the state of the
	// strategy, stato di salute (its KPI plus the four "Dettaglio indicatori" of lines 812–818), qualità dei
	// servizi, benchmarking.
	check("organisational objectives", objectives[plan.KindOrganisational], 6)
	check("organisational KPIs", indicators[plan.KindOrganisational], 10)

	roles := map[string]int{}
	for _, iv := range doc.Individual {
		roles[iv.Role]++
	}
	// Section 4.3.4, "Obiettivi Segretario Generale" (lines 855–984): SG1–SG6, SG_OT_1–3, lavoro agile,
	// OT1–OT3, organisational 001–006.
	check("individual objectives of the Segretario Generale", roles["sg"], 19)
	// "Obiettivi Dirigente Area Economico – Finanziaria" (lines 985–1130): 001–008, OT_1–OT_3, lavoro agile,
	// OT1–OT3, organisational 001–006.
	check("individual objectives of the Dirigente Area Economico-Finanziaria", roles["dir-ef"], 21)
	// "Obiettivi Dirigente Area Promozione economica e Regolazione del Mercato" (lines 1131–end): 001–010,
	// RPCT 001–002, OT_1–OT_2, lavoro agile, OT1–OT2, organisational 001–006.
	check("individual objectives of the Dirigente Area Promozione (RPCT)", roles["dir-prm"], 23)
}

// TestIndividualObjectivesReuseIndicators: one measurement must feed both the
// plan objective and every individual objective that repeats it, so individual
// objectives point at plan indicators and never define their own.
func TestIndividualObjectivesReuseIndicators(t *testing.T) {
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	owner := map[string]string{}
	for _, o := range doc.Objectives {
		for _, in := range o.Indicators {
			owner[in.Key] = o.Code
		}
	}
	for _, iv := range doc.Individual {
		if len(iv.Indicators) == 0 {
			t.Errorf("%s %s has no indicators", iv.Role, iv.Code)
		}
		for _, ii := range iv.Indicators {
			if owner[ii.Indicator] != iv.Objective {
				t.Errorf("%s %s: indicator %s does not belong to %s", iv.Role, iv.Code, ii.Indicator, iv.Objective)
			}
		}
	}
}

// TestQuirksAreRecorded: the source's known problems are kept and flagged.
func TestQuirksAreRecorded(t *testing.T) {
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, n := range doc.Notes {
		kinds[n.Kind]++
	}
	for _, k := range []string{"repeated_code", "wrong_parent", "inverted_formula", "repeated_year_header", "text_baseline", "bare_number_target"} {
		if kinds[k] == 0 {
			t.Errorf("no data-quality note of kind %s", k)
		}
	}
	var wrongParent *plan.Objective
	for i, o := range doc.Objectives {
		if o.Code == "O.2.1.1" {
			wrongParent = &doc.Objectives[i]
		}
	}
	if wrongParent == nil || wrongParent.Parent != "2.1" || wrongParent.ParentText != "Obiettivo strategico 2.2" {
		t.Errorf("O.2.1.1 should hang under 2.1 and keep the published 'Obiettivo strategico 2.2': %+v", wrongParent)
	}
}

func TestValidateRejectsBrokenDocuments(t *testing.T) {
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(d *plan.Document){
		"duplicate objective code": func(d *plan.Document) { d.Objectives[1].Code = d.Objectives[0].Code },
		"operational without parent": func(d *plan.Document) {
			for i := range d.Objectives {
				if d.Objectives[i].Kind == plan.KindOperational {
					d.Objectives[i].Parent = ""
					return
				}
			}
		},
		"target year outside plan": func(d *plan.Document) { d.Objectives[0].Indicators[0].Targets[0].Year = 2030 },
		"unknown owner":            func(d *plan.Document) { d.Objectives[20].Owners = []string{"nobody"} },
		"derived cycle": func(d *plan.Document) {
			for i := range d.Objectives {
				for j := range d.Objectives[i].Indicators {
					in := &d.Objectives[i].Indicators[j]
					if in.Derived != nil && in.Derived.Function == "count_indicators_met" {
						// make a component count the derived indicator back
						ref := in.Derived.Indicators[0]
						for k := range d.Objectives[i].Indicators {
							c := &d.Objectives[i].Indicators[k]
							if c.Key == ref {
								c.Formula, c.Inputs = plan.FormulaDerived, nil
								c.Derived = &plan.Derived{Function: "count_indicators_met", Indicators: []string{in.Key}}
							}
						}
						return
					}
				}
			}
		},
		"individual indicator of another objective": func(d *plan.Document) { d.Individual[0].Indicators[0].Indicator = "1.1/1" },
	}
	for name, breakIt := range cases {
		t.Run(name, func(t *testing.T) {
			d, err := seed.Reference()
			if err != nil {
				t.Fatal(err)
			}
			breakIt(d)
			if err := plan.Validate(d); err == nil {
				t.Fatal("want a validation error")
			} else {
				t.Log(err)
			}
		})
	}
	if err := plan.Validate(doc); err != nil {
		t.Fatalf("the reference plan must validate: %v", err)
	}
}
