package plan

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var (
	slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	codeRe = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
)

var (
	units       = []string{UnitCount, UnitPercent, UnitDays, UnitRatio, UnitYesNo, UnitScore, UnitEuro}
	polarities  = []string{PolarityHigher, PolarityLower, PolarityExact}
	formulas    = []string{FormulaDirect, FormulaRatio, FormulaDifference, FormulaRatioPrevious, FormulaYesNo, FormulaDerived}
	operators   = []string{OpGTE, OpLTE, OpEQ, OpYes}
	derivedFns  = []string{"avg_objectives", "count_objectives_full", "count_indicators_met"}
	noteKinds   = []string{"repeated_code", "wrong_parent", "inverted_formula", "repeated_year_header", "text_baseline", "bare_number_target", "inconsistency", "ambiguous", "typo"}
	parentKinds = []string{KindOperational, KindCommon}
	areaKinds   = []string{KindStrategic, KindCommon, KindOperational}
)

// Validate checks a document for the rules the database also enforces, plus the
// ones it cannot (references by key, acyclic derived indicators), and returns
// every problem found, joined.
func Validate(d *Document) error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if !slugRe.MatchString(d.Ente.Slug) {
		add("ente slug %q is not a lower-case slug", d.Ente.Slug)
	}
	if strings.TrimSpace(d.Ente.Name) == "" {
		add("ente name is empty")
	}
	if !slugRe.MatchString(d.Plan.Slug) {
		add("plan slug %q is not a lower-case slug", d.Plan.Slug)
	}
	if d.Plan.StartYear < 2000 || d.Plan.EndYear > 2100 || d.Plan.EndYear < d.Plan.StartYear {
		add("plan years %d-%d are not valid", d.Plan.StartYear, d.Plan.EndYear)
	}
	if strings.TrimSpace(d.Plan.Revision.Label) == "" {
		add("plan revision label is empty")
	}

	unitKeys := map[string]bool{}
	for _, u := range d.Units {
		if unitKeys[u.Key] {
			add("unit %q repeated", u.Key)
		}
		unitKeys[u.Key] = true
	}
	for _, u := range d.Units {
		if u.Parent != "" && !unitKeys[u.Parent] {
			add("unit %q: parent %q unknown", u.Key, u.Parent)
		}
	}
	roleKeys := map[string]bool{}
	for _, r := range d.Roles {
		if roleKeys[r.Key] {
			add("role %q repeated", r.Key)
		}
		roleKeys[r.Key] = true
		if r.Unit != "" && !unitKeys[r.Unit] {
			add("role %q: unit %q unknown", r.Key, r.Unit)
		}
	}
	areaNums := map[int]bool{}
	for _, a := range d.Areas {
		if areaNums[a.Number] {
			add("area %d repeated", a.Number)
		}
		areaNums[a.Number] = true
	}

	objKind := map[string]string{}
	indObj := map[string]string{} // indicator key -> objective code
	indByKey := map[string]*Indicator{}
	for i := range d.Objectives {
		o := &d.Objectives[i]
		if !codeRe.MatchString(o.Code) {
			add("objective code %q is not valid", o.Code)
		}
		if _, dup := objKind[o.Code]; dup {
			add("objective code %q repeated", o.Code)
		}
		objKind[o.Code] = o.Kind
		for j := range o.Indicators {
			in := &o.Indicators[j]
			if _, dup := indObj[in.Key]; dup {
				add("indicator key %q repeated", in.Key)
			}
			indObj[in.Key] = o.Code
			indByKey[in.Key] = in
		}
	}

	for _, o := range d.Objectives {
		where := "objective " + o.Code
		if !slices.Contains(Kinds, o.Kind) {
			add("%s: kind %q unknown", where, o.Kind)
		}
		if strings.TrimSpace(o.Title) == "" {
			add("%s: title is empty", where)
		}
		needsParent := slices.Contains(parentKinds, o.Kind)
		switch {
		case needsParent && o.Parent == "":
			add("%s: a %s objective needs a parent strategic objective", where, o.Kind)
		case !needsParent && o.Parent != "":
			add("%s: a %s objective has no parent", where, o.Kind)
		case o.Parent != "" && objKind[o.Parent] != KindStrategic:
			add("%s: parent %q is not a strategic objective of the plan", where, o.Parent)
		}
		if slices.Contains(areaKinds, o.Kind) && !areaNums[o.Area] {
			add("%s: area %d unknown", where, o.Area)
		}
		if o.Area != 0 && !areaNums[o.Area] {
			add("%s: area %d unknown", where, o.Area)
		}
		for _, k := range o.Owners {
			if !roleKeys[k] {
				add("%s: owner role %q unknown", where, k)
			}
		}
		for _, k := range o.Units {
			if !unitKeys[k] {
				add("%s: unit %q unknown", where, k)
			}
		}
		for _, in := range o.Indicators {
			validateIndicator(d, o.Code, &in, indObj, objKind, add)
		}
	}
	if cycle := derivedCycle(indByKey); cycle != "" {
		add("derived indicators form a cycle: %s", cycle)
	}

	for _, iv := range d.Individual {
		where := fmt.Sprintf("individual objective %s/%s (line %d)", iv.Role, iv.Code, iv.SourceLine)
		if !roleKeys[iv.Role] {
			add("%s: role unknown", where)
		}
		if _, ok := objKind[iv.Objective]; !ok {
			add("%s: objective %q unknown", where, iv.Objective)
		}
		if strings.TrimSpace(iv.Title) == "" {
			add("%s: title is empty", where)
		}
		if iv.Weight != nil && *iv.Weight <= 0 {
			add("%s: weight must be positive", where)
		}
		seen := map[string]bool{}
		for _, ii := range iv.Indicators {
			if indObj[ii.Indicator] != iv.Objective {
				add("%s: indicator %q is not an indicator of %s", where, ii.Indicator, iv.Objective)
			}
			if seen[ii.Indicator] {
				add("%s: indicator %q listed twice", where, ii.Indicator)
			}
			seen[ii.Indicator] = true
		}
	}
	for i, n := range d.Notes {
		where := fmt.Sprintf("note %d", i+1)
		if !slices.Contains(noteKinds, n.Kind) {
			add("%s: kind %q unknown", where, n.Kind)
		}
		if n.Objective != "" {
			if _, ok := objKind[n.Objective]; !ok {
				add("%s: objective %q unknown", where, n.Objective)
			}
		}
		if n.Indicator != "" {
			if _, ok := indObj[n.Indicator]; !ok {
				add("%s: indicator %q unknown", where, n.Indicator)
			}
		}
		if strings.TrimSpace(n.Interpretation) == "" {
			add("%s: interpretation is empty", where)
		}
	}
	return errors.Join(errs...)
}

