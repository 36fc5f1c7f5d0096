// Package scorecard is a scored period of a plan, indexed by the keys pages,
// exports and the CLI use. It does no I/O: package scores loads cards.
package scorecard

import (
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scoring"
)

// Card is a scored period of a plan.
type Card struct {
	Plan     model.PlanHeader
	Period   model.Period
	Result   *scoring.Result
	Model    *scoring.Model
	Measured int  // indicators with a visible measurement
	Demo     bool // some values are demo data
	// Revision is the plan revision in force at the end of the period: its
	// targets are the ones scored.
	Revision model.RevisionRef
	// Rules is the version of the scoring rules in force for the year.
	Rules model.RuleVersion
}

// Ref is the URL reference of a period: "2023-final".
func Ref(p model.Period) string { return strconv.Itoa(p.Year) + "-" + p.Kind }

// ParseRef splits "2023-final" into year and kind.
func ParseRef(ref string) (year int, kind string, ok bool) {
	y, k, found := strings.Cut(ref, "-")
	n, err := strconv.Atoi(y)
	if !found || err != nil || (k != "final" && k != "midyear") {
		return 0, "", false
	}
	return n, k, true
}

// Indicator returns the result of an indicator key and its index, or -1.
func (c *Card) Indicator(key string) (scoring.IndicatorResult, int) {
	i := c.Model.IndicatorIndex(key)
	if i < 0 {
		return scoring.IndicatorResult{}, -1
	}
	return c.Result.Indicators[i], i
}

// Objective returns the score of an objective code and its index, or -1.
func (c *Card) Objective(code string) (scoring.Score, int) {
	o := c.Model.ObjectiveIndex(code)
	if o < 0 {
		return scoring.Score{}, -1
	}
	return c.Result.Objectives[o], o
}
