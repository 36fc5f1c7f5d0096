package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/revision"
	"github.com/piao-performance/piao/internal/scoring"
)

// ExportPlan reads a whole plan back into the document LoadPlan takes, with
// the state of the plan in use (rules, periods, measurements, behaviour
// scores), so that loading the result into an empty database gives the same
// pages, scores and open data. Attachments, OIV observations, Relazione
// validations, accounts and the audit trail are not part of it.
//
// Choices that keep export → import → export byte-identical:
//   - a stored indicator weight of 1 is written as 0 (omitted): LoadPlan
//     stores 0 as 1, the two mean "equal weights", and the seed leaves it out;
//   - targets are those the latest revision's content states (revisions.content),
//     which keeps targets without a scoring row; the targets table is read only
//     for a revision recorded before contents were;
//   - empty lists are nil, as a decoded document without the key has them;
//   - times are RFC 3339 in UTC with PostgreSQL's microseconds, so nothing is
//     rounded away.
func (s *Store) ExportPlan(ctx context.Context, ente, planSlug string) (*plan.Document, error) {
	// One snapshot for every query: a plan changing meanwhile is exported as
	// it was when the export began.
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("export %s/%s: begin: %w", ente, planSlug, err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only

	x := exporter{tx: tx, doc: &plan.Document{State: &plan.State{}}, objectives: map[string]int{}}
	d := x.doc
	err = tx.QueryRow(ctx, `SELECT e.id, e.slug, e.name, e.short_name, p.id, p.slug, p.title, p.start_year, p.end_year, p.source_title
		FROM plans p JOIN enti e ON e.id = p.ente_id WHERE e.slug = $1 AND p.slug = $2`, ente, planSlug).Scan(
		&x.enteID, &d.Ente.Slug, &d.Ente.Name, &d.Ente.ShortName, &x.planID, &d.Plan.Slug, &d.Plan.Title,
		&d.Plan.StartYear, &d.Plan.EndYear, &d.SourceTitle)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("export %s/%s: %w", ente, planSlug, err)
	}
	steps := []func(context.Context) error{
		x.revisions, x.units, x.roles, x.areas, x.objectiveRows, x.indicators, x.targets,
		x.individual, x.notes, x.rules, x.periods, x.measurements, x.behaviour,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("export %s/%s: %w", ente, planSlug, err)
		}
	}
	return d, nil
}

type exporter struct {
	tx     pgx.Tx
	doc    *plan.Document
	enteID int64
	planID int64
	// the latest revision: its content gives the targets
	latestSeq     int
	latestContent []byte
	objectives    map[string]int // code → index in doc.Objectives
}

// indicator returns the document's indicator of an objective code and key.
func (x *exporter) indicator(objective, key string) (*plan.Indicator, error) {
	i, ok := x.objectives[objective]
	if !ok {
		return nil, fmt.Errorf("indicator %s: objective %s not exported", key, objective)
	}
	o := &x.doc.Objectives[i]
	for j := range o.Indicators {
		if o.Indicators[j].Key == key {
			return &o.Indicators[j], nil
		}
	}
	return nil, fmt.Errorf("indicator %s not exported", key)
}

