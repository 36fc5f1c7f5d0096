package store

import (
	"context"
	"fmt"

	"github.com/piao-performance/piao/internal/plan"
)

// writeObjective inserts an objective, or updates it in place by code (a
// revision keeps its id, so its measurements and observations stay), and
// writes its owners and units. fresh skips clearing what a new row cannot
// have yet.
func (l *loader) writeObjective(ctx context.Context, o *plan.Objective, position int, fresh bool) (int64, error) {
	var area, parent *int64
	if o.Area != 0 {
		v := l.areas[o.Area]
		area = &v
	}
	if o.Parent != "" {
		v := l.objectives[o.Parent]
		parent = &v
	}
	var id int64
	err := l.tx.QueryRow(ctx, `INSERT INTO objectives (plan_id, kind, code, code_text, group_label, area_id, parent_id,
			parent_text, title, description, programme, stakeholders, owner_text, units_text, external_parties,
			resources, footnote, source_line, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		ON CONFLICT (plan_id, code) DO UPDATE SET kind = EXCLUDED.kind, code_text = EXCLUDED.code_text,
			group_label = EXCLUDED.group_label, area_id = EXCLUDED.area_id, parent_id = EXCLUDED.parent_id,
			parent_text = EXCLUDED.parent_text, title = EXCLUDED.title, description = EXCLUDED.description,
			programme = EXCLUDED.programme, stakeholders = EXCLUDED.stakeholders, owner_text = EXCLUDED.owner_text,
			units_text = EXCLUDED.units_text, external_parties = EXCLUDED.external_parties, resources = EXCLUDED.resources,
			footnote = EXCLUDED.footnote, source_line = EXCLUDED.source_line, position = EXCLUDED.position
		RETURNING id`,
		l.planID, o.Kind, o.Code, o.CodeText, o.Group, area, parent, o.ParentText, o.Title, o.Description,
		o.Programme, o.Stakeholders, o.OwnerText, o.UnitsText, o.ExternalParties, o.Resources, o.Footnote,
		o.SourceLine, position).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("objective %s: %w", o.Code, err)
	}
	l.objectives[o.Code] = id
	if !fresh {
		for _, q := range []string{`DELETE FROM objective_owners WHERE objective_id = $1`, `DELETE FROM objective_units WHERE objective_id = $1`} {
			if _, err := l.tx.Exec(ctx, q, id); err != nil {
				return 0, fmt.Errorf("objective %s organisation: %w", o.Code, err)
			}
		}
	}
	for _, k := range o.Owners {
		if _, err := l.tx.Exec(ctx, `INSERT INTO objective_owners (objective_id, role_id) VALUES ($1, $2)`, id, l.roles[k]); err != nil {
			return 0, fmt.Errorf("objective %s owner %s: %w", o.Code, k, err)
		}
	}
	for _, k := range o.Units {
		if _, err := l.tx.Exec(ctx, `INSERT INTO objective_units (objective_id, unit_id) VALUES ($1, $2)`, id, l.units[k]); err != nil {
			return 0, fmt.Errorf("objective %s unit %s: %w", o.Code, k, err)
		}
	}
	return id, nil
}

// writeIndicator inserts an indicator, or updates it in place by key, with
// its inputs and baselines (targets belong to revisions: see insertTargets
// and recordTargets). fresh skips clearing what a new row cannot have yet.
func (l *loader) writeIndicator(ctx context.Context, objectiveID int64, in *plan.Indicator, position int, fresh bool) (int64, error) {
	var scale *float64
	if in.Scale > 0 {
		scale = &in.Scale
	}
	var fn *string
	kinds := []string{}
	if in.Derived != nil {
		fn = &in.Derived.Function
		kinds = append(kinds, in.Derived.Kinds...)
	}
	weight := in.Weight
	if weight == 0 {
		weight = 1
	}
	bEnte, bPlan, bInd := benchmarkColumns(in.Benchmark)
	var id int64
	err := l.tx.QueryRow(ctx, `INSERT INTO indicators (plan_id, objective_id, key, code, code_text, name, algorithm,
			source, unit, polarity, formula, scale, derived_function, derived_kinds, component, note, position, weight, cumulative,
			benchmark_ente, benchmark_plan, benchmark_indicator, early_warning)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
		ON CONFLICT (plan_id, key) DO UPDATE SET objective_id = EXCLUDED.objective_id, code = EXCLUDED.code,
			code_text = EXCLUDED.code_text, name = EXCLUDED.name, algorithm = EXCLUDED.algorithm, source = EXCLUDED.source,
			unit = EXCLUDED.unit, polarity = EXCLUDED.polarity, formula = EXCLUDED.formula, scale = EXCLUDED.scale,
			derived_function = EXCLUDED.derived_function, derived_kinds = EXCLUDED.derived_kinds, component = EXCLUDED.component,
			note = EXCLUDED.note, position = EXCLUDED.position, weight = EXCLUDED.weight, cumulative = EXCLUDED.cumulative,
			benchmark_ente = EXCLUDED.benchmark_ente, benchmark_plan = EXCLUDED.benchmark_plan, benchmark_indicator = EXCLUDED.benchmark_indicator,
			early_warning = EXCLUDED.early_warning
		RETURNING id`,
		l.planID, objectiveID, in.Key, in.Code, in.CodeText, in.Name, in.Algorithm, in.Source, in.Unit,
		in.Polarity, in.Formula, scale, fn, kinds, in.Component, in.Note, position, weight, in.Cumulative, bEnte, bPlan, bInd, earlyWarningColumn(in.EarlyWarning)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("indicator %s: %w", in.Key, err)
	}
	l.indicators[in.Key] = id
	if !fresh {
		for _, q := range []string{`DELETE FROM indicator_inputs WHERE indicator_id = $1`, `DELETE FROM baselines WHERE indicator_id = $1`} {
			if _, err := l.tx.Exec(ctx, q, id); err != nil {
				return 0, fmt.Errorf("indicator %s details: %w", in.Key, err)
			}
		}
	}
	for k, inp := range in.Inputs {
		if _, err := l.tx.Exec(ctx, `INSERT INTO indicator_inputs (indicator_id, key, label, position) VALUES ($1, $2, $3, $4)`,
			id, inp.Key, inp.Label, k+1); err != nil {
			return 0, fmt.Errorf("indicator %s input %s: %w", in.Key, inp.Key, err)
		}
	}
	for _, b := range in.Baselines {
		if _, err := l.tx.Exec(ctx, `INSERT INTO baselines (indicator_id, year, value, text, footnote) VALUES ($1, $2, $3, $4, $5)`,
			id, b.Year, b.Value, b.Text, b.Footnote); err != nil {
			return 0, fmt.Errorf("indicator %s baseline %d: %w", in.Key, b.Year, err)
		}
	}
	return id, nil
}

// earlyWarningColumn stores plan.Indicator.EarlyWarning: "" is 'auto'.
func earlyWarningColumn(mode string) string {
	if mode == "" {
		return "auto"
	}
	return mode
}

// earlyWarningField reads the column back: 'auto' is "" (omitted in exports).
func earlyWarningField(col string) string {
	if col == "auto" {
		return ""
	}
	return col
}
