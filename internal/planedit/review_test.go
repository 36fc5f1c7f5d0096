package planedit

import (
	"reflect"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
)

// TestReviewRoundTrip: the review form of the reference plan, read back
// unchanged, leaves the plan as it was (valid); a changed title, target and
// code are written, the code followed by its indicators, children,
// individual objectives and notes.
func TestReviewRoundTrip(t *testing.T) {
	d := ref(t)
	form := ReviewFormOf(d)
	get := func(f ReviewForm) func(string) string {
		v := map[string]string{}
		for i, a := range f.Areas {
			v[AreaField(i, "numero")], v[AreaField(i, "titolo")] = a.Number, a.Title
		}
		for i, o := range f.Objectives {
			v[ObjectiveField(i, "codice")], v[ObjectiveField(i, "tipo")], v[ObjectiveField(i, "ambito")] = o.Code, o.Kind, o.Area
			v[ObjectiveField(i, "padre")], v[ObjectiveField(i, "titolo")] = o.Parent, o.Title
			for j, in := range o.Indicators {
				v[IndicatorField(i, j, "nome")], v[IndicatorField(i, j, "algoritmo")] = in.Name, in.Algorithm
				v[IndicatorField(i, j, "fonte")], v[IndicatorField(i, j, "unita")] = in.Source, in.Unit
				for k, b := range in.Baselines {
					v[BaselineField(i, j, k, "anno")], v[BaselineField(i, j, k, "valore")], v[BaselineField(i, j, k, "testo")] = b.Year, b.Value, b.Text
				}
				for _, tg := range in.Targets {
					v[TargetField(i, j, tg.Year, "op")], v[TargetField(i, j, tg.Year, "valore")] = tg.Operator, tg.Value
				}
			}
		}
		return func(k string) string { return v[k] }
	}
	same := ReviewFormFrom(d, get(form))
	if !reflect.DeepEqual(same, form) {
		t.Fatal("the form read back differs from the form shown")
	}
	c := clone(d)
	if _, errs := ApplyReview(&c, same); len(errs) > 0 {
		t.Fatalf("unchanged review refused: %v", errs)
	}
	if err := plan.Validate(&c); err != nil {
		t.Fatalf("unchanged review: %v", err)
	}

	// a strategic objective renamed: its children and indicators follow
	si := -1
	for i, o := range d.Objectives {
		if o.Code == "1.1" {
			si = i
		}
	}
	if si < 0 {
		t.Fatal("no objective 1.1")
	}
	f := ReviewFormFrom(d, get(form))
	f.Objectives[si].Code = "1.1bis"
	f.Objectives[si].Title = "Titolo nuovo"
	f.Objectives[si].Indicators[0].Targets[0] = TargetForm{Year: d.Plan.StartYear, Operator: plan.OpGTE, Value: "12,5"}
	c = clone(d)
	rn, errs := ApplyReview(&c, f)
	if len(errs) > 0 {
		t.Fatalf("review refused: %v", errs)
	}
	if rn.Objectives["1.1"] != "1.1bis" || rn.Indicators["1.1/1"] != "1.1bis/1" {
		t.Errorf("renames %+v", rn)
	}
	o := c.Objectives[si]
	if o.Title != "Titolo nuovo" || o.Indicators[0].Key != "1.1bis/1" || *o.Indicators[0].Targets[0].Value != 12.5 {
		t.Errorf("objective %s %q, indicator %s, target %+v", o.Code, o.Title, o.Indicators[0].Key, o.Indicators[0].Targets[0])
	}
	for _, x := range c.Objectives {
		if x.Parent == "1.1" {
			t.Errorf("%s still descends from 1.1", x.Code)
		}
	}
	if err := plan.Validate(&c); err != nil {
		t.Errorf("renamed review: %v", err)
	}

	// errors by field, nothing written
	f = ReviewFormFrom(d, get(form))
	f.Objectives[si].Title = ""
	f.Objectives[si].Indicators[0].Targets[0].Value = "molti"
	f.Objectives[si].Kind = "altro"
	f.Areas[0].Number = "0"
	c = clone(d)
	before := clone(d)
	_, errs = ApplyReview(&c, f)
	for _, k := range []string{ObjectiveField(si, "titolo"), ObjectiveField(si, "tipo"), AreaField(0, "numero"),
		TargetField(si, 0, d.Plan.StartYear, "valore")} {
		if errs[k] == "" {
			t.Errorf("no error for %s: %v", k, errs)
		}
	}
	if !strings.Contains(errs[TargetField(si, 0, d.Plan.StartYear, "valore")], "Target") {
		t.Errorf("target message %q", errs[TargetField(si, 0, d.Plan.StartYear, "valore")])
	}
	if !reflect.DeepEqual(c, before) {
		t.Error("a refused review changed the document")
	}
}
