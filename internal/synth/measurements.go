package synth

import (
	"math"
	"math/rand/v2"

	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/scoring"
)

// Shares of the indicator-years without a value.
const (
	missingShare       = 0.03 // no final row at all: the engine flags it as missing
	notApplicableShare = 0.03 // declared not applicable, with a reason
	midyearShare       = 0.5  // indicator-years that also have a 30 June row
	metShare           = 0.7  // values drawn on the right side of the target
)

var naReasons = []string{
	"Lavoro agile non attivato nell'anno",
	"Servizio non erogato nell'anno: nessuna istanza pervenuta",
	"Attività sospesa in attesa della normativa di attuazione",
	"Bando non pubblicato per mancata assegnazione delle risorse",
}

// Measurements returns plausible actuals for doc: for every indicator that is
// not derived and every plan year with a target, one final (31 December) row,
// and a midyear (30 June) row for about half of them. Values fall around the
// target, some met and some missed; about 3% are not applicable with a reason
// and about 3% are missing (no row). It works on any valid document, the
// reference plan included. Rows come year by year, midyear before final, in
// plan order, with Line numbered as in a CSV file with a header.
func Measurements(doc *plan.Document, seed uint64) []measure.Row {
	rng := rand.New(rand.NewPCG(seed, 0x6d6561737572656d))
	var rows []measure.Row
	for y := doc.Plan.StartYear; y <= doc.Plan.EndYear; y++ {
		var mid, final []measure.Row
		for oi := range doc.Objectives {
			for ii := range doc.Objectives[oi].Indicators {
				in := &doc.Objectives[oi].Indicators[ii]
				if in.Formula == plan.FormulaDerived {
					continue
				}
				t := targetOf(in, y)
				if t == nil {
					continue
				}
				u := rng.Float64()
				switch {
				case u < missingShare:
					continue
				case u < missingShare+notApplicableShare:
					final = append(final, measure.Row{Indicator: in.Key, Year: y, Period: measure.Final,
						NotApplicable: true, Reason: pick(rng, naReasons)})
					continue
				}
				x := actualNear(rng, t, in.Unit)
				final = append(final, row(rng, in, y, measure.Final, x))
				if rng.Float64() < midyearShare {
					m := actualNear(rng, t, in.Unit)
					if t.Operator == plan.OpGTE && (in.Unit == plan.UnitCount || in.Unit == plan.UnitEuro) && in.Formula == plan.FormulaDirect {
						m = roundUnit(x*(0.4+0.2*rng.Float64()), in.Unit) // cumulative: about half by June
					}
					mid = append(mid, row(rng, in, y, measure.Midyear, m))
				}
			}
		}
		rows = append(rows, mid...)
		rows = append(rows, final...)
	}
	for i := range rows {
		rows[i].Line = i + 2
	}
	return rows
}

func targetOf(in *plan.Indicator, year int) *plan.Target {
	for i := range in.Targets {
		if in.Targets[i].Year == year && in.Targets[i].Value != nil {
			return &in.Targets[i]
		}
	}
	return nil
}

// actualNear draws an actual around target t: on the right side of it with
// probability metShare, otherwise missing it by up to about 40%.
func actualNear(rng *rand.Rand, t *plan.Target, unit string) float64 {
	T := *t.Value
	met := rng.Float64() < metShare
	u := rng.Float64()
	var x float64
	switch t.Operator {
	case plan.OpYes:
		x = T
		if !met {
			x = 1 - T
		}
	case plan.OpEQ:
		x = T
		if !met {
			x = T + 1 + math.Floor(3*u)
		}
	case plan.OpGTE:
		switch {
		case T > 0 && met:
			x = T * (1 + 0.3*u)
		case T > 0:
			x = T * (0.6 + 0.39*u)
		case met:
			x = T + 5*u
		default:
			x = T - 1 - 5*u
		}
	case plan.OpLTE:
		switch {
		case T > 0 && met:
			x = T * (0.5 + 0.5*u)
		case T > 0:
			x = T * (1.05 + 0.4*u)
		case met:
			x = T - 25*u // payment timeliness: paid early, e.g. −19,91 days against ≤ 0
		default:
			x = T + 1 + 10*u
		}
	}
	if unit == plan.UnitCount || unit == plan.UnitPercent || unit == plan.UnitEuro {
		x = math.Max(0, x)
	}
	return roundUnit(x, unit)
}

func roundUnit(x float64, unit string) float64 {
	switch unit {
	case plan.UnitCount, plan.UnitYesNo:
		return round(x, 0)
	case plan.UnitRatio:
		return round(x, 4)
	}
	return round(x, 2)
}

// row writes actual x as the indicator asks for it: a value, or inputs that
// compute to about x.
func row(rng *rand.Rand, in *plan.Indicator, year int, period string, x float64) measure.Row {
	r := measure.Row{Indicator: in.Key, Year: year, Period: period}
	switch in.Formula {
	case plan.FormulaRatio:
		var num, den float64
		if in.Unit == plan.UnitPercent {
			den = float64(20 + rng.IntN(1980))
			num = math.Min(den, math.Round(x/in.Scale*den))
		} else { // financial ratios: amounts in euro
			den = round(1e5+4.9e6*rng.Float64(), 2)
			num = round(x/in.Scale*den, 2)
		}
		r.Inputs = in.Formula.InputValues(num, den)
	case plan.FormulaDifference:
		bench := round(math.Abs(x)+5+30*rng.Float64(), 2)
		r.Inputs = in.Formula.InputValues(round(bench+x, 2), bench)
	case plan.FormulaRatioPrevious:
		prev := float64(200 + rng.IntN(2800))
		r.Inputs = in.Formula.InputValues(math.Round(x*prev), prev)
	default:
		v := x
		r.Value = &v
	}
	return r
}

// Actuals aligns the rows of one year and period with the indicators of a
// compiled model, as the store does for the engine: rows of other periods and
// of unknown indicators are ignored, indicators without a row stay missing.
func Actuals(m *scoring.Model, rows []measure.Row, year int, period string) []scoring.Actual {
	out := make([]scoring.Actual, len(m.Indicators))
	for _, r := range rows {
		if r.Year != year || r.Period != period {
			continue
		}
		i := m.IndicatorIndex(r.Indicator)
		if i < 0 {
			continue
		}
		a := &out[i]
		switch {
		case r.NotApplicable:
			a.State = scoring.NotApplicable
		case r.Value != nil:
			a.State, a.Value = scoring.Entered, *r.Value
		default:
			a.State = scoring.Entered
			a.A, a.B = m.Indicators[i].Formula.Operands(r.Inputs)
		}
	}
	return out
}
