package revision

import (
	"reflect"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
)

func TestSummarizeCountsWhatADiffTouches(t *testing.T) {
	one, two := 1.0, 2.0
	target := func(y int, v *float64, text string) Target {
		return Target{Year: y, Operator: ">=", Value: v, Text: text}
	}
	old := Content{Objectives: []Objective{
		{Code: "A", Title: "A", Indicators: []Indicator{
			{Key: "A/1", Name: "uno", Targets: []Target{target(2023, &one, ">= 1"), target(2024, &one, ">= 1")}},
			{Key: "A/2", Name: "due"}}},
		{Code: "B", Title: "B", Indicators: []Indicator{{Key: "B/1", Name: "b"}}},
	}}
	new := Content{Objectives: []Objective{
		{Code: "A", Title: "A rinominato", Indicators: []Indicator{
			{Key: "A/1", Name: "uno", Targets: []Target{target(2023, &two, ">= 2"), target(2025, &one, ">= 1")}},
			{Key: "A/3", Name: "tre"}}},
		{Code: "C", Title: "C"},
	}}
	got := Summarize(Diff(old, new, nil))
	want := Summary{ObjectivesAdded: 1, ObjectivesRemoved: 1, ObjectivesChanged: 1, IndicatorsAdded: 1, IndicatorsRemoved: 1,
		IndicatorsChanged: 1, TargetsChanged: 1, TargetsAdded: 1, TargetsRemoved: 1,
		RemovedIndicators: []string{"A/2"}, RemovedObjectives: []string{"B"}, TargetYears: []int{2023, 2024, 2025}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("summary:\n got %+v\nwant %+v", got, want)
	}
	if !got.Structural() || (Summary{TargetsChanged: 1}).Structural() {
		t.Error("Structural")
	}
	if s := Summarize(nil); !reflect.DeepEqual(s, Summary{}) {
		t.Errorf("empty diff: %+v", s)
	}
}

func TestIndividualChanges(t *testing.T) {
	w1, w2 := 1.0, 2.0
	old := []plan.Individual{{Role: "sg", Code: "SG1", Title: "uno", Objective: "A", Weight: &w1},
		{Role: "sg", Code: "SG2", Title: "due", Objective: "A"}, {Role: "dir", Code: "SG1", Title: "tre", Objective: "B"}}
	new := []plan.Individual{{Role: "sg", Code: "SG1", Title: "uno", Objective: "A", Weight: &w2},
		{Role: "dir", Code: "SG1", Title: "tre", Objective: "B"}, {Role: "dir", Code: "D2", Title: "nuovo", Objective: "B"}}
	if a, r, c := IndividualChanges(old, new); a != 1 || r != 1 || c != 1 {
		t.Errorf("added %d removed %d changed %d, want 1 1 1", a, r, c)
	}
	if a, r, c := IndividualChanges(old, old); a+r+c != 0 {
		t.Errorf("no change: %d %d %d", a, r, c)
	}
}
