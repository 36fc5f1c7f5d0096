package model

import (
	"time"

	"github.com/piao-performance/piao/internal/plan"
)

// Draft is a revision being prepared in the browser: the whole plan document
// as the administrator is changing it, and what the revision will say.
type Draft struct {
	BaseSeq      int
	Label        string
	InForceFrom  time.Time
	AdoptedOn    *time.Time
	ActReference string
	Reason       string
	Doc          *plan.Document
	Version      int
	CreatedBy    string
	UpdatedAt    time.Time
}

// Meta is what the revision will say about itself.
func (d Draft) Meta() plan.Revision {
	m := plan.Revision{Label: d.Label, InForceFrom: d.InForceFrom.Format("2006-01-02"), InForceText: d.InForceFrom.Format("02/01/2006"),
		ActReference: d.ActReference, Reason: d.Reason}
	if d.AdoptedOn != nil {
		m.AdoptedOn = d.AdoptedOn.Format("2006-01-02")
	}
	return m
}
