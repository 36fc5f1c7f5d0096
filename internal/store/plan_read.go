package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
)

// ListEnti returns every ente with its plans, by name.
func (s *Store) ListEnti(ctx context.Context) ([]model.EnteSummary, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT e.slug, e.name, p.slug, p.title, p.start_year, p.end_year,
		       (SELECT label FROM revisions r WHERE r.plan_id = p.id ORDER BY seq DESC LIMIT 1),
		       (SELECT count(*) FROM objectives o WHERE o.plan_id = p.id),
		       (SELECT count(*) FROM indicators i WHERE i.plan_id = p.id)
		FROM enti e JOIN plans p ON p.ente_id = e.id
		ORDER BY e.name, e.slug, p.start_year DESC, p.slug`)
	if err != nil {
		return nil, fmt.Errorf("list enti: %w", err)
	}
	defer rows.Close()
	var out []model.EnteSummary
	for rows.Next() {
		var eslug, ename string
		var p model.PlanSummary
		if err := rows.Scan(&eslug, &ename, &p.Slug, &p.Title, &p.StartYear, &p.EndYear, &p.Revision, &p.Objectives, &p.Measures); err != nil {
			return nil, fmt.Errorf("scan ente: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Slug != eslug {
			out = append(out, model.EnteSummary{Slug: eslug, Name: ename})
		}
		out[len(out)-1].Plans = append(out[len(out)-1].Plans, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list enti: %w", err)
	}
	return out, nil
}

// ListEntiPage returns the enti with plans, limit of them from offset in
// name order, each with its plans, and how many enti have plans in all: the
// open-data index pages through them, so it stays the same size as enti grow.
// The page walks enti_name_slug_idx (migration 000037) and stops after its
// rows; only the total counts every ente, without sorting them (a window
// count would sort them all before the LIMIT).
func (s *Store) ListEntiPage(ctx context.Context, offset, limit int) ([]model.EnteSummary, int, error) {
	rows, err := s.pool.Query(ctx, `
		WITH page AS (SELECT e.id, e.slug, e.name FROM enti e
		              WHERE EXISTS (SELECT 1 FROM plans p WHERE p.ente_id = e.id)
		              ORDER BY e.name, e.slug LIMIT $1 OFFSET $2)
		SELECT (SELECT count(*) FROM enti e WHERE EXISTS (SELECT 1 FROM plans p WHERE p.ente_id = e.id)), e.slug, e.name, p.slug, p.title, p.start_year, p.end_year,
		       (SELECT label FROM revisions r WHERE r.plan_id = p.id ORDER BY seq DESC LIMIT 1),
		       (SELECT count(*) FROM objectives o WHERE o.plan_id = p.id),
		       (SELECT count(*) FROM indicators i WHERE i.plan_id = p.id)
		FROM page e JOIN plans p ON p.ente_id = e.id
		ORDER BY e.name, e.slug, p.start_year DESC, p.slug`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list enti: %w", err)
	}
	defer rows.Close()
	var out []model.EnteSummary
	total := 0
	for rows.Next() {
		var eslug, ename string
		var p model.PlanSummary
		if err := rows.Scan(&total, &eslug, &ename, &p.Slug, &p.Title, &p.StartYear, &p.EndYear, &p.Revision, &p.Objectives, &p.Measures); err != nil {
			return nil, 0, fmt.Errorf("scan ente: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Slug != eslug {
			out = append(out, model.EnteSummary{Slug: eslug, Name: ename})
		}
		out[len(out)-1].Plans = append(out[len(out)-1].Plans, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list enti: %w", err)
	}
	if len(out) == 0 && offset > 0 { // past the last page: the total still counts
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM enti e WHERE EXISTS (SELECT 1 FROM plans p WHERE p.ente_id = e.id)`).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count enti: %w", err)
		}
	}
	return out, total, nil
}

const planHeaderSQL = `
	SELECT p.id, e.id, e.slug, e.name, p.slug, p.title, p.start_year, p.end_year, r.seq, r.label, p.source_title
	FROM plans p JOIN enti e ON e.id = p.ente_id
	JOIN LATERAL (SELECT seq, label FROM revisions WHERE plan_id = p.id ORDER BY seq DESC LIMIT 1) r ON true
	WHERE e.slug = $1 AND p.slug = $2`

// PlanHeader returns the plan identified by ente and plan slugs, or ErrNotFound.
func (s *Store) PlanHeader(ctx context.Context, ente, slug string) (model.PlanHeader, error) {
	return planHeader(ctx, s.pool, ente, slug)
}