func validateIndicator(d *Document, objCode string, in *Indicator, indObj map[string]string, objKinds map[string]string, add func(string, ...any)) {
	where := "indicator " + in.Key
	if !strings.HasPrefix(in.Key, objCode+"/") {
		add("%s: key must start with its objective code %q", where, objCode+"/")
	}
	if strings.TrimSpace(in.Name) == "" {
		add("%s: name is empty", where)
	}
	if b := in.Benchmark; b != nil {
		switch {
		case in.Formula != FormulaDifference:
			add("%s: only a difference formula takes a benchmark from another ente", where)
		case !slugRe.MatchString(b.Ente) || !slugRe.MatchString(b.Plan) || strings.TrimSpace(b.Indicator) == "":
			add("%s: benchmark reference %+v is not valid", where, *b)
		case b.Ente == d.Ente.Slug:
			add("%s: the benchmark comes from another ente", where)
		}
	}
	if !slices.Contains(units, in.Unit) {
		add("%s: unit %q unknown", where, in.Unit)
	}
	if !slices.Contains(polarities, in.Polarity) {
		add("%s: polarity %q unknown", where, in.Polarity)
	}
	if !slices.Contains(formulas, in.Formula) {
		add("%s: formula %q unknown", where, in.Formula)
	}
	if in.Weight < 0 {
		add("%s: weight must be positive", where)
	}
	if in.EarlyWarning != "" && !slices.Contains(EarlyWarningModes, in.EarlyWarning) {
		add("%s: early warning %q unknown", where, in.EarlyWarning)
	}
	if in.Formula == FormulaRatio && in.Scale <= 0 {
		add("%s: a ratio needs a positive scale", where)
	}
	if in.Formula == FormulaYesNo && in.Unit != UnitYesNo {
		add("%s: a SI/NO indicator has unit yes_no", where)
	}
	wantInputs := map[string][]string{
		FormulaRatio:         {"numerator", "denominator"},
		FormulaDifference:    {"value", "benchmark"},
		FormulaRatioPrevious: {"current", "previous"},
	}
	var got []string
	for _, inp := range in.Inputs {
		got = append(got, inp.Key)
		if strings.TrimSpace(inp.Label) == "" {
			add("%s: input %q has no label", where, inp.Key)
		}
	}
	if want, ok := wantInputs[in.Formula]; ok && !slices.Equal(got, want) {
		add("%s: a %s formula asks for inputs %v, has %v", where, in.Formula, want, got)
	}
	if _, ok := wantInputs[in.Formula]; !ok && len(got) > 0 {
		add("%s: a %s formula takes no inputs", where, in.Formula)
	}
	if (in.Formula == FormulaDerived) != (in.Derived != nil) {
		add("%s: derived formula and derived definition go together", where)
	}
	if in.Derived != nil {
		if !slices.Contains(derivedFns, in.Derived.Function) {
			add("%s: derived function %q unknown", where, in.Derived.Function)
		}
		for _, k := range in.Derived.Kinds {
			if !slices.Contains(Kinds, k) {
				add("%s: derived kind %q unknown", where, k)
			}
		}
		for _, ref := range in.Derived.Indicators {
			if _, ok := indObj[ref]; !ok {
				add("%s: derived reference %q unknown", where, ref)
			}
		}
		for _, ref := range in.Derived.Objectives {
			if _, ok := objKinds[ref]; !ok {
				add("%s: derived objective %q unknown", where, ref)
			}
			if ref == objCode {
				add("%s: a derived indicator cannot aggregate its own objective", where)
			}
		}
		if slices.Contains(in.Derived.Kinds, objKinds[objCode]) {
			add("%s: a derived indicator cannot aggregate objectives of its own kind %s (it would depend on itself)", where, objKinds[objCode])
		}
		if in.Derived.Function == "count_indicators_met" && len(in.Derived.Indicators) == 0 {
			add("%s: count_indicators_met needs indicators", where)
		}
		if in.Derived.Function != "count_indicators_met" && len(in.Derived.Kinds)+len(in.Derived.Objectives) == 0 {
			add("%s: %s needs objective kinds", where, in.Derived.Function)
		}
	}
	years := map[int]bool{}
	for _, b := range in.Baselines {
		if years[b.Year] {
			add("%s: baseline year %d repeated", where, b.Year)
		}
		years[b.Year] = true
		if b.Year < 1990 || b.Year > 2100 {
			add("%s: baseline year %d not valid", where, b.Year)
		}
		if strings.TrimSpace(b.Text) == "" {
			add("%s: baseline %d has no published text", where, b.Year)
		}
	}
	years = map[int]bool{}
	for _, t := range in.Targets {
		if years[t.Year] {
			add("%s: target year %d repeated", where, t.Year)
		}
		years[t.Year] = true
		if t.Year < d.Plan.StartYear || t.Year > d.Plan.EndYear {
			add("%s: target year %d outside the plan years %d-%d", where, t.Year, d.Plan.StartYear, d.Plan.EndYear)
		}
		if !slices.Contains(operators, t.Operator) {
			add("%s: target operator %q unknown", where, t.Operator)
		}
		if t.Value == nil {
			add("%s: target %d has no value", where, t.Year)
		} else if t.Operator == OpYes && *t.Value != 0 && *t.Value != 1 {
			add("%s: a SI/NO target is 1 (SI) or 0 (NO)", where)
		}
		if strings.TrimSpace(t.Text) == "" {
			add("%s: target %d has no published text", where, t.Year)
		}
	}
}

// derivedCycle returns a description of a cycle among count_indicators_met
// references, or "" when there is none. Objective-level aggregates never count
// derived indicators of their own kind, so only indicator references can loop.
func derivedCycle(byKey map[string]*Indicator) string {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(k string) string
	visit = func(k string) string {
		switch state[k] {
		case visiting:
			i := slices.Index(path, k)
			return strings.Join(append(slices.Clone(path[i:]), k), " → ")
		case done:
			return ""
		}
		state[k] = visiting
		path = append(path, k)
		if in := byKey[k]; in != nil && in.Derived != nil {
			for _, ref := range in.Derived.Indicators {
				if c := visit(ref); c != "" {
					return c
				}
			}
		}
		path = path[:len(path)-1]
		state[k] = done
		return ""
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if c := visit(k); c != "" {
			return c
		}
	}
	return ""
}
