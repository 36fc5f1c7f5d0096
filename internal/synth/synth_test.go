package synth_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/synth"
)

func countIndicators(d *plan.Document) int {
	n := 0
	for _, o := range d.Objectives {
		n += len(o.Indicators)
	}
	return n
}

func TestGenerateValidDocumentsWithExactCounts(t *testing.T) {
	for _, cfg := range []synth.Config{
		{Enti: 3, IndicatorsPerEnte: 500, Years: 3, StartYear: 2024, Seed: 1},
		{Enti: 2, IndicatorsPerEnte: synth.MinIndicators, Years: 1, StartYear: 2023, Seed: 2},
		{Enti: 1, IndicatorsPerEnte: 2000, Years: 5, StartYear: 2030, Seed: 3},
		{Enti: 1, IndicatorsPerEnte: 5000, ObjectivesPerEnte: 1000, Years: 1, StartYear: 2024, Seed: 4},
	} {
		enti := synth.Generate(cfg)
		if len(enti) != cfg.Enti {
			t.Fatalf("%+v: %d enti, want %d", cfg, len(enti), cfg.Enti)
		}
		for i, e := range enti {
			d := e.Doc
			if err := plan.Validate(d); err != nil {
				t.Fatalf("%+v: ente %d not valid: %v", cfg, i+1, err)
			}
			if got := countIndicators(d); got != cfg.IndicatorsPerEnte {
				t.Errorf("%+v: ente %d has %d indicators, want %d", cfg, i+1, got, cfg.IndicatorsPerEnte)
			}
			if cfg.ObjectivesPerEnte > 0 && len(d.Objectives) != cfg.ObjectivesPerEnte {
				t.Errorf("%+v: %d objectives, want %d", cfg, len(d.Objectives), cfg.ObjectivesPerEnte)
			}
			wantSlug := "synth-00" + strconv.Itoa(i+1)
			if d.Ente.Slug != wantSlug || !strings.Contains(d.Ente.Name, "dati dimostrativi") {
				t.Errorf("ente %q %q, want slug %s and a demo-data label", d.Ente.Slug, d.Ente.Name, wantSlug)
			}
			end := cfg.StartYear + cfg.Years - 1
			if want := "piao-" + strconv.Itoa(cfg.StartYear) + "-" + strconv.Itoa(end); d.Plan.Slug != want {
				t.Errorf("plan slug %q, want %q", d.Plan.Slug, want)
			}
			checkShape(t, d)
		}
	}
}

