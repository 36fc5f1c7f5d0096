package seed

import (
	"fmt"
	"maps"
	"math"

	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/synth"
)

// The demo sample: plausible 2023 actuals for the reference plan, so that a
// new user sees a living dashboard. They are not real data: they are written
// with the demo flag, which the dashboard, score and entry pages show as
// "Dati dimostrativi" and `piao score` as a warning.
const (
	// SampleYear is the year of the demo sample.
	SampleYear = 2023
	// SampleActor records who wrote the demo sample in the audit trail.
	SampleActor = "piao demo (dati dimostrativi)"
	// sampleSeed is the seed of synth.Measurements: chosen among the first
	// few thousand because its 2023 values for the reference plan are
	// plausible and mostly on target. sampleFixes adjusts the rest.
	sampleSeed uint64 = 1398
	// SampleNAReason is why the lavoro agile objective (TR.2) does not count:
	// the plan says it is evaluated only when lavoro agile is activated.
	SampleNAReason = "Lavoro agile non attivato nel 2023 (dato dimostrativo)"
)

// sampleFix replaces the synthetic rows of one indicator: final is the 31
// December row, mid the 30 June one (the zero Row: none).
type sampleFix struct {
	key        string
	final, mid measure.Row
}

func sv(x float64) measure.Row { return measure.Row{Value: &x} }

func sratio(num, den float64) measure.Row {
	return measure.Row{Inputs: plan.FormulaRatio.InputValues(num, den)}
}

func sdiff(value, benchmark float64) measure.Row {
	return measure.Row{Inputs: plan.FormulaDifference.InputValues(value, benchmark)}
}

func sna(reason string) measure.Row { return measure.Row{NotApplicable: true, Reason: reason} }

func isNoRow(r measure.Row) bool { return r.Value == nil && r.Inputs == nil && !r.NotApplicable }

