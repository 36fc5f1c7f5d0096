package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/plan"
)

// insertState writes the state a backup carries (`piao export`), after the
// plan itself: the scoring rules, the periods, the measurements with their
// workflow fields and the behaviour scores, exactly as exported, so that the
// pages, scores and open data of the imported plan are those of the original.
// A document without State (a transcribed plan) keeps the defaults.
func (l *loader) insertState(ctx context.Context) error {
	st := l.doc.State
	if st == nil {
		return nil
	}
	if err := l.insertRules(ctx, st.Rules, st.RuleVersions); err != nil {
		return err
	}
	periods, err := l.upsertPeriods(ctx, st.Periods)
	if err != nil {
		return err
	}
	for i := range st.Measurements {
		if err := l.insertMeasurement(ctx, &st.Measurements[i], periods); err != nil {
			return err
		}
	}
	for _, b := range st.Behaviour {
		role, ok := l.roles[b.Role]
		if !ok {
			return fmt.Errorf("behaviour score %s %d: role unknown", b.Role, b.Year)
		}
		if _, err := l.tx.Exec(ctx, `INSERT INTO behaviour_scores (plan_id, role_id, year, score, evaluator, note)
			VALUES ($1, $2, $3, $4, $5, $6)`, l.planID, role, b.Year, b.Score, b.Evaluator, b.Note); err != nil {
			return fmt.Errorf("behaviour score %s %d: %w", b.Role, b.Year, err)
		}
	}
	return nil
}

// insertRules replaces the default rules insertPlan wrote (version 1) and
// adds the later versions a backup carries; the table's checks refuse
// inconsistent ones.
func (l *loader) insertRules(ctx context.Context, r *plan.Rules, versions []plan.RuleVersion) error {
	if r != nil {
		_, err := l.tx.Exec(ctx, `UPDATE scoring_rule_versions SET cap = $2, min_threshold = $3, lte_rule = $4, objective_rule = $5,
				full_band = $6, partial_band = $7, results_share = $8, behaviour_share = $9, individual_bands = $10
			WHERE plan_id = $1 AND version_no = 1`, l.planID, r.Cap, r.MinThreshold, r.LTERule, r.ObjectiveRule, r.FullBand, r.PartialBand,
			r.ResultsShare, r.BehaviourShare, nonNil(r.IndividualBands))
		if err != nil {
			return fmt.Errorf("scoring rules: %w", err)
		}
		if _, err := l.tx.Exec(ctx, `UPDATE scoring_rules SET show_submitted_midyear = $2 WHERE plan_id = $1`,
			l.planID, r.ShowSubmittedMidyear); err != nil {
			return fmt.Errorf("scoring rules: %w", err)
		}
	}
	for _, v := range versions {
		created, err := parseTime(v.CreatedAt)
		if err != nil {
			return fmt.Errorf("scoring rules version %d: created_at: %w", v.Version, err)
		}
		x := v.Rules
		_, err = l.tx.Exec(ctx, `INSERT INTO scoring_rule_versions (plan_id, version_no, from_year, cap, min_threshold, lte_rule,
				objective_rule, full_band, partial_band, results_share, behaviour_share, individual_bands, reason, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, coalesce($15, now()))`, l.planID, v.Version, v.FromYear,
			x.Cap, x.MinThreshold, x.LTERule, x.ObjectiveRule, x.FullBand, x.PartialBand, x.ResultsShare, x.BehaviourShare,
			nonNil(x.IndividualBands), v.Reason, v.CreatedBy, created)
		if err != nil {
			return fmt.Errorf("scoring rules version %d: %w", v.Version, err)
		}
	}
	return nil
}