// checkShape checks what makes a synthetic plan look like the reference one.
func checkShape(t *testing.T, d *plan.Document) {
	t.Helper()
	kinds := map[string]int{}
	formulas := map[plan.Formula]int{}
	negativeLTE := false
	for _, o := range d.Objectives {
		kinds[o.Kind]++
		if o.Kind == plan.KindOperational && (len(o.Indicators) < 1 || o.Parent == "" || len(o.Owners) == 0) {
			t.Errorf("operational objective %s: %d indicators, parent %q, owners %v", o.Code, len(o.Indicators), o.Parent, o.Owners)
		}
		if o.Kind == plan.KindStrategic && (len(o.Indicators) < 1 || len(o.Indicators) > 2) {
			t.Errorf("strategic objective %s has %d indicators", o.Code, len(o.Indicators))
		}
		for _, in := range o.Indicators {
			formulas[in.Formula]++
			if len(in.Targets) != d.Plan.EndYear-d.Plan.StartYear+1 {
				t.Errorf("indicator %s has %d targets for %d plan years", in.Key, len(in.Targets), d.Plan.EndYear-d.Plan.StartYear+1)
			}
			for _, tg := range in.Targets {
				if tg.Operator == plan.OpLTE && *tg.Value <= 0 {
					negativeLTE = true
				}
			}
		}
	}
	if len(d.Areas) != 5 || kinds[plan.KindStrategic] < 10 || kinds[plan.KindOperational] < kinds[plan.KindStrategic] ||
		kinds[plan.KindTransversal] == 0 || kinds[plan.KindExtraordinary] == 0 || kinds[plan.KindOrganisational] != 6 {
		t.Errorf("areas %d, objectives by kind %v", len(d.Areas), kinds)
	}
	if formulas[plan.FormulaDerived] != 4 || formulas[plan.FormulaRatio] == 0 || formulas[plan.FormulaYesNo] == 0 ||
		formulas[plan.FormulaDifference] == 0 || formulas[plan.FormulaRatioPrevious] == 0 || formulas[plan.FormulaDirect] == 0 {
		t.Errorf("formulas %v: want every kind, 4 derived", formulas)
	}
	if !negativeLTE {
		t.Error("no ≤ target at or below zero")
	}
	roles := map[string]int{}
	for _, iv := range d.Individual {
		roles[iv.Role]++
	}
	for _, r := range []string{"sg", "dir-a", "dir-b"} {
		if roles[r] == 0 {
			t.Errorf("role %s has no individual objectives", r)
		}
	}
	// The organisational objectives are those of the reference plan.
	ref, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	derived := func(doc *plan.Document) map[string]string {
		out := map[string]string{}
		for _, o := range doc.Objectives {
			for _, in := range o.Indicators {
				if in.Derived != nil {
					b, _ := json.Marshal(in.Derived)
					out[in.Key] = string(b)
				}
			}
		}
		return out
	}
	want, got := derived(ref), derived(d)
	for _, k := range []string{"PO.1.2/1", "PO.1.3/1", "PO.2.1/1"} {
		if got[k] != want[k] {
			t.Errorf("derived %s = %s, want %s as in the reference plan", k, got[k], want[k])
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	cfg := synth.Config{Enti: 3, IndicatorsPerEnte: 300, Years: 3, StartYear: 2024, Seed: 42}
	encode := func(enti []synth.Ente) []byte {
		b, err := json.Marshal(enti)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := encode(synth.Generate(cfg)), encode(synth.Generate(cfg))
	if !bytes.Equal(a, b) {
		t.Fatal("the same config gave different output")
	}
	// Ente n does not depend on how many enti are asked for.
	one := synth.Generate(synth.Config{Enti: 1, IndicatorsPerEnte: 300, Years: 3, StartYear: 2024, Seed: 42})
	if !bytes.Equal(encode(one), encode(synth.Generate(cfg)[:1])) {
		t.Error("ente 1 changes with the number of enti")
	}
	// GenerateNth builds ente n alone, the same as Generate's nth
	if !bytes.Equal(encode([]synth.Ente{synth.GenerateNth(cfg, 3)}), encode(synth.Generate(cfg)[2:])) {
		t.Error("GenerateNth(cfg, 3) differs from Generate(cfg)[2]")
	}
	cfg.Seed = 43
	if bytes.Equal(a, encode(synth.Generate(cfg))) {
		t.Error("another seed gave the same output")
	}
}

func TestValidateRejectsImpossibleConfigs(t *testing.T) {
	for _, cfg := range []synth.Config{
		{Enti: 1, IndicatorsPerEnte: synth.MinIndicators - 1, Years: 3, StartYear: 2024},
		{Enti: 1, IndicatorsPerEnte: 500, Years: 0, StartYear: 2024},
		{Enti: 1, IndicatorsPerEnte: 500, Years: 3, StartYear: 1990},
		{Enti: 1, IndicatorsPerEnte: 500, ObjectivesPerEnte: 20, Years: 3, StartYear: 2024},
		{Enti: 1, IndicatorsPerEnte: 500, ObjectivesPerEnte: 600, Years: 3, StartYear: 2024},
	} {
		if err := cfg.Validate(); err == nil {
			t.Errorf("%+v: accepted", cfg)
		}
	}
}

// toCSV writes rows in the measurements CSV format of internal/measure.
func toCSV(t *testing.T, rows []measure.Row) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(measure.Columns())
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	for _, r := range rows {
		rec := make([]string, len(measure.Columns()))
		rec[0], rec[1], rec[2] = r.Indicator, strconv.Itoa(r.Year), r.Period
		if r.Value != nil {
			rec[3] = f(*r.Value)
		}
		if v, ok := r.Inputs["numerator"]; ok {
			rec[4], rec[5] = f(v), f(r.Inputs["denominator"])
		}
		if v, ok := r.Inputs["benchmark"]; ok {
			rec[3], rec[6] = f(r.Inputs["value"]), f(v)
		}
		if v, ok := r.Inputs["previous"]; ok {
			rec[3], rec[7] = f(r.Inputs["current"]), f(v)
		}
		if r.NotApplicable {
			rec[8], rec[9] = "SI", r.Reason
		}
		_ = w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestMeasurementsAreValidAndPlausible(t *testing.T) {
	cfg := synth.Config{Enti: 2, IndicatorsPerEnte: 500, Years: 3, StartYear: 2024, Seed: 7}
	for _, e := range synth.Generate(cfg) {
		d := e.Doc
		indicators := map[string]measure.Indicator{}
		entered := 0
		for _, o := range d.Objectives {
			for _, in := range o.Indicators {
				var keys []string
				for _, x := range in.Inputs {
					keys = append(keys, x.Key)
				}
				indicators[in.Key] = measure.Indicator{Key: in.Key, Formula: in.Formula, Unit: in.Unit, Inputs: keys}
				if in.Formula != plan.FormulaDerived {
					entered++
				}
			}
		}
		parsed, err := measure.ParseCSV(bytes.NewReader(toCSV(t, e.Measurements)), indicators, d.Plan.StartYear, d.Plan.EndYear)
		if err != nil {
			t.Fatalf("%s: measurements refused by measure.ParseCSV: %v", d.Ente.Slug, err)
		}
		if len(parsed) != len(e.Measurements) {
			t.Fatalf("parsed %d rows of %d", len(parsed), len(e.Measurements))
		}
		var final, mid, na int
		for _, r := range e.Measurements {
			switch {
			case r.Period == measure.Midyear:
				mid++
			case r.NotApplicable:
				na++
				final++
			default:
				final++
			}
		}
		slots := entered * cfg.Years
		missing := slots - final
		if !(missing > 0 && missing < slots/10 && na > 0 && na < slots/10) {
			t.Errorf("%s: %d indicator-years, %d missing, %d not applicable", d.Ente.Slug, slots, missing, na)
		}
		if mid < final/3 || mid > final*2/3 {
			t.Errorf("%s: %d midyear rows for %d final rows", d.Ente.Slug, mid, final)
		}

		// Scored by the engine, some targets are met and some missed.
		for y := d.Plan.StartYear; y <= d.Plan.EndYear; y++ {
			m, err := scoring.Compile(scoring.FromDocument(d, y, nil))
			if err != nil {
				t.Fatal(err)
			}
			res := m.Score(synth.Actuals(m, e.Measurements, y, measure.Final), nil)
			status := map[scoring.Status]int{}
			bad := 0
			for _, ir := range res.Indicators {
				status[ir.Status]++
				if ir.BadInputs {
					bad++
				}
			}
			if status[scoring.StatusMet] == 0 || status[scoring.StatusNotMet]+status[scoring.StatusPartial] == 0 ||
				status[scoring.StatusMissing] == 0 || status[scoring.StatusNotApplicable] == 0 || bad > 0 {
				t.Errorf("%s %d: statuses %v, bad inputs %d", d.Ente.Slug, y, status, bad)
			}
			if met := status[scoring.StatusMet]; met < len(res.Indicators)/3 || met > len(res.Indicators)*9/10 {
				t.Errorf("%s %d: %d of %d indicators met", d.Ente.Slug, y, met, len(res.Indicators))
			}
			if !res.Ente.Has {
				t.Errorf("%s %d: no ente score", d.Ente.Slug, y)
			}
		}
	}
}

func TestMeasurementsOfTheReferencePlan(t *testing.T) {
	ref, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	rows := synth.Measurements(ref, 1)
	if len(rows) == 0 {
		t.Fatal("no measurements for the reference plan")
	}
	m, err := scoring.Compile(scoring.FromDocument(ref, 2023, nil))
	if err != nil {
		t.Fatal(err)
	}
	res := m.Score(synth.Actuals(m, rows, 2023, measure.Final), nil)
	if !res.Ente.Has {
		t.Error("reference plan scored with synthetic actuals has no ente score")
	}
}
