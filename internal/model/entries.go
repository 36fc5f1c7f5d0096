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
}

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
}

// HistoryEvent is one change of a measurement.
type HistoryEvent struct {
	At     time.Time
	Actor  string
	Action string
	Reason string
	Detail map[string]any
}
