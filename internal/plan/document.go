// Package plan holds the domain types of a PIAO performance plan and their
// validation. It does no I/O: the store persists these types, the seed and
// (later) the JSON import/export read and write them.
package plan

// Document is a whole plan of one ente, as transcribed or exported. Keys are
// stable identifiers inside the document; the database assigns its own ids.
type Document struct {
	Ente        Ente          `json:"ente"`
	Plan        Info          `json:"plan"`
	Units       []Unit        `json:"units"`
	Roles       []Role        `json:"roles"`
	Areas       []Area        `json:"areas"`
	Objectives  []Objective   `json:"objectives"`
	Individual  []Individual  `json:"individual"`
	Notes       []QualityNote `json:"notes"`
	SourceTitle string        `json:"source_title"` // the document the data was transcribed from
	// State is the plan in use, in a backup (`piao export`); nil in a
	// transcribed plan.
	State *State `json:"state,omitempty"`
}

// Ente is a public administration (e.g. a Camera di Commercio).
type Ente struct {
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
}

// Info describes the plan and the revision (aggiornamento) the document holds.
type Info struct {
	Slug      string   `json:"slug"`
	Title     string   `json:"title"`
	StartYear int      `json:"start_year"`
	EndYear   int      `json:"end_year"`
	Revision  Revision `json:"revision"`
	// History lists the earlier revisions, oldest first. Each later revision
	// (the next entry, or Revision for the last) states in Changes what it
	// changed, so the earlier contents are rebuilt from the document alone.
	History []Revision `json:"history,omitempty"`
}

// Revision is a dated update of a plan. AdoptedOn is "YYYY-MM-DD" or empty when
// the source gives only a month. InForceFrom ("YYYY-MM-DD") is the first day
// the revision governs: periods ending on or after it are scored against it.
type Revision struct {
	Label        string `json:"label"`
	AdoptedOn    string `json:"adopted_on,omitempty"`
	InForceFrom  string `json:"in_force_from,omitempty"`
	InForceText  string `json:"in_force_text,omitempty"` // as the source dates it: "ottobre 2023"
	ActReference string `json:"act_reference,omitempty"`
	Reason       string `json:"reason,omitempty"`
	// Reconstructed: the revision's content was rebuilt from what a later
	// revision states, not transcribed from its own document.
	Reconstructed bool     `json:"reconstructed,omitempty"`
	Changes       []Change `json:"changes,omitempty"` // what this revision changed in the one before it
}

// Change fields.
const (
	FieldTitle       = "title"
	FieldDescription = "description"
	FieldTarget      = "target"
	FieldName        = "name"      // an indicator's name
	FieldObjective   = "objective" // an objective added or removed
	FieldIndicator   = "indicator" // an indicator added or removed
)

// Change is one change a revision made, with the value before it. Unknown
// says the source states that the value changed but not what it was. Added
// says the item (objective, indicator or target) did not exist before; a
// removed objective or indicator carries what it was in BeforeObjective or
// BeforeIndicator (texts and targets), so the earlier revision can be rebuilt.
type Change struct {
	Objective       string     `json:"objective"`
	Indicator       string     `json:"indicator,omitempty"` // for indicator and target changes
	Field           string     `json:"field"`               // one of the Field* constants
	Year            int        `json:"year,omitempty"`      // for target changes
	Before          string     `json:"before,omitempty"`    // title, description or name before the change
	BeforeTarget    *Target    `json:"before_target,omitempty"`
	BeforeObjective *Objective `json:"before_objective,omitempty"`
	BeforeIndicator *Indicator `json:"before_indicator,omitempty"`
	Added           bool       `json:"added,omitempty"`
	Position        int        `json:"position,omitempty"` // 1-based place of a removed objective or indicator
	Unknown         bool       `json:"unknown,omitempty"`
	Reason          string     `json:"reason"`
	SourceLine      int        `json:"source_line,omitempty"`
	SourceText      string     `json:"source_text,omitempty"` // the sentence of the source that states the change
}

// Unit is an organisational unit (area or ufficio).
type Unit struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"` // key of the parent unit (an area)
}

// Role is an accountable manager role (Segretario Generale, a dirigente).
type Role struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Unit  string `json:"unit,omitempty"` // unit key the role heads
	RPCT  bool   `json:"rpct,omitempty"` // also anticorruption & transparency officer
}

