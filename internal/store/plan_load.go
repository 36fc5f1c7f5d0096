package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/plan"
)

// LoadOptions controls LoadPlan.
type LoadOptions struct {
	Replace bool   // delete an existing plan with the same ente/slug first
	Actor   string // who loads, for the audit trail
}

// LoadResult says what LoadPlan wrote.
type LoadResult struct {
	PlanID     int64
	Replaced   bool
	Objectives int
	Indicators int
	Individual int
	Notes      int
	// BenchmarksKept lists the measurements whose benchmark ente (or its
	// value) is not in this installation: they keep the value they were
	// published with, carried by the file.
	BenchmarksKept []BenchmarkKept
}

// BenchmarkKept is a measurement imported with the benchmark value of an
// ente this installation does not hold.
type BenchmarkKept struct {
	Indicator string
	Year      int
	Period    string
	Benchmark plan.BenchmarkValue
}

// LoadPlan writes a whole plan document in one transaction: the ente (created or
// updated), its units and roles (upserted by key), then the plan with its first
// revision, areas, objectives, indicators, baselines, targets, individual
// objectives and data-quality notes. When the plan exists and Replace is false it
// returns ErrPlanExists and changes nothing.
func (s *Store) LoadPlan(ctx context.Context, doc *plan.Document, opt LoadOptions) (LoadResult, error) {
	if err := plan.Validate(doc); err != nil {
		return LoadResult{}, fmt.Errorf("plan document: %w", err)
	}
	var res LoadResult
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		l := loader{tx: tx, doc: doc, units: map[string]int64{}, roles: map[string]int64{},
			areas: map[int]int64{}, objectives: map[string]int64{}, indicators: map[string]int64{}}
		var err error
		res, err = l.load(ctx, opt)
		return err
	})
	if err != nil {
		return LoadResult{}, err
	}
	return res, nil
}

type loader struct {
	tx     pgx.Tx
	doc    *plan.Document
	enteID int64
	planID int64
	// revisions of the plan, oldest first: the history, then the document's own
	revisions  []loadedRevision
	units      map[string]int64
	roles      map[string]int64
	areas      map[int]int64
	objectives map[string]int64
	indicators map[string]int64
	// benchmarksKept collects what insertMeasurement kept (LoadResult)
	benchmarksKept []BenchmarkKept
}

func (l *loader) load(ctx context.Context, opt LoadOptions) (LoadResult, error) {
	d := l.doc
	res := LoadResult{}
	err := l.tx.QueryRow(ctx, `INSERT INTO enti (slug, name, short_name) VALUES ($1, $2, $3)
		ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, short_name = EXCLUDED.short_name
		RETURNING id`, d.Ente.Slug, d.Ente.Name, d.Ente.ShortName).Scan(&l.enteID)
	if err != nil {
		return res, fmt.Errorf("upsert ente %s: %w", d.Ente.Slug, err)
	}
	var existing int64
	err = l.tx.QueryRow(ctx, `SELECT id FROM plans WHERE ente_id = $1 AND slug = $2 FOR UPDATE`, l.enteID, d.Plan.Slug).Scan(&existing)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return res, fmt.Errorf("look up plan %s: %w", d.Plan.Slug, err)
	case !opt.Replace:
		return res, fmt.Errorf("%s/%s: %w", d.Ente.Slug, d.Plan.Slug, ErrPlanExists)
	default:
		if _, err := l.tx.Exec(ctx, `DELETE FROM plans WHERE id = $1`, existing); err != nil {
			return res, fmt.Errorf("delete plan %s: %w", d.Plan.Slug, err)
		}
		res.Replaced = true
	}

	steps := []func(context.Context) error{
		l.insertUnits, l.insertRoles, l.insertPlan, l.insertAreas, l.insertObjectives,
		l.insertIndicatorRefs, l.insertIndividual, l.insertNotes,
		l.insertState, // a backup's state (plan_state.go); nothing for a transcribed plan
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return res, err
		}
	}
	res.PlanID = l.planID
	res.Objectives = len(d.Objectives)
	res.Indicators = len(l.indicators)
	res.Individual = len(d.Individual)
	res.Notes = len(d.Notes)
	res.BenchmarksKept = l.benchmarksKept

	action := "plan.load"
	if res.Replaced {
		action = "plan.replace"
	}
	err = appendAudit(ctx, l.tx, AuditEvent{
		Actor: opt.Actor, Action: action, EnteID: &l.enteID, ObjectType: "plan",
		ObjectKey: d.Ente.Slug + "/" + d.Plan.Slug,
		Detail: map[string]any{
			"source": d.SourceTitle, "objectives": res.Objectives, "indicators": res.Indicators,
			"individual": res.Individual, "notes": res.Notes, "revision": d.Plan.Revision.Label,
			"benchmarks_kept": len(res.BenchmarksKept),
		},
	})
	return res, err
}

