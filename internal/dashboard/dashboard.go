// Package dashboard assembles the Segretario Generale's view of a scored
// period: the ente score, the state of the strategy, areas and strategic
// objectives, objectives by dirigente, counts by status, the stato di salute,
// what is late, early warnings, comparisons and the largest gaps. It does no
// I/O: the handler passes the scored card and the few extra facts it needs.
package dashboard

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scoring"
)

// Filters narrow the objective lists.
type Filters struct {
	Area      int    // 0: every area
	Kind      string // "": every kind
	Dirigente string // role key, "": everyone
	Status    string // status code (raggiunto, …, incompleto), "": every status
}

// Item is a scored element (area, objective, indicator) of a list or chart.
type Item struct {
	Key    string // objective code, indicator key or area number
	Title  string
	Kind   string
	Score  scoring.Score
	Actual *float64
	Unit   string
	Target *scoring.Target
}

// The dashboard is an overview: on a plan of thousands of objectives it
// lists at most MaxGroupRows objectives a dirigente and MaxLateRows lateness
// rows, in plan order, and links the rest (the dirigente's page, the
// lateness page) rather than send a page of megabytes.
const (
	MaxGroupRows = 30
	MaxLateRows  = 40
)

// Group is the objectives of one dirigente.
type Group struct {
	Role       string
	Title      string
	Score      scoring.Score
	Objectives []Item
	More       int // objectives past MaxGroupRows, left to the dirigente's page
	// InYear: the period is an in-year monitoring, so the score measures
	// progress against annual targets and is shown "in corso", not as a band.
	InYear bool
}

// Counts are the objectives by status band.
type Counts struct {
	Met, Partial, NotMet, Incomplete, NotApplicable, Missing int
}

// Warning is an indicator at risk of missing the annual target.
type Warning struct {
	Item
	Expected float64 // the value expected by now (pro rata for cumulative values)
	ProRata  bool
	Mode     string // CompareProRata or CompareTarget
}

// Comparison compares this period's actual with a reference value.
type Comparison struct {
	Item
	Reference     float64
	ReferenceYear int
	Delta         float64
	Better        bool // the change goes the way the indicator wants
}

// Dashboard is everything the page shows.
type Dashboard struct {
	Card       *scorecard.Card
	Ente       scoring.Score
	Strategy   []Item // the state-of-strategy KPIs (derived organisational indicators)
	Health     []Item // the stato-di-salute indicators (components of a count of targets met)
	HealthKPI  *Item  // the count itself
	Areas      []Item
	Strategic  []Item
	Groups     []Group
	Counts     Counts
	Late       []model.Lateness
	LateMore   int // lateness rows past MaxLateRows, left to the lateness page
	Missing    int // indicators without a value in the period
	Total      int // indicators that take a value
	Warnings   []Warning
	Gaps       []Item
	VsBaseline []Comparison
	VsPrevious []Comparison
	Filters    Filters
	Areas0     []int
	Roles      []Role
}

// Role names a dirigente for the filters.
type Role struct{ Key, Title string }

// Input is what Build needs besides the scored card.
type Input struct {
	Card      *scorecard.Card
	Previous  *scorecard.Card // the previous year's same period, when scored
	Baselines map[string]plan.Baseline
	Late      []model.Lateness
	Roles     []Role
	Filters   Filters
}

func statusCode(s scoring.Score) string {
	if s.Has && s.Missing > 0 {
		return "incompleto"
	}
	return s.Status.Code()
}

