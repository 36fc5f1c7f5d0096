package model

import "github.com/piao-performance/piao/internal/plan"

// EnteInfo is an ente with its plans and manager positions, for its
// administration page.
type EnteInfo struct {
	plan.Ente
	Plans     []PlanSummary
	Positions []plan.Role
}
