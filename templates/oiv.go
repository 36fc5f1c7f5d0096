package templates

import (
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/revision"
)

// RelazioneData is the Relazione page: the document the downloads are made of.
type RelazioneData struct {
	Plan     model.PlanHeader
	Year     int
	Doc      *document.Document
	Public   bool   // the published version (transparency)
	Validity string // the validation's text, for the published version
}

// FileURL is a download of the Relazione shown: the published one when Public.
func (d RelazioneData) FileURL(file string) templ.SafeURL {
	if d.Public {
		return PublicRelazioneFileURL(d.Plan.EnteSlug, d.Plan.Slug, d.Year, file)
	}
	return RelazioneFileURL(d.Plan.EnteSlug, d.Plan.Slug, d.Year, file)
}

// decisionURL is the document of one decision of a year's history: the
// published one when public.
func decisionURL(h model.PlanHeader, year int, public bool, id int64) templ.SafeURL {
	if public {
		return PublicDecisionURL(h.EnteSlug, h.Slug, year, id)
	}
	return DecisionURL(h.EnteSlug, h.Slug, year, id)
}

// YearStatus is a plan year on the OIV page.
type YearStatus struct {
	Year         int
	Validation   *model.Validation   // the current decision, nil when none
	History      []model.Validation  // every decision, oldest first
	Completeness *model.Completeness // of the year's final period; nil when the plan has none
}

// finalPeriodState says whether a year's final period is closed, i.e.
// whether its Relazione can be validated.
func finalPeriodState(y YearStatus) string {
	switch {
	case y.Completeness == nil:
		return "Periodo finale assente: validazione non possibile"
	case y.Completeness.ClosedAt == nil:
		return "Aperto: validazione non possibile finché il periodo non è chiuso"
	}
	return "Chiuso il " + itfmt.Date(y.Completeness.ClosedAt.In(itfmt.Rome()))
}

// ObservationForm is the OIV observation form, kept on errors.
type ObservationForm struct {
	Year, Target, Body string // Target: objective code or "code|indicator key"
	Errors             map[string]string
}

// ValidationForm is the validation form of a year's Relazione, kept on errors.
type ValidationForm struct {
	Year, Outcome, DecidedOn, ActReference, Notes string
	Correction                                    string // why the current decision is replaced
	Errors                                        map[string]string
	// Seen is, by year, the stamp of the validation the form was built on
	// ("" for none), posted back so that a stale form cannot replace a newer
	// validation; nil on a fresh page (the stamps of Years are used).
	Seen     map[int]string
	Conflict string // the validation recorded meanwhile, when the save was refused
}

// seenStamp is the validation stamp a year's hidden field carries.
func seenStamp(d OIVData, y YearStatus) string {
	if s, ok := d.Val.Seen[y.Year]; ok {
		return s
	}
	if y.Validation == nil {
		return ""
	}
	return y.Validation.Stamp()
}

// TargetChoice is an objective or indicator the OIV can comment on.
type TargetChoice struct{ Value, Label string }

// OIVData is the OIV's page.
type OIVData struct {
	Plan         model.PlanHeader
	Years        []YearStatus
	Chain        *model.ChainReport // nil until verified on this page
	CheckedAt    time.Time
	Observations []model.Observation
	ObsYear      int
	Choices      []TargetChoice
	CanObserve   bool
	Obs          ObservationForm
	Val          ValidationForm
	Withdraw     WithdrawForm
	Saved        string // confirmation after a successful post
}

// WithdrawForm is the form that withdraws a year's validation, kept on errors.
type WithdrawForm struct {
	Year, Reason string
	Errors       map[string]string
	Conflict     string
}

// validatedYearChoices are the years with a current decision to withdraw.
func validatedYearChoices(years []YearStatus) []TargetChoice {
	out := []TargetChoice{{Value: "", Label: "Scegli l'anno"}}
	for _, y := range years {
		if y.Validation != nil {
			out = append(out, TargetChoice{Value: strconv.Itoa(y.Year), Label: strconv.Itoa(y.Year) + " — " +
				model.OutcomeLabel(y.Validation.Outcome) + " il " + itfmt.Date(y.Validation.DecidedOn)})
		}
	}
	return out
}

