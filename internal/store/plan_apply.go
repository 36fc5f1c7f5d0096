package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/revision"
)

// ErrHasMeasurements is returned when a revision would remove an objective or
// indicator that has measurements: they would be lost with it.
type ErrHasMeasurements struct{ Indicator, Objective string }

func (e *ErrHasMeasurements) Error() string {
	return fmt.Sprintf("indicator %s (objective %s) has measurements: it cannot be removed", e.Indicator, e.Objective)
}

// ApplyRevision makes doc the plan's new revision, in one transaction: the
// structure is updated in place by code and key (so measurements, attachments
// and observations stay attached), removed objectives and indicators are
// deleted only when they have no measurements, the targets that changed are
// recorded under the new revision (the older ones stay, so every target
// keeps its history), and the revision stores its content and the reversible
// list of changes. meta gives the label, dates, act and reason. It returns
// the new revision's number.
func (s *Store) ApplyRevision(ctx context.Context, h model.PlanHeader, doc *plan.Document, meta plan.Revision, actor string) (int, error) {
	var seq int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		seq, err = applyRevision(ctx, tx, h, doc, meta, actor)
		return err
	})
	return seq, err
}

func applyRevision(ctx context.Context, tx pgx.Tx, h model.PlanHeader, doc *plan.Document, meta plan.Revision, actor string) (int, error) {
	if doc.Ente.Slug != h.EnteSlug || doc.Plan.Slug != h.Slug {
		return 0, fmt.Errorf("revision of %s/%s: the document is %s/%s", h.EnteSlug, h.Slug, doc.Ente.Slug, doc.Plan.Slug)
	}
	doc.Plan.Revision = meta
	doc.Plan.History = nil // the database keeps the history
	if err := plan.Validate(doc); err != nil {
		return 0, &InvalidPlanError{Err: err}
	}
	a := applier{loader: loader{tx: tx, doc: doc, enteID: h.EnteID, planID: h.ID, units: map[string]int64{}, roles: map[string]int64{},
		areas: map[int]int64{}, objectives: map[string]int64{}, indicators: map[string]int64{}}}
	return a.apply(ctx, meta, actor)
}

type applier struct {
	loader
	prev revision.Content // the latest revision's content
	next revision.Content // the document's
}

func (a *applier) apply(ctx context.Context, meta plan.Revision, actor string) (int, error) {
	var prevSeq int
	var prevContent []byte
	err := a.tx.QueryRow(ctx, `SELECT r.seq, r.content FROM plans p JOIN revisions r ON r.plan_id = p.id
		WHERE p.id = $1 ORDER BY r.seq DESC LIMIT 1 FOR UPDATE OF p`, a.planID).Scan(&prevSeq, &prevContent)
	if err != nil {
		return 0, fmt.Errorf("current revision: %w", err)
	}
	if prevContent == nil {
		return 0, fmt.Errorf("revision %d: %w", prevSeq, ErrNoContent)
	}
	if err := json.Unmarshal(prevContent, &a.prev); err != nil {
		return 0, fmt.Errorf("current revision content: %w", err)
	}
	a.next = revision.FromDocument(a.doc)
	changes := revision.Changes(a.prev, a.next, meta.Reason)
	if err := a.refuseLostMeasurements(ctx); err != nil {
		return 0, err
	}
	if err := a.refuseRemovedTargets(); err != nil {
		return 0, err
	}
	var revID int64
	seq := prevSeq + 1
	if len(a.prev.Objectives) == 0 {
		// A plan started empty in the browser: its first content is its first
		// version, not a revision of nothing.
		seq, changes = prevSeq, nil
		err = a.tx.QueryRow(ctx, `UPDATE revisions SET label = $3, adopted_on = $4::date, in_force_from = $5::date, in_force_text = $6,
				act_reference = $7, reason = $8, content = $9, changes = '[]' WHERE plan_id = $1 AND seq = $2 RETURNING id`,
			a.planID, seq, meta.Label, nullIfEmpty(meta.AdoptedOn), nullIfEmpty(meta.InForceFrom), meta.InForceText,
			meta.ActReference, meta.Reason, a.next).Scan(&revID)
	} else {
		err = a.tx.QueryRow(ctx, `INSERT INTO revisions (plan_id, seq, label, adopted_on, in_force_from, in_force_text,
				act_reference, reason, content, changes)
			VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, $8, $9, $10) RETURNING id`,
			a.planID, seq, meta.Label, nullIfEmpty(meta.AdoptedOn), nullIfEmpty(meta.InForceFrom), meta.InForceText,
			meta.ActReference, meta.Reason, a.next, nonNil(changes)).Scan(&revID)
	}
	if err != nil {
		return 0, fmt.Errorf("write revision: %w", err)
	}
	if _, err := a.tx.Exec(ctx, `UPDATE plans SET title = $2, source_title = $3 WHERE id = $1`, a.planID, a.doc.Plan.Title, a.doc.SourceTitle); err != nil {
		return 0, fmt.Errorf("plan: %w", err)
	}
	steps := []func(context.Context) error{a.insertUnits, a.insertRoles, a.upsertAreas, a.upsertObjectives, a.deleteRemoved, a.clearDetails,
		a.insertIndicatorRefs, a.insertIndividual, a.insertNotes, a.deleteUnusedAreas}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return 0, err
		}
	}
	if err := a.recordTargets(ctx, revID); err != nil {
		return 0, err
	}
	err = appendAudit(ctx, a.tx, AuditEvent{Actor: actor, Action: "plan.revision", EnteID: &a.enteID, ObjectType: "plan",
		ObjectKey: a.doc.Ente.Slug + "/" + a.doc.Plan.Slug, Reason: meta.Reason,
		Detail: map[string]any{"revision": seq, "label": meta.Label, "in_force_from": meta.InForceFrom,
			"act_reference": meta.ActReference, "changes": nonNil(changes)}})
	return seq, err
}

