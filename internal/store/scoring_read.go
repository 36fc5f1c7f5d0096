package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/scoring"
)

// RulesConflictError is returned when the rules changed after the version
// the form was built from; Current and Version are what is there now.
type RulesConflictError struct {
	Current scoring.Rules
	Version int
}

func (e *RulesConflictError) Error() string {
	return fmt.Sprintf("the scoring rules changed meanwhile (now version %d)", e.Version)
}

// RevisionInForce returns the revision that governs a day: the latest one in
// force from that day or earlier (a revision without a date governs from the
// start of the plan).
func (s *Store) RevisionInForce(ctx context.Context, planID int64, day time.Time) (model.RevisionRef, error) {
	var r model.RevisionRef
	err := s.pool.QueryRow(ctx, `SELECT seq, label FROM revisions
		WHERE plan_id = $1 AND (in_force_from IS NULL OR in_force_from <= $2::date)
		ORDER BY seq DESC LIMIT 1`, planID, day).Scan(&r.Seq, &r.Label)
	if err != nil {
		return r, fmt.Errorf("revision in force on %s: %w", day.Format("2006-01-02"), err)
	}
	return r, nil
}

// Snapshot returns what the scoring engine needs for one year of a plan: the
// rules in force for that year, the structure, the indicators with the
// targets of that year in the revision in force on asOf (the end of the
// scored period), and the individual objectives.
func (s *Store) Snapshot(ctx context.Context, h model.PlanHeader, year int, asOf time.Time) (scoring.Snapshot, model.RevisionRef, error) {
	sc, err := s.ScoredSnapshot(ctx, h, year, asOf)
	return sc.Snapshot, sc.Revision, err
}

// YearSnapshot is a snapshot with the plan revision and the version of the
// scoring rules it was built from.
type YearSnapshot struct {
	Snapshot scoring.Snapshot
	Revision model.RevisionRef
	Rules    model.RuleVersion
}

// ScoredSnapshot is Snapshot with the version of the rules it applies.
func (s *Store) ScoredSnapshot(ctx context.Context, h model.PlanHeader, year int, asOf time.Time) (YearSnapshot, error) {
	var out YearSnapshot
	rev, err := s.RevisionInForce(ctx, h.ID, asOf)
	if err != nil {
		return out, err
	}
	out.Revision = rev
	h.RevisionSeq = rev.Seq
	out.Snapshot, out.Rules, err = s.snapshot(ctx, h, year)
	return out, err
}

func (s *Store) snapshot(ctx context.Context, h model.PlanHeader, year int) (scoring.Snapshot, model.RuleVersion, error) {
	var snap scoring.Snapshot
	rv, err := s.RulesFor(ctx, h.ID, year)
	if err != nil {
		return snap, rv, err
	}
	snap.Rules = rv.Rules
	snap, err = s.structure(ctx, h, year, snap)
	return snap, rv, err
}