func planHeader(ctx context.Context, q querier, ente, slug string) (model.PlanHeader, error) {
	var h model.PlanHeader
	err := q.QueryRow(ctx, planHeaderSQL, ente, slug).Scan(
		&h.ID, &h.EnteID, &h.EnteSlug, &h.EnteName, &h.Slug, &h.Title, &h.StartYear, &h.EndYear, &h.RevisionSeq, &h.RevisionLabel, &h.SourceTitle)
	if errors.Is(err, pgx.ErrNoRows) {
		return h, ErrNotFound
	}
	if err != nil {
		return h, fmt.Errorf("plan %s/%s: %w", ente, slug, err)
	}
	return h, nil
}

// PlanTree returns the plan with its areas, objectives (in source order), roles
// and the number of data-quality notes.
func (s *Store) PlanTree(ctx context.Context, ente, slug string) (model.PlanTree, error) {
	h, err := s.PlanHeader(ctx, ente, slug)
	if err != nil {
		return model.PlanTree{}, err
	}
	t := model.PlanTree{Plan: h}
	rows, err := s.pool.Query(ctx, `SELECT number, title FROM areas WHERE plan_id = $1 ORDER BY number`, h.ID)
	if err != nil {
		return t, fmt.Errorf("areas: %w", err)
	}
	t.Areas, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (plan.Area, error) {
		var a plan.Area
		return a, r.Scan(&a.Number, &a.Title)
	})
	if err != nil {
		return t, fmt.Errorf("areas: %w", err)
	}
	t.Objectives, err = s.objectiveRows(ctx, `o.plan_id = $1`, h.ID)
	if err != nil {
		return t, err
	}
	t.Roles, err = s.roles(ctx, h.ID)
	if err != nil {
		return t, err
	}
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM quality_notes WHERE plan_id = $1`, h.ID).Scan(&t.Notes); err != nil {
		return t, fmt.Errorf("count notes: %w", err)
	}
	return t, nil
}

func (s *Store) objectiveRows(ctx context.Context, where string, args ...any) ([]model.ObjectiveRow, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT o.id, o.kind, o.code, o.code_text, o.group_label, o.title, coalesce(a.number, 0), coalesce(p.code, ''),
		       (SELECT count(*) FROM indicators i WHERE i.objective_id = o.id)
		FROM objectives o
		LEFT JOIN areas a ON a.id = o.area_id
		LEFT JOIN objectives p ON p.id = o.parent_id
		WHERE `+where+` ORDER BY o.position`, args...)
	if err != nil {
		return nil, fmt.Errorf("objectives: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.ObjectiveRow, error) {
		var o model.ObjectiveRow
		return o, r.Scan(&o.ID, &o.Kind, &o.Code, &o.CodeText, &o.Group, &o.Title, &o.Area, &o.ParentCode, &o.Indicators)
	})
	if err != nil {
		return nil, fmt.Errorf("objectives: %w", err)
	}
	return out, nil
}

