package revision

import (
	"slices"

	"github.com/piao-performance/piao/internal/plan"
)

// Summary counts the differences of a diff by what they touch, for the
// confirmation before adopting a revision.
type Summary struct {
	ObjectivesAdded, ObjectivesRemoved, ObjectivesChanged int // changed: title or description
	IndicatorsAdded, IndicatorsRemoved, IndicatorsChanged int // changed: name or targets
	TargetsChanged, TargetsAdded, TargetsRemoved          int
	// RemovedIndicators and RemovedObjectives name what the revision removes
	// (a removed objective takes its indicators with it).
	RemovedIndicators, RemovedObjectives []string
	// TargetYears are the years whose targets change, in increasing order.
	TargetYears []int
}

// Structural reports whether objectives or indicators are added or removed.
func (s Summary) Structural() bool {
	return s.ObjectivesAdded+s.ObjectivesRemoved+s.IndicatorsAdded+s.IndicatorsRemoved > 0
}

// Summarize counts a diff's differences.
func Summarize(diffs []Difference) Summary {
	var s Summary
	objectives, indicators, years := map[string]bool{}, map[string]bool{}, map[int]bool{}
	for _, d := range diffs {
		switch d.Kind {
		case ObjectiveAdded:
			s.ObjectivesAdded++
		case ObjectiveRemoved:
			s.ObjectivesRemoved++
			s.RemovedObjectives = append(s.RemovedObjectives, d.Objective)
		case TitleChanged, DescChanged:
			objectives[d.Objective] = true
		case IndicatorAdded:
			s.IndicatorsAdded++
		case IndicatorRemoved:
			s.IndicatorsRemoved++
			s.RemovedIndicators = append(s.RemovedIndicators, d.Indicator)
		case NameChanged:
			indicators[d.Indicator] = true
		case TargetChanged, TargetAdded, TargetRemoved:
			indicators[d.Indicator] = true
			years[d.Year] = true
			switch d.Kind {
			case TargetChanged:
				s.TargetsChanged++
			case TargetAdded:
				s.TargetsAdded++
			default:
				s.TargetsRemoved++
			}
		}
	}
	s.ObjectivesChanged, s.IndicatorsChanged = len(objectives), len(indicators)
	for y := range years {
		s.TargetYears = append(s.TargetYears, y)
	}
	slices.Sort(s.TargetYears)
	return s
}

// IndividualChanges counts the individual objectives (by role and code) a
// revision adds, removes and changes (title, group, objective or weight):
// they are not part of a revision's Content, but adoption writes them.
func IndividualChanges(old, new []plan.Individual) (added, removed, changed int) {
	key := func(iv plan.Individual) string { return iv.Role + "\x00" + iv.Code }
	before := make(map[string]plan.Individual, len(old))
	for _, iv := range old {
		before[key(iv)] = iv
	}
	seen := make(map[string]bool, len(new))
	for _, n := range new {
		seen[key(n)] = true
		o, ok := before[key(n)]
		switch {
		case !ok:
			added++
		case o.Title != n.Title || o.Group != n.Group || o.Objective != n.Objective || !sameValue(o.Weight, n.Weight):
			changed++
		}
	}
	for k := range before {
		if !seen[k] {
			removed++
		}
	}
	return added, removed, changed
}
