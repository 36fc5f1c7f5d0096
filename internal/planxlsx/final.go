package planxlsx

import (
	"strings"

	"github.com/piao-performance/piao/internal/plan"
)

// validate runs plan.Validate on the assembled document. The row checks
// mirror its rules, so what it still finds is rare (a cycle of derived
// indicators): each error becomes a problem on the row of the objective or
// indicator it names, on the Piano sheet otherwise.
func (b *builder) validate() {
	err := plan.Validate(&b.doc)
	if err == nil {
		return
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		b.rd.add(b.place(e))
	}
}

func (b *builder) place(e error) Problem {
	msg := e.Error()
	if cycle, ok := strings.CutPrefix(msg, plan.CyclePrefix); ok {
		first, _, _ := strings.Cut(cycle, " → ")
		return Problem{Sheet: sheetIndicators, Row: b.indRow[first], Column: header(sheetIndicators, indDerivedIndicators),
			Message: msg}
	}
	p := Problem{Sheet: sheetPlan, Message: "controllo finale: " + msg}
	if rest, ok := strings.CutPrefix(msg, plan.WhereObjective); ok {
		code, _, _ := strings.Cut(rest, ":")
		if row, ok := b.objRow[code]; ok {
			p.Sheet, p.Row = sheetObjectives, row
		}
	} else if rest, ok := strings.CutPrefix(msg, plan.WhereIndicator); ok {
		key, _, _ := strings.Cut(rest, ":")
		if row, ok := b.indRow[key]; ok {
			p.Sheet, p.Row = sheetIndicators, row
		}
	}
	return p
}

// header is the header of a column of a table sheet.
func header(sheet string, col int) string {
	for _, sp := range tableSpecs() {
		if sp.name == sheet {
			return sp.cols[col].header
		}
	}
	return ""
}
