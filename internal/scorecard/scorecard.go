// Package scorecard joins the store and the scoring engine: it loads a plan's
// snapshot and the actuals of a period, scores them, and indexes the result by
// the keys pages, exports and the CLI use. Scores are computed on every read
// (see package scoring for why there is no cache).
package scorecard

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/model"

	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/store"
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

// Load scores the given period of a plan with the measurements vis allows.
func Load(ctx context.Context, st *store.Store, h model.PlanHeader, p model.Period, vis model.Visibility) (*Card, error) {
	ys, err := st.ScoredSnapshot(ctx, h, p.Year, p.EndsOn)
	if err != nil {
		return nil, err
	}
	snap, rev := ys.Snapshot, ys.Revision
	model, err := scoring.Compile(snap)
	if err != nil {
		return nil, fmt.Errorf("plan %s/%s cannot be scored: %w", h.EnteSlug, h.Slug, err)
	}
	acts, err := st.Actuals(ctx, h.ID, p, snap.Indicators, vis)
	if err != nil {
		return nil, err
	}
	beh, err := st.Behaviour(ctx, h.ID, p.Year)
	if err != nil {
		return nil, err
	}
	res := model.Score(acts.Actuals, beh)
	res.Provenance = acts.Provenance
	return &Card{Plan: h, Period: p, Result: res, Model: model, Measured: acts.Count, Demo: acts.Demo, Revision: rev, Rules: ys.Rules}, nil
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

// ByYear scores, for every year with visible data, the latest such period of
// the year (the final one once it is there): what the open data publish.
func ByYear(ctx context.Context, st *store.Store, h model.PlanHeader, vis model.Visibility) (map[int]*Card, error) {
	periods, err := st.PeriodsWithData(ctx, h.ID, vis)
	if err != nil {
		return nil, err
	}
	latest := map[int]model.Period{}
	for _, p := range periods { // time order: later periods overwrite earlier ones
		latest[p.Year] = p
	}
	out := make(map[int]*Card, len(latest))
	for y, p := range latest {
		c, err := Load(ctx, st, h, p, vis)
		if err != nil {
			return nil, err
		}
		out[y] = c
	}
	return out, nil
}
