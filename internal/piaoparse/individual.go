package piaoparse

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/piao-performance/piao/internal/plan"
)

// individualLine reads section 4.3.4: a heading "Obiettivi <role>", code
// labels, "Obiettivo individuale <title>" rows and their indicator tables.
func (p *parser) individualLine(n int, cs, ne []string, first string, oneCell bool) {
	switch {
	case strings.HasPrefix(first, "indicatore") && containsPrefix(ne, "algoritmo"):
		p.header(n, ne)
		p.lastIRow = nil
		return
	case reIndivid.MatchString(first):
		m := reIndivid.FindStringSubmatch(first)
		title := joinText(append([]string{strings.TrimSpace(ne[0][len(ne[0])-len(m[1]):])}, ne[1:]...))
		p.closeIndividual()
		p.ind = &plan.Individual{Role: p.role, Code: p.label, Group: p.group, Title: title, SourceLine: p.labelLn,
			Indicators: []plan.IndividualIndicator{}}
		if p.label == "" {
			p.ind.SourceLine = n
		}
		p.label = ""
		p.tab = nil
		return
	}
	if oneCell {
		t := ne[0]
		l := lower(t)
		switch {
		case strings.HasPrefix(t, "*"):
			return
		case reLabel.MatchString(t) && len(t) <= 80 || strings.HasPrefix(t, "OT") && len(t) <= 40:
			p.closeIndividual()
			p.label, p.labelLn = t, n
			return
		case strings.HasPrefix(l, "obiettivi ") && !strings.Contains(l, "trasversal") && !strings.Contains(l, "operativi") &&
			!strings.Contains(l, "qualità"):
			p.closeIndividual()
			p.role = p.addRole(strings.TrimSpace(t[len("obiettivi "):]))
			p.group = ""
			return
		}
		if p.tab != nil && p.lastIRow != nil {
			p.lastIRow.Name = strings.TrimSpace(p.lastIRow.Name + " " + t)
			return
		}
		p.closeIndividual()
		p.group = t
		return
	}
	if p.ind == nil || p.tab == nil {
		return
	}
	if p.tab.pending && reYear.MatchString(strings.Join(ne, " ")) && len(ne) <= 2 {
		return
	}
	row := plan.IndividualIndicator{}
	if len(ne) >= 3 {
		row.Name, row.Algorithm, row.TargetText = ne[0], joinText(ne[1:len(ne)-1]), ne[len(ne)-1]
	} else if len(ne) == 2 {
		row.Name, row.TargetText = ne[0], ne[1]
	}
	p.ind.Indicators = append(p.ind.Indicators, row)
	p.lastIRow = &p.ind.Indicators[len(p.ind.Indicators)-1]
}

func (p *parser) addRole(title string) string {
	key := slug(title)
	for _, r := range p.res.Doc.Roles {
		if r.Key == key {
			return key
		}
	}
	p.res.Doc.Roles = append(p.res.Doc.Roles, plan.Role{Key: key, Title: title})
	return key
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) && r < 128 || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}

func (p *parser) closeIndividual() {
	if p.ind == nil {
		return
	}
	p.res.Doc.Individual = append(p.res.Doc.Individual, *p.ind)
	p.ind, p.tab, p.lastIRow = nil, nil, nil
}