func (s *Store) roles(ctx context.Context, planID int64) ([]model.Role, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT r.key, r.title, r.rpct, count(io.id)
		FROM roles r JOIN plans p ON p.ente_id = r.ente_id
		LEFT JOIN individual_objectives io ON io.role_id = r.id AND io.plan_id = p.id
		WHERE p.id = $1 GROUP BY r.id ORDER BY r.id`, planID)
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Role, error) {
		var x model.Role
		return x, r.Scan(&x.Key, &x.Title, &x.RPCT, &x.Individual)
	})
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	return out, nil
}

// Objective returns one objective of a plan by code, or ErrNotFound.
func (s *Store) Objective(ctx context.Context, ente, planSlug, code string) (model.ObjectiveDetail, error) {
	h, err := s.PlanHeader(ctx, ente, planSlug)
	if err != nil {
		return model.ObjectiveDetail{}, err
	}
	d := model.ObjectiveDetail{Plan: h}
	rows, err := s.objectiveRows(ctx, `o.plan_id = $1 AND o.code = $2`, h.ID, code)
	if err != nil {
		return d, err
	}
	if len(rows) == 0 {
		return d, ErrNotFound
	}
	d.Row = rows[0]
	err = s.pool.QueryRow(ctx, `
		SELECT coalesce(a.title, ''), coalesce(p.title, ''), o.parent_text, o.description, o.programme, o.stakeholders,
		       o.owner_text, o.units_text, o.external_parties, o.resources, o.footnote, o.source_line
		FROM objectives o LEFT JOIN areas a ON a.id = o.area_id LEFT JOIN objectives p ON p.id = o.parent_id
		WHERE o.id = $1`, d.Row.ID).Scan(&d.AreaTitle, &d.ParentTitle, &d.ParentText, &d.Description, &d.Programme,
		&d.Stakeholders, &d.OwnerText, &d.UnitsText, &d.ExternalParties, &d.Resources, &d.Footnote, &d.SourceLine)
	if err != nil {
		return d, fmt.Errorf("objective %s: %w", code, err)
	}
	if d.Children, err = s.objectiveRows(ctx, `o.parent_id = $1`, d.Row.ID); err != nil {
		return d, err
	}
	if err := s.objectiveOrganisation(ctx, &d); err != nil {
		return d, err
	}
	if d.Indicators, err = s.indicators(ctx, h, d.Row.ID, 0); err != nil {
		return d, err
	}
	if d.Notes, err = s.notes(ctx, `n.plan_id = $1 AND (n.objective_id = $2 OR i.objective_id = $2)`, h.ID, d.Row.ID); err != nil {
		return d, err
	}
	return d, nil
}

func (s *Store) objectiveOrganisation(ctx context.Context, d *model.ObjectiveDetail) error {
	rows, err := s.pool.Query(ctx, `SELECT r.key, r.title, r.rpct, 0 FROM objective_owners oo JOIN roles r ON r.id = oo.role_id
		WHERE oo.objective_id = $1 ORDER BY r.id`, d.Row.ID)
	if err != nil {
		return fmt.Errorf("owners: %w", err)
	}
	d.Owners, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Role, error) {
		var x model.Role
		return x, r.Scan(&x.Key, &x.Title, &x.RPCT, &x.Individual)
	})
	if err != nil {
		return fmt.Errorf("owners: %w", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT u.name FROM objective_units ou JOIN units u ON u.id = ou.unit_id
		WHERE ou.objective_id = $1 ORDER BY u.id`, d.Row.ID)
	if err != nil {
		return fmt.Errorf("units: %w", err)
	}
	if d.Units, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return fmt.Errorf("units: %w", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT r.key, r.title, io.code_text, io.title FROM individual_objectives io
		JOIN roles r ON r.id = io.role_id WHERE io.objective_id = $1 ORDER BY r.id, io.position`, d.Row.ID)
	if err != nil {
		return fmt.Errorf("individual objectives: %w", err)
	}
	d.Individual, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.IndividualRef, error) {
		var x model.IndividualRef
		return x, r.Scan(&x.RoleKey, &x.RoleTitle, &x.CodeText, &x.Title)
	})
	if err != nil {
		return fmt.Errorf("individual objectives: %w", err)
	}
	return nil
}

// indicators loads the indicators of one objective (only indicatorID when it
// is not 0) with their inputs, baselines and the targets in force, in one
// round trip (a batch of four queries, read in order): the entry form and
// every save read it.
func (s *Store) indicators(ctx context.Context, h model.PlanHeader, objectiveID, indicatorID int64) ([]model.IndicatorDetail, error) {
	var (
		b    pgx.Batch
		out  []model.IndicatorDetail
		byID = map[int64]*model.IndicatorDetail{}
		id   int64
	)
	b.Queue(`
		SELECT i.id, i.key, i.code, i.code_text, i.name, i.algorithm, i.source, i.unit, i.polarity, i.formula,
		       i.scale::float8, coalesce(i.derived_function, ''), i.derived_kinds, i.component, i.note,
		       coalesce((SELECT array_agg(r.key ORDER BY x.position) FROM indicator_refs x JOIN indicators r ON r.id = x.ref_indicator_id
		                 WHERE x.indicator_id = i.id), '{}')
		FROM indicators i WHERE i.objective_id = $1 AND ($2 = 0 OR i.id = $2) ORDER BY i.position`, objectiveID, indicatorID).
		Query(func(rows pgx.Rows) error {
			var err error
			out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.IndicatorDetail, error) {
				var x model.IndicatorDetail
				return x, r.Scan(&x.ID, &x.Key, &x.Code, &x.CodeText, &x.Name, &x.Algorithm, &x.Source, &x.Unit, &x.Polarity,
					&x.Formula, &x.Scale, &x.Derived, &x.Kinds, &x.Component, &x.Note, &x.Refs)
			})
			if err != nil {
				return fmt.Errorf("indicators: %w", err)
			}
			for i := range out {
				byID[out[i].ID] = &out[i]
			}
			return nil
		})
	var inp plan.Input
	b.Queue(`SELECT x.indicator_id, x.key, x.label FROM indicator_inputs x
		JOIN indicators i ON i.id = x.indicator_id WHERE i.objective_id = $1 AND ($2 = 0 OR i.id = $2)
		ORDER BY x.indicator_id, x.position`, objectiveID, indicatorID).Query(func(rows pgx.Rows) error {
		_, err := pgx.ForEachRow(rows, []any{&id, &inp.Key, &inp.Label}, func() error {
			byID[id].Inputs = append(byID[id].Inputs, inp)
			return nil
		})
		if err != nil {
			return fmt.Errorf("inputs: %w", err)
		}
		return nil
	})
	var bl plan.Baseline
	b.Queue(`SELECT b.indicator_id, b.year, b.value::float8, b.text, b.footnote FROM baselines b
		JOIN indicators i ON i.id = b.indicator_id WHERE i.objective_id = $1 AND ($2 = 0 OR i.id = $2)
		ORDER BY b.indicator_id, b.year`, objectiveID, indicatorID).Query(func(rows pgx.Rows) error {
		_, err := pgx.ForEachRow(rows, []any{&id, &bl.Year, &bl.Value, &bl.Text, &bl.Footnote}, func() error {
			byID[id].Baselines = append(byID[id].Baselines, bl)
			bl = plan.Baseline{}
			return nil
		})
		if err != nil {
			return fmt.Errorf("baselines: %w", err)
		}
		return nil
	})
	var t model.TargetInForce
	var v float64
	b.Queue(targetsInForce+` AND i.objective_id = $2 AND ($3 = 0 OR i.id = $3)
		ORDER BY t.indicator_id, t.year, r.seq DESC`, h.RevisionSeq, objectiveID, indicatorID).Query(func(rows pgx.Rows) error {
		_, err := pgx.ForEachRow(rows, []any{&id, &t.Year, &t.Operator, &v, &t.Text, &t.Revision}, func() error {
			val := v
			t.Value = &val
			byID[id].Targets = append(byID[id].Targets, t)
			return nil
		})
		if err != nil {
			return fmt.Errorf("targets: %w", err)
		}
		return nil
	})
	if err := s.pool.SendBatch(ctx, &b).Close(); err != nil {
		return nil, fmt.Errorf("objective %d: %w", objectiveID, err)
	}
	return out, nil
}

// targetsInForce selects, per indicator and year, the target set by the latest
// revision not after $1. Callers append their filter and
// ORDER BY t.indicator_id, t.year, r.seq DESC, which DISTINCT ON needs.
const targetsInForce = `
	SELECT DISTINCT ON (t.indicator_id, t.year) t.indicator_id, t.year, t.operator, t.value::float8, t.text, r.label
	FROM targets t JOIN revisions r ON r.id = t.revision_id JOIN indicators i ON i.id = t.indicator_id
	WHERE r.seq <= $1`

func (s *Store) notes(ctx context.Context, where string, args ...any) ([]model.Note, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT n.kind, coalesce(o.code, io.code, ''), coalesce(i.key, ''), n.source_line, n.source_text, n.interpretation
		FROM quality_notes n
		LEFT JOIN objectives o ON o.id = n.objective_id
		LEFT JOIN indicators i ON i.id = n.indicator_id
		LEFT JOIN objectives io ON io.id = i.objective_id
		WHERE `+where+` ORDER BY n.position`, args...)
	if err != nil {
		return nil, fmt.Errorf("notes: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Note, error) {
		var n model.Note
		return n, r.Scan(&n.Kind, &n.ObjectiveCode, &n.IndicatorKey, &n.SourceLine, &n.SourceText, &n.Interpretation)
	})
	if err != nil {
		return nil, fmt.Errorf("notes: %w", err)
	}
	return out, nil
}

