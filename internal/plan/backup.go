package plan

// The parts of a Document that only a backup carries: the state of the plan
// in use (rules, periods, measurements, behaviour scores). A transcribed plan
// (the seed) leaves them empty; `piao export` fills them so that `piao
// import` into an empty database gives the same pages and open data.

// Rules are the plan's scoring rules (package scoring's Rules, as stored).
type Rules struct {
	Cap                  float64 `json:"cap"`
	MinThreshold         float64 `json:"min_threshold"`
	LTERule              string  `json:"lte_rule"`
	ObjectiveRule        string  `json:"objective_rule"`
	FullBand             float64 `json:"full_band"`
	PartialBand          float64 `json:"partial_band"`
	ResultsShare         float64 `json:"results_share"`
	BehaviourShare       float64 `json:"behaviour_share"`
	IndividualBands      []Band  `json:"individual_bands"`
	ShowSubmittedMidyear bool    `json:"show_submitted_midyear,omitempty"`
}

// RuleVersion is a later version of the scoring rules (version 1 is Rules),
// in force from FromYear onwards.
type RuleVersion struct {
	Version   int    `json:"version"`
	FromYear  int    `json:"from_year"`
	Rules     Rules  `json:"rules"`
	Reason    string `json:"reason,omitempty"`
	CreatedBy string `json:"created_by,omitempty"`
	CreatedAt string `json:"created_at,omitempty"` // RFC 3339
}

// Band maps an individual score from Min upwards to a label.
type Band struct {
	Min   float64 `json:"min"`
	Label string  `json:"label"`
}

// Period is a monitoring period: "midyear" (30 June) or "final" (31 December).
type Period struct {
	Year     int    `json:"year"`
	Kind     string `json:"kind"`
	EndsOn   string `json:"ends_on"`             // YYYY-MM-DD
	Deadline string `json:"deadline,omitempty"`  // YYYY-MM-DD
	ClosedAt string `json:"closed_at,omitempty"` // RFC 3339; empty while open
	ClosedBy string `json:"closed_by,omitempty"`
}

// Measurement is an actual as stored, with its workflow state.
type Measurement struct {
	Indicator     string             `json:"indicator"` // key
	Year          int                `json:"year"`
	Period        string             `json:"period"` // midyear or final
	Value         *float64           `json:"value,omitempty"`
	Inputs        map[string]float64 `json:"inputs,omitempty"`
	NotApplicable bool               `json:"not_applicable,omitempty"`
	Reason        string             `json:"reason,omitempty"`
	Note          string             `json:"note,omitempty"`
	Status        string             `json:"status"` // draft, submitted, approved, returned
	Demo          bool               `json:"demo,omitempty"`
	Version       int                `json:"version"`
	Author        string             `json:"author"`
	UpdatedAt     string             `json:"updated_at"` // RFC 3339
	SubmittedBy   string             `json:"submitted_by,omitempty"`
	SubmittedAt   string             `json:"submitted_at,omitempty"`
	ReviewedBy    string             `json:"reviewed_by,omitempty"`
	ReviewedAt    string             `json:"reviewed_at,omitempty"`
	ReviewComment string             `json:"review_comment,omitempty"`
	// Benchmark is the other ente's value a difference formula was compared
	// with (BenchmarkRef of the indicator), carried so that an installation
	// without that ente computes the same figure.
	Benchmark *BenchmarkValue `json:"benchmark,omitempty"`
}

// BenchmarkValue is another ente's approved value used as a benchmark, with
// where it comes from.
type BenchmarkValue struct {
	Value     float64 `json:"value"`
	Ente      string  `json:"ente"`      // slug
	EnteName  string  `json:"ente_name"` // as shown in explanations
	Plan      string  `json:"plan"`
	Indicator string  `json:"indicator"`
}

// BehaviourScore is the evaluator's behaviour score of a role for a year.
type BehaviourScore struct {
	Role      string  `json:"role"`
	Year      int     `json:"year"`
	Score     float64 `json:"score"`
	Evaluator string  `json:"evaluator"`
	Note      string  `json:"note,omitempty"`
}

// State is what a backup adds to the plan document.
type State struct {
	Rules        *Rules           `json:"rules,omitempty"`
	RuleVersions []RuleVersion    `json:"rule_versions,omitempty"`
	Periods      []Period         `json:"periods,omitempty"`
	Measurements []Measurement    `json:"measurements,omitempty"`
	Behaviour    []BehaviourScore `json:"behaviour,omitempty"`
}