// Area is an ambito strategico.
type Area struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
}

// Objective kinds (docs/DESIGN.md §2).
const (
	KindStrategic      = "strategic"
	KindCommon         = "common"
	KindOperational    = "operational"
	KindTransversal    = "transversal"
	KindExtraordinary  = "extraordinary"
	KindOrganisational = "organisational"
)

// Kinds lists the objective kinds in display order.
var Kinds = []string{KindStrategic, KindCommon, KindOperational, KindTransversal, KindExtraordinary, KindOrganisational}

// Objective is an objective of any kind with its descriptive fields as
// published (verbatim) and its indicators.
type Objective struct {
	Code            string      `json:"code"`                  // normalised, unique in the plan: "1.1", "C.2.3", "O.3.3.1", "TR.1", "OT_1", "PO.1.2"
	CodeText        string      `json:"code_text"`             // the label as published, e.g. "0.2.1.1", "OO1"
	Kind            string      `json:"kind"`                  // one of the Kind* constants
	Group           string      `json:"group,omitempty"`       // sub-heading in the source, e.g. "Stato di salute dell'Ente"
	Area            int         `json:"area,omitempty"`        // ambito number, 0 when cross-cutting
	Parent          string      `json:"parent,omitempty"`      // code of the parent strategic objective
	ParentText      string      `json:"parent_text,omitempty"` // parent label as published when it differs
	Title           string      `json:"title"`
	Description     string      `json:"description,omitempty"`
	Programme       string      `json:"programme,omitempty"`    // Programma (D.M. 27/03/2013)
	Stakeholders    string      `json:"stakeholders,omitempty"` // A chi è rivolto / Stakeholder
	OwnerText       string      `json:"owner_text,omitempty"`   // Dirigente Responsabile, verbatim
	Owners          []string    `json:"owners,omitempty"`       // role keys interpreted from OwnerText
	UnitsText       string      `json:"units_text,omitempty"`   // Unità organizzative coinvolte, verbatim
	Units           []string    `json:"units,omitempty"`        // unit keys interpreted from UnitsText
	ExternalParties string      `json:"external_parties,omitempty"`
	Resources       string      `json:"resources,omitempty"` // Risorse economiche, verbatim
	Footnote        string      `json:"footnote,omitempty"`  // the footnote under the KPI table, verbatim
	SourceLine      int         `json:"source_line"`         // first line of the objective in the seed text
	Indicators      []Indicator `json:"indicators"`
}

// Indicator units.
const (
	UnitCount   = "count"
	UnitPercent = "percent"
	UnitDays    = "days"
	UnitRatio   = "ratio"
	UnitYesNo   = "yes_no"
	UnitScore   = "score"
	UnitEuro    = "euro"
)

// Polarities.
const (
	PolarityHigher = "higher_better"
	PolarityLower  = "lower_better"
	PolarityExact  = "exact"
)

// Indicator is a KPI with its baselines and targets as published.
type Indicator struct {
	Key       string   `json:"key"`                 // unique in the plan: "<objective code>/<n>", n from 1 in source order
	Code      string   `json:"code,omitempty"`      // normalised KPI code, e.g. "OC_001.02"; empty when unnamed
	CodeText  string   `json:"code_text,omitempty"` // as published, e.g. "KPI 0C_001.02"
	Name      string   `json:"name"`
	Algorithm string   `json:"algorithm"`
	Source    string   `json:"source,omitempty"` // fonte
	Unit      string   `json:"unit"`
	Polarity  string   `json:"polarity"`
	Formula   Formula  `json:"formula"`
	Scale     float64  `json:"scale,omitempty"` // for ratio formulas: 100 for percentages, 1 for plain ratios
	Inputs    []Input  `json:"inputs,omitempty"`
	Derived   *Derived `json:"derived,omitempty"`
	Component bool     `json:"component,omitempty"` // a detail indicator feeding a derived one, not averaged into its objective
	Weight    float64  `json:"weight,omitempty"`    // weight inside the objective; 0 means 1 (equal weights)
	// Cumulative: the value accumulates over the year (a count of events), so
	// in-year monitoring compares it with the target pro rata.
	Cumulative bool `json:"cumulative,omitempty"`
	// EarlyWarning is how in-year monitoring compares the value: "" (automatic:
	// pro rata when Cumulative, else the target), EarlyWarningProRata,
	// EarlyWarningTarget or EarlyWarningNone. Omitted when automatic, so the
	// exports of plans that never set it do not change.
	EarlyWarning string `json:"early_warning,omitempty"`
	// Benchmark names another ente's indicator whose approved value of the
	// same period is the benchmark input of a difference formula.
	Benchmark *BenchmarkRef `json:"benchmark,omitempty"`
	Baselines []Baseline    `json:"baselines,omitempty"`
	Targets   []Target      `json:"targets,omitempty"`
	Note      string        `json:"note,omitempty"` // interpretation notes worth showing beside the indicator
}

