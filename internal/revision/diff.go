package revision

import (
	"github.com/piao-performance/piao/internal/plan"
)

// Difference kinds.
const (
	ObjectiveAdded   = "objective_added"
	ObjectiveRemoved = "objective_removed"
	TitleChanged     = "title"
	DescChanged      = "description"
	IndicatorAdded   = "indicator_added"
	IndicatorRemoved = "indicator_removed"
	NameChanged      = "indicator_name"
	TargetChanged    = "target"
	TargetAdded      = "target_added"
	TargetRemoved    = "target_removed"
)

// Unknown is how an unknown earlier value reads.
const Unknown = "non noto (il testo dell'aggiornamento non lo riporta)"

// Difference is one difference between two revisions, old → new.
type Difference struct {
	Kind      string
	Objective string
	Indicator string // for indicator and target differences
	Year      int    // for target differences
	Old, New  string // as published; "" when absent
	// OldUnknown: the older revision had a value the source does not give.
	OldUnknown bool
	Reason     string // the reason the source states, or the revision's reason
	Revision   string // the label of the revision that made the change, when one is recorded
}

// Label is the Italian name of the kind of difference.
func (d Difference) Label() string {
	switch d.Kind {
	case ObjectiveAdded:
		return "Obiettivo aggiunto"
	case ObjectiveRemoved:
		return "Obiettivo eliminato"
	case TitleChanged:
		return "Titolo modificato"
	case DescChanged:
		return "Descrizione modificata"
	case IndicatorAdded:
		return "Indicatore aggiunto"
	case IndicatorRemoved:
		return "Indicatore eliminato"
	case NameChanged:
		return "Nome dell'indicatore modificato"
	case TargetAdded:
		return "Target aggiunto"
	case TargetRemoved:
		return "Target eliminato"
	}
	return "Target modificato"
}

// OldText is the old value as shown, with the unknown marker.
func (d Difference) OldText() string {
	if d.OldUnknown {
		return Unknown
	}
	return d.Old
}

// Step is a revision between the two compared, with the changes it states:
// they give the reasons.
type Step struct {
	Label   string
	Reason  string
	Changes []plan.Change
}

// Diff lists what changed from old to new, in the new revision's objective
// order (removed objectives last). steps are the revisions after old up to
// new, oldest first; their stated changes give each difference its reason.
func Diff(old, new Content, steps []Step) []Difference {
	var out []Difference
	reason := func(d *Difference, field string) {
		for i := len(steps) - 1; i >= 0; i-- { // the latest revision that touched it
			for _, ch := range steps[i].Changes {
				if ch.Objective == d.Objective && ch.Field == field && ch.Indicator == d.Indicator && ch.Year == d.Year {
					d.Reason, d.Revision = ch.Reason, steps[i].Label
					return
				}
			}
		}
		if len(steps) == 1 {
			d.Reason, d.Revision = steps[0].Reason, steps[0].Label
		}
	}
	add := func(d Difference, field string) {
		reason(&d, field)
		out = append(out, d)
	}
	for _, n := range new.Objectives {
		o := old.objective(n.Code)
		if o == nil {
			add(Difference{Kind: ObjectiveAdded, Objective: n.Code, New: n.Title}, "")
			continue
		}
		if o.Title != n.Title {
			add(Difference{Kind: TitleChanged, Objective: n.Code, Old: o.Title, New: n.Title}, plan.FieldTitle)
		}
		if o.DescriptionUnknown || o.Description != n.Description {
			add(Difference{Kind: DescChanged, Objective: n.Code, Old: o.Description, OldUnknown: o.DescriptionUnknown, New: n.Description}, plan.FieldDescription)
		}
		for _, ni := range n.Indicators {
			oi := o.indicator(ni.Key)
			if oi == nil {
				add(Difference{Kind: IndicatorAdded, Objective: n.Code, Indicator: ni.Key, New: ni.Name}, "")
				continue
			}
			if oi.Name != ni.Name {
				add(Difference{Kind: NameChanged, Objective: n.Code, Indicator: ni.Key, Old: oi.Name, New: ni.Name}, "")
			}
			targetDiffs(n.Code, oi, &ni, add)
		}
		for _, oi := range o.Indicators {
			if n.indicator(oi.Key) == nil {
				add(Difference{Kind: IndicatorRemoved, Objective: n.Code, Indicator: oi.Key, Old: oi.Name}, "")
			}
		}
	}
	for _, o := range old.Objectives {
		if new.objective(o.Code) == nil {
			add(Difference{Kind: ObjectiveRemoved, Objective: o.Code, Old: o.Title}, "")
		}
	}
	return out
}

func targetDiffs(code string, oi, ni *Indicator, add func(Difference, string)) {
	find := func(ts []Target, y int) *Target {
		for i := range ts {
			if ts[i].Year == y {
				return &ts[i]
			}
		}
		return nil
	}
	for _, nt := range ni.Targets {
		ot := find(oi.Targets, nt.Year)
		d := Difference{Objective: code, Indicator: ni.Key, Year: nt.Year, New: nt.Text}
		switch {
		case ot == nil:
			d.Kind = TargetAdded
		case ot.Unknown || ot.Operator != nt.Operator || !sameValue(ot.Value, nt.Value) || ot.Text != nt.Text:
			d.Kind, d.Old, d.OldUnknown = TargetChanged, ot.Text, ot.Unknown
		default:
			continue
		}
		add(d, plan.FieldTarget)
	}
	for _, ot := range oi.Targets {
		if find(ni.Targets, ot.Year) == nil {
			add(Difference{Kind: TargetRemoved, Objective: code, Indicator: ni.Key, Year: ot.Year, Old: ot.Text, OldUnknown: ot.Unknown}, plan.FieldTarget)
		}
	}
}

func sameValue(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