// structure adds to snap what the engine needs besides the rules.
func (s *Store) structure(ctx context.Context, h model.PlanHeader, year int, snap scoring.Snapshot) (scoring.Snapshot, error) {
	var err error
	rows, err := s.pool.Query(ctx, `SELECT number FROM areas WHERE plan_id = $1 ORDER BY number`, h.ID)
	if err != nil {
		return snap, fmt.Errorf("areas: %w", err)
	}
	if snap.Areas, err = pgx.CollectRows(rows, pgx.RowTo[int]); err != nil {
		return snap, fmt.Errorf("areas: %w", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT u.key FROM units u JOIN plans p ON p.ente_id = u.ente_id WHERE p.id = $1 ORDER BY u.id`, h.ID)
	if err != nil {
		return snap, fmt.Errorf("units: %w", err)
	}
	if snap.Units, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return snap, fmt.Errorf("units: %w", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT r.key FROM roles r JOIN plans p ON p.ente_id = r.ente_id WHERE p.id = $1 ORDER BY r.id`, h.ID)
	if err != nil {
		return snap, fmt.Errorf("roles: %w", err)
	}
	if snap.Roles, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return snap, fmt.Errorf("roles: %w", err)
	}
	// Aggregates joined once rather than a subquery per row: this runs on every scored page.
	rows, err = s.pool.Query(ctx, `
		WITH owners AS (
			SELECT x.objective_id, array_agg(r.key ORDER BY r.id) AS keys
			FROM objective_owners x JOIN roles r ON r.id = x.role_id JOIN objectives o ON o.id = x.objective_id
			WHERE o.plan_id = $1 GROUP BY x.objective_id
		), units AS (
			SELECT x.objective_id, array_agg(u.key ORDER BY u.id) AS keys
			FROM objective_units x JOIN units u ON u.id = x.unit_id JOIN objectives o ON o.id = x.objective_id
			WHERE o.plan_id = $1 GROUP BY x.objective_id
		)
		SELECT o.code, o.kind, o.title, coalesce(a.number, 0), coalesce(p.code, ''), coalesce(ow.keys, '{}'), coalesce(un.keys, '{}')
		FROM objectives o LEFT JOIN areas a ON a.id = o.area_id LEFT JOIN objectives p ON p.id = o.parent_id
		LEFT JOIN owners ow ON ow.objective_id = o.id LEFT JOIN units un ON un.objective_id = o.id
		WHERE o.plan_id = $1 ORDER BY o.position`, h.ID)
	if err != nil {
		return snap, fmt.Errorf("objectives: %w", err)
	}
	snap.Objectives, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (scoring.Objective, error) {
		var o scoring.Objective
		return o, r.Scan(&o.Code, &o.Kind, &o.Title, &o.Area, &o.Parent, &o.Owners, &o.Units)
	})
	if err != nil {
		return snap, fmt.Errorf("objectives: %w", err)
	}
	rows, err = s.pool.Query(ctx, `
		WITH tf AS (
			SELECT DISTINCT ON (t.indicator_id) t.indicator_id, t.operator, t.value::float8 AS value, t.text
			FROM targets t JOIN revisions r ON r.id = t.revision_id
			WHERE t.plan_id = $1 AND t.year = $3 AND r.seq <= $2
			ORDER BY t.indicator_id, r.seq DESC
		), refs AS (
			SELECT r.indicator_id, array_agg(x.key ORDER BY r.position) AS keys
			FROM indicator_refs r JOIN indicators x ON x.id = r.ref_indicator_id WHERE r.plan_id = $1 GROUP BY r.indicator_id
		), orefs AS (
			SELECT r.indicator_id, array_agg(x.code ORDER BY r.position) AS codes
			FROM indicator_objective_refs r JOIN objectives x ON x.id = r.objective_id WHERE r.plan_id = $1 GROUP BY r.indicator_id
		)
		SELECT i.key, o.code, i.name, i.unit, i.polarity, i.formula, coalesce(i.scale::float8, 0), coalesce(i.derived_function, ''),
		       i.derived_kinds, coalesce(refs.keys, '{}'), coalesce(orefs.codes, '{}'),
		       i.component, i.weight::float8, i.cumulative, tf.operator, tf.value, tf.text, i.early_warning
		FROM indicators i JOIN objectives o ON o.id = i.objective_id LEFT JOIN tf ON tf.indicator_id = i.id
		LEFT JOIN refs ON refs.indicator_id = i.id LEFT JOIN orefs ON orefs.indicator_id = i.id
		WHERE i.plan_id = $1 ORDER BY o.position, i.position`, h.ID, h.RevisionSeq, year)
	if err != nil {
		return snap, fmt.Errorf("indicators: %w", err)
	}
	snap.Indicators, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (scoring.Indicator, error) {
		var in scoring.Indicator
		var fn string
		var kinds, refs, objRefs []string
		var op, text *string
		var val *float64
		if err := r.Scan(&in.Key, &in.Objective, &in.Name, &in.Unit, &in.Polarity, &in.Formula, &in.Scale, &fn, &kinds,
			&refs, &objRefs, &in.Component, &in.Weight, &in.Cumulative, &op, &val, &text, &in.EarlyWarning); err != nil {
			return in, err
		}
		in.EarlyWarning = earlyWarningField(in.EarlyWarning)
		if fn != "" {
			in.Derived = &plan.Derived{Function: fn, Kinds: kinds, Indicators: refs, Objectives: objRefs}
		}
		if op != nil && val != nil {
			in.Target = &scoring.Target{Operator: *op, Value: *val, Text: *text}
		}
		return in, nil
	})
	if err != nil {
		return snap, fmt.Errorf("indicators: %w", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT r.key, io.code_text, io.title, o.code, coalesce(io.weight::float8, 0)
		FROM individual_objectives io JOIN roles r ON r.id = io.role_id JOIN objectives o ON o.id = io.objective_id
		WHERE io.plan_id = $1 ORDER BY io.position`, h.ID)
	if err != nil {
		return snap, fmt.Errorf("individual objectives: %w", err)
	}
	snap.Assignments, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (scoring.Assignment, error) {
		var a scoring.Assignment
		return a, r.Scan(&a.Role, &a.Code, &a.Title, &a.Objective, &a.Weight)
	})
	if err != nil {
		return snap, fmt.Errorf("individual objectives: %w", err)
	}
	return snap, nil
}

// SetShowSubmittedMidyear sets whether in-year monitoring shows submitted
// (not yet approved) values to the ente's users.
func (s *Store) SetShowSubmittedMidyear(ctx context.Context, h model.PlanHeader, show bool, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE scoring_rules SET show_submitted_midyear = $2, updated_at = now() WHERE plan_id = $1`, h.ID, show); err != nil {
			return fmt.Errorf("scoring rules: %w", err)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "rules.show_submitted_midyear", EnteID: &h.EnteID,
			ObjectType: "plan", ObjectKey: h.EnteSlug + "/" + h.Slug, Detail: map[string]any{"new": show}})
	})
}

