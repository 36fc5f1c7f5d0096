package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/model"
)

// MeasureCatalogue returns the plan and, by key, what validating a
// measurement needs to know of each indicator.
func (s *Store) MeasureCatalogue(ctx context.Context, ente, planSlug string) (model.PlanHeader, map[string]measure.Indicator, error) {
	h, err := s.PlanHeader(ctx, ente, planSlug)
	if err != nil {
		return h, nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT i.key, i.formula, i.unit,
			coalesce((SELECT array_agg(x.key ORDER BY x.position) FROM indicator_inputs x WHERE x.indicator_id = i.id), '{}')
		FROM indicators i WHERE i.plan_id = $1`, h.ID)
	if err != nil {
		return h, nil, fmt.Errorf("indicators: %w", err)
	}
	out := map[string]measure.Indicator{}
	var in measure.Indicator
	_, err = pgx.ForEachRow(rows, []any{&in.Key, &in.Formula, &in.Unit, &in.Inputs}, func() error {
		out[in.Key] = in
		return nil
	})
	if err != nil {
		return h, nil, fmt.Errorf("indicators: %w", err)
	}
	return h, out, nil
}

// ImportOptions controls ImportMeasurements.
type ImportOptions struct {
	Actor  string
	Status string // draft, submitted or approved (default approved)
	// ClosePeriods closes the periods the rows belong to, as the Segretario
	// Generale would, and with the same rule: only a period that has ended
	// (its end date before today); the others stay open (ImportResult.NotClosed).
	ClosePeriods bool
	Demo         bool // the values are demo data and are labelled so wherever they appear
}

// ImportResult says what ImportMeasurements wrote.
type ImportResult struct {
	Inserted, Updated, Unchanged int
	Closed                       []string // periods closed
	// NotClosed says, in Italian, which periods ClosePeriods left open
	// because they have not ended yet, and from when they can be closed.
	NotClosed []string
}

// ErrPeriodClosed is returned when a measurement would change in a closed
// period: a save, a workflow step, or an imported row.
var ErrPeriodClosed = errors.New("period closed")

// ImportMeasurements writes validated rows in one transaction: every row or
// none. A row for an indicator and period that already has a measurement
// replaces it (version + 1); each change is an audit event with the old and
// the new value. Rows in a closed period are refused.
func (s *Store) ImportMeasurements(ctx context.Context, ente, planSlug string, rows []measure.Row, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	if opt.Status == "" {
		opt.Status = "approved"
	}
	if !slices.Contains([]string{"draft", "submitted", "approved"}, opt.Status) {
		return res, fmt.Errorf("status %q: use draft, submitted or approved", opt.Status)
	}
	h, err := s.PlanHeader(ctx, ente, planSlug)
	if err != nil {
		return res, err
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var enteID int64
		if err := tx.QueryRow(ctx, `SELECT ente_id FROM plans WHERE id = $1`, h.ID).Scan(&enteID); err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		type periodRef struct {
			id     int64
			closed bool
			ended  bool   // ends_on before today: it may be closed
			label  string // end date, dd/mm/yyyy
			from   string // the day after the end, dd/mm/yyyy: from when it may be closed
		}
		periods := map[string]periodRef{}
		period := func(year int, kind string) (periodRef, error) {
			k := fmt.Sprint(year, kind)
			if p, ok := periods[k]; ok {
				return p, nil
			}
			var p periodRef
			// FOR UPDATE: nobody closes the period while these rows go in.
			err := tx.QueryRow(ctx, `SELECT id, closed_at IS NOT NULL, ends_on < current_date, to_char(ends_on, 'DD/MM/YYYY'),
					to_char(ends_on + 1, 'DD/MM/YYYY') FROM periods
				WHERE plan_id = $1 AND year = $2 AND kind = $3 FOR UPDATE`, h.ID, year, kind).Scan(&p.id, &p.closed, &p.ended, &p.label, &p.from)
			if err != nil {
				return p, fmt.Errorf("period %d %s: %w", year, kind, err)
			}
			periods[k] = p
			return p, nil
		}
		var errs measure.Errors
		for _, r := range rows {
			p, err := period(r.Year, r.Period)
			if err != nil {
				return err
			}
			if p.closed {
				errs = append(errs, measure.RowError{Line: r.Line, Column: "period",
					Message: "il periodo " + p.label + " è chiuso: riaprirlo è compito del Segretario Generale"})
				continue
			}
			changed, inserted, err := writeMeasurement(ctx, tx, h.ID, enteID, p.id, p.label, r, opt)
			if err != nil {
				return err
			}
			switch {
			case inserted:
				res.Inserted++
			case changed:
				res.Updated++
			default:
				res.Unchanged++
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("%w: %w", ErrPeriodClosed, errs)
		}
		if opt.ClosePeriods {
			for _, p := range periods {
				if !p.ended { // the closing page's rule (SetPeriodClosed): never before the end
					res.NotClosed = append(res.NotClosed, "il periodo "+p.label+" non è ancora terminato: resta aperto e potrà essere chiuso dal "+p.from)
					continue
				}
				if err := closePeriod(ctx, tx, enteID, p.id, h.EnteSlug+"/"+h.Slug+" "+p.label, opt.Actor, "chiusura dopo importazione"); err != nil {
					return err
				}
				res.Closed = append(res.Closed, p.label)
			}
			slices.Sort(res.Closed)
			slices.Sort(res.NotClosed)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: opt.Actor, Action: "measurements.import", EnteID: &enteID,
			ObjectType: "plan", ObjectKey: h.EnteSlug + "/" + h.Slug,
			Detail: map[string]any{"rows": len(rows), "inserted": res.Inserted, "updated": res.Updated,
				"unchanged": res.Unchanged, "status": opt.Status, "demo": opt.Demo, "closed": res.Closed, "not_closed": nonNil(res.NotClosed)}})
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// writeMeasurement inserts or updates one measurement and records the change.
func writeMeasurement(ctx context.Context, tx pgx.Tx, planID, enteID, periodID int64, periodLabel string, r measure.Row, opt ImportOptions) (changed, inserted bool, err error) {
	var indicatorID int64
	if err := tx.QueryRow(ctx, `SELECT id FROM indicators WHERE plan_id = $1 AND key = $2`, planID, r.Indicator).Scan(&indicatorID); err != nil {
		return false, false, fmt.Errorf("indicator %s: %w", r.Indicator, err)
	}
	inputs := r.Inputs
	if inputs == nil {
		inputs = map[string]float64{}
	}
	type state struct {
		Value         *float64           `json:"value"`
		Inputs        map[string]float64 `json:"inputs"`
		NotApplicable bool               `json:"not_applicable"`
		Reason        string             `json:"reason,omitempty"`
		Note          string             `json:"note,omitempty"`
		Status        string             `json:"status"`
	}
	var old state
	var oldVersion int
	err = tx.QueryRow(ctx, `SELECT value::float8, inputs, not_applicable, reason, note, status, version FROM measurements
		WHERE indicator_id = $1 AND period_id = $2 FOR UPDATE`, indicatorID, periodID).Scan(
		&old.Value, &old.Inputs, &old.NotApplicable, &old.Reason, &old.Note, &old.Status, &oldVersion)
	exists := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return false, false, fmt.Errorf("measurement %s: %w", r.Indicator, err)
	}
	next := state{Value: r.Value, Inputs: inputs, NotApplicable: r.NotApplicable, Reason: r.Reason, Note: old.Note, Status: opt.Status}
	if r.Note != nil { // a file without a note column keeps the stored note
		next.Note = *r.Note
	}
	if exists && sameState(old.Value, next.Value) && mapsEqual(old.Inputs, next.Inputs) && old.NotApplicable == next.NotApplicable &&
		old.Reason == next.Reason && old.Note == next.Note && old.Status == next.Status {
		return false, false, nil
	}
	if exists {
		_, err = tx.Exec(ctx, `UPDATE measurements SET value = $3, inputs = $4, not_applicable = $5, reason = $6, note = $7,
				status = $8, demo = $9, author = $10, version = version + 1, updated_at = now()
			WHERE indicator_id = $1 AND period_id = $2`, indicatorID, periodID, r.Value, inputs, r.NotApplicable, r.Reason,
			next.Note, opt.Status, opt.Demo, opt.Actor)
	} else {
		_, err = tx.Exec(ctx, `INSERT INTO measurements (plan_id, indicator_id, period_id, value, inputs, not_applicable,
				reason, note, status, demo, author) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			planID, indicatorID, periodID, r.Value, inputs, r.NotApplicable, r.Reason, next.Note, opt.Status, opt.Demo, opt.Actor)
	}
	if err != nil {
		return false, false, fmt.Errorf("write measurement %s (riga %d): %w", r.Indicator, r.Line, err)
	}
	detail := map[string]any{"new": next, "period": periodLabel, "demo": opt.Demo}
	if exists {
		detail["old"] = old
		detail["old_version"] = oldVersion
	}
	err = appendAudit(ctx, tx, AuditEvent{Actor: opt.Actor, Action: "measurement.import", EnteID: &enteID,
		ObjectType: "measurement", ObjectKey: r.Indicator + " " + periodLabel, Detail: detail})
	return true, !exists, err
}

