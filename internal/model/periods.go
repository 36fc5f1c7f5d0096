package model

import (
	"slices"
	"time"
)

// Period is a monitoring period of a plan.
type Period struct {
	ID       int64
	Year     int
	Kind     string // midyear or final
	EndsOn   time.Time
	Deadline *time.Time
	ClosedAt *time.Time
	Version  int // closing, reopening and a new deadline add 1 (forms carry it)
	// the latest reopening: when, by whom and why (kept after a new closing)
	ReopenedAt   *time.Time
	ReopenedBy   string
	ReopenReason string
}

// Closed reports whether the period is closed.
func (p Period) Closed() bool { return p.ClosedAt != nil }

// EndedBy reports whether the period ended before the day of now: only then
// may it be closed (the store checks it again against the database's date).
func (p Period) EndedBy(now time.Time) bool {
	y, m, d := now.Date()
	return p.EndsOn.Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// Label is the Italian name of the period: "30/06/2023 (monitoraggio infrannuale)".
func (p Period) Label() string {
	kind := "consuntivo annuale"
	if p.Kind == "midyear" {
		kind = "monitoraggio infrannuale"
	}
	return p.EndsOn.Format("02/01/2006") + " (" + kind + ")"
}

// PlanPeriods holds every period of a plan with whether it has data for each
// visibility, so a page can pick its periods once it knows the reader.
type PlanPeriods struct {
	all             []Period
	public, private []bool
}

// WithData returns the periods that have data the reader may see, in time
// order: the same list as PeriodsWithData.
func (pp PlanPeriods) WithData(vis Visibility) []Period {
	has := pp.private
	if vis == Public {
		has = pp.public
	}
	var out []Period
	for i, p := range pp.all {
		if has[i] {
			out = append(out, p)
		}
	}
	return out
}

// All returns every period of the plan in time order, whatever its data:
// the same list as the store's Periods.
func (pp PlanPeriods) All() []Period { return slices.Clone(pp.all) }

// Add appends a period in time order with whether it has data the public
// and signed-in readers may see.
func (pp *PlanPeriods) Add(p Period, public, private bool) {
	pp.all = append(pp.all, p)
	pp.public = append(pp.public, public)
	pp.private = append(pp.private, private)
}