func (x *exporter) revisions(ctx context.Context) error {
	rows, err := x.tx.Query(ctx, `SELECT seq, label, coalesce(to_char(adopted_on, 'YYYY-MM-DD'), ''),
			coalesce(to_char(in_force_from, 'YYYY-MM-DD'), ''), in_force_text, act_reference, reason, reconstructed, changes, content
		FROM revisions WHERE plan_id = $1 ORDER BY seq`, x.planID)
	if err != nil {
		return fmt.Errorf("revisions: %w", err)
	}
	var revs []plan.Revision
	var r plan.Revision
	var changes []byte
	_, err = pgx.ForEachRow(rows, []any{&x.latestSeq, &r.Label, &r.AdoptedOn, &r.InForceFrom, &r.InForceText, &r.ActReference,
		&r.Reason, &r.Reconstructed, &changes, &x.latestContent}, func() error {
		if err := json.Unmarshal(changes, &r.Changes); err != nil {
			return fmt.Errorf("changes of %q: %w", r.Label, err)
		}
		if len(r.Changes) == 0 {
			r.Changes = nil
		}
		revs = append(revs, r)
		r = plan.Revision{}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revisions: %w", err)
	}
	if len(revs) == 0 {
		return errors.New("revisions: none")
	}
	x.doc.Plan.Revision = revs[len(revs)-1]
	if len(revs) > 1 {
		x.doc.Plan.History = revs[:len(revs)-1]
	}
	return nil
}

// units and roles: all of the ente's, in the order they were first loaded.
func (x *exporter) units(ctx context.Context) error {
	rows, err := x.tx.Query(ctx, `SELECT u.key, u.name, coalesce(p.key, '') FROM units u LEFT JOIN units p ON p.id = u.parent_id
		WHERE u.ente_id = $1 ORDER BY u.id`, x.enteID)
	if err != nil {
		return fmt.Errorf("units: %w", err)
	}
	x.doc.Units, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (plan.Unit, error) {
		var u plan.Unit
		return u, r.Scan(&u.Key, &u.Name, &u.Parent)
	})
	if err != nil {
		return fmt.Errorf("units: %w", err)
	}
	return nil
}

func (x *exporter) roles(ctx context.Context) error {
	rows, err := x.tx.Query(ctx, `SELECT r.key, r.title, coalesce(u.key, ''), r.rpct FROM roles r LEFT JOIN units u ON u.id = r.unit_id
		WHERE r.ente_id = $1 ORDER BY r.id`, x.enteID)
	if err != nil {
		return fmt.Errorf("roles: %w", err)
	}
	x.doc.Roles, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (plan.Role, error) {
		var ro plan.Role
		return ro, r.Scan(&ro.Key, &ro.Title, &ro.Unit, &ro.RPCT)
	})
	if err != nil {
		return fmt.Errorf("roles: %w", err)
	}
	return nil
}

func (x *exporter) areas(ctx context.Context) error {
	rows, err := x.tx.Query(ctx, `SELECT number, title FROM areas WHERE plan_id = $1 ORDER BY number`, x.planID)
	if err != nil {
		return fmt.Errorf("areas: %w", err)
	}
	x.doc.Areas, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (plan.Area, error) {
		var a plan.Area
		return a, r.Scan(&a.Number, &a.Title)
	})
	if err != nil {
		return fmt.Errorf("areas: %w", err)
	}
	return nil
}

// objectiveRows reads the objectives in document order (position). Owners
// and units have no position of their own: they come in the order of the
// ente's roles and units, which is the document's order for the seed.
func (x *exporter) objectiveRows(ctx context.Context) error {
	rows, err := x.tx.Query(ctx, `SELECT o.code, o.code_text, o.kind, o.group_label, coalesce(a.number, 0), coalesce(p.code, ''),
			o.parent_text, o.title, o.description, o.programme, o.stakeholders, o.owner_text,
			coalesce((SELECT array_agg(r.key ORDER BY r.id) FROM objective_owners w JOIN roles r ON r.id = w.role_id WHERE w.objective_id = o.id), '{}'),
			o.units_text,
			coalesce((SELECT array_agg(u.key ORDER BY u.id) FROM objective_units w JOIN units u ON u.id = w.unit_id WHERE w.objective_id = o.id), '{}'),
			o.external_parties, o.resources, o.footnote, o.source_line
		FROM objectives o LEFT JOIN areas a ON a.id = o.area_id LEFT JOIN objectives p ON p.id = o.parent_id
		WHERE o.plan_id = $1 ORDER BY o.position`, x.planID)
	if err != nil {
		return fmt.Errorf("objectives: %w", err)
	}
	x.doc.Objectives, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (plan.Objective, error) {
		var o plan.Objective
		err := r.Scan(&o.Code, &o.CodeText, &o.Kind, &o.Group, &o.Area, &o.Parent, &o.ParentText, &o.Title, &o.Description,
			&o.Programme, &o.Stakeholders, &o.OwnerText, &o.Owners, &o.UnitsText, &o.Units, &o.ExternalParties, &o.Resources,
			&o.Footnote, &o.SourceLine)
		o.Owners, o.Units = nilIfEmpty(o.Owners), nilIfEmpty(o.Units)
		return o, err
	})
	if err != nil {
		return fmt.Errorf("objectives: %w", err)
	}
	for i, o := range x.doc.Objectives {
		x.objectives[o.Code] = i
	}
	return nil
}

