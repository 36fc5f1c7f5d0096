package model

// RevisionRef names a revision of a plan.
type RevisionRef struct {
	Seq   int
	Label string
}

// Visibility says which measurements a reader may see.
type Visibility int

// Visibilities.
const (
	// Public: approved measurements of closed periods only (docs/DESIGN.md §5).
	Public Visibility = iota
	// Approved: approved measurements, whether or not the period is closed;
	// at in-year monitoring also submitted ones when the plan's setting says so.
	Approved
)
