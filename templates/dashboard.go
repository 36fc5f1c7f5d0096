package templates

import (
	"strconv"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/dashboard"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scoring"
)

// DashboardData is the dashboard page.
type DashboardData struct {
	Plan      model.PlanHeader
	Periods   []model.Period
	Tree      model.PlanTree
	Dashboard *dashboard.Dashboard // nil: no measurements to show yet
	Body      string               // the rendered body, when cached (a string: rendered without a copy)
	// Period is the period shown; AllPeriods every period of the plan, for
	// the signed-in readers' period select (Private).
	Period     model.Period
	AllPeriods []model.Period
	Private    bool
	Cockpit    *CockpitData // the collection and the approval queue; nil for the public
}

// DashboardBody renders the dashboard's content (everything below the title),
// which the handler caches.
func DashboardBody(d DashboardData) templ.Component { return dashboardBody(d, *d.Dashboard) }

// IndicatorPageData is the indicator page.
type IndicatorPageData struct {
	Plan      model.PlanHeader
	Indicator model.IndicatorDetail
	Objective model.ObjectiveRow
	Values    []PeriodValue
	Private   bool // the reader sees current values of open periods too
}

// PeriodValue is an indicator's result in one monitoring period.
type PeriodValue struct {
	Period        model.Period
	Result        scoring.IndicatorResult
	NotApplicable bool
	Demo          bool
	Trace         *scoring.Trace
}

func itemActual(it dashboard.Item) string {
	if it.Actual == nil {
		return "—"
	}
	return itfmt.Value(*it.Actual, it.Unit)
}

func itemTarget(it dashboard.Item) string {
	if it.Target == nil {
		return "—"
	}
	return itfmt.Target(it.Target.Operator, it.Target.Value, it.Unit)
}

func deltaText(c dashboard.Comparison) string {
	sign := "+"
	if c.Delta < 0 {
		sign = ""
	}
	return sign + itfmt.Value(c.Delta, c.Unit)
}

func betterText(c dashboard.Comparison) string {
	if c.Better {
		return "migliora"
	}
	return "peggiora"
}

func kindOptions() []string {
	return []string{"strategic", "common", "operational", "transversal", "extraordinary", "organisational"}
}

func statusOptions() []string {
	return []string{"raggiunto", "parzialmente_raggiunto", "non_raggiunto", "incompleto", "non_applicabile", "senza_target", "mancante"}
}

func statusOptionLabel(s string) string {
	switch s {
	case "raggiunto":
		return "raggiunto"
	case "parzialmente_raggiunto":
		return "parzialmente raggiunto"
	case "non_raggiunto":
		return "non raggiunto"
	case "incompleto":
		return "incompleto"
	case "non_applicabile":
		return "non applicabile"
	case "senza_target":
		return "senza target"
	}
	return "dato mancante"
}

func itoa(n int) string { return strconv.Itoa(n) }

func dashPeriodURL(h model.PlanHeader, p model.Period) templ.SafeURL {
	return withPeriod(DashboardURL(h.EnteSlug, h.Slug), p)
}

func periodValueText(v PeriodValue, unit string) string {
	switch {
	case v.NotApplicable:
		return "non applicabile"
	case !v.Result.HasActual:
		return "—"
	}
	return itfmt.Value(v.Result.Actual, unit)
}

// areaBars and strategicBars are the dashboard's bar charts.
func areaBars(h model.PlanHeader, x dashboard.Dashboard) BarChartData {
	c := BarChartData{ID: "ambiti-grafico", Title: "Punteggio per ambito strategico", ItemHeader: "Ambito",
		Target: x.Card.Model.Rules.FullBand, Partial: x.Card.Model.Rules.PartialBand}
	for _, it := range x.Areas {
		c.Items = append(c.Items, barOf(it, it.Title, templ.SafeURL("")))
	}
	return c
}