func (x *exporter) indicators(ctx context.Context) error {
	rows, err := x.tx.Query(ctx, `SELECT o.code, i.key, i.code, i.code_text, i.name, i.algorithm, i.source, i.unit, i.polarity,
			i.formula, coalesce(i.scale::float8, 0), coalesce(i.derived_function, ''), i.derived_kinds,
			coalesce((SELECT array_agg(ro.code ORDER BY r.position) FROM indicator_objective_refs r
				JOIN objectives ro ON ro.id = r.objective_id WHERE r.indicator_id = i.id), '{}'),
			coalesce((SELECT array_agg(ri.key ORDER BY r.position) FROM indicator_refs r
				JOIN indicators ri ON ri.id = r.ref_indicator_id WHERE r.indicator_id = i.id), '{}'),
			i.component, i.weight::float8, i.cumulative, i.note,
			coalesce(i.benchmark_ente, ''), coalesce(i.benchmark_plan, ''), coalesce(i.benchmark_indicator, ''), i.early_warning
		FROM indicators i JOIN objectives o ON o.id = i.objective_id
		WHERE i.plan_id = $1 ORDER BY o.position, i.position`, x.planID)
	if err != nil {
		return fmt.Errorf("indicators: %w", err)
	}
	var (
		objective, fn           string
		bEnte, bPlan, bInd      string
		kinds, objRefs, indRefs []string
		in                      plan.Indicator
	)
	_, err = pgx.ForEachRow(rows, []any{&objective, &in.Key, &in.Code, &in.CodeText, &in.Name, &in.Algorithm, &in.Source,
		&in.Unit, &in.Polarity, &in.Formula, &in.Scale, &fn, &kinds, &objRefs, &indRefs, &in.Component, &in.Weight,
		&in.Cumulative, &in.Note, &bEnte, &bPlan, &bInd, &in.EarlyWarning}, func() error {
		in.EarlyWarning = earlyWarningField(in.EarlyWarning)
		i, ok := x.objectives[objective]
		if !ok {
			return fmt.Errorf("indicator %s: objective %s not exported", in.Key, objective)
		}
		if fn != "" {
			in.Derived = &plan.Derived{Function: fn, Kinds: nilIfEmpty(kinds), Objectives: nilIfEmpty(objRefs), Indicators: nilIfEmpty(indRefs)}
		}
		if in.Weight == 1 {
			in.Weight = 0 // LoadPlan's equal weight: see ExportPlan
		}
		if bEnte != "" {
			in.Benchmark = &plan.BenchmarkRef{Ente: bEnte, Plan: bPlan, Indicator: bInd}
		}
		x.doc.Objectives[i].Indicators = append(x.doc.Objectives[i].Indicators, in)
		in, kinds, objRefs, indRefs = plan.Indicator{}, nil, nil, nil // the next row must not share their arrays
		return nil
	})
	if err != nil {
		return fmt.Errorf("indicators: %w", err)
	}

	rows, err = x.tx.Query(ctx, `SELECT o.code, i.key, x.key, x.label FROM indicator_inputs x
		JOIN indicators i ON i.id = x.indicator_id JOIN objectives o ON o.id = i.objective_id
		WHERE i.plan_id = $1 ORDER BY i.id, x.position`, x.planID)
	if err != nil {
		return fmt.Errorf("indicator inputs: %w", err)
	}
	var key string
	var inp plan.Input
	_, err = pgx.ForEachRow(rows, []any{&objective, &key, &inp.Key, &inp.Label}, func() error {
		p, err := x.indicator(objective, key)
		if err != nil {
			return err
		}
		p.Inputs = append(p.Inputs, inp)
		return nil
	})
	if err != nil {
		return fmt.Errorf("indicator inputs: %w", err)
	}

	// Baselines have no position: years ascending, as transcribed.
	rows, err = x.tx.Query(ctx, `SELECT o.code, i.key, b.year, b.value::float8, b.text, b.footnote FROM baselines b
		JOIN indicators i ON i.id = b.indicator_id JOIN objectives o ON o.id = i.objective_id
		WHERE i.plan_id = $1 ORDER BY i.id, b.year`, x.planID)
	if err != nil {
		return fmt.Errorf("baselines: %w", err)
	}
	var b plan.Baseline
	_, err = pgx.ForEachRow(rows, []any{&objective, &key, &b.Year, &b.Value, &b.Text, &b.Footnote}, func() error {
		p, err := x.indicator(objective, key)
		if err != nil {
			return err
		}
		p.Baselines = append(p.Baselines, b)
		b = plan.Baseline{}
		return nil
	})
	if err != nil {
		return fmt.Errorf("baselines: %w", err)
	}
	return nil
}