// BenchmarkRef is an indicator of another ente's plan.
type BenchmarkRef struct {
	Ente      string `json:"ente"`
	Plan      string `json:"plan"`
	Indicator string `json:"indicator"` // key
}

// Input is one value a computed indicator asks for.
type Input struct {
	Key   string `json:"key"` // numerator, denominator, value, benchmark, previous...
	Label string `json:"label"`
}

// Derived says how the engine computes a derived indicator.
type Derived struct {
	// Function: "avg_objectives" (average achievement of the objectives of the
	// given kinds and of the named objectives), "count_objectives_full" (how many
	// of them are at 100%), "count_indicators_met" (how many of the given
	// indicators meet their target).
	Function   string   `json:"function"`
	Kinds      []string `json:"kinds,omitempty"`
	Objectives []string `json:"objectives,omitempty"` // a named set of objective codes
	Indicators []string `json:"indicators,omitempty"` // indicator keys
}

// Baseline is a reference value for a year. Value is nil when the published
// text has no usable number ("n.d.").
type Baseline struct {
	Year     int      `json:"year"`
	Value    *float64 `json:"value"`
	Text     string   `json:"text"` // verbatim
	Footnote string   `json:"footnote,omitempty"`
}

// Target operators.
const (
	OpGTE = ">="
	OpLTE = "<="
	OpEQ  = "="
	OpYes = "yes" // SI/NO target: met when the answer is SI
)

// Target is the expected value for a year.
type Target struct {
	Year     int      `json:"year"`
	Operator string   `json:"operator"`
	Value    *float64 `json:"value"`
	Text     string   `json:"text"` // verbatim
}

// Individual is a manager's individual objective (section 4.3.4). It repeats
// an objective of the plan and points at it, so one measurement feeds both.
type Individual struct {
	Role       string                `json:"role"`      // role key
	Code       string                `json:"code_text"` // as published: "SG1", "001", "OT_2"...
	Group      string                `json:"group,omitempty"`
	Title      string                `json:"title"`            // as published
	Objective  string                `json:"objective"`        // code of the objective it repeats
	Weight     *float64              `json:"weight,omitempty"` // nil: equal weights
	SourceLine int                   `json:"source_line"`
	Indicators []IndividualIndicator `json:"indicators"`
}

// IndividualIndicator is an indicator row of an individual objective, as
// published, linked to the plan indicator it repeats.
type IndividualIndicator struct {
	Indicator  string `json:"indicator"` // indicator key
	Name       string `json:"name"`
	Algorithm  string `json:"algorithm"`
	TargetText string `json:"target_text"`
}

// QualityNote records a problem in the source and the interpretation chosen.
type QualityNote struct {
	Kind           string `json:"kind"` // repeated_code, wrong_parent, inverted_formula, repeated_year_header, text_baseline, bare_number_target, inconsistency, ambiguous, typo
	Objective      string `json:"objective,omitempty"`
	Indicator      string `json:"indicator,omitempty"`
	SourceLine     int    `json:"source_line,omitempty"`
	SourceText     string `json:"source_text"`
	Interpretation string `json:"interpretation"`
}

// Early-warning modes of an indicator (Indicator.EarlyWarning); "" is automatic.
const (
	EarlyWarningProRata = "pro_rata" // the annual target pro rata of the period
	EarlyWarningTarget  = "target"   // the annual target itself
	EarlyWarningNone    = "none"     // never warned about
)

// EarlyWarningModes are the values EarlyWarning may take besides "" (automatic).
func EarlyWarningModes() []string {
	return []string{EarlyWarningProRata, EarlyWarningTarget, EarlyWarningNone}
}
