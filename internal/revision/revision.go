// Package revision describes what a plan revision (aggiornamento) contains and
// compares two of them. It is pure: the store keeps each revision's Content as
// JSON and its targets in the targets table; this package rebuilds earlier
// contents from the changes a later revision states, and lists the
// differences between any two revisions, old → new, with the reason.
package revision

import (
	"fmt"
	"slices"

	"github.com/piao-performance/piao/internal/plan"
)

// Content is what a revision says: the objectives with their texts and the
// indicators with their targets. Everything else (organisation, baselines,
// formulas) is not revised by an aggiornamento in this product.
type Content struct {
	Objectives []Objective `json:"objectives"`
}

// Objective is an objective as a revision states it.
type Objective struct {
	Code        string `json:"code"`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// DescriptionUnknown: the revision changed the description, the earlier
	// text is not known.
	DescriptionUnknown bool        `json:"description_unknown,omitempty"`
	Indicators         []Indicator `json:"indicators"`
}

// Indicator is an indicator with its targets in the revision.
type Indicator struct {
	Key     string   `json:"key"`
	Name    string   `json:"name"`
	Targets []Target `json:"targets"`
}

// Target is a yearly target. Unknown: the revision had a target for the year
// but its value is not known (the later revision says it changed, not from what).
type Target struct {
	Year     int      `json:"year"`
	Operator string   `json:"operator,omitempty"`
	Value    *float64 `json:"value,omitempty"`
	Text     string   `json:"text,omitempty"`
	Unknown  bool     `json:"unknown,omitempty"`
}

// FromDocument returns the content of the revision a document holds.
func FromDocument(d *plan.Document) Content {
	c := Content{Objectives: make([]Objective, 0, len(d.Objectives))}
	for _, o := range d.Objectives {
		co := Objective{Code: o.Code, Kind: o.Kind, Title: o.Title, Description: o.Description, Indicators: make([]Indicator, 0, len(o.Indicators))}
		for _, in := range o.Indicators {
			ci := Indicator{Key: in.Key, Name: in.Name, Targets: make([]Target, 0, len(in.Targets))}
			for _, t := range in.Targets {
				ci.Targets = append(ci.Targets, Target{Year: t.Year, Operator: t.Operator, Value: t.Value, Text: t.Text})
			}
			co.Indicators = append(co.Indicators, ci)
		}
		c.Objectives = append(c.Objectives, co)
	}
	return c
}

// Before rebuilds the content of the previous revision from a content and
// the changes that produced it. It fails when a change names something the
// content lacks: the changes must describe this content.
func Before(c Content, changes []plan.Change) (Content, error) {
	out := c.clone()
	// Removed items go back in reverse order, so each returns to its place.
	for k := len(changes) - 1; k >= 0; k-- {
		if err := out.undo(changes[k]); err != nil {
			return Content{}, err
		}
	}
	return out, nil
}