// refuseLostMeasurements stops a revision that would delete measured
// objectives or indicators.
func (a *applier) refuseLostMeasurements(ctx context.Context) error {
	keep := map[string]bool{}
	for _, o := range a.doc.Objectives {
		for _, in := range o.Indicators {
			keep[in.Key] = true
		}
	}
	rows, err := a.tx.Query(ctx, `SELECT DISTINCT i.key, o.code FROM measurements m JOIN indicators i ON i.id = m.indicator_id
		JOIN objectives o ON o.id = i.objective_id WHERE m.plan_id = $1 ORDER BY 1`, a.planID)
	if err != nil {
		return fmt.Errorf("measured indicators: %w", err)
	}
	var key, code string
	_, err = pgx.ForEachRow(rows, []any{&key, &code}, func() error {
		if !keep[key] {
			return &ErrHasMeasurements{Indicator: key, Objective: code}
		}
		return nil
	})
	return err
}

// ErrTargetRemoved refuses a revision that drops a year's target of an
// indicator it keeps: the older revision's target would stay in force, so a
// target is changed (or the indicator declared not applicable), not removed.
type ErrTargetRemoved struct {
	Indicator string
	Year      int
}

func (e *ErrTargetRemoved) Error() string {
	return fmt.Sprintf("target %d of indicator %s cannot be removed by a revision", e.Year, e.Indicator)
}

func (a *applier) refuseRemovedTargets() error {
	next := map[string]map[int]bool{}
	for _, o := range a.next.Objectives {
		for _, in := range o.Indicators {
			next[in.Key] = map[int]bool{}
			for _, t := range in.Targets {
				next[in.Key][t.Year] = true
			}
		}
	}
	for _, o := range a.prev.Objectives {
		for _, in := range o.Indicators {
			years, kept := next[in.Key]
			for _, t := range in.Targets {
				if kept && !t.Unknown && !years[t.Year] {
					return &ErrTargetRemoved{Indicator: in.Key, Year: t.Year}
				}
			}
		}
	}
	return nil
}

func (a *applier) upsertAreas(ctx context.Context) error {
	for _, ar := range a.doc.Areas {
		var id int64
		if err := a.tx.QueryRow(ctx, `INSERT INTO areas (plan_id, number, title) VALUES ($1, $2, $3)
			ON CONFLICT (plan_id, number) DO UPDATE SET title = EXCLUDED.title RETURNING id`,
			a.planID, ar.Number, ar.Title).Scan(&id); err != nil {
			return fmt.Errorf("area %d: %w", ar.Number, err)
		}
		a.areas[ar.Number] = id
	}
	return nil
}

