package templates

import (
	"strconv"
	"time"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/workflow"
)

// EntryForm is an entry as typed, with its messages.
type EntryForm = workflow.EntryForm

// EntryPageData is everything the entry page shows.
type EntryPageData struct {
	Plan      model.PlanHeader
	Period    model.Period
	Periods   []model.Period
	Indicator model.EntryIndicator
	Entry     model.Entry
	Form      EntryForm
	CanEnter  bool
	CanSubmit bool
	CanReview bool
	Saved     bool
	Conflict  *model.Entry
	Result    *scoring.IndicatorResult
	Trace     *scoring.Trace
	History   []model.HistoryEvent
	// DeviationRequired: at the final period the entry needs a complete
	// motivazione of its scostamento before approval.
	DeviationRequired bool
}

// FinalPeriod reports whether the page's period is the year's final one.
func (d EntryPageData) FinalPeriod() bool { return d.Period.Kind == "final" }

// WorklistData is the "Le mie misurazioni" page.
type WorklistData struct {
	Plan      model.PlanHeader
	Period    model.Period
	Periods   []model.Period
	Items     []model.WorkItem
	Status    string // filter
	Objective string // filter
	Missing   int
	Total     int
	Everyone  bool  // the list shows every indicator (not only the user's)
	Position  int64 // filter: one dirigente's indicators (the cockpit's links), 0 none
}

// GridData is the bulk entry page.
type GridData struct {
	Plan      model.PlanHeader
	Period    model.Period
	Rows      []GridRow
	CanSubmit bool
	Message   string
}

// GridRow is one indicator of the grid with what was typed.
type GridRow struct {
	Item  model.WorkItem
	Form  EntryForm
	Index int
}

// PeriodsData is the periods page.
type PeriodsData struct {
	Plan        model.PlanHeader
	Periods     []model.Period
	CanClose    bool // Segretario Generale
	CanDeadline bool // administrator
	Message     string
	Today       time.Time // periods ended before it may be closed
}

// ClosePeriodData is the confirmation before closing a period: what is
// still missing per dirigente. Period.Version is the version the periods
// page showed, carried on so a change in between is refused.
type ClosePeriodData struct {
	Plan        model.PlanHeader
	Period      model.Period
	Gaps        []model.ClosingGap
	Reason      string
	ReasonError string // next to the note
	Message     string // next to the confirmation checkbox
}

// GapTotals sums the gaps of all dirigenti.
func (d ClosePeriodData) GapTotals() model.ClosingGap {
	var t model.ClosingGap
	for _, g := range d.Gaps {
		t.Empty += g.Empty
		t.Draft += g.Draft
		t.Submitted += g.Submitted
	}
	return t
}

// LateData is the Segretario Generale's page: waiting approvals and who is late.
type LateData struct {
	Plan      model.PlanHeader
	Period    model.Period
	Periods   []model.Period
	Late      []model.Lateness
	Submitted []model.WorkItem
}

func statusLabel(s workflow.Status) string { return s.Label() }

func entryStatusClass(s workflow.Status) string {
	switch s {
	case workflow.Approved:
		return "piao-status piao-status-met"
	case workflow.Submitted:
		return "piao-status piao-status-partial"
	case workflow.Returned:
		return "piao-status piao-status-notmet"
	}
	return "piao-status piao-status-missing"
}

func entryStatusIcon(s workflow.Status) string {
	switch s {
	case workflow.Approved:
		return "✔"
	case workflow.Submitted:
		return "➜"
	case workflow.Returned:
		return "↩"
	case workflow.Draft:
		return "✎"
	}
	return "○"
}

// targetText formats a target for its unit.
func targetText(t *plan.Target, unit string) string {
	if t == nil || t.Value == nil {
		return "—"
	}
	return itfmt.Target(t.Operator, *t.Value, unit)
}

