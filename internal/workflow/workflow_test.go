package workflow

import (
	"errors"
	"testing"
)

// TestNext is the whole transition table: every action from every status.
func TestNext(t *testing.T) {
	want := map[Action]map[Status]Status{
		Submit:  {Draft: Submitted, Returned: Submitted},
		Approve: {Submitted: Approved},
		Return:  {Submitted: Returned},
		Reopen:  {Approved: Draft},
	}
	for _, a := range Actions() {
		for _, from := range Statuses() {
			got, err := Next(from, a)
			to, allowed := want[a][from]
			var na *NotAllowedError
			switch {
			case allowed && (err != nil || got != to):
				t.Errorf("Next(%q, %s) = %q, %v; want %q", from, a, got, err, to)
			case !allowed && (!errors.As(err, &na) || na.From != from || na.Action != a):
				t.Errorf("Next(%q, %s) = %q, %v; want a NotAllowedError", from, a, got, err)
			}
		}
	}
	if _, err := Next(Draft, "delete"); !errors.Is(err, ErrUnknownAction) {
		t.Errorf("unknown action: %v", err)
	}
}

func TestActionsAndReasons(t *testing.T) {
	for _, a := range Actions() {
		if got, ok := ParseAction(string(a)); !ok || got != a {
			t.Errorf("ParseAction(%q) = %q, %v", a, got, ok)
		}
	}
	if _, ok := ParseAction("approva"); ok {
		t.Error("ParseAction accepted an Italian word")
	}
	cases := []struct {
		a      Action
		reason string
		err    error
	}{
		{Submit, "", nil}, {Approve, "", nil}, {Return, "", ErrReasonRequired}, {Return, "no", ErrReasonRequired},
		{Return, "già", nil}, {Reopen, "  ", ErrReasonRequired}, {Reopen, "errore di battitura", nil},
	}
	for _, c := range cases {
		if err := CheckReason(c.a, c.reason); !errors.Is(err, c.err) {
			t.Errorf("CheckReason(%s, %q) = %v, want %v", c.a, c.reason, err, c.err)
		}
	}
}

func TestLabelsAndEditable(t *testing.T) {
	labels := map[Status]string{ToFill: "Da compilare", Draft: "Bozza", Submitted: "Inviata", Approved: "Approvata", Returned: "Restituita"}
	for _, s := range Statuses() {
		if s.Label() != labels[s] {
			t.Errorf("%q.Label() = %q", s, s.Label())
		}
		if want := s != Submitted && s != Approved; s.Editable() != want {
			t.Errorf("%q.Editable() = %v", s, s.Editable())
		}
	}
}
