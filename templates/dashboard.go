package templates

import (
	"strconv"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/dashboard"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/store"
)

// DashboardData is the dashboard page.
type DashboardData struct {
	Plan      store.PlanHeader
	Periods   []store.Period
	Tree      store.PlanTree
	Dashboard *dashboard.Dashboard // nil: no measurements to show yet
}

// IndicatorPageData is the indicator page.
type IndicatorPageData struct {
	Plan      store.PlanHeader
	Indicator store.IndicatorDetail
	Objective store.ObjectiveRow
	Values    []PeriodValue
	Private   bool // the reader sees current values of open periods too
}

// PeriodValue is an indicator's result in one monitoring period.
type PeriodValue struct {
	Period        store.Period
	Result        scoring.IndicatorResult
	NotApplicable bool
	Demo          bool
	Trace         *scoring.Trace
}

// DashboardURL is the dashboard of a plan.
func DashboardURL(ente, planSlug string) templ.SafeURL { return PlanURL(ente, planSlug) + "/cruscotto" }

// IndicatorURL is the page of an indicator key.
func IndicatorURL(ente, planSlug, key string) templ.SafeURL {
	return PlanURL(ente, planSlug) + templ.SafeURL("/indicatori/"+escapeKey(key))
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
	return []string{"raggiunto", "parzialmente_raggiunto", "non_raggiunto", "incompleto", "non_applicabile", "mancante"}
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
	}
	return "dato mancante"
}

func itoa(n int) string { return strconv.Itoa(n) }

func dashPeriodURL(h store.PlanHeader, p store.Period) templ.SafeURL {
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