// Notes returns every data-quality note of a plan.
func (s *Store) Notes(ctx context.Context, ente, planSlug string) (model.PlanHeader, []model.Note, error) {
	h, err := s.PlanHeader(ctx, ente, planSlug)
	if err != nil {
		return h, nil, err
	}
	notes, err := s.notes(ctx, `n.plan_id = $1`, h.ID)
	return h, notes, err
}

// IndicatorDetail returns one indicator of a plan by key, with its objective.
func (s *Store) IndicatorDetail(ctx context.Context, h model.PlanHeader, key string) (model.IndicatorDetail, model.ObjectiveRow, error) {
	var objID, indID int64
	err := s.pool.QueryRow(ctx, `SELECT objective_id, id FROM indicators WHERE plan_id = $1 AND key = $2`, h.ID, key).Scan(&objID, &indID)
	if errors.Is(err, pgx.ErrNoRows) {
		return model.IndicatorDetail{}, model.ObjectiveRow{}, ErrNotFound
	}
	if err != nil {
		return model.IndicatorDetail{}, model.ObjectiveRow{}, fmt.Errorf("indicator %s: %w", key, err)
	}
	objs, err := s.objectiveRows(ctx, `o.id = $1`, objID)
	if err != nil || len(objs) == 0 {
		return model.IndicatorDetail{}, model.ObjectiveRow{}, fmt.Errorf("objective of %s: %w", key, err)
	}
	inds, err := s.indicators(ctx, h, objID, indID)
	if err != nil || len(inds) == 0 {
		return model.IndicatorDetail{}, model.ObjectiveRow{}, fmt.Errorf("indicator %s: %w", key, err)
	}
	return inds[0], objs[0], nil
}
