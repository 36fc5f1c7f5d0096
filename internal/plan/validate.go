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
	operators   = []string{OpGTE, OpLTE, OpEQ, OpYes}
	derivedFns  = []string{"avg_objectives", "count_objectives_full", "count_indicators_met"}
	noteKinds   = []string{"repeated_code", "wrong_parent", "inverted_formula", "repeated_year_header", "text_baseline", "bare_number_target", "inconsistency", "ambiguous", "typo"}
	parentKinds = []string{KindOperational, KindCommon}
	areaKinds   = []string{KindStrategic, KindCommon, KindOperational}
)

// How Validate's findings begin, for a reader that places them (planxlsx puts
// each on the row of the objective or indicator it names): findings are
// Italian, shown to administrators as they are.
const (
	CyclePrefix    = "gli indicatori derivati formano un ciclo: " // then the keys joined by " → "
	WhereObjective = "obiettivo "                                 // then the code and ": "
	WhereIndicator = "indicatore "                                // then the key and ": "
)

// Validate checks a document for the rules the database also enforces, plus the
// ones it cannot (references by key, acyclic derived indicators), and returns
// every problem found, joined, section by section in document order.
func Validate(d *Document) error {
	v := &validator{d: d}
	v.header()
	v.units()
	v.roles()
	v.areas()
	v.index()
	for i := range d.Objectives {
		v.objective(&d.Objectives[i])
	}
	if cycle := derivedCycle(v.indByKey); cycle != "" {
		v.add(CyclePrefix+"%s", cycle)
	}
	v.individuals()
	v.notes()
	return errors.Join(v.errs...)
}

// validator collects the problems of one document and the keys each section
// declares for the sections that refer to them.
type validator struct {
	d        *Document
	errs     []error
	unitKeys map[string]bool
	roleKeys map[string]bool
	areaNums map[int]bool
	objKind  map[string]string     // objective code -> kind
	indObj   map[string]string     // indicator key -> objective code
	indByKey map[string]*Indicator // indicator key -> indicator
}

func (v *validator) add(format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf(format, args...))
}

// header checks the ente and the plan.
func (v *validator) header() {
	d := v.d
	if !slugRe.MatchString(d.Ente.Slug) {
		v.add("ente: lo slug %q non è valido (solo lettere minuscole e cifre, parole separate da trattini)", d.Ente.Slug)
	}
	if strings.TrimSpace(d.Ente.Name) == "" {
		v.add("ente: il nome è vuoto")
	}
	if !slugRe.MatchString(d.Plan.Slug) {
		v.add("piano: lo slug %q non è valido (solo lettere minuscole e cifre, parole separate da trattini)", d.Plan.Slug)
	}
	if d.Plan.StartYear < 2000 || d.Plan.EndYear > 2100 || d.Plan.EndYear < d.Plan.StartYear {
		v.add("piano: gli anni %d-%d non sono validi", d.Plan.StartYear, d.Plan.EndYear)
	}
	if strings.TrimSpace(d.Plan.Revision.Label) == "" {
		v.add("piano: l'etichetta della revisione è vuota")
	}
}

// units checks the organisational units: unique keys, known parents.
func (v *validator) units() {
	v.unitKeys = map[string]bool{}
	for _, u := range v.d.Units {
		if v.unitKeys[u.Key] {
			v.add("unità organizzativa %q ripetuta", u.Key)
		}
		v.unitKeys[u.Key] = true
	}
	for _, u := range v.d.Units {
		if u.Parent != "" && !v.unitKeys[u.Parent] {
			v.add("unità organizzativa %q: l'unità superiore %q non esiste", u.Key, u.Parent)
		}
	}
}

// roles checks the roles: unique keys, known units.
func (v *validator) roles() {
	v.roleKeys = map[string]bool{}
	for _, r := range v.d.Roles {
		if v.roleKeys[r.Key] {
			v.add("ruolo %q ripetuto", r.Key)
		}
		v.roleKeys[r.Key] = true
		if r.Unit != "" && !v.unitKeys[r.Unit] {
			v.add("ruolo %q: l'unità organizzativa %q non esiste", r.Key, r.Unit)
		}
	}
}

