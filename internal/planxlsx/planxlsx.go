// Package planxlsx writes a whole plan (plan.Document) as an XLSX template —
// an "Istruzioni" sheet, then one sheet per table — and reads a filled
// template back into a document, reporting every problem row by row in
// Italian so that an administrator can fix the file before anything is
// written.
//
// The template carries the plan as transcribed: the revision history
// (Info.History, Revision.Changes) and the state of the plan in use
// (Document.State) stay in the JSON export.
package planxlsx

import (
	"errors"
	"fmt"
	"strings"
)

// Sheet names, in workbook order.
const (
	sheetInstructions = "Istruzioni"
	sheetPlan         = "Piano"
	sheetUnits        = "Unità"
	sheetRoles        = "Ruoli"
	sheetAreas        = "Ambiti"
	sheetObjectives   = "Obiettivi"
	sheetIndicators   = "Indicatori"
	sheetBaselines    = "Baseline"
	sheetTargets      = "Target"
	sheetIndividual   = "Obiettivi individuali"
	sheetIndivInds    = "Indicatori individuali"
	sheetNotes        = "Note qualità"
)

// Limits on what Read accepts, so a hostile file costs bounded time and memory.
const (
	maxFileBytes = 32 << 20 // the reference plan's template is ~100 kB
	maxProblems  = 500      // beyond this the file is not worth listing further
	maxCellChars = 32767    // Excel's limit, in UTF-16 units
)

// ErrNotXLSX is returned by Read for input that is not a readable workbook.
var ErrNotXLSX = errors.New("il file non è un foglio XLSX valido")

// Problem is one thing wrong in a filled template. Row is the 1-based
// spreadsheet row (0 when the problem is not on a row, e.g. a missing sheet);
// Column is the header of the column, empty when the whole row is concerned.
type Problem struct {
	Sheet   string
	Row     int
	Column  string
	Message string
}

// String formats the problem as "Obiettivi, riga 12, colonna Ambito: …".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Sheet)
	if p.Row > 0 {
		fmt.Fprintf(&b, ", riga %d", p.Row)
	}
	if p.Column != "" {
		b.WriteString(", colonna ")
		b.WriteString(p.Column)
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}