// sampleFixes are the 2023 values that synth.Measurements cannot make
// plausible for the reference plan: the inputs of computed indicators in the
// magnitude the algorithm implies (euro amounts for the balance-sheet ratios,
// about 63,000 active and 75,000 registered firms in the provinces of L'Aquila
// and Teramo, a staff of about 70), cumulative counts that cannot fall below
// the 2022 baseline, percentages that cannot exceed 100%, payment timeliness
// in days in advance (negative, as the −19,91 of 2022), lavoro agile not
// activated, and the few objectives partially met or not met, chosen here so
// that the dashboard shows every status band whatever synth draws.
var sampleFixes = []sampleFix{
	// Economic and financial health (final accounts only: no 30 June value).
	{key: "C.1.1/1", final: sratio(512340.18, 8204715.62)},     // equilibrio strutturale 6,24% (≥ 5%)
	{key: "C.1.1/2", final: sratio(24816370.12, 10104552.87)},  // indice di struttura primario 245,60% (≥ 236%)
	{key: "C.1.1/3", final: sratio(4102887.35, 6538216.90)},    // incasso diritto annuale 62,75% (≥ 61,24%)
	{key: "C.1.1/4", final: sratio(281940.00, 8452113.54)},     // capacità di generare proventi 3,34% (≥ 3%)
	{key: "PO.2.1/2", final: sratio(24816370.12, 10104552.87)}, // margine di struttura inverso 2,46 (≥ 0,7), as C.1.1/2
	{key: "PO.2.1/3", final: sratio(9874215.40, 5512308.77)},   // margine di tesoreria 1,79 (≥ 1,5)
	{key: "PO.2.1/4", final: sratio(7615402.11, 8390000.00)},   // previsione del cash flow in uscita 0,91 (≤ 1)
	{key: "PO.2.1/5", final: sratio(6984112.36, 8935640.27)},   // rigidità di bilancio 78,16% (≤ 100%)
	// Payment timeliness: days in advance of the due date, and the benchmark
	// against the CCIAA Chieti-Pescara (the source gives −19,91 and −5,7 for 2022).
	{key: "O.1.1.8/1", final: sv(-18.37), mid: sv(-16.12)},
	// The final benchmark input is the Chieti-Pescara demo value (BenchmarkSample), the one the
	// engine takes from that ente when it is present: the figure is −12,67 days with or without it.
	{key: "PO.4.1/1", final: sdiff(-18.37, benchmarkSampleFinal), mid: sdiff(-16.12, -6.85)}, // −12,67 and −9,27 days (≤ 10)
	// Firms and services.
	{key: "C.2.1/4", final: sratio(196, 63412)}, // imprese assistite / imprese attive 0,31% (≥ 0,3%)
	{key: "C.2.3/1", final: sv(65), mid: sv(32)},
	{key: "C.2.3/3", final: sratio(65, 512)},           // 12,70% of the exporting firms (≥ 12%), same 65 firms as C.2.3/1
	{key: "C.3.2/2", final: sv(19412), mid: sv(18307)}, // cassetto digitale: adherents only grow (17.340 in 2022)
	{key: "C.3.2/3", final: sratio(8402, 74861)},       // strumenti digitali / imprese registrate 11,22% (≥ 11%)
	// Internal processes: small counts, as in an ente of about 70 people.
	{key: "O.1.1.5/1", final: sratio(3, 3)},
	{key: "O.1.1.7/1", final: sratio(27, 27), mid: sratio(12, 12)},
	{key: "O.1.1.10/1", final: sratio(4, 4)},
	{key: "TR.3/1", final: sratio(41, 44)}, // misure PTPCT attivate 93,18% (≥ 90%)
	{key: "TR.5/1", final: sv(100), mid: sv(100)},
	{key: "TR.5/3", final: sv(1)}, // Giornata della trasparenza held; TR.6/2 takes the same value
	{key: "OT_1/1", final: sratio(6, 6)},
	{key: "O.3.3.1/3", final: sratio(312, 312), mid: sratio(151, 151)},
	{key: "O.3.3.1/5", final: sratio(1297, 1297), mid: sratio(624, 624)},
	{key: "O.3.3.1/6", final: sratio(4187, 4187), mid: sratio(2046, 2046)},
	{key: "O.3.3.1/8", final: sratio(42.6, 42.6)},   // zafferano dell'Aquila DOP, kg
	{key: "O.3.3.1/9", final: sratio(12480, 12480)}, // olio Pretuziano DOP, kg
	// Lavoro agile not activated: the objective does not count.
	{key: "TR.2/1", final: sna(SampleNAReason), mid: sna(SampleNAReason)},
	{key: "TR.2/2", final: sna(SampleNAReason), mid: sna(SampleNAReason)},
	// The objectives partially met or not met.
	{key: "2.3/1", final: sv(7.8)},         // customer satisfaction 7,8 of 10 (≥ 8): 2.3 parzialmente raggiunto
	{key: "TR.4/2", final: sratio(66, 71)}, // 92,96% of the staff trained (≥ 100%): TR.4 parzialmente raggiunto
	{key: "OT_2/1", final: sratio(5, 6)},   // 83,33% of the archive tasks (≥ 100%): OT_2 parzialmente raggiunto
	{key: "O.1.1.1/1", final: sv(3)},       // 3 monitoring meetings of 4 (75%): O.1.1.1 non raggiunto
}

// sampleSameMeasure pairs indicators that measure the same thing: the second
// takes the values of the first.
var sampleSameMeasure = [][2]string{
	{"1.1/2", "PO.3.1/1"},  // fenomeni corruttivi rilevati nell'anno
	{"2.2/1", "O.2.2.1/1"}, // iniziative per credito, reti, passaggio generazionale
	{"3.1/1", "O.3.1.1/1"}, // incontri sulla legalità
	{"3.2/1", "O.3.2.1/1"}, // iniziative sulle procedure camerali
	{"3.3/1", "O.3.3.1/1"}, // mediazioni avviate
	{"4.2/1", "O.4.2.1/1"}, // iniziative per le produzioni tipiche
	{"5.1/1", "O.5.1.1/1"}, // percorsi attivati
	{"5.2/1", "O.5.2.1/1"}, // iniziative per imprese giovanili e femminili
	{"TR.5/3", "TR.6/2"},   // Giornata della trasparenza
}