// targets sets each indicator's targets as the latest revision states them.
func (x *exporter) targets(ctx context.Context) error {
	if x.latestContent == nil {
		return x.targetsFromTable(ctx)
	}
	var c revision.Content
	if err := json.Unmarshal(x.latestContent, &c); err != nil {
		return fmt.Errorf("content of revision %d: %w", x.latestSeq, err)
	}
	for _, o := range c.Objectives {
		for _, ci := range o.Indicators {
			in, err := x.indicator(o.Code, ci.Key)
			if err != nil {
				return fmt.Errorf("content of revision %d: %w", x.latestSeq, err)
			}
			for _, t := range ci.Targets {
				if t.Unknown {
					continue // a value the source does not give is no target
				}
				in.Targets = append(in.Targets, plan.Target{Year: t.Year, Operator: t.Operator, Value: t.Value, Text: t.Text})
			}
		}
	}
	return nil
}

// targetsFromTable reads the targets in force at the latest revision, for a
// revision recorded before revisions kept their content.
func (x *exporter) targetsFromTable(ctx context.Context) error {
	rows, err := x.tx.Query(ctx, `SELECT o.code, i.key, t.year, t.operator, t.value::float8, t.text FROM (
			SELECT DISTINCT ON (t.indicator_id, t.year) t.* FROM targets t JOIN revisions r ON r.id = t.revision_id
			WHERE t.plan_id = $1 ORDER BY t.indicator_id, t.year, r.seq DESC) t
		JOIN indicators i ON i.id = t.indicator_id JOIN objectives o ON o.id = i.objective_id
		ORDER BY i.id, t.year`, x.planID)
	if err != nil {
		return fmt.Errorf("targets: %w", err)
	}
	var objective, key string
	var t plan.Target
	_, err = pgx.ForEachRow(rows, []any{&objective, &key, &t.Year, &t.Operator, &t.Value, &t.Text}, func() error {
		in, err := x.indicator(objective, key)
		if err != nil {
			return err
		}
		in.Targets = append(in.Targets, t)
		t = plan.Target{}
		return nil
	})
	if err != nil {
		return fmt.Errorf("targets: %w", err)
	}
	return nil
}

func (x *exporter) individual(ctx context.Context) error {
	rows, err := x.tx.Query(ctx, `SELECT io.id, r.key, io.code_text, io.group_label, io.title, o.code, io.weight::float8, io.source_line
		FROM individual_objectives io JOIN roles r ON r.id = io.role_id JOIN objectives o ON o.id = io.objective_id
		WHERE io.plan_id = $1 ORDER BY io.position`, x.planID)
	if err != nil {
		return fmt.Errorf("individual objectives: %w", err)
	}
	index := map[int64]int{}
	var id int64
	var iv plan.Individual
	_, err = pgx.ForEachRow(rows, []any{&id, &iv.Role, &iv.Code, &iv.Group, &iv.Title, &iv.Objective, &iv.Weight, &iv.SourceLine}, func() error {
		index[id] = len(x.doc.Individual)
		x.doc.Individual = append(x.doc.Individual, iv)
		iv = plan.Individual{}
		return nil
	})
	if err != nil {
		return fmt.Errorf("individual objectives: %w", err)
	}
	rows, err = x.tx.Query(ctx, `SELECT ii.individual_id, i.key, ii.name, ii.algorithm, ii.target_text
		FROM individual_indicators ii JOIN indicators i ON i.id = ii.indicator_id
		WHERE ii.plan_id = $1 ORDER BY ii.individual_id, ii.position`, x.planID)
	if err != nil {
		return fmt.Errorf("individual indicators: %w", err)
	}
	var ii plan.IndividualIndicator
	_, err = pgx.ForEachRow(rows, []any{&id, &ii.Indicator, &ii.Name, &ii.Algorithm, &ii.TargetText}, func() error {
		k, ok := index[id]
		if !ok {
			return fmt.Errorf("individual indicator %s: objective %d not exported", ii.Indicator, id)
		}
		x.doc.Individual[k].Indicators = append(x.doc.Individual[k].Indicators, ii)
		return nil
	})
	if err != nil {
		return fmt.Errorf("individual indicators: %w", err)
	}
	return nil
}

