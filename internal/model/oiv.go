package model

import (
	"strconv"
	"time"
)

// Observation is an OIV observation on an objective or one of its indicators.
type Observation struct {
	ID        int64
	Year      int
	Objective string // objective code
	Indicator string // indicator key, "" for the objective as a whole
	Body      string
	Author    string
	CreatedAt time.Time
}

// Validation outcomes of the Relazione sulla performance.
const (
	Validated            = "validata"
	ValidatedWithReserve = "validata_con_riserva"
	NotValidated         = "non_validata"
)

// OutcomeLabel is the Italian label of a validation outcome.
func OutcomeLabel(outcome string) string {
	switch outcome {
	case Validated:
		return "Validata"
	case ValidatedWithReserve:
		return "Validata con riserva"
	case NotValidated:
		return "Non validata"
	}
	return outcome
}

// Validation is the OIV's decision on a year's Relazione, with its document.
type Validation struct {
	ID           int64 // the decision; every decision keeps its row and document
	Year         int
	Outcome      string
	DecidedOn    time.Time
	ActReference string
	Notes        string
	DocumentName string
	DocumentType string
	Document     []byte // when set by SetValidation; read with CopyValidationDocument
	DocumentSize int64  // from ValidationDocument
	SHA256       string
	Author       string
	CreatedAt    time.Time
	// Public: the validation satisfies the rule for publication (the year's
	// final period is closed and the decision is dated on or after its close
	// and not in the future); set by the readers, see validationInRule.
	Public bool
	// Correction is, when recording a decision that replaces the current one,
	// the reason for the correction (required then; see SetValidation).
	Correction string
	// EndedAt is set when the decision is no longer the current one: EndKind
	// says whether a correction replaced it or it was withdrawn, EndReason why.
	EndedAt   *time.Time
	EndedBy   string
	EndKind   string
	EndReason string
}

// How a decision stopped being the current one.
const (
	EndCorrected = "corrected"
	EndWithdrawn = "withdrawn"
)

// Current reports whether the decision is the year's current one.
func (v Validation) Current() bool { return v.EndedAt == nil }

// Stamp names this recording of a validation: it changes whenever the
// validation is replaced. The validation form carries the stamp of each year
// as it saw it ("" when there was none).
func (v Validation) Stamp() string { return strconv.FormatInt(v.CreatedAt.UnixMicro(), 10) }

// ObservableItem is an objective, or one of its indicators, the OIV can comment on.
type ObservableItem struct {
	Objective, Indicator, Title string
}

// Completeness is the state of a year's final period as the OIV sees it
// before validating: every reported (non-derived) indicator falls in exactly
// one count.
type Completeness struct {
	Year          int
	EndsOn        time.Time
	ClosedAt      *time.Time
	Expected      int // indicators to report
	Missing       int // nothing entered
	Draft         int // entered, not submitted
	Submitted     int // waiting for approval
	Returned      int // sent back for correction
	Approved      int // approved with a value
	NotApplicable int // approved as not applicable
}

// Complete reports whether every expected value is approved (with a value or
// as not applicable).
func (c Completeness) Complete() bool { return c.Approved+c.NotApplicable == c.Expected }