// areas checks the ambiti: unique numbers.
func (v *validator) areas() {
	v.areaNums = map[int]bool{}
	for _, a := range v.d.Areas {
		if v.areaNums[a.Number] {
			v.add("area strategica %d ripetuta", a.Number)
		}
		v.areaNums[a.Number] = true
	}
}

// index checks objective codes and indicator keys for form and uniqueness and
// records them, so later sections can check references to any of them.
func (v *validator) index() {
	v.objKind, v.indObj, v.indByKey = map[string]string{}, map[string]string{}, map[string]*Indicator{}
	for i := range v.d.Objectives {
		o := &v.d.Objectives[i]
		if !codeRe.MatchString(o.Code) {
			v.add("il codice obiettivo %q non è valido", o.Code)
		}
		if _, dup := v.objKind[o.Code]; dup {
			v.add("codice obiettivo %q ripetuto", o.Code)
		}
		v.objKind[o.Code] = o.Kind
		for j := range o.Indicators {
			in := &o.Indicators[j]
			if _, dup := v.indObj[in.Key]; dup {
				v.add("chiave indicatore %q ripetuta", in.Key)
			}
			v.indObj[in.Key] = o.Code
			v.indByKey[in.Key] = in
		}
	}
}

// objective checks one objective and then its indicators.
func (v *validator) objective(o *Objective) {
	where := WhereObjective + o.Code
	if !slices.Contains(Kinds, o.Kind) {
		v.add("%s: tipo %q sconosciuto", where, o.Kind)
	}
	if strings.TrimSpace(o.Title) == "" {
		v.add("%s: il titolo è vuoto", where)
	}
	needsParent := slices.Contains(parentKinds, o.Kind)
	switch {
	case needsParent && o.Parent == "":
		v.add("%s: un obiettivo %s richiede un obiettivo strategico superiore", where, KindAdjective(o.Kind))
	case !needsParent && o.Parent != "":
		v.add("%s: un obiettivo %s non ha un obiettivo superiore", where, KindAdjective(o.Kind))
	case o.Parent != "" && v.objKind[o.Parent] != KindStrategic:
		v.add("%s: l'obiettivo superiore %q non è un obiettivo strategico del piano", where, o.Parent)
	}
	if slices.Contains(areaKinds, o.Kind) && !v.areaNums[o.Area] {
		v.add("%s: l'area strategica %d non esiste", where, o.Area)
	}
	if o.Area != 0 && !v.areaNums[o.Area] {
		v.add("%s: l'area strategica %d non esiste", where, o.Area)
	}
	for _, k := range o.Owners {
		if !v.roleKeys[k] {
			v.add("%s: il ruolo responsabile %q non esiste", where, k)
		}
	}
	for _, k := range o.Units {
		if !v.unitKeys[k] {
			v.add("%s: l'unità organizzativa %q non esiste", where, k)
		}
	}
	for i := range o.Indicators {
		v.indicator(o.Code, &o.Indicators[i])
	}
}

// indicator checks one indicator of objective objCode, part by part.
func (v *validator) indicator(objCode string, in *Indicator) {
	where := WhereIndicator + in.Key
	if !strings.HasPrefix(in.Key, objCode+"/") {
		v.add("%s: la chiave deve iniziare con il codice del suo obiettivo %q", where, objCode+"/")
	}
	if strings.TrimSpace(in.Name) == "" {
		v.add("%s: il nome è vuoto", where)
	}
	v.benchmark(where, in)
	v.measure(where, in)
	v.inputs(where, in)
	v.derived(where, objCode, in)
	v.baselines(where, in)
	v.targets(where, in)
}

// benchmark checks the reference to another ente's indicator.
func (v *validator) benchmark(where string, in *Indicator) {
	b := in.Benchmark
	if b == nil {
		return
	}
	switch {
	case in.Formula != FormulaDifference:
		v.add("%s: solo una formula di differenza prende un valore di confronto da un altro ente", where)
	case !slugRe.MatchString(b.Ente) || !slugRe.MatchString(b.Plan) || strings.TrimSpace(b.Indicator) == "":
		v.add("%s: il valore di confronto (ente %q, piano %q, indicatore %q) non è valido", where, b.Ente, b.Plan, b.Indicator)
	case b.Ente == v.d.Ente.Slug:
		v.add("%s: il valore di confronto deve venire da un altro ente", where)
	}
}