// EntryValueText shows what an entry holds: the value, or the computed result of its inputs.
func EntryValueText(e *model.Entry, formula plan.Formula, unit string, scale float64) string {
	if e == nil || (e.Version == 0 && e.Status != workflow.Approved) {
		return "—"
	}
	if e.NotApplicable {
		return "non applicabile"
	}
	if e.Value != nil {
		return itfmt.Value(*e.Value, unit)
	}
	a := scoring.Actual{State: scoring.Entered}
	a.A, a.B = formula.Operands(e.Inputs)
	v, ok := scoring.ComputeActual(formula, scale, a)
	if !ok {
		return "non calcolabile"
	}
	return itfmt.Value(v, unit)
}

func fieldName(in plan.Input) string { return "in_" + in.Key }

func gridName(i int, field string) string { return "r" + strconv.Itoa(i) + "." + field }

func historyText(ev model.HistoryEvent) string {
	switch ev.Action {
	case "measurement.save":
		return "salvata in bozza"
	case "measurement.submit":
		return "inviata per l'approvazione"
	case "measurement.approve":
		return "approvata"
	case "measurement.return":
		return "restituita"
	case "measurement.reopen":
		return "riaperta"
	case "measurement.import":
		return "importata da file"
	}
	return ev.Action
}

// historyValue shows old → new of a change, when the event has them.
func historyValue(ev model.HistoryEvent, unit string) string {
	show := func(m any) string {
		s, ok := m.(map[string]any)
		if !ok {
			return ""
		}
		if na, _ := s["not_applicable"].(bool); na {
			return "non applicabile"
		}
		if v, ok := s["value"].(float64); ok {
			return itfmt.Value(v, unit)
		}
		if in, ok := s["inputs"].(map[string]any); ok && len(in) > 0 {
			out := ""
			for _, k := range plan.AllInputKeys() {
				if v, ok := in[k].(float64); ok {
					if out != "" {
						out += ", "
					}
					out += k + " " + itfmt.Number(v, 4)
				}
			}
			return out
		}
		return ""
	}
	oldV, newV := show(ev.Detail["old"]), show(ev.Detail["new"])
	switch {
	case oldV != "" && newV != "":
		return oldV + " → " + newV
	case newV != "":
		return newV
	}
	return ""
}

func formatTime(e model.HistoryEvent) string { return e.At.Format("02/01/2006 15:04") }

func sizeText(n int) string {
	if n >= 1<<20 {
		return itfmt.Number(float64(n)/(1<<20), 1) + " MB"
	}
	return itfmt.Number(float64(n)/1024, 0) + " KB"
}

func periodRef(p model.Period) string { return scorecard.Ref(p) }

func filterLabel(s string) string {
	if s == "todo" {
		return "da compilare"
	}
	return workflow.Label(s)
}

func fieldClassMsg(msg string) string {
	if msg != "" {
		return "form-control is-invalid"
	}
	return "form-control"
}

func describedByMsg(name, msg string) string {
	if msg != "" {
		return name + "-errore"
	}
	return ""
}

func ariaInvalidMsg(msg string) string {
	if msg != "" {
		return "true"
	}
	return "false"
}

func periodOf(ev model.HistoryEvent) string {
	p, _ := ev.Detail["period"].(string)
	return p
}

func deadlineText(p model.Period) string {
	if p.Deadline == nil {
		return ""
	}
	return itfmt.Date(*p.Deadline)
}

// closingMissingText completes the closing confirmation with what stays missing.
func closingMissingText(t model.ClosingGap) string {
	n := t.Empty + t.Draft + t.Submitted
	switch n {
	case 0:
		return "."
	case 1:
		return ", anche se 1 indicatore resta senza valore approvato."
	}
	return ", anche se " + strconv.Itoa(n) + " indicatori restano senza valore approvato."
}

// orDash is a free text, or "non compilata" when empty.
func orDash(s string) string {
	if s == "" {
		return "non compilata"
	}
	return s
}
