package model

import (
	"slices"

	"github.com/piao-performance/piao/internal/plan"
)

// EnteSummary is an ente with its plans, for the home page.
type EnteSummary struct {
	Slug, Name string
	Plans      []PlanSummary
}

// PlanSummary is one line of a plan list.
type PlanSummary struct {
	Slug, Title          string
	StartYear, EndYear   int
	Revision             string
	Objectives, Measures int
}

// PlanHeader identifies a plan and the revision in force.
type PlanHeader struct {
	ID                 int64
	EnteID             int64
	EnteSlug, EnteName string
	Slug, Title        string
	StartYear, EndYear int
	RevisionSeq        int
	RevisionLabel      string
	SourceTitle        string
}

// ObjectiveRow is an objective in a list or tree.
type ObjectiveRow struct {
	ID         int64
	Kind       string
	Code       string
	CodeText   string
	Group      string
	Title      string
	Area       int
	ParentCode string
	Indicators int
}

// Role is a manager role with the number of individual objectives it holds.
type Role struct {
	ID         int64
	Key, Title string
	RPCT       bool
	Individual int
}

// PlanTree is everything the plan page shows.
type PlanTree struct {
	Plan       PlanHeader
	Areas      []plan.Area
	Objectives []ObjectiveRow
	Roles      []Role
	Notes      int
}

// IndicatorDetail is an indicator with everything published about it.
type IndicatorDetail struct {
	ID        int64
	Key       string
	Code      string
	CodeText  string
	Name      string
	Algorithm string
	Source    string
	Unit      string
	Polarity  string
	Formula   plan.Formula
	Scale     *float64
	Derived   string
	Kinds     []string
	Refs      []string // indicator keys a derived indicator counts
	Component bool
	Note      string
	Inputs    []plan.Input
	Baselines []plan.Baseline
	Targets   []TargetInForce
}

// TargetInForce is the target of a year in the revision in force.
type TargetInForce struct {
	plan.Target
	Revision string
}

// ObjectiveDetail is everything the objective page shows.
type ObjectiveDetail struct {
	Plan            PlanHeader
	Row             ObjectiveRow
	AreaTitle       string
	ParentTitle     string
	ParentText      string
	Description     string
	Programme       string
	Stakeholders    string
	OwnerText       string
	Owners          []Role
	UnitsText       string
	Units           []string
	ExternalParties string
	Resources       string
	Footnote        string
	SourceLine      int
	Children        []ObjectiveRow
	Indicators      []IndicatorDetail
	Notes           []Note
	Individual      []IndividualRef
}

// Years returns every year with a baseline or a target among the indicators.
func (d ObjectiveDetail) Years() (baseline, target []int) {
	for _, in := range d.Indicators {
		for _, b := range in.Baselines {
			if !slices.Contains(baseline, b.Year) {
				baseline = append(baseline, b.Year)
			}
		}
		for _, t := range in.Targets {
			if !slices.Contains(target, t.Year) {
				target = append(target, t.Year)
			}
		}
	}
	slices.Sort(baseline)
	slices.Sort(target)
	return baseline, target
}

// IndividualRef names an individual objective that repeats a plan objective.
type IndividualRef struct {
	RoleKey, RoleTitle, CodeText, Title string
}

// Note is a data-quality note.
type Note struct {
	Kind           string
	ObjectiveCode  string
	IndicatorKey   string
	SourceLine     int
	SourceText     string
	Interpretation string
}
