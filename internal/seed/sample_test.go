package seed

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/plan"
)

func referenceSample(t *testing.T) (*plan.Document, []measure.Row) {
	t.Helper()
	doc, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := SampleActuals(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, rows
}

// sampleCSV writes rows as a measurements CSV, the file a user would import.
func sampleCSV(t *testing.T, doc *plan.Document, rows []measure.Row) string {
	t.Helper()
	formula := map[string]plan.Formula{}
	for _, o := range doc.Objectives {
		for _, in := range o.Indicators {
			formula[in.Key] = in.Formula
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	// the sample has no notes: without a note column the rows read back keep Note nil
	columns := slices.DeleteFunc(measure.Columns(), func(c string) bool { return c == "note" })
	_ = w.Write(columns)
	f := func(m map[string]float64, k string) string {
		if v, ok := m[k]; ok {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	for _, r := range rows {
		rec := map[string]string{"indicator_id": r.Indicator, "year": strconv.Itoa(r.Year), "period": r.Period, "reason": r.Reason}
		switch {
		case r.NotApplicable:
			rec["not_applicable"] = "SI"
		case r.Value != nil:
			rec["value"] = strconv.FormatFloat(*r.Value, 'f', -1, 64)
		case formula[r.Indicator] == plan.FormulaRatioPrevious:
			rec["value"], rec["previous"] = f(r.Inputs, "current"), f(r.Inputs, "previous")
		default:
			for _, k := range []string{"numerator", "denominator", "benchmark"} {
				rec[k] = f(r.Inputs, k)
			}
			rec["value"] = f(r.Inputs, "value")
		}
		var line []string
		for _, c := range columns {
			line = append(line, rec[c])
		}
		_ = w.Write(line)
	}
	w.Flush()
	return b.String()
}

// TestSampleActualsAreValidAndPlausible: the sample is deterministic, only
// 2023, and exactly what `piao measurements import` would accept from a CSV
// file; the indicators named in the brief have the values it asks for.
func TestSampleActualsAreValidAndPlausible(t *testing.T) {
	doc, rows := referenceSample(t)
	if _, again := referenceSample(t); !reflect.DeepEqual(rows, again) {
		t.Fatal("sampleActuals is not deterministic")
	}
	catalogue := map[string]measure.Indicator{}
	indicators := map[string]*plan.Indicator{}
	for oi := range doc.Objectives {
		for ii := range doc.Objectives[oi].Indicators {
			in := &doc.Objectives[oi].Indicators[ii]
			indicators[in.Key] = in
			var keys []string
			for _, x := range in.Inputs {
				keys = append(keys, x.Key)
			}
			catalogue[in.Key] = measure.Indicator{Key: in.Key, Formula: in.Formula, Unit: in.Unit, Inputs: keys}
		}
	}
	parsed, err := measure.ParseCSV(strings.NewReader(sampleCSV(t, doc, rows)), catalogue, doc.Plan.StartYear, doc.Plan.EndYear)
	if err != nil {
		t.Fatalf("the sample is not a valid measurements file:\n%v", err)
	}
	if !reflect.DeepEqual(parsed, rows) {
		t.Fatal("the sample read back from CSV differs from the rows written")
	}

	byKey := map[string]measure.Row{}
	finals := 0
	for _, r := range rows {
		if r.Year != 2023 {
			t.Fatalf("%s: year %d, want only 2023", r.Indicator, r.Year)
		}
		if r.Period == measure.Final {
			finals++
			byKey[r.Indicator] = r
		}
		in := indicators[r.Indicator]
		if in.Formula == plan.FormulaRatio && in.Unit == plan.UnitPercent && r.Inputs["numerator"] > r.Inputs["denominator"] &&
			*sampleTarget(in).Value <= 100 { // above 100% only where the target is (indice di struttura primario)
			t.Errorf("%s %s: %v over 100%%", r.Indicator, r.Period, r.Inputs)
		}
		if in.Unit == plan.UnitPercent && r.Value != nil && (*r.Value < 0 || *r.Value > 100) {
			t.Errorf("%s %s: %v%% is not a percentage", r.Indicator, r.Period, *r.Value)
		}
		if r.NotApplicable && !strings.HasPrefix(r.Indicator, "TR.2/") {
			t.Errorf("%s %s: not applicable (%s); only lavoro agile should be", r.Indicator, r.Period, r.Reason)
		}
	}
	// Every entered indicator with a 2023 target has its 31 December row.
	want := 0
	for key, in := range indicators {
		if in.Formula != plan.FormulaDerived && sampleTarget(in) != nil {
			want++
			if _, ok := byKey[key]; !ok {
				t.Errorf("%s: no final 2023 row", key)
			}
		}
	}
	if finals != want {
		t.Errorf("%d final rows, want %d", finals, want)
	}
	if r := byKey["O.1.1.8/1"]; r.Value == nil || *r.Value >= 0 {
		t.Errorf("O.1.1.8/1 payment timeliness: %+v, want days in advance (negative)", r)
	}
	if r := byKey["PO.4.1/1"]; r.Inputs["value"] != *byKey["O.1.1.8/1"].Value || r.Inputs["benchmark"] >= 0 {
		t.Errorf("PO.4.1/1 benchmarking: %v, want the O.1.1.8/1 value against a negative Chieti-Pescara value", r.Inputs)
	}
	for _, k := range []string{"TR.2/1", "TR.2/2"} {
		if r := byKey[k]; !r.NotApplicable || r.Reason != "Lavoro agile non attivato nel 2023 (dato dimostrativo)" {
			t.Errorf("%s: %+v, want not applicable because lavoro agile was not activated", k, r)
		}
	}
	for _, s := range sampleSameMeasure {
		if !reflect.DeepEqual(byKey[s[0]].Value, byKey[s[1]].Value) {
			t.Errorf("%s and %s measure the same thing but differ", s[0], s[1])
		}
	}
}