// sampleActuals returns the demo measurements of 2023 for the reference plan:
// the rows of synth.Measurements for 2023 with a fixed seed, without its
// random "not applicable" rows, adjusted by sampleFixes and
// sampleSameMeasure, and a value on target for any indicator with a 2023
// target still without a 31 December row. Rows come midyear first, then
// final, in plan order; the result is the same on every call.
// SampleActuals returns the demo sample of the reference plan (labelled demo
// data wherever it appears): `piao demo --with-sample-actuals` loads it, tests
// score it.
func SampleActuals(doc *plan.Document) ([]measure.Row, error) {
	type pair struct{ mid, final measure.Row }
	got := map[string]*pair{}
	for _, r := range synth.Measurements(doc, sampleSeed) {
		if r.Year != SampleYear || r.NotApplicable {
			continue
		}
		p := got[r.Indicator]
		if p == nil {
			p = &pair{}
			got[r.Indicator] = p
		}
		if r.Period == measure.Midyear {
			p.mid = r
		} else {
			p.final = r
		}
	}
	indicators := map[string]*plan.Indicator{}
	var measured []*plan.Indicator // entered, with a 2023 target, in plan order
	for oi := range doc.Objectives {
		for ii := range doc.Objectives[oi].Indicators {
			in := &doc.Objectives[oi].Indicators[ii]
			indicators[in.Key] = in
			if in.Formula != plan.FormulaDerived && sampleTarget(in) != nil {
				measured = append(measured, in)
			}
		}
	}
	for _, f := range sampleFixes {
		if in := indicators[f.key]; in == nil || in.Formula == plan.FormulaDerived || sampleTarget(in) == nil {
			return nil, fmt.Errorf("sample actuals: no indicator %s with a %d target in the reference plan", f.key, SampleYear)
		}
		got[f.key] = &pair{mid: f.mid, final: f.final}
	}
	for _, in := range measured {
		p := got[in.Key]
		if p == nil {
			p = &pair{}
			got[in.Key] = p
		}
		if isNoRow(p.final) {
			r, ok := onTarget(in, sampleTarget(in))
			if !ok {
				return nil, fmt.Errorf("sample actuals: no 2023 value for %s", in.Key)
			}
			p.final = r
		}
	}
	for _, s := range sampleSameMeasure {
		from := got[s[0]]
		if from == nil || indicators[s[1]] == nil || got[s[1]] == nil {
			return nil, fmt.Errorf("sample actuals: cannot copy %s to %s", s[0], s[1])
		}
		c := *from
		got[s[1]] = &c
	}
	var mid, final []measure.Row
	for _, in := range measured {
		p := got[in.Key]
		if !isNoRow(p.mid) {
			mid = append(mid, sampleRow(in.Key, measure.Midyear, p.mid))
		}
		final = append(final, sampleRow(in.Key, measure.Final, p.final))
	}
	rows := append(mid, final...)
	for i := range rows {
		rows[i].Line = i + 2
	}
	return rows, nil
}

// sampleRow is a copy of r for indicator key in the given 2023 period.
func sampleRow(key, period string, r measure.Row) measure.Row {
	out := measure.Row{Indicator: key, Year: SampleYear, Period: period, NotApplicable: r.NotApplicable, Reason: r.Reason}
	if r.Value != nil {
		v := *r.Value
		out.Value = &v
	}
	if r.Inputs != nil {
		out.Inputs = maps.Clone(r.Inputs)
	}
	return out
}

func sampleTarget(in *plan.Indicator) *plan.Target {
	for i := range in.Targets {
		if in.Targets[i].Year == SampleYear && in.Targets[i].Value != nil {
			return &in.Targets[i]
		}
	}
	return nil
}

// onTarget is a value exactly on target for an indicator typed as a value.
func onTarget(in *plan.Indicator, t *plan.Target) (measure.Row, bool) {
	if in.Formula != plan.FormulaDirect && in.Formula != plan.FormulaYesNo {
		return measure.Row{}, false
	}
	x := *t.Value
	switch {
	case t.Operator == plan.OpYes:
		x = 1
	case t.Operator == plan.OpGTE && (in.Unit == plan.UnitCount || in.Unit == plan.UnitYesNo):
		x = math.Ceil(x)
	}
	return sv(x), true
}

// loadSampleActuals writes the 2023 sample as approved demo data and closes
// the 2023 periods, in one transaction.

// benchmarkSampleFinal is the benchmark ente's demo value (days), also the
// benchmark input of the reference plan's PO.4.1/1 sample.
const benchmarkSampleFinal = -5.7

// BenchmarkSample is the demo measurement of the benchmark ente: its 2023
// final payment timeliness, taken to be the value the reference plan's note
// gives (−5,7 days, an advance; in the source it describes 2022), so that the
// reference plan's benchmarking KPI has a benchmark to compare with.
func BenchmarkSample() []measure.Row {
	v := benchmarkSampleFinal
	return []measure.Row{{Indicator: "TP.1/1", Year: SampleYear, Period: "final", Value: &v,
		Note: new("Dato dimostrativo: il valore della nota del PIAO della CCIAA del Gran Sasso d'Italia (riferito al 2022)")}}
}
