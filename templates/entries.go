package templates

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/evidence"
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
	Filter    WorklistFilter // the worklist's filter, kept by "Torna all'elenco" and "Salva e passa al successivo"
	Next      string         // key of the next indicator of the filtered worklist, "" at the end
	Place     int            // 1-based place of this indicator in the filtered worklist, 0 if not in it
	Count     int            // indicators in the filtered worklist
	SavedPrev string         // key of the indicator just saved by "Salva e passa al successivo"
	Restored  string         // the form was restored after the session expired: what to tell
	// Limits on a measurement's files in all (the server's settings), stated beside the field.
	MaxAttachments     int
	MaxAttachmentBytes int64
	Result             *scoring.IndicatorResult
	Trace              *scoring.Trace
	History            []model.HistoryEvent
	// DeviationRequired: at the final period the entry needs a complete
	// motivazione of its scostamento before approval.
	DeviationRequired bool
}

// WorklistFilter narrows the worklist; entry pages carry it in their query
// so that "Torna all'elenco" and "Salva e passa al successivo" keep it.
type WorklistFilter struct {
	Status    string // "todo" or a workflow status, "" all
	Objective string // objective code, "" all
	Position  int64  // one dirigente's indicators (the cockpit's links), 0 none
}

// Match reports whether a worklist item passes the filter.
func (f WorklistFilter) Match(it model.WorkItem) bool {
	st := it.Entry.Status
	if f.Status != "" && !(f.Status == "todo" && st == workflow.ToFill) && f.Status != string(st) {
		return false
	}
	return f.Objective == "" || strings.EqualFold(it.ObjectiveCode, f.Objective)
}

// Query is the filter as query parameters to append after "?periodo=…"
// ("" when there is no filter).
func (f WorklistFilter) Query() string {
	v := url.Values{}
	if f.Status != "" {
		v.Set("stato", f.Status)
	}
	if f.Objective != "" {
		v.Set("obiettivo", f.Objective)
	}
	if f.Position != 0 {
		v.Set("posizione", strconv.FormatInt(f.Position, 10))
	}
	if len(v) == 0 {
		return ""
	}
	return "&" + v.Encode()
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
	// Progress per objective code over the whole (unfiltered) list.
	Progress map[string]ObjectiveProgress
	Today    time.Time
	Outcome  string // what the grid just saved and sent
}

// ObjectiveProgress counts an objective's indicators in the worklist.
type ObjectiveProgress struct {
	Total, Filled, Sent int // Filled: a value saved (any status but da compilare); Sent: submitted or approved
}

// Filter is the list's filter.
func (d WorklistData) Filter() WorklistFilter {
	return WorklistFilter{Status: d.Status, Objective: d.Objective, Position: d.Position}
}

