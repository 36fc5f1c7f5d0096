package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/workflow"
)

// Worklist returns the indicators to report for a period: those of the
// objectives owned by position, or every one when position is 0. Derived
// indicators are left out: the engine computes them.
func (s *Store) Worklist(ctx context.Context, h model.PlanHeader, p model.Period, position int64) ([]model.WorkItem, error) {
	return s.worklist(ctx, h, p, position, false)
}

// worklist is Worklist; with submittedOnly, only the entries waiting for
// approval: the query then starts from those few measurements (an inner
// join) instead of reading every indicator of the plan, which on a plan of
// thousands of indicators was the costliest statement of the dashboard.
func (s *Store) worklist(ctx context.Context, h model.PlanHeader, p model.Period, position int64, submittedOnly bool) ([]model.WorkItem, error) {
	join := "LEFT JOIN measurements m ON m.indicator_id = i.id AND m.period_id = $2"
	if submittedOnly {
		join = "JOIN measurements m ON m.indicator_id = i.id AND m.period_id = $2 AND m.status = 'submitted'"
	}
	rows, err := s.pool.Query(ctx, `
		WITH tf AS (
			SELECT DISTINCT ON (t.indicator_id) t.indicator_id, t.operator, t.value::float8 AS value, t.text
			FROM targets t JOIN revisions r ON r.id = t.revision_id
			WHERE t.plan_id = $1 AND t.year = $3 AND r.seq <= $4
			ORDER BY t.indicator_id, r.seq DESC
		), prev AS (
			SELECT id FROM periods WHERE plan_id = $1 AND ends_on < $5 ORDER BY ends_on DESC LIMIT 1
		), own AS (
			SELECT oo.objective_id, array_agg(oo.role_id ORDER BY oo.role_id) AS ids
			FROM objective_owners oo JOIN objectives o ON o.id = oo.objective_id WHERE o.plan_id = $1 GROUP BY oo.objective_id
		), inp AS (
			SELECT x.indicator_id, array_agg(x.key ORDER BY x.position) AS keys, array_agg(x.label ORDER BY x.position) AS labels
			FROM indicator_inputs x JOIN indicators i ON i.id = x.indicator_id WHERE i.plan_id = $1 GROUP BY x.indicator_id
		)
		SELECT i.id, i.key, i.name, i.unit, i.formula, coalesce(i.scale::float8, 0), o.code, o.title,
		       coalesce(own.ids, '{}'), coalesce(inp.keys, '{}'), coalesce(inp.labels, '{}'),
		       tf.operator, tf.value, tf.text,
		       m.id, m.version, m.status, m.value::float8, m.inputs, m.not_applicable, m.reason, m.note, m.author, m.updated_at,
		       m.review_comment, m.demo,
		       pm.value::float8, pm.inputs, pm.not_applicable
		FROM indicators i JOIN objectives o ON o.id = i.objective_id
		LEFT JOIN own ON own.objective_id = o.id LEFT JOIN inp ON inp.indicator_id = i.id LEFT JOIN tf ON tf.indicator_id = i.id
		`+join+`
		LEFT JOIN measurements pm ON pm.indicator_id = i.id AND pm.period_id = (SELECT id FROM prev) AND pm.status = 'approved'
		WHERE i.plan_id = $1 AND i.formula <> 'derived' AND ($6 = 0 OR $6 = ANY(own.ids))
		ORDER BY o.position, i.position`, h.ID, p.ID, p.Year, h.RevisionSeq, p.EndsOn, position)
	if err != nil {
		return nil, fmt.Errorf("worklist: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.WorkItem, error) {
		var w model.WorkItem
		var keys, labels []string
		var op, text *string
		var tv *float64
		var (
			mID                     *int64
			mVersion                *int
			mStatus, mReason, mNote *string
			mAuthor, mComment       *string
			mValue                  *float64
			mInputs                 map[string]float64
			mNA, mDemo              *bool
			mAt                     *time.Time
			pValue                  *float64
			pInputs                 map[string]float64
			pNA                     *bool
		)
		if err := r.Scan(&w.IndicatorID, &w.Key, &w.Name, &w.Unit, &w.Formula, &w.Scale, &w.ObjectiveCode, &w.ObjectiveTitle,
			&w.Owners, &keys, &labels, &op, &tv, &text, &mID, &mVersion, &mStatus, &mValue, &mInputs, &mNA, &mReason, &mNote,
			&mAuthor, &mAt, &mComment, &mDemo, &pValue, &pInputs, &pNA); err != nil {
			return w, err
		}
		for k := range keys {
			w.Inputs = append(w.Inputs, plan.Input{Key: keys[k], Label: labels[k]})
		}
		if op != nil && tv != nil {
			w.Target = &plan.Target{Year: p.Year, Operator: *op, Value: tv, Text: *text}
		}
		if mID != nil {
			w.Entry = model.Entry{ID: *mID, Version: *mVersion, Status: workflow.Status(*mStatus), Value: mValue, Inputs: mInputs, NotApplicable: *mNA,
				Reason: *mReason, Note: *mNote, Author: *mAuthor, UpdatedAt: *mAt, ReviewComment: *mComment, Demo: *mDemo}
		}
		if pNA != nil {
			w.Previous = &model.Entry{Value: pValue, Inputs: pInputs, NotApplicable: *pNA, Status: workflow.Approved}
		}
		return w, nil
	})
	if err != nil {
		return nil, fmt.Errorf("worklist: %w", err)
	}
	return out, nil
}