// measure checks unit, polarity, formula, weight and scale.
func (v *validator) measure(where string, in *Indicator) {
	if !slices.Contains(units, in.Unit) {
		v.add("%s: unità di misura %q sconosciuta", where, in.Unit)
	}
	if !slices.Contains(polarities, in.Polarity) {
		v.add("%s: polarità %q sconosciuta", where, in.Polarity)
	}
	if !in.Formula.Known() {
		v.add("%s: formula %q sconosciuta", where, in.Formula)
	}
	if in.Weight < 0 {
		v.add("%s: il peso deve essere positivo", where)
	}
	if in.EarlyWarning != "" && !slices.Contains(EarlyWarningModes(), in.EarlyWarning) {
		v.add("%s: segnale di allerta %q sconosciuto", where, in.EarlyWarning)
	}
	if in.Formula == FormulaRatio && in.Scale <= 0 {
		v.add("%s: un rapporto richiede una scala positiva", where)
	}
	if in.Formula == FormulaYesNo && in.Unit != UnitYesNo {
		v.add("%s: un indicatore SI/NO deve avere l'unità di misura yes_no", where)
	}
}

// inputs checks the inputs against FormulaInputs.
func (v *validator) inputs(where string, in *Indicator) {
	var got []string
	for _, inp := range in.Inputs {
		got = append(got, inp.Key)
		if strings.TrimSpace(inp.Label) == "" {
			v.add("%s: il dato %q non ha un'etichetta", where, inp.Key)
		}
	}
	want := in.Formula.InputKeys()
	switch {
	case want != nil && !slices.Equal(got, want):
		v.add("%s: una formula %s richiede i dati %v, ne ha %v", where, in.Formula, want, got)
	case want == nil && len(got) > 0:
		v.add("%s: una formula %s non prende dati in ingresso", where, in.Formula)
	}
}

// derived checks the definition of a derived indicator.
func (v *validator) derived(where, objCode string, in *Indicator) {
	if (in.Formula == FormulaDerived) != (in.Derived != nil) {
		v.add("%s: la formula derivata e la definizione del calcolo derivato vanno insieme", where)
	}
	dv := in.Derived
	if dv == nil {
		return
	}
	if !slices.Contains(derivedFns, dv.Function) {
		v.add("%s: funzione di calcolo derivato %q sconosciuta", where, dv.Function)
	}
	for _, k := range dv.Kinds {
		if !slices.Contains(Kinds, k) {
			v.add("%s: tipo di obiettivo %q sconosciuto nel calcolo derivato", where, k)
		}
	}
	for _, ref := range dv.Indicators {
		if _, ok := v.indObj[ref]; !ok {
			v.add("%s: il riferimento %q del calcolo derivato non esiste", where, ref)
		}
	}
	for _, ref := range dv.Objectives {
		if _, ok := v.objKind[ref]; !ok {
			v.add("%s: l'obiettivo %q del calcolo derivato non esiste", where, ref)
		}
		if ref == objCode {
			v.add("%s: un indicatore derivato non può aggregare il proprio obiettivo", where)
		}
	}
	if slices.Contains(dv.Kinds, v.objKind[objCode]) {
		v.add("%s: un indicatore derivato non può aggregare obiettivi del suo stesso tipo (obiettivo %s): dipenderebbe da sé stesso", where, KindAdjective(v.objKind[objCode]))
	}
	if dv.Function == "count_indicators_met" && len(dv.Indicators) == 0 {
		v.add("%s: count_indicators_met richiede un elenco di indicatori", where)
	}
	if dv.Function != "count_indicators_met" && len(dv.Kinds)+len(dv.Objectives) == 0 {
		v.add("%s: %s richiede un elenco di tipi di obiettivo", where, dv.Function)
	}
}

