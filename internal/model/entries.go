package model

import (
	"time"

	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/workflow"
)

// Entry is a measurement as the entry pages see it. Version 0 means none yet.
type Entry struct {
	ID            int64
	Version       int
	Status        workflow.Status
	Value         *float64
	Inputs        map[string]float64
	NotApplicable bool
	Reason        string
	Note          string
	Author        string
	UpdatedAt     time.Time
	SubmittedBy   string
	ReviewedBy    string
	ReviewComment string
	Demo          bool
	Attachments   []Attachment
	Deviation     Deviation // the motivazione of a scostamento (final period) or a corrective-action note (30/06)
}

// Deviation is a dirigente's motivazione of a scostamento: what happened, why,
// and the corrective action. At the in-year period only Action is used, as an
// optional note beside an early warning.
type Deviation struct {
	What, Why, Action string
}

// Complete reports whether every part of the motivazione is written.
func (d Deviation) Complete() bool { return d.What != "" && d.Why != "" && d.Action != "" }

// Empty reports whether nothing is written.
func (d Deviation) Empty() bool { return d.What == "" && d.Why == "" && d.Action == "" }

// Attachment describes an evidence file.
type Attachment struct {
	ID          int64
	Filename    string
	ContentType string
	Size        int
	UploadedBy  string
	UploadedAt  time.Time
}

// EntryIndicator is what the entry form needs to know about an indicator.
type EntryIndicator struct {
	ID             int64
	Key            string
	Code           string
	Name           string
	Algorithm      string
	Source         string
	Unit           string
	Formula        plan.Formula
	Scale          float64
	Inputs         []plan.Input
	ObjectiveCode  string
	ObjectiveTitle string
	Owners         []int64 // positions owning the objective
	OwnerTitles    []string
	Baselines      []plan.Baseline
	Target         *TargetInForce // for the period's year
	// DeviationRequired is set by the caller before an approval when the
	// entry needs a complete motivazione (workflow.DeviationRequired): the
	// store then refuses to approve without one.
	DeviationRequired bool
}

// HistoryEvent is one change of a measurement.
type HistoryEvent struct {
	At     time.Time
	Actor  string
	Action string
	Reason string
	Detail map[string]any
}