// upsertObjectives writes strategic objectives first (they are the parents),
// then the others, each updated in place by code or inserted.
func (a *applier) upsertObjectives(ctx context.Context) error {
	for _, strategic := range []bool{true, false} {
		for i := range a.doc.Objectives {
			o := &a.doc.Objectives[i]
			if (o.Kind == plan.KindStrategic) != strategic {
				continue
			}
			if err := a.upsertObjective(ctx, o, i+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *applier) upsertObjective(ctx context.Context, o *plan.Objective, position int) error {
	id, err := a.writeObjective(ctx, o, position, false)
	if err != nil {
		return err
	}
	for j := range o.Indicators {
		if _, err := a.writeIndicator(ctx, id, &o.Indicators[j], j+1, false); err != nil {
			return err
		}
	}
	return nil
}

// deleteRemoved deletes the indicators and objectives the document no longer
// has (refuseLostMeasurements made sure none was measured); children first.
func (a *applier) deleteRemoved(ctx context.Context) error {
	keys := make([]string, 0, len(a.indicators))
	for k := range a.indicators {
		keys = append(keys, k)
	}
	if _, err := a.tx.Exec(ctx, `DELETE FROM indicators WHERE plan_id = $1 AND NOT key = ANY($2)`, a.planID, keys); err != nil {
		return fmt.Errorf("delete removed indicators: %w", err)
	}
	codes := make([]string, 0, len(a.objectives))
	for c := range a.objectives {
		codes = append(codes, c)
	}
	if _, err := a.tx.Exec(ctx, `DELETE FROM objectives WHERE plan_id = $1 AND kind <> 'strategic' AND NOT code = ANY($2)`, a.planID, codes); err != nil {
		return fmt.Errorf("delete removed objectives: %w", err)
	}
	if _, err := a.tx.Exec(ctx, `DELETE FROM objectives WHERE plan_id = $1 AND NOT code = ANY($2)`, a.planID, codes); err != nil {
		return fmt.Errorf("delete removed objectives: %w", err)
	}
	return nil
}

// clearDetails empties what is rewritten whole from the document: derived
// references, individual objectives and data-quality notes.
func (a *applier) clearDetails(ctx context.Context) error {
	for _, q := range []string{`DELETE FROM indicator_refs WHERE plan_id = $1`, `DELETE FROM indicator_objective_refs WHERE plan_id = $1`,
		`DELETE FROM individual_objectives WHERE plan_id = $1`, `DELETE FROM quality_notes WHERE plan_id = $1`} {
		if _, err := a.tx.Exec(ctx, q, a.planID); err != nil {
			return fmt.Errorf("clear plan details: %w", err)
		}
	}
	return nil
}

func (a *applier) deleteUnusedAreas(ctx context.Context) error {
	numbers := make([]int, 0, len(a.areas))
	for n := range a.areas {
		numbers = append(numbers, n)
	}
	if _, err := a.tx.Exec(ctx, `DELETE FROM areas WHERE plan_id = $1 AND NOT number = ANY($2)`, a.planID, numbers); err != nil {
		return fmt.Errorf("delete removed areas: %w", err)
	}
	return nil
}

// recordTargets writes, under the new revision, the targets that differ from
// the ones in force before it (the previous revision's content).
func (a *applier) recordTargets(ctx context.Context, revID int64) error {
	before := map[string][]revision.Target{}
	for _, o := range a.prev.Objectives {
		for _, in := range o.Indicators {
			before[in.Key] = in.Targets
		}
	}
	for _, o := range a.next.Objectives {
		for _, in := range o.Indicators {
			for _, t := range in.Targets {
				if t.Unknown || t.Value == nil || slices.ContainsFunc(before[in.Key], func(p revision.Target) bool {
					return !p.Unknown && p.Year == t.Year && p.Operator == t.Operator && p.Text == t.Text && p.Value != nil && *p.Value == *t.Value
				}) {
					continue
				}
				if _, err := a.tx.Exec(ctx, `INSERT INTO targets (indicator_id, plan_id, revision_id, year, operator, value, text)
					VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.indicators[in.Key], a.planID, revID, t.Year, t.Operator, *t.Value, t.Text); err != nil {
					return fmt.Errorf("indicator %s target %d: %w", in.Key, t.Year, err)
				}
			}
		}
	}
	return nil
}

// InvalidPlanError refuses a revision whose document breaks the plan's rules.
type InvalidPlanError struct{ Err error }

func (e *InvalidPlanError) Error() string { return "plan document: " + e.Err.Error() }

func (e *InvalidPlanError) Unwrap() error { return e.Err }