func (x *exporter) notes(ctx context.Context) error {
	rows, err := x.tx.Query(ctx, `SELECT n.kind, coalesce(o.code, ''), coalesce(i.key, ''), n.source_line, n.source_text, n.interpretation
		FROM quality_notes n LEFT JOIN objectives o ON o.id = n.objective_id LEFT JOIN indicators i ON i.id = n.indicator_id
		WHERE n.plan_id = $1 ORDER BY n.position`, x.planID)
	if err != nil {
		return fmt.Errorf("notes: %w", err)
	}
	x.doc.Notes, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (plan.QualityNote, error) {
		var n plan.QualityNote
		return n, r.Scan(&n.Kind, &n.Objective, &n.Indicator, &n.SourceLine, &n.SourceText, &n.Interpretation)
	})
	if err != nil {
		return fmt.Errorf("notes: %w", err)
	}
	return nil
}

func (x *exporter) rules(ctx context.Context) error {
	var show bool
	err := x.tx.QueryRow(ctx, `SELECT show_submitted_midyear FROM scoring_rules WHERE plan_id = $1`, x.planID).Scan(&show)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // no rules row: the importer keeps the defaults
	}
	if err != nil {
		return fmt.Errorf("scoring rules: %w", err)
	}
	versions, err := readRuleVersions(ctx, x.tx, x.planID)
	if err != nil {
		return err
	}
	conv := func(r scoring.Rules) plan.Rules {
		out := plan.Rules{Cap: r.Cap, MinThreshold: r.MinThreshold, LTERule: r.LTERule, ObjectiveRule: r.ObjectiveRule,
			FullBand: r.FullBand, PartialBand: r.PartialBand, ResultsShare: r.ResultsShare, BehaviourShare: r.BehaviourShare}
		for _, b := range r.IndividualBands {
			out.IndividualBands = append(out.IndividualBands, plan.Band{Min: b.Min, Label: b.Label})
		}
		return out
	}
	for _, v := range versions {
		if v.No == 1 {
			r := conv(v.Rules)
			r.ShowSubmittedMidyear = show
			x.doc.State.Rules = &r
			continue
		}
		x.doc.State.RuleVersions = append(x.doc.State.RuleVersions, plan.RuleVersion{Version: v.No, FromYear: v.FromYear,
			Rules: conv(v.Rules), Reason: v.Reason, CreatedBy: v.CreatedBy, CreatedAt: v.CreatedAt.UTC().Format(time.RFC3339Nano)})
	}
	return nil
}

func (x *exporter) periods(ctx context.Context) error {
	rows, err := x.tx.Query(ctx, `SELECT year, kind, to_char(ends_on, 'YYYY-MM-DD'), coalesce(to_char(entry_deadline, 'YYYY-MM-DD'), ''),
			closed_at, closed_by
		FROM periods WHERE plan_id = $1 ORDER BY ends_on, kind`, x.planID)
	if err != nil {
		return fmt.Errorf("periods: %w", err)
	}
	x.doc.State.Periods, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (plan.Period, error) {
		var p plan.Period
		var closed *time.Time
		err := r.Scan(&p.Year, &p.Kind, &p.EndsOn, &p.Deadline, &closed, &p.ClosedBy)
		p.ClosedAt = formatTime(closed)
		return p, err
	})
	if err != nil {
		return fmt.Errorf("periods: %w", err)
	}
	return nil
}