func (l *loader) insertUnits(ctx context.Context) error {
	for _, u := range l.doc.Units {
		var id int64
		err := l.tx.QueryRow(ctx, `INSERT INTO units (ente_id, key, name) VALUES ($1, $2, $3)
			ON CONFLICT (ente_id, key) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
			l.enteID, u.Key, u.Name).Scan(&id)
		if err != nil {
			return fmt.Errorf("upsert unit %s: %w", u.Key, err)
		}
		l.units[u.Key] = id
	}
	// Parents in a second pass: a unit may name a parent listed after it.
	for _, u := range l.doc.Units {
		var parent *int64
		if u.Parent != "" {
			p := l.units[u.Parent]
			parent = &p
		}
		if _, err := l.tx.Exec(ctx, `UPDATE units SET parent_id = $1 WHERE id = $2`, parent, l.units[u.Key]); err != nil {
			return fmt.Errorf("set parent of unit %s: %w", u.Key, err)
		}
	}
	return nil
}

func (l *loader) insertRoles(ctx context.Context) error {
	for _, r := range l.doc.Roles {
		var unit *int64
		if r.Unit != "" {
			u := l.units[r.Unit]
			unit = &u
		}
		var id int64
		err := l.tx.QueryRow(ctx, `INSERT INTO roles (ente_id, key, title, unit_id, rpct) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (ente_id, key) DO UPDATE SET title = EXCLUDED.title, unit_id = EXCLUDED.unit_id, rpct = EXCLUDED.rpct
			RETURNING id`, l.enteID, r.Key, r.Title, unit, r.RPCT).Scan(&id)
		if err != nil {
			return fmt.Errorf("upsert role %s: %w", r.Key, err)
		}
		l.roles[r.Key] = id
	}
	return nil
}

func (l *loader) insertPlan(ctx context.Context) error {
	p := l.doc.Plan
	err := l.tx.QueryRow(ctx, `INSERT INTO plans (ente_id, slug, title, start_year, end_year, source_title)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		l.enteID, p.Slug, p.Title, p.StartYear, p.EndYear, l.doc.SourceTitle).Scan(&l.planID)
	if err != nil {
		return fmt.Errorf("insert plan %s: %w", p.Slug, err)
	}
	if err := l.insertRevisions(ctx); err != nil {
		return err
	}
	// The default scoring rules (docs/DESIGN.md §4) until an administrator changes them.
	if _, err := l.tx.Exec(ctx, `INSERT INTO scoring_rules (plan_id) VALUES ($1)`, l.planID); err != nil {
		return fmt.Errorf("scoring rules of %s: %w", p.Slug, err)
	}
	if _, err := l.tx.Exec(ctx, `INSERT INTO scoring_rule_versions (plan_id, version_no, from_year)
		VALUES ($1, 1, $2)`, l.planID, p.StartYear); err != nil {
		return fmt.Errorf("scoring rules of %s: %w", p.Slug, err)
	}
	return createDefaultPeriods(ctx, l.tx, l.planID, p.StartYear, p.EndYear)
}

func (l *loader) insertAreas(ctx context.Context) error {
	for _, a := range l.doc.Areas {
		var id int64
		if err := l.tx.QueryRow(ctx, `INSERT INTO areas (plan_id, number, title) VALUES ($1, $2, $3) RETURNING id`,
			l.planID, a.Number, a.Title).Scan(&id); err != nil {
			return fmt.Errorf("insert area %d: %w", a.Number, err)
		}
		l.areas[a.Number] = id
	}
	return nil
}

// insertObjectives writes strategic objectives first, so that every parent
// exists before the objectives that point at it; position keeps source order.
func (l *loader) insertObjectives(ctx context.Context) error {
	order := make([]int, 0, len(l.doc.Objectives))
	for i, o := range l.doc.Objectives {
		if o.Kind == plan.KindStrategic {
			order = append(order, i)
		}
	}
	for i, o := range l.doc.Objectives {
		if o.Kind != plan.KindStrategic {
			order = append(order, i)
		}
	}
	for _, i := range order {
		if err := l.insertObjective(ctx, &l.doc.Objectives[i], i+1); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) insertObjective(ctx context.Context, o *plan.Objective, position int) error {
	id, err := l.writeObjective(ctx, o, position, true)
	if err != nil {
		return err
	}
	for j := range o.Indicators {
		ind, err := l.writeIndicator(ctx, id, &o.Indicators[j], j+1, true)
		if err != nil {
			return err
		}
		if err := l.insertTargets(ctx, ind, o.Indicators[j].Key); err != nil {
			return err
		}
	}
	return nil
}

// insertIndicatorRefs runs after every indicator exists, since a derived
// indicator may count indicators of later objectives.
func (l *loader) insertIndicatorRefs(ctx context.Context) error {
	for _, o := range l.doc.Objectives {
		for _, in := range o.Indicators {
			if in.Derived == nil {
				continue
			}
			for k, ref := range in.Derived.Indicators {
				if _, err := l.tx.Exec(ctx, `INSERT INTO indicator_refs (indicator_id, ref_indicator_id, plan_id, position)
					VALUES ($1, $2, $3, $4)`, l.indicators[in.Key], l.indicators[ref], l.planID, k+1); err != nil {
					return fmt.Errorf("indicator %s reference %s: %w", in.Key, ref, err)
				}
			}
			for k, ref := range in.Derived.Objectives {
				if _, err := l.tx.Exec(ctx, `INSERT INTO indicator_objective_refs (indicator_id, objective_id, plan_id, position)
					VALUES ($1, $2, $3, $4)`, l.indicators[in.Key], l.objectives[ref], l.planID, k+1); err != nil {
					return fmt.Errorf("indicator %s objective reference %s: %w", in.Key, ref, err)
				}
			}
		}
	}
	return nil
}

func (l *loader) insertIndividual(ctx context.Context) error {
	for i, iv := range l.doc.Individual {
		var id int64
		err := l.tx.QueryRow(ctx, `INSERT INTO individual_objectives (plan_id, role_id, objective_id, code_text,
				group_label, title, weight, source_line, position)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			l.planID, l.roles[iv.Role], l.objectives[iv.Objective], iv.Code, iv.Group, iv.Title, iv.Weight,
			iv.SourceLine, i+1).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert individual objective %s %s: %w", iv.Role, iv.Code, err)
		}
		for k, ii := range iv.Indicators {
			if _, err := l.tx.Exec(ctx, `INSERT INTO individual_indicators (individual_id, indicator_id, plan_id, name,
					algorithm, target_text, position) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				id, l.indicators[ii.Indicator], l.planID, ii.Name, ii.Algorithm, ii.TargetText, k+1); err != nil {
				return fmt.Errorf("individual objective %s %s indicator %s: %w", iv.Role, iv.Code, ii.Indicator, err)
			}
		}
	}
	return nil
}

func (l *loader) insertNotes(ctx context.Context) error {
	for i, n := range l.doc.Notes {
		var obj, ind *int64
		if n.Objective != "" {
			o := l.objectives[n.Objective]
			obj = &o
		}
		if n.Indicator != "" {
			x := l.indicators[n.Indicator]
			ind = &x
		}
		if _, err := l.tx.Exec(ctx, `INSERT INTO quality_notes (plan_id, kind, objective_id, indicator_id, source_line,
				source_text, interpretation, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			l.planID, n.Kind, obj, ind, n.SourceLine, n.SourceText, strings.TrimSpace(n.Interpretation), i+1); err != nil {
			return fmt.Errorf("insert note %d: %w", i+1, err)
		}
	}
	return nil
}
