package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
)

// What the confirmation pages of irreversible steps (adopting or discarding
// a draft revision, disabling an account) say will change: read here, shown
// above the button, checked again by the step itself.

// MeasurementsOf counts the measurements, of any period and status, of the
// plan's indicators with the given keys and of every indicator of the
// objectives with the given codes: those a revision removing them would
// leave without an indicator (AdoptDraft refuses such a revision).
func (s *Store) MeasurementsOf(ctx context.Context, planID int64, indicatorKeys, objectiveCodes []string) (int, error) {
	if len(indicatorKeys) == 0 && len(objectiveCodes) == 0 {
		return 0, nil
	}
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM measurements m
		JOIN indicators i ON i.id = m.indicator_id JOIN objectives o ON o.id = i.objective_id
		WHERE m.plan_id = $1 AND (i.key = ANY($2) OR o.code = ANY($3))`, planID, nonNil(indicatorKeys), nonNil(objectiveCodes)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("measurements of removed indicators: %w", err)
	}
	return n, nil
}

// DraftEdits counts the changes saved in the plan's current draft (forms and
// spreadsheet imports), from the audit trail: those discarding it loses.
func (s *Store) DraftEdits(ctx context.Context, h model.PlanHeader) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM audit_events
		WHERE object_type = 'plan' AND object_key = $1 AND action = 'plan.draft.edit'
		AND id > (SELECT coalesce(max(id), 0) FROM audit_events WHERE object_type = 'plan' AND object_key = $1 AND action = 'plan.draft.start')`,
		h.EnteSlug+"/"+h.Slug).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("draft edits: %w", err)
	}
	return n, nil
}

// ErrLastAdmin is returned when disabling the last active administrator of an ente.
var ErrLastAdmin = errors.New("the last active administrator of an ente cannot be disabled")

// UserDisableImpact reads what disabling an account of the ente would change.
func (s *Store) UserDisableImpact(ctx context.Context, ente, username string) (model.UserImpact, error) {
	var u model.UserImpact
	var role string
	var enteID, positionID int64
	err := s.pool.QueryRow(ctx, `SELECT u.id, u.username, u.display_name, u.access_role, u.active, u.version, u.session_epoch,
			coalesce(u.ente_id, 0), coalesce(u.position_id, 0), coalesce(r.title, '')
		FROM users u JOIN enti e ON e.id = u.ente_id LEFT JOIN roles r ON r.id = u.position_id
		WHERE e.slug = $1 AND u.username = $2`, ente, username).Scan(&u.UserID, &u.Username, &u.DisplayName, &role, &u.Active,
		&u.Version, &u.Epoch, &enteID, &positionID, &u.Position)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("user %s: %w", username, err)
	}
	u.Role = auth.Role(role)
	err = s.pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM users WHERE ente_id = $1 AND access_role = $3 AND active AND id <> $2),
			(SELECT count(*) FROM users WHERE $4 <> 0 AND position_id = $4 AND active AND id <> $2),
			(SELECT count(DISTINCT oo.objective_id) FROM objective_owners oo WHERE $4 <> 0 AND oo.role_id = $4),
			(SELECT count(*) FROM indicators i JOIN objective_owners oo ON oo.objective_id = i.objective_id
				WHERE $4 <> 0 AND oo.role_id = $4 AND i.formula <> 'derived'),
			(SELECT count(*) FROM measurements m JOIN periods p ON p.id = m.period_id JOIN plans pl ON pl.id = m.plan_id
				WHERE pl.ente_id = $1 AND p.closed_at IS NULL AND m.status IN ('draft', 'returned') AND m.author = $5),
			(SELECT count(*) FROM measurements m JOIN periods p ON p.id = m.period_id JOIN plans pl ON pl.id = m.plan_id
				WHERE pl.ente_id = $1 AND p.closed_at IS NULL AND m.status = 'submitted' AND m.submitted_by = $5),
			(SELECT count(*) FROM measurements m JOIN periods p ON p.id = m.period_id JOIN plans pl ON pl.id = m.plan_id
				WHERE pl.ente_id = $1 AND p.closed_at IS NULL AND m.status = 'submitted' AND $3 = 'segretario')`,
		enteID, u.UserID, role, positionID, username).Scan(&u.OthersWithRole, &u.OthersOnPosition, &u.Objectives, &u.Indicators,
		&u.Drafts, &u.Submitted, &u.AwaitingApproval)
	if err != nil {
		return u, fmt.Errorf("impact of disabling %s: %w", username, err)
	}
	return u, nil
}

// refuseLastAdmin fails with ErrLastAdmin when the account is an active
// administrator of an ente that has no other. It locks the ente's active
// administrators, so two administrators disabling each other at once cannot
// both succeed.
func refuseLastAdmin(ctx context.Context, tx pgx.Tx, username string) error {
	rows, err := tx.Query(ctx, `SELECT a.username FROM users a
		WHERE a.ente_id = (SELECT ente_id FROM users WHERE username = $1 AND access_role = 'amministratore' AND active)
		AND a.access_role = 'amministratore' AND a.active ORDER BY a.id FOR UPDATE`, username)
	if err != nil {
		return fmt.Errorf("ente administrators: %w", err)
	}
	admins, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("ente administrators: %w", err)
	}
	if len(admins) == 1 && admins[0] == username {
		return ErrLastAdmin
	}
	return nil
}
