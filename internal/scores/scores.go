// Package scores loads scored periods of a plan: the snapshot and the actuals
// a reader may see, scored by the engine into a scorecard.Card. Every call
// loads and scores afresh; the web server caches cards by the period's
// fingerprint (internal/server/cards.go).
package scores

import (
	"context"
	"fmt"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/store"
)

// Load scores the given period of a plan with the measurements vis allows.
func Load(ctx context.Context, st *store.Store, h model.PlanHeader, p model.Period, vis model.Visibility) (*scorecard.Card, error) {
	ys, err := st.ScoredSnapshot(ctx, h, p.Year, p.EndsOn)
	if err != nil {
		return nil, err
	}
	snap, rev := ys.Snapshot, ys.Revision
	m, err := scoring.Compile(snap)
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
	res := m.Score(acts.Actuals, beh)
	res.Provenance = acts.Provenance
	return &scorecard.Card{Plan: h, Period: p, Result: res, Model: m, Measured: acts.Count, Demo: acts.Demo, Revision: rev, Rules: ys.Rules}, nil
}

// ByYear scores, for every year with visible data, the latest such period of
// the year (the final one once it is there): what the open data publish.
func ByYear(ctx context.Context, st *store.Store, h model.PlanHeader, vis model.Visibility) (map[int]*scorecard.Card, error) {
	periods, err := st.PeriodsWithData(ctx, h.ID, vis)
	if err != nil {
		return nil, err
	}
	latest := map[int]model.Period{}
	for _, p := range periods { // time order: later periods overwrite earlier ones
		latest[p.Year] = p
	}
	out := make(map[int]*scorecard.Card, len(latest))
	for y, p := range latest {
		c, err := Load(ctx, st, h, p, vis)
		if err != nil {
			return nil, err
		}
		out[y] = c
	}
	return out, nil
}
