package model

import (
	"strconv"
	"time"

	"github.com/piao-performance/piao/internal/scoring"
)

// RuleVersion is one version of a plan's scoring rules: it governs the years
// from FromYear onwards until a later version (a greater No) takes over from
// its own year. The rules of a year whose Relazione is validated never change
// (SetScoringRules refuses a version from that year or earlier).
type RuleVersion struct {
	No        int
	FromYear  int
	Rules     scoring.Rules
	Reason    string
	CreatedBy string
	CreatedAt time.Time
}

// Label names the version as the Relazione and the pages print it.
func (v RuleVersion) Label() string {
	return "versione " + strconv.Itoa(v.No) + " (in vigore dal " + strconv.Itoa(v.FromYear) + ")"
}