func strategicBars(h model.PlanHeader, x dashboard.Dashboard) BarChartData {
	c := BarChartData{ID: "strategici-grafico", Title: "Punteggio per obiettivo strategico", ItemHeader: "Obiettivo strategico",
		Target: x.Card.Model.Rules.FullBand, Partial: x.Card.Model.Rules.PartialBand}
	for _, it := range x.Strategic {
		c.Items = append(c.Items, barOf(it, it.Key+" "+it.Title, ObjectiveURL(h.EnteSlug, h.Slug, it.Key)))
	}
	return c
}

func barOf(it dashboard.Item, label string, url templ.SafeURL) BarItem {
	b := BarItem{Label: label, URL: url, Status: it.Score.Status}
	if it.Score.Has {
		v := it.Score.Value
		b.Value = &v
	}
	return b
}

// indicatorLine is the indicator page's chart: baselines, targets and the
// actual of each year (its latest monitoring period with a value).
func indicatorLine(d IndicatorPageData) LineChartData {
	c := LineChartData{ID: "andamento", Title: "Andamento di " + d.Indicator.Key, Unit: d.Indicator.Unit}
	years := map[int]bool{}
	for _, b := range d.Indicator.Baselines {
		c.Baseline = append(c.Baseline, LinePoint{Year: b.Year, Value: b.Value})
		years[b.Year] = true
	}
	for _, t := range d.Indicator.Targets {
		c.Target = append(c.Target, LinePoint{Year: t.Year, Value: t.Value, Op: t.Operator})
		years[t.Year] = true
	}
	latest := map[int]PeriodValue{}
	for _, v := range d.Values { // time order: the year's later period wins
		if v.Result.HasActual && !v.NotApplicable {
			latest[v.Period.Year] = v
		}
	}
	for y := range years {
		if c.FromYear == 0 || y < c.FromYear {
			c.FromYear = y
		}
		if y > c.ToYear {
			c.ToYear = y
		}
	}
	for y := c.FromYear; y <= c.ToYear; y++ {
		if v, ok := latest[y]; ok {
			a := v.Result.Actual
			c.Actual = append(c.Actual, LinePoint{Year: y, Value: &a})
		}
	}
	return c
}

// planTreeData is the performance tree: ente → areas → strategic objectives →
// their common and operational objectives.
func planTreeData(t model.PlanTree, sc Scores) TreeData {
	root := TreeNode{Code: "Ente", Title: t.Plan.EnteName, URL: PlanURL(t.Plan.EnteSlug, t.Plan.Slug)}
	if sc.Card != nil {
		root.Status = sc.Card.Result.Ente.Status
		if sc.Card.Result.Ente.Has {
			v := sc.Card.Result.Ente.Value
			root.Value = &v
		}
	}
	node := func(o model.ObjectiveRow) TreeNode {
		n := TreeNode{Code: o.Code, Title: o.Title, URL: ObjectiveURL(t.Plan.EnteSlug, t.Plan.Slug, o.Code), Kind: o.Kind}
		if s, i := sc.objective(o.Code); i >= 0 {
			n.Status = s.Status
			if s.Has {
				v := s.Value
				n.Value = &v
			}
		}
		return n
	}
	for _, a := range t.Areas {
		an := TreeNode{Code: "Ambito " + itoa(a.Number), Title: a.Title}
		if ai := areaIndex(sc, a.Number); ai >= 0 {
			s := sc.Card.Result.Areas[ai]
			an.Status = s.Status
			if s.Has {
				v := s.Value
				an.Value = &v
			}
		}
		for _, s := range strategicOf(t.Objectives, a.Number) {
			sn := node(s)
			for _, c := range append(childrenOf(t.Objectives, s.Code, "common"), childrenOf(t.Objectives, s.Code, "operational")...) {
				sn.Children = append(sn.Children, node(c))
			}
			an.Children = append(an.Children, sn)
		}
		root.Children = append(root.Children, an)
	}
	return TreeData{ID: "albero", Title: "Albero della performance", Root: root}
}