func (c *Content) undo(ch plan.Change) error {
	if ch.Field == plan.FieldObjective {
		if ch.Added {
			i := c.objectiveIndex(ch.Objective)
			if i < 0 {
				return fmt.Errorf("change to %s: objective unknown", ch.Objective)
			}
			c.Objectives = slices.Delete(c.Objectives, i, i+1)
			return nil
		}
		if ch.BeforeObjective == nil {
			return fmt.Errorf("change to %s: the removed objective is missing", ch.Objective)
		}
		c.Objectives = slices.Insert(c.Objectives, place(ch.Position, len(c.Objectives)), objectiveOf(ch.BeforeObjective))
		return nil
	}
	o := c.objective(ch.Objective)
	if o == nil {
		return fmt.Errorf("change to %s: objective unknown", ch.Objective)
	}
	switch ch.Field {
	case plan.FieldTitle:
		if ch.Unknown {
			return fmt.Errorf("change to %s: a title cannot be unknown", ch.Objective)
		}
		o.Title = ch.Before
	case plan.FieldDescription:
		o.Description, o.DescriptionUnknown = ch.Before, ch.Unknown
		if ch.Unknown {
			o.Description = ""
		}
	case plan.FieldIndicator:
		if ch.Added {
			i := slices.IndexFunc(o.Indicators, func(in Indicator) bool { return in.Key == ch.Indicator })
			if i < 0 {
				return fmt.Errorf("change to %s: indicator %s unknown", ch.Objective, ch.Indicator)
			}
			o.Indicators = slices.Delete(o.Indicators, i, i+1)
			return nil
		}
		if ch.BeforeIndicator == nil {
			return fmt.Errorf("change to %s: the removed indicator is missing", ch.Indicator)
		}
		o.Indicators = slices.Insert(o.Indicators, place(ch.Position, len(o.Indicators)), indicatorOf(ch.BeforeIndicator))
	case plan.FieldName:
		in := o.indicator(ch.Indicator)
		if in == nil {
			return fmt.Errorf("change to %s: indicator %s unknown", ch.Objective, ch.Indicator)
		}
		in.Name = ch.Before
	case plan.FieldTarget:
		in := o.indicator(ch.Indicator)
		if in == nil {
			return fmt.Errorf("change to %s: indicator %s unknown", ch.Objective, ch.Indicator)
		}
		k := slices.IndexFunc(in.Targets, func(t Target) bool { return t.Year == ch.Year })
		switch {
		case ch.Added:
			if k < 0 {
				return fmt.Errorf("change to %s: no %d target", ch.Indicator, ch.Year)
			}
			in.Targets = slices.Delete(in.Targets, k, k+1)
		case k < 0 && (ch.BeforeTarget != nil || ch.Unknown): // the target was removed: it comes back in year order
			t := Target{Year: ch.Year, Unknown: true}
			if ch.BeforeTarget != nil {
				t = targetOf(ch.Year, ch.BeforeTarget)
			}
			at, _ := slices.BinarySearchFunc(in.Targets, t.Year, func(x Target, y int) int { return x.Year - y })
			in.Targets = slices.Insert(in.Targets, at, t)
		case k < 0:
			return fmt.Errorf("change to %s: no %d target", ch.Indicator, ch.Year)
		case ch.Unknown:
			in.Targets[k] = Target{Year: ch.Year, Unknown: true}
		case ch.BeforeTarget != nil:
			in.Targets[k] = targetOf(ch.Year, ch.BeforeTarget)
		default:
			return fmt.Errorf("change to %s: the earlier target is missing (mark it unknown)", ch.Indicator)
		}
	default:
		return fmt.Errorf("change to %s: field %q unknown", ch.Objective, ch.Field)
	}
	return nil
}

// place turns a 1-based position into an index for inserting into n items.
func place(position, n int) int {
	if position < 1 || position > n+1 {
		return n
	}
	return position - 1
}

func targetOf(year int, t *plan.Target) Target {
	return Target{Year: year, Operator: t.Operator, Value: t.Value, Text: t.Text}
}

func objectiveOf(o *plan.Objective) Objective {
	out := Objective{Code: o.Code, Kind: o.Kind, Title: o.Title, Description: o.Description, Indicators: []Indicator{}}
	for i := range o.Indicators {
		out.Indicators = append(out.Indicators, indicatorOf(&o.Indicators[i]))
	}
	return out
}

func indicatorOf(in *plan.Indicator) Indicator {
	out := Indicator{Key: in.Key, Name: in.Name, Targets: []Target{}}
	for _, t := range in.Targets {
		out.Targets = append(out.Targets, Target{Year: t.Year, Operator: t.Operator, Value: t.Value, Text: t.Text})
	}
	return out
}

func (c Content) clone() Content {
	out := Content{Objectives: make([]Objective, len(c.Objectives))}
	for i, o := range c.Objectives {
		o.Indicators = slices.Clone(o.Indicators)
		for j := range o.Indicators {
			o.Indicators[j].Targets = slices.Clone(o.Indicators[j].Targets)
		}
		out.Objectives[i] = o
	}
	return out
}

func (c *Content) objectiveIndex(code string) int {
	return slices.IndexFunc(c.Objectives, func(o Objective) bool { return o.Code == code })
}

func (c *Content) objective(code string) *Objective {
	for i := range c.Objectives {
		if c.Objectives[i].Code == code {
			return &c.Objectives[i]
		}
	}
	return nil
}

func (o *Objective) indicator(key string) *Indicator {
	for i := range o.Indicators {
		if o.Indicators[i].Key == key {
			return &o.Indicators[i]
		}
	}
	return nil
}
