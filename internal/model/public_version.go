package model

import "time"

// PublicVersion identifies the state of everything the public sees of a
// plan: it changes, in the same commit, with every write that could change
// a public page or open-data file of the plan (migration 000026).
type PublicVersion struct {
	PlanID    int64
	Version   int64
	ChangedAt time.Time
}
