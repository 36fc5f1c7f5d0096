package model

import "time"

// ObjectiveMeasurement is a measurement of one of an objective's indicators.
type ObjectiveMeasurement struct {
	Indicator     string
	Year          int
	Kind          string // midyear, final
	EndsOn        time.Time
	Status        string
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
}

// EvidenceFile is an attachment of a measurement; CopyAttachment streams
// its content.
type EvidenceFile struct {
	Attachment
	Indicator string
	Year      int
	Kind      string
	SHA256    string
}
