package auth

// Action is something a request wants to do. Every route declares one; the
// policy below is the only place that decides who may do it.
type Action string

// Actions.
const (
	Public         Action = "public"          // anyone, signed in or not
	SignedIn       Action = "signed_in"       // any signed-in user
	ViewPrivate    Action = "view_private"    // current values and reserved pages of an ente
	ViewEvaluation Action = "view_evaluation" // a manager's individual evaluation
	EnterValue     Action = "enter_value"     // save a measurement (draft)
	SubmitValue    Action = "submit_value"    // submit a measurement for approval
	Approve        Action = "approve"         // approve, return, reopen measurements; close periods
	EditPlan       Action = "edit_plan"       // change the plan structure, targets, rules
	ManageUsers    Action = "manage_users"    // accounts of an ente
	ManageEnti     Action = "manage_enti"     // create administrations (the global administrator)
	Audit          Action = "audit"           // audit trail and reports
	Observe        Action = "observe"         // OIV observations
	WriteRelazione Action = "write_relazione" // the prose draft of the Relazione (the Segretario Generale)
)

// Resource is what an action applies to: the ente it belongs to and, for
// measurement data, the manager positions that own the objective.
type Resource struct {
	EnteID    int64   // 0: no ente (application-wide pages)
	Owners    []int64 // owner positions of the objective, for value entry
	Evaluated int64   // the position whose individual evaluation is read
}

// Decision is the outcome of a policy check.
type Decision int

// Decisions.
const (
	Allow      Decision = iota
	NeedSignIn          // anonymous: sign in first, then come back
	Forbidden           // signed in, but not allowed (403)
	Hidden              // another ente's private data: answer as if it did not exist (404)
)

// Decide applies the policy: who (nil for anonymous) may do what on which resource.
func Decide(u *User, a Action, r Resource) Decision {
	if a == Public {
		return Allow
	}
	if u == nil {
		return NeedSignIn
	}
	if a == SignedIn {
		return Allow
	}
	// Ente isolation comes first: another ente's private data does not exist for you.
	if r.EnteID != 0 && !u.Global() && u.EnteID != r.EnteID {
		return Hidden
	}
	if allowed(u, a, r) {
		return Allow
	}
	return Forbidden
}

func allowed(u *User, a Action, r Resource) bool {
	switch a {
	case ViewPrivate:
		return true // every role reads its own ente
	case ViewEvaluation:
		switch u.Role {
		case Admin, Segretario, OIV:
			return true
		case Dirigente:
			return r.Evaluated != 0 && r.Evaluated == u.PositionID // his own scorecard
		}
		return false
	case EnterValue:
		switch u.Role {
		case Dirigente, Referente:
			return owns(u, r)
		}
		return false
	case SubmitValue:
		return u.Role == Dirigente && owns(u, r)
	case Approve:
		return u.Role == Segretario
	case ManageEnti:
		return u.Global()
	case EditPlan, ManageUsers:
		return u.Role == Admin
	case Audit:
		return u.Role == OIV || u.Role == Segretario || u.Role == Admin
	case Observe:
		return u.Role == OIV
	case WriteRelazione:
		return u.Role == Segretario
	}
	return false
}

func owns(u *User, r Resource) bool {
	if u.PositionID == 0 {
		return false
	}
	for _, o := range r.Owners {
		if o == u.PositionID {
			return true
		}
	}
	return false
}
