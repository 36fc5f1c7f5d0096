package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// Collection returns the collection state of a period: the total first, then
// one row per dirigente owning indicators, in position order. One query.
func (s *Store) Collection(ctx context.Context, h model.PlanHeader, p model.Period) (total model.CollectionCount, byPosition []model.CollectionCount, err error) {
	rows, err := s.pool.Query(ctx, `
		SELECT GROUPING(r.id) = 1, coalesce(r.id, 0), coalesce(r.key, ''), coalesce(r.title, ''),
		       count(DISTINCT i.id),
		       count(DISTINCT i.id) FILTER (WHERE m.status = 'draft'),
		       count(DISTINCT i.id) FILTER (WHERE m.status = 'submitted'),
		       count(DISTINCT i.id) FILTER (WHERE m.status = 'approved'),
		       count(DISTINCT i.id) FILTER (WHERE m.status = 'returned'),
		       count(DISTINCT i.id) FILTER (WHERE m.not_applicable),
		       count(DISTINCT i.id) FILTER (WHERE m.id IS NULL)
		FROM indicators i JOIN objectives o ON o.id = i.objective_id
		LEFT JOIN objective_owners oo ON oo.objective_id = o.id LEFT JOIN roles r ON r.id = oo.role_id
		LEFT JOIN measurements m ON m.indicator_id = i.id AND m.period_id = $2
		WHERE i.plan_id = $1 AND i.formula <> 'derived'
		GROUP BY GROUPING SETS ((r.id, r.key, r.title), ())
		ORDER BY GROUPING(r.id) DESC, r.id`, h.ID, p.ID)
	if err != nil {
		return total, nil, fmt.Errorf("collection: %w", err)
	}
	var isTotal bool
	var c model.CollectionCount
	_, err = pgx.ForEachRow(rows, []any{&isTotal, &c.PositionID, &c.PositionKey, &c.Position, &c.Expected, &c.Draft, &c.Submitted,
		&c.Approved, &c.Returned, &c.NotApplicable, &c.Empty}, func() error {
		switch {
		case isTotal:
			total = c
		case c.PositionID != 0: // indicators of objectives without an owner count only in the total
			byPosition = append(byPosition, c)
		}
		return nil
	})
	if err != nil {
		return total, nil, fmt.Errorf("collection: %w", err)
	}
	return total, byPosition, nil
}

// CorrectiveActions returns the corrective-action notes written on the
// measurements of a period (migration 000027: at the in-year period the
// dirigente may note one beside an early warning), by indicator key; only
// the non-empty ones.
func (s *Store) CorrectiveActions(ctx context.Context, h model.PlanHeader, p model.Period) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT i.key, m.deviation_action FROM measurements m JOIN indicators i ON i.id = m.indicator_id
		WHERE m.plan_id = $1 AND m.period_id = $2 AND m.deviation_action <> ''`, h.ID, p.ID)
	if err != nil {
		return nil, fmt.Errorf("corrective actions: %w", err)
	}
	out := map[string]string{}
	var key, action string
	if _, err := pgx.ForEachRow(rows, []any{&key, &action}, func() error {
		out[key] = action
		return nil
	}); err != nil {
		return nil, fmt.Errorf("corrective actions: %w", err)
	}
	return out, nil
}