func (x *exporter) measurements(ctx context.Context) error {
	rows, err := x.tx.Query(ctx, `SELECT i.key, p.year, p.kind, m.value::float8, m.inputs, m.not_applicable, m.reason, m.note,
			m.status, m.demo, m.version, m.author, m.updated_at, m.submitted_by, m.submitted_at, m.reviewed_by, m.reviewed_at,
			m.review_comment, i.benchmark_ente, i.benchmark_plan, i.benchmark_indicator, b.value, b.ente_name, m.benchmark_used
		FROM measurements m JOIN periods p ON p.id = m.period_id JOIN indicators i ON i.id = m.indicator_id
		JOIN objectives o ON o.id = i.objective_id
		-- the other ente's approved value the engine compares with (scoring_read.go, Actuals)
		LEFT JOIN LATERAL (
			SELECT rm.value::float8 AS value, e.name AS ente_name
			FROM enti e
			JOIN plans rp ON rp.ente_id = e.id AND rp.slug = i.benchmark_plan
			JOIN indicators ri ON ri.plan_id = rp.id AND ri.key = i.benchmark_indicator
			JOIN periods pe ON pe.plan_id = rp.id AND pe.year = p.year AND pe.kind = p.kind
			JOIN measurements rm ON rm.indicator_id = ri.id AND rm.period_id = pe.id
			WHERE e.slug = i.benchmark_ente AND rm.status = 'approved' AND rm.value IS NOT NULL) b ON i.formula = 'difference'
		WHERE m.plan_id = $1 ORDER BY p.ends_on, p.kind, o.position, i.position`, x.planID)
	if err != nil {
		return fmt.Errorf("measurements: %w", err)
	}
	x.doc.State.Measurements, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (plan.Measurement, error) {
		var (
			m                         plan.Measurement
			updated                   time.Time
			submitted, review         *time.Time
			bEnte, bPlan, bInd, bName *string
			bValue                    *float64
			used                      *plan.BenchmarkValue
		)
		err := r.Scan(&m.Indicator, &m.Year, &m.Period, &m.Value, &m.Inputs, &m.NotApplicable, &m.Reason, &m.Note,
			&m.Status, &m.Demo, &m.Version, &m.Author, &updated, &m.SubmittedBy, &submitted, &m.ReviewedBy, &review,
			&m.ReviewComment, &bEnte, &bPlan, &bInd, &bValue, &bName, &used)
		switch {
		case bValue != nil:
			m.Benchmark = &plan.BenchmarkValue{Value: *bValue, Ente: *bEnte, EnteName: *bName, Plan: *bPlan, Indicator: *bInd}
		case used != nil:
			m.Benchmark = used // imported without that ente: the value it was published with
		}
		if len(m.Inputs) == 0 {
			m.Inputs = nil
		}
		m.UpdatedAt, m.SubmittedAt, m.ReviewedAt = formatTime(&updated), formatTime(submitted), formatTime(review)
		return m, err
	})
	if err != nil {
		return fmt.Errorf("measurements: %w", err)
	}
	return nil
}

func (x *exporter) behaviour(ctx context.Context) error {
	rows, err := x.tx.Query(ctx, `SELECT r.key, b.year, b.score::float8, b.evaluator, b.note
		FROM behaviour_scores b JOIN roles r ON r.id = b.role_id WHERE b.plan_id = $1 ORDER BY b.year, r.id`, x.planID)
	if err != nil {
		return fmt.Errorf("behaviour scores: %w", err)
	}
	x.doc.State.Behaviour, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (plan.BehaviourScore, error) {
		var b plan.BehaviourScore
		return b, r.Scan(&b.Role, &b.Year, &b.Score, &b.Evaluator, &b.Note)
	})
	if err != nil {
		return fmt.Errorf("behaviour scores: %w", err)
	}
	return nil
}

// formatTime writes a stored time as RFC 3339 in UTC, "" for none.
// PostgreSQL keeps microseconds: RFC3339Nano writes them all, so an import
// stores the very same instant.
func formatTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func nilIfEmpty[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return xs
}