// hasCurrent reports whether some year has a current decision.
func hasCurrent(years []YearStatus) bool {
	for _, y := range years {
		if y.Validation != nil {
			return true
		}
	}
	return false
}

// decisionEnd says, in Italian, how a decision stopped being current.
func decisionEnd(v model.Validation) string {
	if v.EndedAt == nil {
		return "In vigore"
	}
	when := itfmt.Date(v.EndedAt.In(itfmt.Rome()))
	if v.EndKind == model.EndWithdrawn {
		return "Revocata il " + when + ". Motivo della revoca: " + v.EndReason
	}
	return "Sostituita da una correzione il " + when + ". Motivo della correzione: " + v.EndReason
}

// RevisionsData is the revisions page with the diff of two of them.
type RevisionsData struct {
	Plan      model.PlanHeader
	Revisions []model.RevisionInfo
	From, To  int
	Diff      []revision.Difference
	Message   string
}

// AuditForm is the audit trail filter, as typed.
type AuditForm struct {
	From, To, Actor, Object, Action string
	Errors                          map[string]string
}

// AuditData is the audit trail page.
type AuditData struct {
	Plan   model.PlanHeader
	Form   AuditForm
	Query  string // the filter as a query string, for the export links
	Rows   []model.AuditRow
	Shown  int
	More   bool
	Actors []string
	// Page is the page shown (from 1), First the number of its first event;
	// PrevURL and NextURL keep the filter ("" at either end).
	Page, First      int
	PrevURL, NextURL templ.SafeURL
}

// TransparencyYear is a plan year on the transparency page.
type TransparencyYear struct {
	Year int
	// Validation is the current decision when it validates the year within
	// the rule (the results are published); nil otherwise.
	Validation *model.Validation
	History    []model.Validation // the public decisions of the year, oldest first
	Tables     []document.Table   // the Relazione tables published as CSV
}

// withdrawnNotice states the latest withdrawal of a year without a current
// validation: the year went back to not validated.
func withdrawnNotice(history []model.Validation) string {
	for i := len(history) - 1; i >= 0; i-- {
		v := history[i]
		if v.EndKind == model.EndWithdrawn && v.EndedAt != nil {
			return "Validazione revocata il " + itfmt.Date(v.EndedAt.In(itfmt.Rome())) + ": la Relazione non è più validata. Motivo: " + v.EndReason
		}
	}
	return ""
}

// TransparencyData is Amministrazione Trasparente › Performance.
type TransparencyData struct {
	Plan       model.PlanHeader
	Revisions  []model.RevisionInfo
	Years      []TransparencyYear
	LastUpdate time.Time
}

func rowsWord(n int) string {
	if n == 1 {
		return "1 riga"
	}
	return strconv.Itoa(n) + " righe"
}

func alignClass(k document.Kind) string {
	switch k {
	case document.Number, document.Percent, document.Integer:
		return "text-end text-nowrap"
	}
	return ""
}

func dateTime(t time.Time) string { return itfmt.DateTime(t) }

func treeIndent(level int) string { return "ps-" + strconv.Itoa(min(level*3, 5)) }

func seqText(s *int64) string {
	if s == nil {
		return "in attesa"
	}
	return strconv.FormatInt(*s, 10)
}

func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

func selectClass(msg string) string {
	if msg != "" {
		return "form-select is-invalid"
	}
	return "form-select"
}

func yearChoices(ys []YearStatus) []TargetChoice {
	out := make([]TargetChoice, 0, len(ys))
	for _, y := range ys {
		out = append(out, TargetChoice{Value: strconv.Itoa(y.Year), Label: strconv.Itoa(y.Year)})
	}
	return out
}

func actorChoices(actors []string) []TargetChoice {
	out := []TargetChoice{{Value: "", Label: "Tutti"}}
	for _, a := range actors {
		out = append(out, TargetChoice{Value: a, Label: a})
	}
	return out
}
