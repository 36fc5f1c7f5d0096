package templates

import (
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/revision"
)

// AdoptConfirmData is the confirmation before adopting a draft revision:
// what changes, counted and listed, and what adoption means for the scores.
type AdoptConfirmData struct {
	Plan    model.PlanHeader
	Draft   model.Draft
	Diff    []revision.Difference
	Summary revision.Summary
	// individual objectives added, removed and changed by the draft
	IndividualAdded, IndividualRemoved, IndividualChanged int
	// Orphaned: measurements of the indicators the draft removes
	Orphaned int
	// Periods: the plan's periods ending on or after the date in force, assessed
	// against the new targets; ScoreYears: the years among them whose targets change.
	Periods    []model.Period
	ScoreYears []int
	Message    string // next to the confirmation box
	Stale      string // the draft changed after the confirmation was shown
}

// ClosedAffected counts the closed periods among those the new targets govern.
func (d AdoptConfirmData) ClosedAffected() int {
	n := 0
	for _, p := range d.Periods {
		if p.Closed() && yearIn(d.ScoreYears, p.Year) {
			n++
		}
	}
	return n
}

// DiscardConfirmData is the confirmation before discarding a draft: what is lost.
type DiscardConfirmData struct {
	Plan    model.PlanHeader
	Draft   model.Draft
	Diff    []revision.Difference
	Summary revision.Summary
	// individual objectives added, removed and changed by the draft
	IndividualAdded, IndividualRemoved, IndividualChanged int
	Edits                                                 int // changes saved in the draft
	Message                                               string
	Stale                                                 string
}

// DisableUserData is the confirmation before disabling an account.
type DisableUserData struct {
	Ente     model.EnteInfo
	User     model.UserImpact
	Sessions int // live sessions that end
	Message  string
	Refusal  string // why the account cannot be disabled (last administrator)
}

func yearIn(ys []int, y int) bool {
	for _, x := range ys {
		if x == y {
			return true
		}
	}
	return false
}

func yearList(ys []int) string {
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = strconv.Itoa(y)
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " e " + parts[len(parts)-1]
}

// count reads "1 obiettivo" / "3 obiettivi".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
