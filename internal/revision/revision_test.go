package revision

import (
	"strconv"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
)

func f(v float64) *float64 { return &v }

func sample() Content {
	return Content{Objectives: []Objective{
		{Code: "1.1", Kind: plan.KindStrategic, Title: "Strategico", Description: "Testo nuovo. Frase aggiunta.",
			Indicators: []Indicator{{Key: "1.1/1", Name: "Mediazioni", Targets: []Target{{Year: 2023, Operator: ">=", Value: f(200), Text: ">= 200"}, {Year: 2024, Operator: ">=", Value: f(140), Text: ">= 140"}}}}},
		{Code: "O.1", Kind: plan.KindOperational, Title: "Operativo",
			Indicators: []Indicator{{Key: "O.1/1", Name: "Iniziative", Targets: []Target{{Year: 2023, Operator: ">=", Value: f(5), Text: ">=5"}}}}},
	}}
}

func TestBeforeReversesTheStatedChanges(t *testing.T) {
	now := sample()
	changes := []plan.Change{
		{Objective: "O.1", Indicator: "O.1/1", Field: plan.FieldTarget, Year: 2023, BeforeTarget: &plan.Target{Year: 2023, Operator: ">=", Value: f(1), Text: ">=1"}, Reason: "innalzato"},
		{Objective: "1.1", Indicator: "1.1/1", Field: plan.FieldTarget, Year: 2023, Unknown: true, Reason: "variato"},
		{Objective: "1.1", Field: plan.FieldDescription, Before: "Testo nuovo.", Reason: "frase aggiunta"},
	}
	old, err := Before(now, changes)
	if err != nil {
		t.Fatal(err)
	}
	if got := old.Objectives[1].Indicators[0].Targets[0]; got.Text != ">=1" || *got.Value != 1 || got.Unknown {
		t.Errorf("O.1/1 2023 before: %+v", got)
	}
	if got := old.Objectives[0].Indicators[0].Targets[0]; !got.Unknown || got.Value != nil {
		t.Errorf("1.1/1 2023 before should be unknown: %+v", got)
	}
	if got := old.Objectives[0].Indicators[0].Targets[1]; got.Text != ">= 140" {
		t.Errorf("an unchanged target moved: %+v", got)
	}
	if old.Objectives[0].Description != "Testo nuovo." {
		t.Errorf("description before: %q", old.Objectives[0].Description)
	}
	// the content it started from is untouched
	if now.Objectives[1].Indicators[0].Targets[0].Text != ">=5" || now.Objectives[0].Description != "Testo nuovo. Frase aggiunta." {
		t.Error("Before changed its input")
	}

	diff := Diff(old, now, []Step{{Label: "Aggiornamento", Reason: "motivo generale", Changes: changes}})
	want := []string{
		"description|1.1||0|Testo nuovo.|Testo nuovo. Frase aggiunta.|false|frase aggiunta",
		"target|1.1|1.1/1|2023||>= 200|true|variato",
		"target|O.1|O.1/1|2023|>=1|>=5|false|innalzato",
	}
	var got []string
	for _, d := range diff {
		got = append(got, strings.Join([]string{d.Kind, d.Objective, d.Indicator, strconv.Itoa(d.Year), d.Old, d.New, strconv.FormatBool(d.OldUnknown), d.Reason}, "|"))
		if d.Revision != "Aggiornamento" {
			t.Errorf("%s: revision %q", d.Objective, d.Revision)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if diff[1].OldText() != Unknown {
		t.Errorf("unknown old value reads %q", diff[1].OldText())
	}
}

func TestDiffFindsAddedRemovedAndRenamed(t *testing.T) {
	a := sample()
	b := sample()
	b.Objectives = b.Objectives[:1]                                             // O.1 removed
	b.Objectives = append(b.Objectives, Objective{Code: "O.2", Title: "Nuovo"}) // O.2 added
	b.Objectives[0].Title = "Strategico rinominato"
	b.Objectives[0].Indicators[0].Name = "Mediazioni avviate"
	b.Objectives[0].Indicators[0].Targets = b.Objectives[0].Indicators[0].Targets[:1] // 2024 removed
	b.Objectives[0].Indicators = append(b.Objectives[0].Indicators, Indicator{Key: "1.1/2", Name: "Nuovo KPI"})
	kinds := map[string]int{}
	for _, d := range Diff(a, b, nil) {
		kinds[d.Kind]++
		if d.Reason != "" {
			t.Errorf("%s: a reason without stated changes: %q", d.Kind, d.Reason)
		}
	}
	for _, k := range []string{ObjectiveAdded, ObjectiveRemoved, TitleChanged, NameChanged, TargetRemoved, IndicatorAdded} {
		if kinds[k] != 1 {
			t.Errorf("%s: %d differences, want 1 (all: %v)", k, kinds[k], kinds)
		}
	}
	if n := len(Diff(a, a, nil)); n != 0 {
		t.Errorf("a revision differs from itself in %d ways", n)
	}
}

func TestBeforeRefusesChangesToNothing(t *testing.T) {
	for _, ch := range []plan.Change{
		{Objective: "X.9", Field: plan.FieldTitle, Before: "x"},
		{Objective: "O.1", Indicator: "O.1/9", Field: plan.FieldTarget, Year: 2023, Unknown: true},
		{Objective: "O.1", Indicator: "O.1/1", Field: plan.FieldTarget, Year: 2030, Added: true}, // no such target to take away
		{Objective: "O.1", Indicator: "O.1/1", Field: plan.FieldTarget, Year: 2023},              // neither a value nor unknown
		{Objective: "O.1", Field: "colour"},
	} {
		if _, err := Before(sample(), []plan.Change{ch}); err == nil {
			t.Errorf("%+v: accepted", ch)
		}
	}
}