// Build assembles the dashboard.
func Build(in Input) Dashboard {
	c := in.Card
	m, r := c.Model, c.Result
	d := Dashboard{Card: c, Ente: r.Ente, Late: in.Late, Filters: in.Filters, Areas0: m.Areas, Roles: in.Roles}
	objItem := func(o int) Item {
		ob := m.Objectives[o]
		return Item{Key: ob.Code, Title: ob.Title, Kind: ob.Kind, Score: r.Objectives[o]}
	}
	indItem := func(i int) Item {
		in := m.Indicators[i]
		res := r.Indicators[i]
		it := Item{Key: in.Key, Title: in.Name, Kind: string(in.Formula), Score: res.Score, Unit: in.Unit, Target: in.Target}
		if res.HasActual && r.Actuals[i].State != scoring.NotApplicable {
			v := res.Actual
			it.Actual = &v
		}
		return it
	}
	// state of the strategy and stato di salute: the derived organisational indicators
	for i, in := range m.Indicators {
		if in.Derived == nil {
			continue
		}
		switch in.Derived.Function {
		case "avg_objectives", "count_objectives_full":
			d.Strategy = append(d.Strategy, indItem(i))
		case "count_indicators_met":
			it := indItem(i)
			d.HealthKPI = &it
			for _, ref := range in.Derived.Indicators {
				if j := m.IndicatorIndex(ref); j >= 0 {
					d.Health = append(d.Health, indItem(j))
				}
			}
		}
	}
	for a, n := range m.Areas {
		if in.Filters.Area != 0 && n != in.Filters.Area {
			continue
		}
		d.Areas = append(d.Areas, Item{Key: strconv.Itoa(n), Title: "Ambito " + strconv.Itoa(n), Score: r.Areas[a]})
	}
	keep := func(o int) bool {
		ob := m.Objectives[o]
		f := in.Filters
		return (f.Area == 0 || ob.Area == f.Area) && (f.Kind == "" || ob.Kind == f.Kind) &&
			(f.Dirigente == "" || slices.Contains(ob.Owners, f.Dirigente)) && (f.Status == "" || statusCode(r.Objectives[o]) == f.Status)
	}
	for o, ob := range m.Objectives {
		if ob.Kind == plan.KindStrategic && keep(o) {
			d.Strategic = append(d.Strategic, objItem(o))
		}
		if !keep(o) {
			continue
		}
		s := r.Objectives[o]
		switch {
		case s.Has && s.Missing > 0:
			d.Counts.Incomplete++
		case s.Status == scoring.StatusMet:
			d.Counts.Met++
		case s.Status == scoring.StatusPartial:
			d.Counts.Partial++
		case s.Status == scoring.StatusNotMet:
			d.Counts.NotMet++
		case s.Status == scoring.StatusNotApplicable:
			d.Counts.NotApplicable++
		default:
			d.Counts.Missing++
		}
	}
	for k, role := range m.Roles {
		if in.Filters.Dirigente != "" && role != in.Filters.Dirigente {
			continue
		}
		g := Group{Role: role, Title: role, Score: r.Roles[k], InYear: c.Period.Kind == "midyear"}
		for _, x := range in.Roles {
			if x.Key == role {
				g.Title = x.Title
			}
		}
		for o, ob := range m.Objectives {
			// the operational objectives (or the kind the filter asks for)
			kind := plan.KindOperational
			if in.Filters.Kind != "" {
				kind = in.Filters.Kind
			}
			if ob.Kind == kind && slices.Contains(ob.Owners, role) && keep(o) {
				g.Objectives = append(g.Objectives, objItem(o))
			}
		}
		if len(g.Objectives) > MaxGroupRows {
			g.Objectives, g.More = g.Objectives[:MaxGroupRows], len(g.Objectives)-MaxGroupRows
		}
		if len(g.Objectives) > 0 {
			d.Groups = append(d.Groups, g)
		}
	}
	for i, in := range m.Indicators {
		if in.Formula == plan.FormulaDerived {
			continue
		}
		d.Total++
		if r.Actuals[i].State == scoring.Missing {
			d.Missing++
		}
	}
	if len(d.Late) > MaxLateRows {
		d.Late, d.LateMore = d.Late[:MaxLateRows], len(d.Late)-MaxLateRows
	}
	d.Warnings = warnings(c)
	d.Gaps = gaps(c, indItem)
	d.VsBaseline, d.VsPrevious = comparisons(c, in.Previous, in.Baselines, indItem)
	return d
}

// Comparisons an early warning makes (Warning.Mode).
const (
	CompareProRata = plan.EarlyWarningProRata // the annual target pro rata of the period
	CompareTarget  = plan.EarlyWarningTarget  // the annual target itself
)

// Expectation is how an indicator is judged at in-year monitoring: the
// comparison it asks for (plan.Indicator.EarlyWarning, automatic when empty:
// pro rata for values that accumulate over the year, the target itself for
// rates, percentages, point-in-time values and SI/NO) and the value expected
// by the period's end. ok is false when the indicator never warns (mode
// "none", derived, or no target for the year).
func Expectation(in scoring.Indicator, endsOn time.Time) (expected float64, mode string, ok bool) {
	if in.Target == nil || in.Formula == plan.FormulaDerived {
		return 0, "", false
	}
	mode = in.EarlyWarning
	if mode == "" {
		mode = CompareTarget
		if in.Cumulative {
			mode = CompareProRata
		}
	}
	t := in.Target.Value
	switch mode {
	case CompareProRata:
		if in.Target.Operator == plan.OpYes {
			return t, CompareTarget, true // a SI/NO target has no fraction
		}
		return t * yearFraction(endsOn), mode, true
	case CompareTarget:
		return t, mode, true
	}
	return 0, "", false
}