// baselines checks the baselines: one per year, a plausible year, a text.
func (v *validator) baselines(where string, in *Indicator) {
	years := map[int]bool{}
	for _, b := range in.Baselines {
		if years[b.Year] {
			v.add("%s: anno della baseline %d ripetuto", where, b.Year)
		}
		years[b.Year] = true
		if b.Year < 1990 || b.Year > 2100 {
			v.add("%s: anno della baseline %d non valido", where, b.Year)
		}
		if strings.TrimSpace(b.Text) == "" {
			v.add("%s: la baseline %d non ha il testo pubblicato", where, b.Year)
		}
	}
}

// targets checks the targets: one per plan year, a known operator, a value
// and a text.
func (v *validator) targets(where string, in *Indicator) {
	d := v.d
	years := map[int]bool{}
	for _, t := range in.Targets {
		if years[t.Year] {
			v.add("%s: anno del target %d ripetuto", where, t.Year)
		}
		years[t.Year] = true
		if t.Year < d.Plan.StartYear || t.Year > d.Plan.EndYear {
			v.add("%s: anno del target %d fuori dagli anni del piano %d-%d", where, t.Year, d.Plan.StartYear, d.Plan.EndYear)
		}
		if !slices.Contains(operators, t.Operator) {
			v.add("%s: operatore del target %q sconosciuto", where, t.Operator)
		}
		if t.Value == nil {
			v.add("%s: il target %d non ha un valore", where, t.Year)
		} else if t.Operator == OpYes && *t.Value != 0 && *t.Value != 1 {
			v.add("%s: un target SI/NO vale 1 (SI) o 0 (NO)", where)
		}
		if strings.TrimSpace(t.Text) == "" {
			v.add("%s: il target %d non ha il testo pubblicato", where, t.Year)
		}
	}
}

// individuals checks the managers' individual objectives.
func (v *validator) individuals() {
	for _, iv := range v.d.Individual {
		where := fmt.Sprintf("obiettivo individuale %s/%s (riga %d)", iv.Role, iv.Code, iv.SourceLine)
		if !v.roleKeys[iv.Role] {
			v.add("%s: ruolo sconosciuto", where)
		}
		if _, ok := v.objKind[iv.Objective]; !ok {
			v.add("%s: l'obiettivo %q non esiste", where, iv.Objective)
		}
		if strings.TrimSpace(iv.Title) == "" {
			v.add("%s: il titolo è vuoto", where)
		}
		if iv.Weight != nil && *iv.Weight <= 0 {
			v.add("%s: il peso deve essere positivo", where)
		}
		seen := map[string]bool{}
		for _, ii := range iv.Indicators {
			if v.indObj[ii.Indicator] != iv.Objective {
				v.add("%s: %q non è un indicatore di %s", where, ii.Indicator, iv.Objective)
			}
			if seen[ii.Indicator] {
				v.add("%s: indicatore %q elencato due volte", where, ii.Indicator)
			}
			seen[ii.Indicator] = true
		}
	}
}

// notes checks the data-quality notes.
func (v *validator) notes() {
	for i, n := range v.d.Notes {
		where := fmt.Sprintf("nota %d", i+1)
		if !slices.Contains(noteKinds, n.Kind) {
			v.add("%s: tipo %q sconosciuto", where, n.Kind)
		}
		if n.Objective != "" {
			if _, ok := v.objKind[n.Objective]; !ok {
				v.add("%s: l'obiettivo %q non esiste", where, n.Objective)
			}
		}
		if n.Indicator != "" {
			if _, ok := v.indObj[n.Indicator]; !ok {
				v.add("%s: l'indicatore %q non esiste", where, n.Indicator)
			}
		}
		if strings.TrimSpace(n.Interpretation) == "" {
			v.add("%s: l'interpretazione è vuota", where)
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

// KindAdjective is an objective kind as an Italian adjective, for messages:
// "un obiettivo operativo".
func KindAdjective(kind string) string {
	switch kind {
	case KindStrategic:
		return "strategico"
	case KindCommon:
		return "comune"
	case KindOperational:
		return "operativo"
	case KindTransversal:
		return "trasversale"
	case KindExtraordinary:
		return "straordinario"
	case KindOrganisational:
		return "di performance organizzativa"
	}
	return kind
}
