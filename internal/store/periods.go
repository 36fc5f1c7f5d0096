package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// ErrPeriodNotEnded is returned when closing a period whose end date is
// today or later: nothing is changed.
var ErrPeriodNotEnded = errors.New("the period has not ended yet")

// ErrPeriodChanged is returned when a period changed (closed, reopened, new
// deadline) after the version a form was built from: nothing is changed.
var ErrPeriodChanged = errors.New("the period changed meanwhile")

// createDefaultPeriods adds, for every plan year, the in-year monitoring at 30
// June (entries due by 31 July) and the final period at 31 December (entries
// due by 31 January), as D.Lgs. 150/2009 art. 6 and the year-end report need.
func createDefaultPeriods(ctx context.Context, tx pgx.Tx, planID int64, first, last int) error {
	for y := first; y <= last; y++ {
		_, err := tx.Exec(ctx, `INSERT INTO periods (plan_id, year, kind, ends_on, entry_deadline) VALUES
			($1, $2, 'midyear', make_date($2, 6, 30), make_date($2, 7, 31)),
			($1, $2, 'final', make_date($2, 12, 31), make_date($2 + 1, 1, 31))`, planID, y)
		if err != nil {
			return fmt.Errorf("periods of %d: %w", y, err)
		}
	}
	return nil
}

// Periods returns the plan's periods in time order.
func (s *Store) Periods(ctx context.Context, planID int64) ([]model.Period, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, year, kind, ends_on, entry_deadline, closed_at, version, reopened_at, reopened_by, reopen_reason FROM periods
		WHERE plan_id = $1 ORDER BY ends_on`, planID)
	if err != nil {
		return nil, fmt.Errorf("periods: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Period, error) { return scanPeriod(r) })
	if err != nil {
		return nil, fmt.Errorf("periods: %w", err)
	}
	return out, nil
}

// scanPeriod reads the columns id, year, kind, ends_on, entry_deadline,
// closed_at, version, reopened_at, reopened_by, reopen_reason.
func scanPeriod(r pgx.Row) (model.Period, error) {
	var p model.Period
	return p, r.Scan(&p.ID, &p.Year, &p.Kind, &p.EndsOn, &p.Deadline, &p.ClosedAt, &p.Version, &p.ReopenedAt, &p.ReopenedBy, &p.ReopenReason)
}

// Period returns one period of a plan, or ErrNotFound.
func (s *Store) Period(ctx context.Context, planID int64, year int, kind string) (model.Period, error) {
	p, err := scanPeriod(s.pool.QueryRow(ctx, `SELECT id, year, kind, ends_on, entry_deadline, closed_at, version, reopened_at, reopened_by, reopen_reason FROM periods
		WHERE plan_id = $1 AND year = $2 AND kind = $3`, planID, year, kind))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("period %d %s: %w", year, kind, err)
	}
	return p, nil
}

// closePeriod closes a period inside tx, recording who and when in the audit
// trail. It does not check the end date: SetPeriodClosed does for the
// Segretario's closing; an import (demo, benchmark, history) closes what it loads.
func closePeriod(ctx context.Context, tx pgx.Tx, enteID, periodID int64, label, actor, reason string) error {
	tag, err := tx.Exec(ctx, `UPDATE periods SET closed_at = now(), closed_by = $2, version = version + 1 WHERE id = $1 AND closed_at IS NULL`, periodID, actor)
	if err != nil {
		return fmt.Errorf("close period: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return nil // already closed
	}
	return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "period.close", EnteID: &enteID, ObjectType: "period",
		ObjectKey: label, Reason: reason})
}

// PeriodsWithData returns, in time order, the periods that have approved
// measurements the reader may see (closed periods only for the public).
func (s *Store) PeriodsWithData(ctx context.Context, planID int64, vis model.Visibility) ([]model.Period, error) {
	rows, err := s.pool.Query(ctx, periodsWithDataSQL(`$1::bigint`), planID)
	if err != nil {
		return nil, fmt.Errorf("periods with data: %w", err)
	}
	var pp model.PlanPeriods
	if err := collectPeriods(&pp)(rows); err != nil {
		return nil, fmt.Errorf("periods with data: %w", err)
	}
	return pp.WithData(vis), nil
}

// SetPeriodDeadline changes a period's entry deadline (administrators); p is
// the period as the form showed it: ErrPeriodChanged if its version moved on.
func (s *Store) SetPeriodDeadline(ctx context.Context, h model.PlanHeader, p model.Period, deadline time.Time, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE periods SET entry_deadline = $2, version = version + 1 WHERE id = $1 AND plan_id = $3 AND version = $4`,
			p.ID, deadline, h.ID, p.Version)
		if err != nil {
			return fmt.Errorf("period deadline: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return ErrPeriodChanged
		}
		var old any
		if p.Deadline != nil {
			old = p.Deadline.Format("2006-01-02")
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "period.deadline", EnteID: &h.EnteID, ObjectType: "period",
			ObjectKey: h.EnteSlug + "/" + h.Slug + " " + p.Label(), Detail: map[string]any{"old": old, "new": deadline.Format("2006-01-02")}})
	})
}

