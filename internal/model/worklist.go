package model

import "github.com/piao-performance/piao/internal/plan"

// WorkItem is one indicator of a worklist: what is asked, the target, the
// entry so far and the approved value of the previous period.
type WorkItem struct {
	IndicatorID    int64
	Key            string
	Name           string
	Unit           string
	Formula        plan.Formula
	Scale          float64
	Inputs         []plan.Input
	ObjectiveCode  string
	ObjectiveTitle string
	Owners         []int64
	Target         *plan.Target
	Entry          Entry // Version 0: da compilare
	Previous       *Entry
}

// Lateness counts, for a period, the indicators not yet submitted or
// approved, per owner position and per objective.
type Lateness struct {
	Position   string
	Objective  string
	Title      string
	Missing    int // nothing entered
	InProgress int // draft or returned
	Submitted  int // waiting for approval
	Approved   int
}

// ClosingGap counts, for one dirigente (owner position), the indicators of a
// period that closing would leave without an approved value.
type ClosingGap struct {
	Position  string
	Empty     int // nothing entered
	Draft     int // draft or returned
	Submitted int // submitted, not approved
}
