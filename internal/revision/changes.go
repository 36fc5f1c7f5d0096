package revision

import (
	"github.com/piao-performance/piao/internal/plan"
)

// Changes lists what turns old into new as plan.Change values, each with the
// value before it, so that Before(new, Changes(old, new, reason)) gives old
// back: a revision made in the browser is stored, exported and rebuilt like
// the ones transcribed from a source. Removals come first, then additions,
// then modifications: Before undoes them in the reverse order. Objectives
// and indicators that stay keep their relative order (a revision does not
// record a reordering).
func Changes(old, new Content, reason string) []plan.Change {
	var removed, added, modified []plan.Change
	ch := func(c plan.Change) plan.Change { c.Reason = reason; return c }
	// Removals are listed last place first: Before undoes the list backwards,
	// so it puts them back first place first, each at its old index.
	for i := len(old.Objectives) - 1; i >= 0; i-- {
		if o := old.Objectives[i]; new.objective(o.Code) == nil {
			removed = append(removed, ch(plan.Change{Objective: o.Code, Field: plan.FieldObjective, Position: i + 1, BeforeObjective: planObjective(o)}))
		}
	}
	for _, n := range new.Objectives {
		o := old.objective(n.Code)
		if o == nil {
			added = append(added, ch(plan.Change{Objective: n.Code, Field: plan.FieldObjective, Added: true}))
			continue
		}
		for i := len(o.Indicators) - 1; i >= 0; i-- {
			if oi := o.Indicators[i]; n.indicator(oi.Key) == nil {
				removed = append(removed, ch(plan.Change{Objective: n.Code, Indicator: oi.Key, Field: plan.FieldIndicator, Position: i + 1,
					BeforeIndicator: planIndicator(oi)}))
			}
		}
		if o.Title != n.Title {
			modified = append(modified, ch(plan.Change{Objective: n.Code, Field: plan.FieldTitle, Before: o.Title}))
		}
		if o.Description != n.Description || o.DescriptionUnknown {
			modified = append(modified, ch(plan.Change{Objective: n.Code, Field: plan.FieldDescription, Before: o.Description, Unknown: o.DescriptionUnknown}))
		}
		for _, ni := range n.Indicators {
			oi := o.indicator(ni.Key)
			if oi == nil {
				added = append(added, ch(plan.Change{Objective: n.Code, Indicator: ni.Key, Field: plan.FieldIndicator, Added: true}))
				continue
			}
			if oi.Name != ni.Name {
				modified = append(modified, ch(plan.Change{Objective: n.Code, Indicator: ni.Key, Field: plan.FieldName, Before: oi.Name}))
			}
			modified = append(modified, targetChanges(n.Code, oi, &ni, reason)...)
		}
	}
	return append(append(removed, added...), modified...)
}

func targetChanges(code string, oi, ni *Indicator, reason string) []plan.Change {
	var out []plan.Change
	find := func(ts []Target, y int) *Target {
		for i := range ts {
			if ts[i].Year == y {
				return &ts[i]
			}
		}
		return nil
	}
	for _, nt := range ni.Targets {
		c := plan.Change{Objective: code, Indicator: ni.Key, Field: plan.FieldTarget, Year: nt.Year, Reason: reason}
		switch ot := find(oi.Targets, nt.Year); {
		case ot == nil:
			c.Added = true
		case ot.Unknown:
			c.Unknown = true
		case ot.Operator != nt.Operator || !sameValue(ot.Value, nt.Value) || ot.Text != nt.Text || nt.Unknown:
			c.BeforeTarget = planTarget(ot)
		default:
			continue
		}
		out = append(out, c)
	}
	for _, ot := range oi.Targets {
		if find(ni.Targets, ot.Year) == nil {
			c := plan.Change{Objective: code, Indicator: ni.Key, Field: plan.FieldTarget, Year: ot.Year, Reason: reason, Unknown: ot.Unknown}
			if !ot.Unknown {
				c.BeforeTarget = planTarget(&ot)
			}
			out = append(out, c)
		}
	}
	return out
}

func planTarget(t *Target) *plan.Target {
	return &plan.Target{Year: t.Year, Operator: t.Operator, Value: t.Value, Text: t.Text}
}

// planIndicator keeps a removed indicator's known targets; an unknown one
// (only a rebuilt revision has them) is not a target to restore.
func planIndicator(in Indicator) *plan.Indicator {
	out := &plan.Indicator{Key: in.Key, Name: in.Name}
	for i := range in.Targets {
		if !in.Targets[i].Unknown {
			out.Targets = append(out.Targets, *planTarget(&in.Targets[i]))
		}
	}
	return out
}

func planObjective(o Objective) *plan.Objective {
	out := &plan.Objective{Code: o.Code, Kind: o.Kind, Title: o.Title, Description: o.Description}
	for _, in := range o.Indicators {
		out.Indicators = append(out.Indicators, *planIndicator(in))
	}
	return out
}