// finish links each individual objective to the plan objective it repeats:
// the one whose title and indicators share most words with it.
func (p *parser) finish() {
	sourcesFromNames(p.res.Doc.Objectives)
	objs := p.res.Doc.Objectives
	if len(p.res.Doc.Individual) == 0 {
		return
	}
	// Word sets are built once: a plan may hold thousands of objectives.
	titles := make([]map[string]bool, len(objs))
	indWords := make([][]map[string]bool, len(objs))
	for j, o := range objs {
		titles[j] = words(o.Title)
		indWords[j] = make([]map[string]bool, len(o.Indicators))
		for x, ind := range o.Indicators {
			indWords[j][x] = words(ind.Name + " " + ind.Algorithm)
		}
	}
	for i := range p.res.Doc.Individual {
		in := &p.res.Doc.Individual[i]
		tw := words(in.Title)
		rows := make([]map[string]bool, len(in.Indicators))
		rowTargets := make([]plan.Target, len(in.Indicators))
		for k, ii := range in.Indicators {
			rows[k] = words(ii.Name + " " + ii.Algorithm)
			rowTargets[k], _ = parseTarget(clean(ii.TargetText))
		}
		best, bestScore := -1, 0.0
		for j := range objs {
			s := dice(tw, titles[j])
			if s < 0.3 && len(rows) == 0 {
				continue
			}
			s += indicatorsMatch(rows, rowTargets, &objs[j], indWords[j])
			if objs[j].Kind == plan.KindStrategic || objs[j].Kind == plan.KindCommon {
				s -= 0.3
			}
			if s > bestScore {
				best, bestScore = j, s
			}
		}
		if best < 0 {
			p.problem(Problem{Line: in.SourceLine, Kind: "ambiguous", Text: in.Title,
				Chosen: "nessun obiettivo del piano corrisponde all'obiettivo individuale", Unresolved: true})
			continue
		}
		o := objs[best]
		in.Objective = o.Code
		if bestScore < 1 {
			p.problem(Problem{Line: in.SourceLine, Kind: "ambiguous", Objective: o.Code, Text: in.Title,
				Chosen: "collegato per somiglianza del titolo a " + o.Code})
		}
		used := map[int]bool{}
		for k := range in.Indicators {
			ii := &in.Indicators[k]
			bi, bs := 0, -1.0
			for x, ind := range o.Indicators {
				if used[x] && len(in.Indicators) <= len(o.Indicators) {
					continue // each indicator of the objective once
				}
				s := dice(rows[k], indWords[best][x])
				if len(ind.Targets) > 0 && sameTarget(ind.Targets[0], rowTargets[k]) {
					s += 0.5
				}
				if x == k {
					s += 0.05
				}
				if s > bs {
					bi, bs = x, s
				}
			}
			if len(o.Indicators) > 0 {
				ii.Indicator = o.Indicators[bi].Key
				used[bi] = true
			}
		}
		// More rows than the objective has indicators: a row already linked
		// is a fragment of a wrapped cell; it is dropped and reported.
		seen := map[string]bool{}
		kept := in.Indicators[:0]
		for _, ii := range in.Indicators {
			if seen[ii.Indicator] {
				p.problem(Problem{Line: in.SourceLine, Kind: "ambiguous", Objective: o.Code, Indicator: ii.Indicator,
					Text:   strings.TrimSpace(ii.Name + " " + ii.Algorithm + " " + ii.TargetText),
					Chosen: "riga in più rispetto agli indicatori dell'obiettivo: scartata, da rivedere", Unresolved: true})
				continue
			}
			seen[ii.Indicator] = true
			kept = append(kept, ii)
		}
		in.Indicators = kept
	}
}

// similarity is the Dice coefficient of the two texts' word sets.
func similarity(a, b string) float64 { return dice(words(a), words(b)) }

func dice(wa, wb map[string]bool) float64 {
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	common := 0
	for w := range wa {
		if wb[w] {
			common++
		}
	}
	return 2 * float64(common) / float64(len(wa)+len(wb))
}

func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len([]rune(w)) > 2 {
			out[w] = true
		}
	}
	return out
}

// indicatorsMatch says how well an individual objective's indicator rows
// match an objective's indicators: names, algorithms and the first target.
func indicatorsMatch(rows []map[string]bool, rowTargets []plan.Target, o *plan.Objective, ows []map[string]bool) float64 {
	if len(rows) == 0 || len(o.Indicators) == 0 {
		return 0
	}
	sum := 0.0
	for k := range rows {
		best := 0.0
		for x, ind := range o.Indicators {
			s := dice(rows[k], ows[x])
			if len(ind.Targets) > 0 && sameTarget(ind.Targets[0], rowTargets[k]) {
				s += 0.5
			}
			best = max(best, s)
		}
		sum += best
	}
	s := sum / float64(len(rows))
	if len(rows) == len(o.Indicators) {
		s += 0.2
	}
	return s
}

// sameTarget compares a target with a target as printed elsewhere: same
// operator and value, whatever the spacing.
func sameTarget(t, o plan.Target) bool {
	return o.Operator == t.Operator && (o.Value == nil) == (t.Value == nil) && (o.Value == nil || *o.Value == *t.Value)
}

// reFonte finds a source written inside the indicator's name, as tables
// without a Fonte column do: "Incontri realizzati (Fonte: Verbali CUG)".
var reFonte = regexp.MustCompile(`(?i)\(\s*fonte\s*:\s*([^()]+?)\s*\)`)

// sourcesFromNames fills an indicator's missing source from its name; the
// name keeps the words as published.
func sourcesFromNames(objs []plan.Objective) {
	for i := range objs {
		for j := range objs[i].Indicators {
			ind := &objs[i].Indicators[j]
			if ind.Source != "" {
				continue
			}
			if m := reFonte.FindStringSubmatch(ind.Name); m != nil {
				ind.Source = m[1]
			}
		}
	}
}