// upsertPeriods updates the default periods insertPlan created and adds any
// others, then returns every period of the plan by year and kind.
func (l *loader) upsertPeriods(ctx context.Context, periods []plan.Period) (map[periodKey]int64, error) {
	for _, p := range periods {
		closed, err := parseTime(p.ClosedAt)
		if err != nil {
			return nil, fmt.Errorf("period %d %s: closed_at: %w", p.Year, p.Kind, err)
		}
		if closed != nil {
			// the closing page's rule: a period is closed only after its end
			// date (in Rome), never in the future; a file saying otherwise is refused
			var ok bool
			if err := l.tx.QueryRow(ctx, `SELECT $1::date < ($2::timestamptz AT TIME ZONE 'Europe/Rome')::date AND $2::timestamptz <= now()`,
				p.EndsOn, closed).Scan(&ok); err != nil {
				return nil, fmt.Errorf("period %d %s: %w", p.Year, p.Kind, err)
			}
			if !ok {
				return nil, fmt.Errorf("il periodo %s (%d, %s) risulta chiuso il %s, prima della sua fine o nel futuro: un periodo si chiude solo dopo la data di fine; nulla è stato importato",
					p.EndsOn, p.Year, p.Kind, p.ClosedAt)
			}
		}
		if _, err := l.tx.Exec(ctx, `INSERT INTO periods (plan_id, year, kind, ends_on, entry_deadline, closed_at, closed_by)
				VALUES ($1, $2, $3, $4::date, $5::date, $6, $7)
			ON CONFLICT (plan_id, year, kind) DO UPDATE SET ends_on = EXCLUDED.ends_on,
				entry_deadline = EXCLUDED.entry_deadline, closed_at = EXCLUDED.closed_at, closed_by = EXCLUDED.closed_by`,
			l.planID, p.Year, p.Kind, p.EndsOn, nullIfEmpty(p.Deadline), closed, p.ClosedBy); err != nil {
			return nil, fmt.Errorf("period %d %s: %w", p.Year, p.Kind, err)
		}
	}
	rows, err := l.tx.Query(ctx, `SELECT id, year, kind FROM periods WHERE plan_id = $1`, l.planID)
	if err != nil {
		return nil, fmt.Errorf("periods: %w", err)
	}
	out := map[periodKey]int64{}
	var (
		id int64
		k  periodKey
	)
	if _, err := pgx.ForEachRow(rows, []any{&id, &k.year, &k.kind}, func() error { out[k] = id; return nil }); err != nil {
		return nil, fmt.Errorf("periods: %w", err)
	}
	return out, nil
}

type periodKey struct {
	year int
	kind string
}

func (l *loader) insertMeasurement(ctx context.Context, m *plan.Measurement, periods map[periodKey]int64) error {
	where := fmt.Sprintf("measurement %s %d %s", m.Indicator, m.Year, m.Period)
	indicator, ok := l.indicators[m.Indicator]
	if !ok {
		return fmt.Errorf("%s: indicator unknown", where)
	}
	period, ok := periods[periodKey{m.Year, m.Period}]
	if !ok {
		return fmt.Errorf("%s: period unknown", where)
	}
	updated, err := parseTime(m.UpdatedAt)
	if err == nil && updated == nil {
		err = errors.New("missing")
	}
	if err != nil {
		return fmt.Errorf("%s: updated_at: %w", where, err)
	}
	submitted, err := parseTime(m.SubmittedAt)
	if err != nil {
		return fmt.Errorf("%s: submitted_at: %w", where, err)
	}
	reviewed, err := parseTime(m.ReviewedAt)
	if err != nil {
		return fmt.Errorf("%s: reviewed_at: %w", where, err)
	}
	inputs := m.Inputs
	if inputs == nil {
		inputs = map[string]float64{}
	}
	used, err := l.benchmarkUsed(ctx, m)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	_, err = l.tx.Exec(ctx, `INSERT INTO measurements (plan_id, indicator_id, period_id, value, inputs, not_applicable, reason,
			note, status, demo, version, author, updated_at, submitted_by, submitted_at, reviewed_by, reviewed_at, review_comment,
			benchmark_used)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		l.planID, indicator, period, m.Value, inputs, m.NotApplicable, m.Reason, m.Note, m.Status, m.Demo, m.Version,
		m.Author, *updated, m.SubmittedBy, submitted, m.ReviewedBy, reviewed, m.ReviewComment, used)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	return nil
}

// parseTime reads an exported RFC 3339 time; "" is none.
func parseTime(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, fmt.Errorf("%q is not an RFC 3339 time", s)
	}
	return &t, nil
}

// benchmarkUsed returns the benchmark value to keep with an imported
// measurement: the one the file carries when this installation has no
// approved value of that ente's indicator for the same period (the engine
// would otherwise fall back to the entered input and change a published
// figure), nil when the live value is there.
func (l *loader) benchmarkUsed(ctx context.Context, m *plan.Measurement) (*plan.BenchmarkValue, error) {
	b := m.Benchmark
	if b == nil {
		return nil, nil
	}
	var live bool
	err := l.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM enti e
			JOIN plans rp ON rp.ente_id = e.id AND rp.slug = $2
			JOIN indicators ri ON ri.plan_id = rp.id AND ri.key = $3
			JOIN periods pe ON pe.plan_id = rp.id AND pe.year = $4 AND pe.kind = $5
			JOIN measurements rm ON rm.indicator_id = ri.id AND rm.period_id = pe.id
			WHERE e.slug = $1 AND rp.id <> $6 AND rm.status = 'approved' AND rm.value IS NOT NULL)`,
		b.Ente, b.Plan, b.Indicator, m.Year, m.Period, l.planID).Scan(&live)
	if err != nil {
		return nil, fmt.Errorf("benchmark %s/%s/%s: %w", b.Ente, b.Plan, b.Indicator, err)
	}
	if live {
		return nil, nil
	}
	l.benchmarksKept = append(l.benchmarksKept, BenchmarkKept{Indicator: m.Indicator, Year: m.Year, Period: m.Period, Benchmark: *b})
	return b, nil
}
