package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scoring"
)

// RulesForYear picks from versions the one in force for year: the greatest
// version number among those in force from that year or earlier. ok is false
// when no version covers the year (a year before the plan's first).
func RulesForYear(versions []model.RuleVersion, year int) (model.RuleVersion, bool) {
	var best model.RuleVersion
	ok := false
	for _, v := range versions {
		if v.FromYear <= year && (!ok || v.No > best.No) {
			best, ok = v, true
		}
	}
	return best, ok
}

type querier interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
	QueryRow(context.Context, string, ...any) pgx.Row
}

const ruleVersionColumns = `version_no, from_year, cap::float8, min_threshold::float8, lte_rule, objective_rule, full_band::float8,
	partial_band::float8, results_share::float8, behaviour_share::float8, individual_bands, reason, created_by, created_at`

func scanRuleVersion(row pgx.CollectableRow) (model.RuleVersion, error) {
	var v model.RuleVersion
	var bands []byte
	r := &v.Rules
	if err := row.Scan(&v.No, &v.FromYear, &r.Cap, &r.MinThreshold, &r.LTERule, &r.ObjectiveRule, &r.FullBand, &r.PartialBand,
		&r.ResultsShare, &r.BehaviourShare, &bands, &v.Reason, &v.CreatedBy, &v.CreatedAt); err != nil {
		return v, err
	}
	if err := json.Unmarshal(bands, &r.IndividualBands); err != nil {
		return v, fmt.Errorf("individual bands: %w", err)
	}
	return v, nil
}

