// Package workflow is the life of a measurement: its statuses, the actions
// that move it from one to another and what each action needs. It is pure:
// the store applies a step inside its transaction (locking, SQL, audit) and
// the server maps actions to permissions and errors to Italian messages.
package workflow

import (
	"errors"
	"fmt"
)

// Status is the state of a measurement.
type Status string

// Statuses, as users read them.
const (
	ToFill    Status = ""          // da compilare: no measurement yet
	Draft     Status = "draft"     // bozza
	Submitted Status = "submitted" // inviata
	Approved  Status = "approved"  // approvata
	Returned  Status = "returned"  // restituita
)

// Statuses lists every status, in the order of the workflow.
func Statuses() []Status { return []Status{ToFill, Draft, Submitted, Approved, Returned} }

// Label is the Italian name of the status.
func (s Status) Label() string {
	switch s {
	case Draft:
		return "Bozza"
	case Submitted:
		return "Inviata"
	case Approved:
		return "Approvata"
	case Returned:
		return "Restituita"
	}
	return "Da compilare"
}

// Editable reports whether the dirigente may still save values: before
// submission, or after the Segretario returned the measurement.
func (s Status) Editable() bool { return s == ToFill || s == Draft || s == Returned }

// Action moves a measurement from one status to another.
type Action string

// Actions.
const (
	Submit  Action = "submit"  // dirigente: draft/returned → submitted
	Approve Action = "approve" // Segretario Generale: submitted → approved
	Return  Action = "return"  // Segretario Generale: submitted → returned, with a comment
	Reopen  Action = "reopen"  // Segretario Generale: approved → draft, with a reason
)

// Actions lists every action.
func Actions() []Action { return []Action{Submit, Approve, Return, Reopen} }

// ParseAction reads an action's name; ok is false for anything else.
func ParseAction(s string) (a Action, ok bool) {
	for _, a := range Actions() {
		if string(a) == s {
			return a, true
		}
	}
	return "", false
}

// NeedsReason reports whether the action must say why (returning, reopening).
func (a Action) NeedsReason() bool { return a == Return || a == Reopen }

// Review reports whether the action is the reviewer's (approve, return,
// reopen) rather than the dirigente's (submit).
func (a Action) Review() bool { return a != Submit }

// MinReason is the shortest reason, in characters, a return or a reopening takes.
const MinReason = 3

// ErrUnknownAction is returned for an action that is not in Actions.
var ErrUnknownAction = errors.New("unknown workflow action")

// ErrReasonRequired is returned when a return or a reopening has no reason
// of at least MinReason characters.
var ErrReasonRequired = errors.New("reason required")

// NotAllowedError is returned when the action does not apply to a
// measurement in status From.
type NotAllowedError struct {
	From   Status
	Action Action
}

func (e *NotAllowedError) Error() string {
	return fmt.Sprintf("workflow: %s is not allowed from status %q", e.Action, e.From)
}

// Next is the status an action leads to from status from, or an error:
// ErrUnknownAction or *NotAllowedError.
func Next(from Status, a Action) (Status, error) {
	var ok bool
	var to Status
	switch a {
	case Submit:
		ok, to = from == Draft || from == Returned, Submitted
	case Approve:
		ok, to = from == Submitted, Approved
	case Return:
		ok, to = from == Submitted, Returned
	case Reopen:
		ok, to = from == Approved, Draft
	default:
		return "", fmt.Errorf("%w %q", ErrUnknownAction, a)
	}
	if !ok {
		return "", &NotAllowedError{From: from, Action: a}
	}
	return to, nil
}

// CheckReason returns ErrReasonRequired when the action needs a reason and
// reason is shorter than MinReason characters.
func CheckReason(a Action, reason string) error {
	if a.NeedsReason() && len([]rune(reason)) < MinReason {
		return ErrReasonRequired
	}
	return nil
}

// Label is the Italian name of a status given as text (as read from a
// database row or a report); see Status.Label.
func Label(s string) string { return Status(s).Label() }
