package piaoparse

import (
	"fmt"
	"sort"
	"strings"

	"github.com/piao-performance/piao/internal/plan"
)

// Score counts, per field, how many of a reference document's values a parsed
// document reproduces.
type Score struct {
	Fields map[string]*Tally
	Misses []string // "field key: want … got …"
}

// Tally is one field's count.
type Tally struct{ Hit, Total int }

func (s *Score) add(field, key string, want, got any) {
	t := s.Fields[field]
	if t == nil {
		t = &Tally{}
		s.Fields[field] = t
	}
	t.Total++
	if fmt.Sprint(want) == fmt.Sprint(got) {
		t.Hit++
		return
	}
	s.Misses = append(s.Misses, fmt.Sprintf("%s %s: atteso %q, letto %q", field, key, fmt.Sprint(want), fmt.Sprint(got)))
}

// Total is the share of all fields reproduced.
func (s *Score) Total() (hit, total int) {
	for _, t := range s.Fields {
		hit += t.Hit
		total += t.Total
	}
	return hit, total
}

// String prints one line per field, sorted.
func (s *Score) String() string {
	names := make([]string, 0, len(s.Fields))
	for k := range s.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		t := s.Fields[k]
		fmt.Fprintf(&b, "%-26s %4d/%-4d %6.2f%%\n", k, t.Hit, t.Total, 100*float64(t.Hit)/float64(max(1, t.Total)))
	}
	h, n := s.Total()
	fmt.Fprintf(&b, "%-26s %4d/%-4d %6.2f%%\n", "TOTALE", h, n, 100*float64(h)/float64(max(1, n)))
	return b.String()
}

func norm(s string) string {
	return strings.TrimSpace(reSpaces.ReplaceAllString(clean(s), " "))
}

func val(v *float64) string {
	if v == nil {
		return "nil"
	}
	return fmt.Sprintf("%.4g", *v)
}

// Compare scores got against want: areas, objectives (code, kind, title,
// parent), indicators (name, algorithm, source, unit), baselines and
// targets (year, operator, value) and individual objectives (code, title,
// objective, indicator names and targets).
func Compare(want, got *plan.Document) *Score {
	s := &Score{Fields: map[string]*Tally{}}
	areas := map[int]string{}
	for _, a := range got.Areas {
		areas[a.Number] = a.Title
	}
	for _, a := range want.Areas {
		g, ok := areas[a.Number]
		if !ok {
			g = "<assente>"
		}
		s.add("area.title", fmt.Sprint(a.Number), norm(a.Title), norm(g))
	}
	objs := map[string]*plan.Objective{}
	for i := range got.Objectives {
		objs[got.Objectives[i].Code] = &got.Objectives[i]
	}
	for _, w := range want.Objectives {
		g := objs[w.Code]
		if g == nil {
			g = &plan.Objective{Kind: "<assente>", Title: "<assente>", Parent: "<assente>"}
		}
		s.add("objective.kind", w.Code, w.Kind, g.Kind)
		s.add("objective.title", w.Code, norm(w.Title), norm(g.Title))
		s.add("objective.parent", w.Code, w.Parent, g.Parent)
		for i, wi := range w.Indicators {
			gi := plan.Indicator{Name: "<assente>", Unit: "<assente>"}
			if i < len(g.Indicators) {
				gi = g.Indicators[i]
			}
			k := wi.Key
			s.add("indicator.name", k, norm(wi.Name), norm(gi.Name))
			s.add("indicator.algorithm", k, norm(wi.Algorithm), norm(gi.Algorithm))
			s.add("indicator.source", k, norm(wi.Source), norm(gi.Source))
			s.add("indicator.unit", k, wi.Unit, gi.Unit)
			for _, wb := range wi.Baselines {
				gv := "<assente>"
				for _, gb := range gi.Baselines {
					if gb.Year == wb.Year {
						gv = val(gb.Value)
					}
				}
				s.add("baseline.value", fmt.Sprintf("%s@%d", k, wb.Year), val(wb.Value), gv)
			}
			for _, wt := range wi.Targets {
				gop, gv := "<assente>", "<assente>"
				for _, gt := range gi.Targets {
					if gt.Year == wt.Year {
						gop, gv = gt.Operator, val(gt.Value)
					}
				}
				k := fmt.Sprintf("%s@%d", k, wt.Year)
				s.add("target.operator", k, wt.Operator, gop)
				s.add("target.value", k, val(wt.Value), gv)
			}
		}
	}
	for i, w := range want.Individual {
		g := plan.Individual{Code: "<assente>", Title: "<assente>"}
		if i < len(got.Individual) {
			g = got.Individual[i]
		}
		k := fmt.Sprintf("#%d %s", i+1, w.Code)
		s.add("individual.code", k, norm(w.Code), norm(g.Code))
		s.add("individual.title", k, norm(w.Title), norm(g.Title))
		s.add("individual.objective", k, w.Objective, g.Objective)
		for j, wi := range w.Indicators {
			gi := plan.IndividualIndicator{Name: "<assente>"}
			if j < len(g.Indicators) {
				gi = g.Indicators[j]
			}
			kk := fmt.Sprintf("%s/%d", k, j+1)
			s.add("individual.indicator", kk, wi.Indicator, gi.Indicator)
			s.add("individual.target_text", kk, strings.ReplaceAll(norm(wi.TargetText), " ", ""), strings.ReplaceAll(norm(gi.TargetText), " ", ""))
		}
	}
	return s
}