func readRuleVersions(ctx context.Context, q querier, planID int64) ([]model.RuleVersion, error) {
	rows, err := q.Query(ctx, `SELECT `+ruleVersionColumns+` FROM scoring_rule_versions WHERE plan_id = $1 ORDER BY version_no`, planID)
	if err != nil {
		return nil, fmt.Errorf("scoring rule versions: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanRuleVersion)
	if err != nil {
		return nil, fmt.Errorf("scoring rule versions: %w", err)
	}
	return out, nil
}

// RuleVersions returns every version of a plan's scoring rules (by number)
// and the form version, which the rules form carries so that a stale form
// cannot overwrite newer rules.
func (s *Store) RuleVersions(ctx context.Context, planID int64) ([]model.RuleVersion, int, error) {
	var form int
	if err := s.pool.QueryRow(ctx, `SELECT version FROM scoring_rules WHERE plan_id = $1`, planID).Scan(&form); err != nil {
		return nil, 0, fmt.Errorf("scoring rules: %w", err)
	}
	vs, err := readRuleVersions(ctx, s.pool, planID)
	return vs, form, err
}

// RulesFor returns the version of the scoring rules in force for a year of
// a plan. A year before every version (before the plan's first) takes the
// first version.
func (s *Store) RulesFor(ctx context.Context, planID int64, year int) (model.RuleVersion, error) {
	rows, err := s.pool.Query(ctx, `(SELECT `+ruleVersionColumns+` FROM scoring_rule_versions
			WHERE plan_id = $1 AND from_year <= $2 ORDER BY version_no DESC LIMIT 1)
		UNION ALL
		(SELECT `+ruleVersionColumns+` FROM scoring_rule_versions WHERE plan_id = $1 ORDER BY version_no LIMIT 1)`, planID, year)
	if err != nil {
		return model.RuleVersion{}, fmt.Errorf("scoring rules for %d: %w", year, err)
	}
	vs, err := pgx.CollectRows(rows, scanRuleVersion)
	if err != nil {
		return model.RuleVersion{}, fmt.Errorf("scoring rules for %d: %w", year, err)
	}
	if len(vs) == 0 {
		return model.RuleVersion{}, fmt.Errorf("scoring rules for %d: %w", year, ErrNotFound)
	}
	return vs[0], nil
}

// ScoringRules returns the plan's latest scoring rules (those of the latest
// change, in force from its year onwards).
func (s *Store) ScoringRules(ctx context.Context, planID int64) (scoring.Rules, error) {
	vs, _, err := s.RuleVersions(ctx, planID)
	if err != nil {
		return scoring.Rules{}, err
	}
	if len(vs) == 0 {
		return scoring.Rules{}, fmt.Errorf("scoring rules: %w", ErrNotFound)
	}
	return vs[len(vs)-1].Rules, nil
}

// frozenRulesCondition is the SQL condition (on relazione_validations v) for
// a decision that freezes its year's scoring rules: the current decision
// validates the Relazione, with or without reserve. A withdrawn validation
// no longer freezes the year.
const frozenRulesCondition = `v.ended_at IS NULL AND v.outcome IN ('validata', 'validata_con_riserva')`

// LatestValidatedYear returns the latest year of a plan whose Relazione is
// validated (0 when none): scoring rules may change only from the year after.
func (s *Store) LatestValidatedYear(ctx context.Context, planID int64) (int, error) {
	return latestValidatedYear(ctx, s.pool, planID)
}

func latestValidatedYear(ctx context.Context, q querier, planID int64) (int, error) {
	var y int
	err := q.QueryRow(ctx, `SELECT coalesce(max(year), 0) FROM relazione_validations v WHERE plan_id = $1 AND `+frozenRulesCondition,
		planID).Scan(&y)
	if err != nil {
		return 0, fmt.Errorf("validated years: %w", err)
	}
	return y, nil
}

// FrozenYears returns the years of a plan whose Relazione is validated:
// their scoring rules never change.
func (s *Store) FrozenYears(ctx context.Context, planID int64) (map[int]bool, error) {
	return frozenYears(ctx, s.pool, planID)
}

func frozenYears(ctx context.Context, q querier, planID int64) (map[int]bool, error) {
	rows, err := q.Query(ctx, `SELECT year FROM relazione_validations v WHERE plan_id = $1 AND `+frozenRulesCondition, planID)
	if err != nil {
		return nil, fmt.Errorf("validated years: %w", err)
	}
	years, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("validated years: %w", err)
	}
	out := map[int]bool{}
	for _, y := range years {
		out[y] = true
	}
	return out, nil
}

// RulesFromYears returns the years a change of the scoring rules may apply
// from: the plan's years after the latest validated one.
func RulesFromYears(h model.PlanHeader, latestValidated int) []int {
	var out []int
	for y := max(h.StartYear, latestValidated+1); y <= h.EndYear; y++ {
		out = append(out, y)
	}
	return out
}

// RulesYearError refuses a change of the scoring rules from a year outside
// the plan or not after the latest year whose Relazione is validated.
type RulesYearError struct {
	Year      int
	Frozen    bool // Year itself has its Relazione validated
	Validated int  // the latest validated year, 0 when none
	Allowed   []int
}

func (e *RulesYearError) Error() string {
	if e.Validated >= e.Year {
		return fmt.Sprintf("rules cannot change from %d: the Relazione %d is validated", e.Year, e.Validated)
	}
	return fmt.Sprintf("rules cannot change from %d: not a year of the plan", e.Year)
}

// SetScoringRules adds a version of the plan's scoring rules in force from
// fromYear onwards, if the rules are still at the form version seen
// (otherwise *RulesConflictError and nothing changes) and fromYear is a plan
// year after the latest year whose Relazione is validated (otherwise
// *RulesYearError): earlier years keep the rules they were scored with. The
// audit event holds the year, the version and the rules before and after.
func (s *Store) SetScoringRules(ctx context.Context, h model.PlanHeader, r scoring.Rules, fromYear int, reason string, version int, actor string) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		// The rules row serialises this change with validations (SetValidation
		// locks it for share), so a year cannot be validated meanwhile.
		var cur int
		if err := tx.QueryRow(ctx, `SELECT version FROM scoring_rules WHERE plan_id = $1 FOR UPDATE`, h.ID).Scan(&cur); err != nil {
			return fmt.Errorf("scoring rules: %w", err)
		}
		versions, err := readRuleVersions(ctx, tx, h.ID)
		if err != nil {
			return err
		}
		old, _ := RulesForYear(versions, fromYear)
		if cur != version {
			latest := scoring.DefaultRules()
			if len(versions) > 0 {
				latest = versions[len(versions)-1].Rules
			}
			return &RulesConflictError{Current: latest, Version: cur}
		}
		frozen, err := frozenYears(ctx, tx, h.ID)
		if err != nil {
			return err
		}
		validated := 0
		for y := range frozen {
			validated = max(validated, y)
		}
		allowed := RulesFromYears(h, validated)
		if fromYear < h.StartYear || fromYear > h.EndYear || fromYear <= validated {
			return &RulesYearError{Year: fromYear, Frozen: frozen[fromYear], Validated: validated, Allowed: allowed}
		}
		no := 1
		if len(versions) > 0 {
			no = versions[len(versions)-1].No + 1
		}
		_, err = tx.Exec(ctx, `INSERT INTO scoring_rule_versions (plan_id, version_no, from_year, cap, min_threshold, lte_rule,
				objective_rule, full_band, partial_band, results_share, behaviour_share, individual_bands, reason, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, h.ID, no, fromYear, r.Cap, r.MinThreshold,
			r.LTERule, r.ObjectiveRule, r.FullBand, r.PartialBand, r.ResultsShare, r.BehaviourShare, r.IndividualBands, reason, actor)
		if err != nil {
			return fmt.Errorf("scoring rules: %w", err)
		}
		// updated_at feeds the dashboards' fingerprint: cached scores are rebuilt.
		if _, err := tx.Exec(ctx, `UPDATE scoring_rules SET version = version + 1, updated_at = now() WHERE plan_id = $1`, h.ID); err != nil {
			return fmt.Errorf("scoring rules: %w", err)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "rules.set", EnteID: &h.EnteID, ObjectType: "plan",
			ObjectKey: h.EnteSlug + "/" + h.Slug, Reason: reason,
			Detail: map[string]any{"from_year": fromYear, "version_no": no, "replaces_version_no": old.No, "old": old.Rules, "new": r}})
	})
}
