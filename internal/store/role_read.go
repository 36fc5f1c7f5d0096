package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// Role returns a manager role of the plan's ente with its individual objectives.
func (s *Store) Role(ctx context.Context, ente, planSlug, key string) (model.RoleDetail, error) {
	h, err := s.PlanHeader(ctx, ente, planSlug)
	if err != nil {
		return model.RoleDetail{}, err
	}
	d := model.RoleDetail{Plan: h}
	err = s.pool.QueryRow(ctx, `SELECT r.id, r.key, r.title, r.rpct, coalesce(u.name, '')
		FROM roles r JOIN plans p ON p.ente_id = r.ente_id LEFT JOIN units u ON u.id = r.unit_id
		WHERE p.id = $1 AND r.key = $2`, h.ID, key).Scan(&d.Role.ID, &d.Role.Key, &d.Role.Title, &d.Role.RPCT, &d.UnitName)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("role %s: %w", key, err)
	}
	rows, err := s.pool.Query(ctx, `
		WITH tf AS (`+targetsInForce+` AND i.plan_id = $2 AND t.year = $3 ORDER BY t.indicator_id, t.year, r.seq DESC)
		SELECT io.id, io.code_text, io.group_label, io.title, io.weight::float8, o.kind, o.code, o.title,
		       i.key, ii.name, ii.algorithm, ii.target_text, i.unit, i.name,
		       tf.operator, tf.value, tf.text, tf.label
		FROM individual_objectives io
		JOIN objectives o ON o.id = io.objective_id
		JOIN individual_indicators ii ON ii.individual_id = io.id
		JOIN indicators i ON i.id = ii.indicator_id
		LEFT JOIN tf ON tf.indicator_id = i.id
		WHERE io.plan_id = $2 AND io.role_id = $4
		ORDER BY io.position, ii.position`, h.RevisionSeq, h.ID, h.StartYear, d.Role.ID)
	if err != nil {
		return d, fmt.Errorf("individual objectives of %s: %w", key, err)
	}
	var (
		ioID, lastID int64
		cur          model.IndividualObjective
		ind          model.IndividualIndicator
		op, text, rl *string
		val          *float64
	)
	_, err = pgx.ForEachRow(rows, []any{&ioID, &cur.CodeText, &cur.Group, &cur.Title, &cur.Weight, &cur.ObjectiveKind,
		&cur.ObjectiveCode, &cur.ObjectiveTitle, &ind.Key, &ind.Name, &ind.Algorithm, &ind.TargetText, &ind.Unit,
		&ind.PlanName, &op, &val, &text, &rl}, func() error {
		if len(d.Objectives) == 0 || ioID != lastID {
			d.Objectives = append(d.Objectives, model.IndividualObjective{CodeText: cur.CodeText, Group: cur.Group,
				Title: cur.Title, Weight: cur.Weight, ObjectiveKind: cur.ObjectiveKind,
				ObjectiveCode: cur.ObjectiveCode, ObjectiveTitle: cur.ObjectiveTitle})
			lastID = ioID
		}
		x := ind
		if op != nil && val != nil {
			v := *val
			x.Target = &model.TargetInForce{Revision: *rl}
			x.Target.Year, x.Target.Operator, x.Target.Value, x.Target.Text = h.StartYear, *op, &v, *text
		}
		last := &d.Objectives[len(d.Objectives)-1]
		last.Indicators = append(last.Indicators, x)
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("individual objectives of %s: %w", key, err)
	}
	return d, nil
}
