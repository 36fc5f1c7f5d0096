package scoring

import "github.com/piao-performance/piao/internal/plan"

// FromDocument builds the snapshot of a plan document for one year: the
// targets of that year, the default rules unless rules is given.
func FromDocument(d *plan.Document, year int, rules *Rules) Snapshot {
	s := Snapshot{Rules: DefaultRules()}
	if rules != nil {
		s.Rules = *rules
	}
	for _, a := range d.Areas {
		s.Areas = append(s.Areas, a.Number)
	}
	for _, u := range d.Units {
		s.Units = append(s.Units, u.Key)
	}
	for _, r := range d.Roles {
		s.Roles = append(s.Roles, r.Key)
	}
	s.Objectives = make([]Objective, 0, len(d.Objectives))
	for _, o := range d.Objectives {
		s.Objectives = append(s.Objectives, Objective{Code: o.Code, Kind: o.Kind, Title: o.Title, Area: o.Area,
			Parent: o.Parent, Owners: o.Owners, Units: o.Units})
		for _, in := range o.Indicators {
			x := Indicator{Key: in.Key, Objective: o.Code, Name: in.Name, Unit: in.Unit, Polarity: in.Polarity,
				Formula: in.Formula, Scale: in.Scale, Derived: in.Derived, Component: in.Component, Weight: in.Weight,
				Cumulative: in.Cumulative, EarlyWarning: in.EarlyWarning}
			for _, t := range in.Targets {
				if t.Year == year && t.Value != nil {
					x.Target = &Target{Operator: t.Operator, Value: *t.Value, Text: t.Text}
				}
			}
			s.Indicators = append(s.Indicators, x)
		}
	}
	for _, iv := range d.Individual {
		w := 0.0
		if iv.Weight != nil {
			w = *iv.Weight
		}
		s.Assignments = append(s.Assignments, Assignment{Role: iv.Role, Code: iv.Code, Title: iv.Title, Objective: iv.Objective, Weight: w})
	}
	return s
}