func sameState(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func mapsEqual(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// SetBehaviour records the evaluator's behaviour score of a role for a year.
func (s *Store) SetBehaviour(ctx context.Context, ente, planSlug, role string, year int, score float64, evaluator, note string) error {
	if score < 0 || score > 100 {
		return fmt.Errorf("behaviour score %v: must be between 0 and 100", score)
	}
	h, err := s.PlanHeader(ctx, ente, planSlug)
	if err != nil {
		return err
	}
	if year < h.StartYear || year > h.EndYear {
		return fmt.Errorf("year %d outside the plan (%d–%d)", year, h.StartYear, h.EndYear)
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var roleID, enteID int64
		err := tx.QueryRow(ctx, `SELECT r.id, r.ente_id FROM roles r JOIN plans p ON p.ente_id = r.ente_id
			WHERE p.id = $1 AND r.key = $2`, h.ID, role).Scan(&roleID, &enteID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("role %s: %w", role, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("role %s: %w", role, err)
		}
		var old *float64
		_ = tx.QueryRow(ctx, `SELECT score::float8 FROM behaviour_scores WHERE plan_id = $1 AND role_id = $2 AND year = $3`,
			h.ID, roleID, year).Scan(&old)
		if _, err := tx.Exec(ctx, `INSERT INTO behaviour_scores (plan_id, role_id, year, score, evaluator, note)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (plan_id, role_id, year)
			DO UPDATE SET score = EXCLUDED.score, evaluator = EXCLUDED.evaluator, note = EXCLUDED.note, updated_at = now()`,
			h.ID, roleID, year, score, evaluator, note); err != nil {
			return fmt.Errorf("behaviour score: %w", err)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: evaluator, Action: "behaviour.set", EnteID: &enteID, ObjectType: "role",
			ObjectKey: fmt.Sprintf("%s/%s %s %d", h.EnteSlug, h.Slug, role, year), Detail: map[string]any{"old": old, "new": score}})
	})
}
