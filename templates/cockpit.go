package templates

import (
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scoring"
)

// CockpitData is the top of the signed-in dashboard: where the period's
// collection stands, per dirigente, and the approval queue.
type CockpitData struct {
	Today      time.Time // the date (Rome) deadlines are measured against
	Total      model.CollectionCount
	ByPosition []model.CollectionCount
	CanApprove bool             // the queue and its bulk actions are shown
	Queue      []model.WorkItem // submitted entries
	Bulk       BulkForm
	// Actions are the corrective-action notes of the period's measurements
	// by indicator key, shown beside the early warnings (in-year period).
	Actions map[string]string
}

// BulkForm is the bulk approve/return form as typed, with its messages.
type BulkForm struct {
	Selected map[string]bool // indicator keys ticked
	Comment  string
	Errors   map[string]string // "voci", "commento"
	Message  string            // the form's outcome or its problem, above the list
	Success  bool              // Message is an outcome, not an error
	Confirm  *BulkConfirm      // the confirmation step, when asked
}

// BulkConfirm is the confirmation of a bulk step: what will change.
type BulkConfirm struct {
	Action string // "approva" or "restituisci"
	Items  []model.WorkItem
}

// OverdueText is "scaduto da 1 giorno" / "scaduto da N giorni" when the
// deadline is before today (both dates), "" otherwise.
func OverdueText(deadline, today time.Time) string {
	d := time.Date(deadline.Year(), deadline.Month(), deadline.Day(), 0, 0, 0, 0, time.UTC)
	t := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	days := int(t.Sub(d).Hours() / 24)
	switch {
	case days <= 0:
		return ""
	case days == 1:
		return "scaduto da 1 giorno"
	}
	return "scaduto da " + strconv.Itoa(days) + " giorni"
}

// periodStateText is "aperto" or "chiuso".
func periodStateText(p model.Period) string {
	if p.Closed() {
		return "chiuso"
	}
	return "aperto"
}

// periodOptionLabel is a period in the cockpit's select: "30/06/2024 (monitoraggio infrannuale) — aperto".
func periodOptionLabel(p model.Period) string { return p.Label() + " — " + periodStateText(p) }

func bulkActionText(action string, n int) string {
	what := "misurazioni"
	if n == 1 {
		what = "misurazione"
	}
	verb := "l'approvazione"
	if action == "restituisci" {
		verb = "la restituzione"
	}
	return "Confermi " + verb + " di " + strconv.Itoa(n) + " " + what + "?"
}

func positionWorklistURL(h model.PlanHeader, p model.Period, c model.CollectionCount) templ.SafeURL {
	return withPeriod(WorklistURL(h.EnteSlug, h.Slug), p) + templ.SafeURL("&posizione="+strconv.FormatInt(c.PositionID, 10))
}

// inYearScoreText shows an in-year score as progress, without a status band:
// "in corso: 62,5% del target annuale".
func inYearScoreText(s scoring.Score) string {
	if !s.Has {
		return "in corso: nessun valore approvato"
	}
	return "in corso: " + itfmt.Number(s.Value, 1) + "% del target annuale"
}