// Late returns the lateness rows of a period, positions first, worst first.
func (s *Store) Late(ctx context.Context, h model.PlanHeader, p model.Period) ([]model.Lateness, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT r.title, o.code, o.title,
		       count(*) FILTER (WHERE m.id IS NULL),
		       count(*) FILTER (WHERE m.status IN ('draft', 'returned')),
		       count(*) FILTER (WHERE m.status = 'submitted'),
		       count(*) FILTER (WHERE m.status = 'approved')
		FROM indicators i JOIN objectives o ON o.id = i.objective_id
		JOIN objective_owners oo ON oo.objective_id = o.id JOIN roles r ON r.id = oo.role_id
		LEFT JOIN measurements m ON m.indicator_id = i.id AND m.period_id = $2
		WHERE i.plan_id = $1 AND i.formula <> 'derived'
		GROUP BY r.id, r.title, o.id, o.code, o.title, o.position
		HAVING count(*) FILTER (WHERE m.id IS NULL OR m.status IN ('draft', 'returned')) > 0
		ORDER BY r.id, o.position`, h.ID, p.ID)
	if err != nil {
		return nil, fmt.Errorf("lateness: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Lateness, error) {
		var l model.Lateness
		return l, r.Scan(&l.Position, &l.Objective, &l.Title, &l.Missing, &l.InProgress, &l.Submitted, &l.Approved)
	})
	if err != nil {
		return nil, fmt.Errorf("lateness: %w", err)
	}
	return out, nil
}

// Submitted lists the entries waiting for approval in a period.
func (s *Store) Submitted(ctx context.Context, h model.PlanHeader, p model.Period) ([]model.WorkItem, error) {
	return s.worklist(ctx, h, p, 0, true)
}

// ClosingGaps returns what is still missing in a period per dirigente, in
// one query, for the closing confirmation; positions with nothing missing
// are left out.
func (s *Store) ClosingGaps(ctx context.Context, h model.PlanHeader, p model.Period) ([]model.ClosingGap, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT r.title,
		       count(*) FILTER (WHERE m.id IS NULL),
		       count(*) FILTER (WHERE m.status IN ('draft', 'returned')),
		       count(*) FILTER (WHERE m.status = 'submitted')
		FROM indicators i JOIN objectives o ON o.id = i.objective_id
		JOIN objective_owners oo ON oo.objective_id = o.id JOIN roles r ON r.id = oo.role_id
		LEFT JOIN measurements m ON m.indicator_id = i.id AND m.period_id = $2
		WHERE i.plan_id = $1 AND i.formula <> 'derived'
		GROUP BY r.id, r.title
		HAVING count(*) FILTER (WHERE m.id IS NULL OR m.status <> 'approved') > 0
		ORDER BY r.id`, h.ID, p.ID)
	if err != nil {
		return nil, fmt.Errorf("closing gaps: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.ClosingGap, error) {
		var g model.ClosingGap
		return g, r.Scan(&g.Position, &g.Empty, &g.Draft, &g.Submitted)
	})
	if err != nil {
		return nil, fmt.Errorf("closing gaps: %w", err)
	}
	return out, nil
}