// PeriodActuals holds the actuals of a period aligned with a snapshot's indicators.
type PeriodActuals struct {
	Actuals    []scoring.Actual
	Provenance []string
	Count      int  // indicators with a measurement the reader may see
	Demo       bool // some of them are demo data
}

// Actuals returns the measurements of a period, aligned with indicators
// (snapshot order), that vis lets the reader see.
func (s *Store) Actuals(ctx context.Context, planID int64, p model.Period, indicators []scoring.Indicator, vis model.Visibility) (PeriodActuals, error) {
	out := PeriodActuals{Actuals: make([]scoring.Actual, len(indicators)), Provenance: make([]string, len(indicators))}
	if vis == model.Public && !p.Closed() {
		return out, nil
	}
	pos := make(map[string]int, len(indicators))
	for i, in := range indicators {
		pos[in.Key] = i
	}
	// The second part brings, for indicators that take their benchmark from
	// another ente, that ente's approved value of the same period (closed,
	// for the public): one round trip for both.
	rows, err := s.pool.Query(ctx, `
		SELECT i.key, m.value::float8, m.inputs, m.not_applicable, m.reason, m.author, m.updated_at, m.demo, m.status,
			(m.benchmark_used ->> 'value')::float8, coalesce(m.benchmark_used ->> 'ente_name', '')
		FROM measurements m JOIN indicators i ON i.id = m.indicator_id
		WHERE m.plan_id = $1 AND m.period_id = $2 AND (m.status = 'approved' OR ($3 AND m.status = 'submitted'
		      AND $4 = 'midyear' AND (SELECT show_submitted_midyear FROM scoring_rules WHERE plan_id = $1)))
		UNION ALL
		SELECT i.key, rm.value::float8, NULL, false, e.name, ri.key, rm.updated_at, rm.demo, 'benchmark', NULL, ''
		FROM indicators i
		JOIN enti e ON e.slug = i.benchmark_ente
		JOIN plans rp ON rp.ente_id = e.id AND rp.slug = i.benchmark_plan
		JOIN indicators ri ON ri.plan_id = rp.id AND ri.key = i.benchmark_indicator
		JOIN periods pe ON pe.plan_id = rp.id AND pe.year = $5 AND pe.kind = $4
		JOIN measurements rm ON rm.indicator_id = ri.id AND rm.period_id = pe.id
		WHERE i.plan_id = $1 AND i.benchmark_ente IS NOT NULL AND rm.status = 'approved' AND rm.value IS NOT NULL
		      AND ($3 OR pe.closed_at IS NOT NULL)`,
		planID, p.ID, vis != model.Public, p.Kind, p.Year)
	if err != nil {
		return out, fmt.Errorf("measurements: %w", err)
	}
	var (
		key, reason, author, status string
		value, usedValue            *float64
		usedEnte                    string
		inputs                      map[string]float64
		na, demo                    bool
		at                          time.Time
	)
	type bench struct {
		value      float64
		ente, from string
		demo       bool
	}
	// benchmarks: the other ente's live values; kept: those a plan imported
	// without that ente carries (benchmark_used), used only when no live one.
	benchmarks, kept := map[int]bench{}, map[int]bench{}
	_, err = pgx.ForEachRow(rows, []any{&key, &value, &inputs, &na, &reason, &author, &at, &demo, &status, &usedValue, &usedEnte}, func() error {
		i, ok := pos[key]
		if !ok {
			return nil
		}
		if status == "benchmark" { // reason: the other ente's name; author: its indicator
			benchmarks[i] = bench{value: *value, ente: reason, from: author, demo: demo}
			return nil
		}
		if usedValue != nil {
			kept[i] = bench{value: *usedValue, ente: usedEnte}
		}
		a := &out.Actuals[i]
		switch {
		case na:
			a.State = scoring.NotApplicable
		case value != nil:
			a.State, a.Value = scoring.Entered, *value
		default:
			a.State = scoring.Entered
			a.A, a.B = indicators[i].Formula.Operands(inputs)
		}
		src := "inserito da " + author + " il " + at.Format("02/01/2006") + ", approvato"
		if status != "approved" {
			// only at in-year monitoring, when the plan's setting shows submitted values
			src = "inserito da " + author + " il " + at.Format("02/01/2006") + ", inviato e non ancora approvato"
		}
		if na {
			src += "; motivo: " + reason
		}
		if demo {
			src += " — dati dimostrativi"
			out.Demo = true
		}
		out.Provenance[i] = src
		out.Count++
		inputs = nil
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("measurements: %w", err)
	}
	for i, b := range kept {
		if _, live := benchmarks[i]; live {
			continue
		}
		a := &out.Actuals[i]
		if a.State != scoring.Entered || indicators[i].Formula != plan.FormulaDifference {
			continue
		}
		a.B = b.value
		out.Provenance[i] += "; benchmark: valore di " + b.ente + " registrato con il piano importato (ente non presente in questa installazione)"
	}
	for i, b := range benchmarks {
		a := &out.Actuals[i]
		if a.State != scoring.Entered || indicators[i].Formula != plan.FormulaDifference {
			continue // the ente's own value is missing or not applicable: nothing to compare
		}
		a.B = b.value
		out.Provenance[i] += "; benchmark: valore approvato di " + b.ente + " (indicatore " + b.from + ")"
		if b.demo {
			out.Provenance[i] += " — dati dimostrativi"
			out.Demo = true
		}
	}
	return out, nil
}

// Behaviour returns the behaviour scores of the plan's roles for a year.
func (s *Store) Behaviour(ctx context.Context, planID int64, year int) (map[string]float64, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.key, b.score::float8 FROM behaviour_scores b JOIN roles r ON r.id = b.role_id
		WHERE b.plan_id = $1 AND b.year = $2`, planID, year)
	if err != nil {
		return nil, fmt.Errorf("behaviour scores: %w", err)
	}
	out := map[string]float64{}
	var k string
	var v float64
	_, err = pgx.ForEachRow(rows, []any{&k, &v}, func() error { out[k] = v; return nil })
	if err != nil {
		return nil, fmt.Errorf("behaviour scores: %w", err)
	}
	return out, nil
}

// LatestBaselines returns, per indicator key, the most recent baseline with a value.
func (s *Store) LatestBaselines(ctx context.Context, planID int64) (map[string]plan.Baseline, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT ON (i.key) i.key, b.year, b.value::float8, b.text
		FROM baselines b JOIN indicators i ON i.id = b.indicator_id
		WHERE i.plan_id = $1 AND b.value IS NOT NULL ORDER BY i.key, b.year DESC`, planID)
	if err != nil {
		return nil, fmt.Errorf("baselines: %w", err)
	}
	out := map[string]plan.Baseline{}
	var key string
	var b plan.Baseline
	_, err = pgx.ForEachRow(rows, []any{&key, &b.Year, &b.Value, &b.Text}, func() error {
		out[key] = b
		b = plan.Baseline{}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("baselines: %w", err)
	}
	return out, nil
}