// ProgressText says how far an objective's reporting is ("3 di 5 compilati, 1 inviato").
func ProgressText(p ObjectiveProgress) string {
	out := strconv.Itoa(p.Filled) + " di " + strconv.Itoa(p.Total) + " compilat" + plural(p.Total, "o", "i")
	if p.Sent > 0 {
		out += ", " + strconv.Itoa(p.Sent) + " inviat" + plural(p.Sent, "o", "i") + " o approvat" + plural(p.Sent, "o", "i")
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// periodOverdue is "scaduto da N giorni" when the period's deadline has
// passed and the period is still open, "" otherwise.
func periodOverdue(p model.Period, today time.Time) string {
	if p.Deadline == nil || p.Closed() {
		return ""
	}
	return OverdueText(p.Deadline.In(itfmt.Rome()), today.In(itfmt.Rome()))
}

// GridData is the bulk entry page.
type GridData struct {
	Plan      model.PlanHeader
	Period    model.Period
	Rows      []GridRow
	CanSubmit bool
	Message   string
	Drafts    int          // saved drafts that "Salva e invia tutto" sends as they are
	Restored  string       // the grid was restored after the session expired: what to tell
	Confirm   *GridConfirm // the count shown before sending
}

// GridConfirm is what "Salva e invia tutto" is about to do.
type GridConfirm struct {
	Typed  int // rows typed or changed now
	Drafts int // drafts saved before, sent unchanged
	Sent   int // rows that will be sent (the others stay drafts: sending is not the user's)
}

// Text says what confirming will do.
func (c GridConfirm) Text() string {
	out := "Stai per inviare al Segretario Generale " + countText(c.Sent, "misurazione", "misurazioni") + ": " +
		countText(c.Typed, "compilata o modificata ora", "compilate o modificate ora") + " e " +
		countText(c.Drafts, "bozza già salvata", "bozze già salvate") + "."
	if kept := c.Typed + c.Drafts - c.Sent; kept > 0 {
		out += " " + countText(kept, "riga resta", "righe restano") + " in bozza: l'invio spetta al dirigente responsabile."
	}
	return out
}

func countText(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// gridErrors names each grid row with a problem and links to its first field.
func gridErrors(d GridData) []FieldError {
	var out []FieldError
	for _, r := range d.Rows {
		var msgs []string
		field := ""
		for _, f := range gridFieldOrder(r.Item) {
			if m := r.Form.Errors[f]; m != "" {
				msgs = append(msgs, m)
				if field == "" {
					field = gridName(r.Index, f)
				}
			}
		}
		if r.Form.Message != "" {
			msgs = append(msgs, r.Form.Message)
		}
		if len(msgs) == 0 {
			continue
		}
		if field == "" {
			field = rowID(r.Item.Key)
		}
		out = append(out, FieldError{Field: field, Label: r.Item.Key + " " + r.Item.Name, Message: strings.Join(msgs, "; ")})
	}
	return out
}

// gridFieldOrder lists a row's fields in the order the grid shows them.
func gridFieldOrder(it model.WorkItem) []string {
	var out []string
	switch it.Formula {
	case plan.FormulaYesNo, plan.FormulaDirect:
		out = append(out, "valore")
	default:
		for _, in := range it.Inputs {
			out = append(out, fieldName(in))
		}
	}
	return append(out, "motivo")
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

// targetText formats a target for its unit; a year without a target says so.
func targetText(t *plan.Target, unit string, year int) string {
	if t == nil || t.Value == nil {
		return NoTargetText(year)
	}
	return itfmt.Target(t.Operator, *t.Value, unit)
}

// NoTargetText is what an indicator without a target for the year shows.
func NoTargetText(year int) string { return "target non fissato per il " + strconv.Itoa(year) }

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

// entryLink is an indicator's entry page for a period, with the worklist's filter.
func entryLink(h model.PlanHeader, key string, p model.Period, f WorklistFilter) templ.SafeURL {
	return withPeriod(EntryURL(h.EnteSlug, h.Slug, key), p) + templ.SafeURL(f.Query())
}

// worklistLink is the worklist with its filter, scrolled to the row of key.
func worklistLink(h model.PlanHeader, p model.Period, f WorklistFilter, key string) templ.SafeURL {
	u := withPeriod(WorklistURL(h.EnteSlug, h.Slug), p) + templ.SafeURL(f.Query())
	if key != "" {
		u += templ.SafeURL("#" + rowID(key))
	}
	return u
}

// rowID is the id of an indicator's row in the worklist and the grid.
func rowID(key string) string { return "r-" + key }

// entryErrors lists the entry form's messages in the order of its fields,
// each linked to its field.
func entryErrors(d EntryPageData) []FieldError {
	var out []FieldError
	add := func(key, id, label string) {
		if msg := d.Form.Errors[key]; msg != "" {
			out = append(out, FieldError{Field: id, Label: label, Message: msg})
		}
	}
	switch d.Indicator.Formula {
	case plan.FormulaYesNo:
		add("valore", "valore-si", "Risposta")
	case plan.FormulaDirect:
		add("valore", "valore", "Valore")
	default:
		for _, in := range d.Indicator.Inputs {
			add(fieldName(in), fieldName(in), in.Label)
		}
	}
	add("motivo", "motivo", "Motivo")
	add("nota", "nota", "Nota ed evidenze")
	add("allegati", "allegati", "Allegati")
	add("revisione", "motivo", "Revisione")
	return out
}

// gridDrafts counts the grid's saved drafts.
func gridDrafts(d GridData) int {
	n := 0
	for _, r := range d.Rows {
		st := r.Item.Entry.Status
		if r.Item.Entry.Version > 0 && (st == workflow.Draft || st == workflow.Returned) {
			n++
		}
	}
	return n
}

// GridOutcome says what a grid save did: how many rows were saved and sent.
func GridOutcome(saved, sent int) string {
	if saved <= 0 {
		return ""
	}
	out := countText(saved, "misurazione salvata", "misurazioni salvate")
	switch {
	case sent == saved:
		out += " e inviate al Segretario Generale"
		if saved == 1 {
			out = "1 misurazione salvata e inviata al Segretario Generale"
		}
	case sent > 0:
		out += ": " + countText(sent, "inviata", "inviate") + " al Segretario Generale, " + countText(saved-sent, "resta", "restano") + " in bozza"
	default:
		out += " in bozza"
	}
	return out + "."
}

// The evidence files the entry form accepts, as the server checks them
// (package evidence): stated beside the field and checked in the browser
// before sending.
const (
	evidenceAccept   = ".pdf,.odt,.docx,.xlsx,.png,.jpg,.jpeg"
	evidenceMaxSize  = evidence.MaxSize
	evidenceMaxFiles = evidence.MaxFiles
)

// uploadLimitsText states the server's limits next to the file field.
func uploadLimitsText(d EntryPageData) string {
	out := "Al massimo " + strconv.Itoa(evidenceMaxFiles) + " file per volta, ciascuno fino a " + mbText(evidenceMaxSize) + "."
	if d.MaxAttachments > 0 {
		out += " In tutto la misurazione può avere " + strconv.Itoa(d.MaxAttachments) + " allegati"
		if d.MaxAttachmentBytes > 0 {
			out += " per " + mbText(d.MaxAttachmentBytes)
		}
		out += "."
	}
	if n := len(d.Entry.Attachments); n > 0 {
		out += " Già allegati: " + strconv.Itoa(n) + "."
	}
	return out
}

// errorRef is " FIELD-errore" when the field has an error (to append to aria-describedby).
func errorRef(errs map[string]string, field string) string {
	if errs[field] != "" {
		return " " + field + "-errore"
	}
	return ""
}

// mbText is a limit in MB ("10 MB", "2,5 MB").
func mbText(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return itfmt.Number(float64(n)/(1<<20), 1) + " MB"
}

// orDash is a free text, or "non compilata" when empty.
func orDash(s string) string {
	if s == "" {
		return "non compilata"
	}
	return s
}
