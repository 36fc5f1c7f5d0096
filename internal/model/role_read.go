package model

// IndividualIndicator is a KPI row of an individual objective, as published,
// with the plan indicator it repeats.
type IndividualIndicator struct {
	Key        string
	Name       string
	Algorithm  string
	TargetText string
	Unit       string
	PlanName   string
	Target     *TargetInForce // the plan's target in force for the first plan year
}

// IndividualObjective is one entry of a manager's scorecard.
type IndividualObjective struct {
	CodeText       string
	Group          string
	Title          string
	Weight         *float64
	ObjectiveKind  string
	ObjectiveCode  string
	ObjectiveTitle string
	Indicators     []IndividualIndicator
}

// RoleDetail is a manager role with its individual objectives.
type RoleDetail struct {
	Plan       PlanHeader
	Role       Role
	UnitName   string
	Objectives []IndividualObjective
}
