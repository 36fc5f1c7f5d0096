package model

// CollectionCount is the state of a period's collection, for the whole plan
// (PositionKey "") or one dirigente (owner position): the indicators expected
// and where each stands. An indicator owned by two positions counts once in
// the total and once for each of them.
type CollectionCount struct {
	PositionID    int64
	PositionKey   string
	Position      string
	Expected      int // indicators that take a value (derived ones are computed)
	Draft         int // entered, not submitted
	Submitted     int // waiting for approval
	Approved      int
	Returned      int
	NotApplicable int // entries marked "non applicabile", whatever their state
	Empty         int // nothing entered
}

// Pending is what the dirigente still has to send: empty, draft or returned.
func (c CollectionCount) Pending() int { return c.Empty + c.Draft + c.Returned }
