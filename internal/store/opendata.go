package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// OpenData returns one row per indicator per year that has a baseline or a
// target (in the revision in force), in plan order. Actuals, achievement and
// status stay empty until measurements exist.
func (s *Store) OpenData(ctx context.Context, ente, planSlug string) (model.PlanHeader, []model.OpenDataRow, error) {
	return openData(ctx, s.pool, ente, planSlug)
}

// openData is OpenData on q: an ente's backup reads it in its snapshot, and
// its restore in its transaction, to prove the open data unchanged.
func openData(ctx context.Context, q querier, ente, planSlug string) (model.PlanHeader, []model.OpenDataRow, error) {
	h, err := planHeader(ctx, q, ente, planSlug)
	if err != nil {
		return h, nil, err
	}
	rows, err := q.Query(ctx, `
		WITH tf AS (
			SELECT DISTINCT ON (t.indicator_id, t.year) t.indicator_id, t.year, t.operator, t.value, t.text
			FROM targets t JOIN revisions r ON r.id = t.revision_id
			WHERE t.plan_id = $1 AND r.seq <= $2
			ORDER BY t.indicator_id, t.year, r.seq DESC
		), y AS (
			SELECT b.indicator_id, b.year FROM baselines b JOIN indicators i ON i.id = b.indicator_id WHERE i.plan_id = $1
			UNION SELECT indicator_id, year FROM tf
		)
		SELECT coalesce(a.number::text, ''), o.kind, o.code, o.title, i.key, i.code, i.name, i.algorithm, i.source,
		       i.unit, i.polarity, y.year, coalesce(b.value::text, ''), coalesce(b.text, ''),
		       coalesce(tf.operator, ''), coalesce(tf.value::text, ''), coalesce(tf.text, '')
		FROM y
		JOIN indicators i ON i.id = y.indicator_id
		JOIN objectives o ON o.id = i.objective_id
		LEFT JOIN areas a ON a.id = o.area_id
		LEFT JOIN baselines b ON b.indicator_id = y.indicator_id AND b.year = y.year
		LEFT JOIN tf ON tf.indicator_id = y.indicator_id AND tf.year = y.year
		ORDER BY o.position, i.position, y.year`, h.ID, h.RevisionSeq)
	if err != nil {
		return h, nil, fmt.Errorf("open data %s/%s: %w", ente, planSlug, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.OpenDataRow, error) {
		x := model.OpenDataRow{Ente: h.EnteSlug, Plan: h.Slug}
		return x, r.Scan(&x.Area, &x.ObjectiveKind, &x.ObjectiveCode, &x.ObjectiveTitle, &x.IndicatorID,
			&x.IndicatorCode, &x.IndicatorName, &x.Algorithm, &x.Source, &x.Unit, &x.Polarity, &x.Year, &x.Baseline,
			&x.BaselineText, &x.TargetOperator, &x.Target, &x.TargetText)
	})
	if err != nil {
		return h, nil, fmt.Errorf("open data %s/%s: %w", ente, planSlug, err)
	}
	return h, out, nil
}