// FingerprintWithPrevious changes whenever anything that scores a period, or
// the same period of the previous year (used for comparisons), changes: the
// measurements (count and last update, workflow steps included), the closing,
// the plan's rules and revisions and the year's behaviour scores. The
// dashboard cache compares it on every view: one cheap query instead of a
// snapshot, so the cache can never serve a stale score.
func (s *Store) FingerprintWithPrevious(ctx context.Context, h model.PlanHeader, p model.Period) (string, error) {
	var fp string
	err := s.pool.QueryRow(ctx, `WITH pp AS (SELECT id FROM periods WHERE plan_id = $1 AND year = $3 - 1 AND kind = $4)
		SELECT concat_ws('|',
			(SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM measurements WHERE period_id = $2),
			(SELECT coalesce(closed_at::text, 'open') FROM periods WHERE id = $2),
			(SELECT updated_at::text FROM scoring_rules WHERE plan_id = $1),
			(SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM behaviour_scores WHERE plan_id = $1 AND year = $3),
			(SELECT max(seq)::text FROM revisions WHERE plan_id = $1),
			(SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM measurements WHERE period_id = (SELECT id FROM pp)),
			(SELECT coalesce(closed_at::text, 'open') FROM periods WHERE id = (SELECT id FROM pp)),
			-- the other enti's values that are benchmarks of this plan's indicators
			(SELECT count(*) || ':' || coalesce(max(rm.updated_at)::text, '') || ':' || coalesce(max(pe.closed_at)::text, '')
			 FROM indicators i JOIN enti e ON e.slug = i.benchmark_ente
			 JOIN plans rp ON rp.ente_id = e.id AND rp.slug = i.benchmark_plan
			 JOIN indicators ri ON ri.plan_id = rp.id AND ri.key = i.benchmark_indicator
			 JOIN periods pe ON pe.plan_id = rp.id AND pe.year BETWEEN $3 - 1 AND $3 AND pe.kind = $4
			 JOIN measurements rm ON rm.indicator_id = ri.id AND rm.period_id = pe.id
			 WHERE i.plan_id = $1 AND i.benchmark_ente IS NOT NULL))`,
		h.ID, p.ID, p.Year, p.Kind).Scan(&fp)
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	return fp, nil
}

