package model

import (
	"time"

	"github.com/piao-performance/piao/internal/plan"
)

// RevisionInfo is a revision in a plan's history.
type RevisionInfo struct {
	Seq           int
	Label         string
	AdoptedOn     *time.Time
	InForceFrom   *time.Time
	InForceText   string
	ActReference  string
	Reason        string
	Reconstructed bool
	Changes       []plan.Change
	HasContent    bool
}