// yearFraction is the part of the calendar year elapsed at the end of day d.
func yearFraction(d time.Time) float64 {
	days := time.Date(d.Year(), 12, 31, 0, 0, 0, 0, time.UTC).YearDay()
	return float64(d.YearDay()) / float64(days)
}

// warnings lists, at in-year monitoring, the indicators at risk of missing
// the annual target, each compared as Expectation says.
func warnings(c *scorecard.Card) []Warning {
	if c.Period.Kind != "midyear" {
		return nil
	}
	m, r := c.Model, c.Result
	var out []Warning
	for i, in := range m.Indicators {
		res := r.Indicators[i]
		if !res.HasActual || r.Actuals[i].State == scoring.NotApplicable {
			continue
		}
		expected, mode, ok := Expectation(in, c.Period.EndsOn)
		if !ok {
			continue
		}
		risk := false
		switch in.Target.Operator {
		case plan.OpGTE:
			risk = res.Actual < expected-1e-9
		case plan.OpLTE:
			risk = res.Actual > expected+1e-9
		case plan.OpEQ, plan.OpYes:
			risk = !res.Met
		}
		if !risk {
			continue
		}
		it := Item{Key: in.Key, Title: in.Name, Score: res.Score, Unit: in.Unit, Target: in.Target}
		v := res.Actual
		it.Actual = &v
		out = append(out, Warning{Item: it, Expected: expected, ProRata: mode == CompareProRata, Mode: mode})
	}
	return out
}

// gaps lists the indicators furthest below their target, worst first.
func gaps(c *scorecard.Card, indItem func(int) Item) []Item {
	var out []Item
	for i := range c.Model.Indicators {
		s := c.Result.Indicators[i]
		if s.Has && s.Value < c.Model.Rules.FullBand && !c.Model.Indicators[i].Component {
			out = append(out, indItem(i))
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Score.Value < out[b].Score.Value })
	if len(out) > 10 {
		out = out[:10]
	}
	return out
}

// maxComparisons bounds each comparison list: the changes for the worse come
// first, and a plan of thousands of indicators must not make a page of thousands of rows.
const maxComparisons = 15

func limit(xs []Comparison) []Comparison {
	if len(xs) > maxComparisons {
		return xs[:maxComparisons]
	}
	return xs
}

// comparisons sets this period's actuals against the latest baseline and
// against the previous year's value of the same period.
func comparisons(c, prev *scorecard.Card, baselines map[string]plan.Baseline, indItem func(int) Item) (vsBase, vsPrev []Comparison) {
	m, r := c.Model, c.Result
	for i, in := range m.Indicators {
		res := r.Indicators[i]
		if !res.HasActual || r.Actuals[i].State == scoring.NotApplicable || in.Formula == plan.FormulaDerived {
			continue
		}
		better := func(delta float64) bool {
			if in.Polarity == plan.PolarityLower {
				return delta < 0
			}
			return delta > 0
		}
		if b, ok := baselines[in.Key]; ok && b.Value != nil {
			delta := res.Actual - *b.Value
			if math.Abs(delta) > 1e-9 {
				vsBase = append(vsBase, Comparison{Item: indItem(i), Reference: *b.Value, ReferenceYear: b.Year, Delta: delta, Better: better(delta)})
			}
		}
		if prev != nil {
			if j := prev.Model.IndicatorIndex(in.Key); j >= 0 {
				p := prev.Result.Indicators[j]
				if p.HasActual && prev.Result.Actuals[j].State != scoring.NotApplicable {
					delta := res.Actual - p.Actual
					vsPrev = append(vsPrev, Comparison{Item: indItem(i), Reference: p.Actual, ReferenceYear: prev.Period.Year, Delta: delta, Better: better(delta)})
				}
			}
		}
	}
	worst := func(xs []Comparison) {
		sort.SliceStable(xs, func(a, b int) bool {
			if xs[a].Better != xs[b].Better {
				return !xs[a].Better // the changes for the worse first
			}
			return strings.Compare(xs[a].Key, xs[b].Key) < 0
		})
	}
	worst(vsBase)
	worst(vsPrev)
	return limit(vsBase), limit(vsPrev)
}