// periodsWithDataSQL lists a plan's periods in time order with whether each
// has data for the public (approved, period closed) and for the ente's users
// (approved; at in-year monitoring also submitted, when the plan's setting
// says so). plan is a constant SQL expression giving the plan id.
func periodsWithDataSQL(plan string) string {
	return `WITH pl AS (SELECT ` + plan + ` AS id),
		  sm AS (SELECT show_submitted_midyear AS shown FROM scoring_rules WHERE plan_id = (SELECT id FROM pl))
		SELECT p.id, p.year, p.kind, p.ends_on, p.entry_deadline, p.closed_at, p.version, p.reopened_at, p.reopened_by, p.reopen_reason,
		  EXISTS (SELECT 1 FROM measurements m WHERE m.period_id = p.id AND m.status = 'approved'),
		  EXISTS (SELECT 1 FROM measurements m WHERE m.period_id = p.id AND m.status = 'submitted'
		      AND p.kind = 'midyear' AND coalesce((SELECT shown FROM sm), false))
		FROM periods p WHERE p.plan_id = (SELECT id FROM pl) ORDER BY p.ends_on`
}

// PlanHeaderAndPeriods is PlanHeader, PeriodsWithData for both
// visibilities and the plan's public version (PublicVersion) in one round
// trip: the dashboard runs it on every view. The version is read first, so
// what is read after it is at least as new.
func (s *Store) PlanHeaderAndPeriods(ctx context.Context, ente, slug string) (model.PlanHeader, model.PlanPeriods, int64, error) {
	var (
		h       model.PlanHeader
		pp      model.PlanPeriods
		b       pgx.Batch
		version int64
	)
	b.Queue(publicVersionSQL, ente, slug).QueryRow(func(row pgx.Row) error {
		var plan, ente int64
		var changed time.Time
		return row.Scan(&plan, &ente, &version, &changed)
	})
	b.Queue(planHeaderSQL, ente, slug).QueryRow(func(row pgx.Row) error {
		return row.Scan(&h.ID, &h.EnteID, &h.EnteSlug, &h.EnteName, &h.Slug, &h.Title, &h.StartYear, &h.EndYear, &h.RevisionSeq, &h.RevisionLabel, &h.SourceTitle)
	})
	b.Queue(periodsWithDataSQL(`(SELECT p.id FROM plans p JOIN enti e ON e.id = p.ente_id WHERE e.slug = $1 AND p.slug = $2)`),
		ente, slug).Query(collectPeriods(&pp))
	err := s.pool.SendBatch(ctx, &b).Close()
	if errors.Is(err, pgx.ErrNoRows) {
		return h, pp, 0, ErrNotFound
	}
	if err != nil {
		return h, pp, 0, fmt.Errorf("plan %s/%s with periods: %w", ente, slug, err)
	}
	return h, pp, version, nil
}

// CurrentPeriod is the period a signed-in cockpit opens on: the open period
// containing today, else the latest open one, else the latest one. periods
// are in time order; a period spans from the day after the previous one's end
// (1 January for the first) to its end. today is a date (its clock is
// ignored); ok is false when there are no periods.
func CurrentPeriod(periods []model.Period, today time.Time) (model.Period, bool) {
	if len(periods) == 0 {
		return model.Period{}, false
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	date := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	for i, p := range periods {
		start := time.Date(p.EndsOn.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		if i > 0 && date(periods[i-1].EndsOn).After(start) {
			start = date(periods[i-1].EndsOn).AddDate(0, 0, 1)
		}
		if !p.Closed() && !day.Before(start) && !day.After(date(p.EndsOn)) {
			return p, true
		}
	}
	for i := len(periods) - 1; i >= 0; i-- {
		if !periods[i].Closed() {
			return periods[i], true
		}
	}
	return periods[len(periods)-1], true
}

// collectPeriods reads the rows of periodsWithDataSQL into pp.
func collectPeriods(pp *model.PlanPeriods) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var (
				p                   model.Period
				approved, submitted bool
			)
			if err := rows.Scan(&p.ID, &p.Year, &p.Kind, &p.EndsOn, &p.Deadline, &p.ClosedAt, &p.Version, &p.ReopenedAt, &p.ReopenedBy, &p.ReopenReason,
				&approved, &submitted); err != nil {
				return err
			}
			pp.Add(p, approved && p.Closed(), approved || submitted)
		}
		return rows.Err()
	}
}
