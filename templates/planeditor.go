package templates

import (
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/planedit"
	"github.com/piao-performance/piao/internal/revision"
	"github.com/piao-performance/piao/internal/scoring"
)

// DraftForm is the form that opens a revision, as typed.
type DraftForm struct {
	Label, InForce, Adopted, Act, Reason string
	Errors                               map[string]string
}

// EditorData is the plan editor's home.
type EditorData struct {
	Plan      model.PlanHeader
	Draft     *model.Draft
	Diff      []revision.Difference
	Start     DraftForm
	Message   string
	Problems  []string // import problems, row by row
	Revisions []model.RevisionInfo
	Reviews   []model.PlanImport // published PIAOs read and waiting for review
}

// ObjectiveEditData is the objective form of the draft.
type ObjectiveEditData struct {
	Plan     model.PlanHeader
	Doc      *plan.Document
	Version  int
	Original string // "" for a new objective
	Form     planedit.ObjectiveForm
	Errors   map[string]string
	Current  *plan.Objective
}

// IndicatorEditData is the indicator form of the draft.
type IndicatorEditData struct {
	Plan      model.PlanHeader
	Doc       *plan.Document
	Version   int
	Objective plan.Objective
	Key       string // "" for a new indicator
	Form      planedit.IndicatorForm
	Errors    map[string]string
	Derived   *plan.Derived
}

// AreaEditData is the area form of the draft.
type AreaEditData struct {
	Plan    model.PlanHeader
	Version int
	Number  string // "" for a new area
	Title   string
	Errors  map[string]string
}

// IndividualEditData is a role's individual objectives in the draft.
type IndividualEditData struct {
	Plan    model.PlanHeader
	Doc     *plan.Document
	Version int
	Role    plan.Role
	Form    planedit.IndividualForm
	Errors  map[string]string
}

func indicatorNumber(key string) string {
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '/' {
			return key[i+1:]
		}
	}
	return key
}

func objectivesOfKind(d *plan.Document, kind string) []plan.Objective {
	var out []plan.Objective
	for _, o := range d.Objectives {
		if o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

func individualsOf(d *plan.Document, role string) []plan.Individual {
	var out []plan.Individual
	for _, iv := range d.Individual {
		if iv.Role == role {
			out = append(out, iv)
		}
	}
	return out
}

func kindChoices() []TargetChoice {
	out := []TargetChoice{{Value: "", Label: "Scegli il tipo"}}
	for _, k := range plan.Kinds {
		out = append(out, TargetChoice{Value: k, Label: KindLabel(k)})
	}
	return out
}

func areaChoices(d *plan.Document) []TargetChoice {
	out := []TargetChoice{{Value: "", Label: "Nessun ambito"}}
	for _, a := range d.Areas {
		out = append(out, TargetChoice{Value: strconv.Itoa(a.Number), Label: strconv.Itoa(a.Number) + ". " + a.Title})
	}
	return out
}

func parentChoices(d *plan.Document) []TargetChoice {
	out := []TargetChoice{{Value: "", Label: "Nessuno (obiettivo strategico, trasversale, straordinario od organizzativo)"}}
	for _, o := range d.Objectives {
		if o.Kind == plan.KindStrategic {
			out = append(out, TargetChoice{Value: o.Code, Label: o.Code + " " + o.Title})
		}
	}
	return out
}

func objectiveChoices(d *plan.Document) []TargetChoice {
	out := []TargetChoice{{Value: "", Label: "Scegli l'obiettivo del piano"}}
	for _, o := range d.Objectives {
		out = append(out, TargetChoice{Value: o.Code, Label: o.Code + " " + o.Title})
	}
	return out
}

func unitChoices() []TargetChoice {
	out := []TargetChoice{{Value: "", Label: "Scegli l'unità"}}
	for _, u := range []string{plan.UnitCount, plan.UnitPercent, plan.UnitDays, plan.UnitRatio, plan.UnitYesNo, plan.UnitScore, plan.UnitEuro} {
		out = append(out, TargetChoice{Value: u, Label: UnitLabel(u)})
	}
	return out
}

func polarityChoices() []TargetChoice {
	out := []TargetChoice{{Value: "", Label: "Scegli"}}
	for _, p := range []string{plan.PolarityHigher, plan.PolarityLower, plan.PolarityExact} {
		out = append(out, TargetChoice{Value: p, Label: PolarityLabel(p)})
	}
	return out
}

func formulaChoices() []TargetChoice {
	return []TargetChoice{{Value: string(plan.FormulaDirect), Label: "Valore inserito direttamente"}, {Value: string(plan.FormulaYesNo), Label: "SI/NO"},
		{Value: string(plan.FormulaRatio), Label: "Rapporto: numeratore / denominatore × scala"},
		{Value: string(plan.FormulaDifference), Label: "Differenza: valore dell'ente − benchmark"},
		{Value: string(plan.FormulaRatioPrevious), Label: "Rapporto con l'anno precedente"}}
}

func operatorChoices() []TargetChoice {
	return []TargetChoice{{Value: "", Label: "Nessun target"}, {Value: plan.OpGTE, Label: "≥ almeno"}, {Value: plan.OpLTE, Label: "≤ al massimo"},
		{Value: plan.OpEQ, Label: "= esattamente"}, {Value: plan.OpYes, Label: "SI/NO"}}
}

// earlyWarningChoices are the in-year comparisons an indicator may ask for.
func earlyWarningChoices() []TargetChoice {
	return []TargetChoice{{Value: "", Label: "Automatica (pro rata se cumulativo, altrimenti il target)"},
		{Value: plan.EarlyWarningProRata, Label: "Target annuale in proporzione al periodo (pro rata)"},
		{Value: plan.EarlyWarningTarget, Label: "Target annuale (tassi, percentuali, SI/NO)"},
		{Value: plan.EarlyWarningNone, Label: "Nessuna allerta"}}
}

func inputLabel(f planedit.IndicatorForm, i int, def string) string {
	if i < len(f.InputLabels) {
		return f.InputLabels[i]
	}
	return def
}

func roleChoices(d *plan.Document) []TargetChoice {
	var out []TargetChoice
	for _, r := range d.Roles {
		out = append(out, TargetChoice{Value: r.Key, Label: r.Title})
	}
	return out
}

func unitChoicesOf(d *plan.Document) []TargetChoice {
	var out []TargetChoice
	for _, u := range d.Units {
		out = append(out, TargetChoice{Value: u.Key, Label: u.Name})
	}
	return out
}

// RolloverData is the roll-over form, as typed.
type RolloverData struct {
	Plan                    model.PlanHeader
	Slug, Title, Start, End string
	Errors                  map[string]string
}

// OrganisationEditData is the units and roles form of the draft, as typed.
type OrganisationEditData struct {
	Plan                                              model.PlanHeader
	Doc                                               *plan.Document
	Version                                           int
	UnitKey, UnitName, UnitParent, RoleKey, RoleTitle string
	RoleUnit                                          string
	RoleRPCT                                          bool
	Errors                                            map[string]string
}

// RulesForm is the scoring rules form, as typed.
type RulesForm struct {
	Cap, Min, LTE, Objective, Full, Partial, Results, Behaviour, Bands string
	From, Reason                                                       string // the year the change applies from, and why
	Version                                                            int    // of the rules the form was built from
}

// RulesFormOf fills the form from the rules.
func RulesFormOf(r scoring.Rules, version int) RulesForm {
	n := func(v float64) string { return itfmt.Number(v, 4) }
	var bands []string
	for _, b := range r.IndividualBands {
		bands = append(bands, n(b.Min)+" "+b.Label)
	}
	return RulesForm{Cap: n(r.Cap), Min: n(r.MinThreshold), LTE: r.LTERule, Objective: r.ObjectiveRule, Full: n(r.FullBand),
		Partial: n(r.PartialBand), Results: n(r.ResultsShare), Behaviour: n(r.BehaviourShare), Bands: strings.Join(bands, "; "),
		Version: version}
}

// RulesData is the scoring rules page.
type RulesData struct {
	Plan    model.PlanHeader
	Form    RulesForm
	Errors  map[string]string
	Message string
	// Conflict holds the rules saved by someone else after the form was
	// built; the form keeps what the user typed.
	Conflict *RulesForm
	// Versions are every version of the rules; Years the version in force
	// for each plan year; FromYears the years a change may apply from.
	Versions  []model.RuleVersion
	Years     []RulesYear
	FromYears []int
	Validated int // the latest year whose Relazione is validated, 0 when none
}

// RulesYear is the version of the rules in force for a plan year.
type RulesYear struct {
	Year      int
	Version   model.RuleVersion
	Validated bool // the year's Relazione is validated: its rules are frozen
}

// fromYearChoices are the years a change of the rules may apply from.
func fromYearChoices(years []int) []TargetChoice {
	out := []TargetChoice{{Value: "", Label: "Scegli l'anno"}}
	for _, y := range years {
		out = append(out, TargetChoice{Value: strconv.Itoa(y), Label: strconv.Itoa(y)})
	}
	return out
}

// rulesSummary is a one-line description of a version's rules.
func rulesSummary(r scoring.Rules) string {
	f := RulesFormOf(r, 0)
	lte := map[string]string{scoring.LTERatio: "rapporto", scoring.LTELinear: "lineare"}[r.LTERule]
	obj := map[string]string{scoring.WeightedMean: "media ponderata", scoring.AllTargetsMet: "tutti i target raggiunti"}[r.ObjectiveRule]
	return "tetto " + f.Cap + "%, soglia minima " + f.Min + "%, target «al massimo» " + lte + ", obiettivo " + obj +
		", «raggiunto» da " + f.Full + "%, «parzialmente raggiunto» da " + f.Partial + "%, risultati " + f.Results +
		"% e comportamenti " + f.Behaviour + "%, fasce " + f.Bands
}

// hasObjective says whether the document has an objective with this code.
func hasObjective(d *plan.Document, code string) bool {
	for _, o := range d.Objectives {
		if o.Code == code {
			return true
		}
	}
	return false
}
