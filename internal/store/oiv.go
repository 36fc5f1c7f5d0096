package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// AddObservation records an OIV observation and its audit event. The
// objective (and indicator, when given) must belong to the plan: otherwise
// ErrNotFound.
func (s *Store) AddObservation(ctx context.Context, h model.PlanHeader, o model.Observation, actor string) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO oiv_observations (plan_id, year, objective_id, indicator_id, body, author)
			SELECT $1, $2, o.id, i.id, $5, $6 FROM objectives o
			LEFT JOIN indicators i ON i.objective_id = o.id AND i.key = $4
			WHERE o.plan_id = $1 AND o.code = $3 AND ($4 = '' OR i.id IS NOT NULL)
			RETURNING id`, h.ID, o.Year, o.Objective, o.Indicator, o.Body, actor).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("observation: %w", err)
		}
		key := o.Objective
		if o.Indicator != "" {
			key = o.Indicator
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "oiv.observation", EnteID: &h.EnteID,
			ObjectType: "observation", ObjectKey: fmt.Sprintf("%s/%s %d %s", h.EnteSlug, h.Slug, o.Year, key),
			Detail: map[string]any{"id": id, "body": o.Body}})
	})
	return id, err
}

// Observations returns a plan year's observations, objective order then time.
func (s *Store) Observations(ctx context.Context, planID int64, year int) ([]model.Observation, error) {
	rows, err := s.pool.Query(ctx, `SELECT x.id, x.year, o.code, coalesce(i.key, ''), x.body, x.author, x.created_at
		FROM oiv_observations x JOIN objectives o ON o.id = x.objective_id LEFT JOIN indicators i ON i.id = x.indicator_id
		WHERE x.plan_id = $1 AND x.year = $2 ORDER BY o.position, i.position NULLS FIRST, x.created_at, x.id`, planID, year)
	if err != nil {
		return nil, fmt.Errorf("observations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Observation, error) {
		var o model.Observation
		return o, r.Scan(&o.ID, &o.Year, &o.Objective, &o.Indicator, &o.Body, &o.Author, &o.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("observations: %w", err)
	}
	return out, nil
}

// ErrCorrectionReason is returned when a decision would replace the current
// one without the reason for the correction: nothing is stored.
var ErrCorrectionReason = errors.New("a correction needs a reason")

// ErrNoValidation is returned when withdrawing the validation of a year that
// has no current decision.
var ErrNoValidation = errors.New("no validation to withdraw")

// validationInRule is the SQL condition (on relazione_validations v) for a
// validation that may be shown to the public: the year's final period is
// closed and the decision is dated between the close (Rome date) and today.
// A validation recorded against an open year, or before a later reopening
// and closing, is never public.
const validationInRule = `EXISTS (SELECT 1 FROM periods fp WHERE fp.plan_id = v.plan_id AND fp.year = v.year
	AND fp.kind = 'final' AND fp.closed_at IS NOT NULL
	AND v.decided_on >= (fp.closed_at AT TIME ZONE 'Europe/Rome')::date
	AND v.decided_on <= (now() AT TIME ZONE 'Europe/Rome')::date)`

// ErrYearOpen is returned when a year's Relazione is validated while the
// year's final period is not closed (or does not exist): nothing is stored.
var ErrYearOpen = errors.New("the final period of the year is not closed")

// ValidationDateError is returned when the decision date precedes the close
// of the year's final period or is in the future: nothing is stored.
type ValidationDateError struct {
	ClosedOn time.Time // the final period's close, as a Rome date
}

func (e *ValidationDateError) Error() string {
	return "validation date before the final period's close (" + e.ClosedOn.Format("2006-01-02") + ") or in the future"
}

// ErrValidationChanged is returned when a year's validation was recorded or
// replaced after the form was built: nothing is changed.
var ErrValidationChanged = errors.New("the validation changed meanwhile")

// SetValidation records the validation of a year's Relazione, if that
// year's current decision is still the one seen (its Stamp, or "" for none;
// ErrValidationChanged otherwise). Replacing a current decision is a
// correction: it needs v.Correction, the reason (ErrCorrectionReason), and
// keeps the replaced decision and its document in the history, marked as
// corrected. Any outcome needs the year's final period closed (ErrYearOpen)
// and a decision date from its close to today (*ValidationDateError); the
// period row is locked so that a reopening cannot slip in between, and the
// scoring rules row so that the rules cannot change meanwhile. The audit
// event (oiv.validation, or oiv.validation.correct) carries the outcome
// before and after and the document's hash.
func (s *Store) SetValidation(ctx context.Context, h model.PlanHeader, v model.Validation, seen, actor string) error {
	sum := sha256.Sum256(v.Document)
	v.SHA256 = hex.EncodeToString(sum[:])
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var before map[string]any
		var oldID int64
		var oldOutcome, oldSum string
		var oldDate, oldAt time.Time
		current := ""
		var closed bool
		var closedOn *time.Time
		var inTime bool
		if _, err := tx.Exec(ctx, `SELECT 1 FROM scoring_rules WHERE plan_id = $1 FOR SHARE`, h.ID); err != nil {
			return fmt.Errorf("validation: scoring rules: %w", err)
		}
		err := tx.QueryRow(ctx, `SELECT closed_at IS NOT NULL, (closed_at AT TIME ZONE 'Europe/Rome')::date,
				$3::date >= coalesce((closed_at AT TIME ZONE 'Europe/Rome')::date, 'infinity') AND $3::date <= (now() AT TIME ZONE 'Europe/Rome')::date
			FROM periods WHERE plan_id = $1 AND year = $2 AND kind = 'final' FOR SHARE`, h.ID, v.Year, v.DecidedOn).Scan(&closed, &closedOn, &inTime)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return ErrYearOpen
		case err != nil:
			return fmt.Errorf("validation: final period: %w", err)
		case !closed:
			return ErrYearOpen
		case !inTime:
			return &ValidationDateError{ClosedOn: *closedOn}
		}
		err = tx.QueryRow(ctx, `SELECT id, outcome, decided_on, document_sha256, created_at FROM relazione_validations
			WHERE plan_id = $1 AND year = $2 AND ended_at IS NULL FOR UPDATE`, h.ID, v.Year).Scan(&oldID, &oldOutcome, &oldDate, &oldSum, &oldAt)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return fmt.Errorf("validation: %w", err)
		default:
			before = map[string]any{"id": oldID, "outcome": oldOutcome, "decided_on": oldDate.Format("2006-01-02"), "document_sha256": oldSum}
			current = model.Validation{CreatedAt: oldAt}.Stamp()
		}
		if current != seen {
			return ErrValidationChanged
		}
		action, reason := "oiv.validation", v.Notes
		if before != nil {
			if v.Correction == "" {
				return ErrCorrectionReason
			}
			action, reason = "oiv.validation.correct", v.Correction
			if _, err := tx.Exec(ctx, `UPDATE relazione_validations SET ended_at = now(), ended_by = $2, end_kind = 'corrected', end_reason = $3
				WHERE id = $1`, oldID, actor, v.Correction); err != nil {
				return fmt.Errorf("validation: %w", err)
			}
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO relazione_validations (plan_id, year, outcome, decided_on, act_reference, notes,
				document_name, document_type, document, document_sha256, author)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			h.ID, v.Year, v.Outcome, v.DecidedOn, v.ActReference, v.Notes, v.DocumentName, v.DocumentType, v.Document, v.SHA256, actor).Scan(&id)
		if err != nil {
			return fmt.Errorf("validation: %w", err)
		}
		// the trail keeps the completeness the decision was taken on
		cs, err := yearsCompleteness(ctx, tx, h.ID, v.Year)
		if err != nil {
			return fmt.Errorf("validation: %w", err)
		}
		c := cs[v.Year]
		// the decision freezes the prose draft of the year (or gives it back)
		draftBefore, draftAfter, err := freezeDraft(ctx, tx, h.ID, v.Year, v.Outcome != model.NotValidated, actor)
		if err != nil {
			return fmt.Errorf("validation: %w", err)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: action, EnteID: &h.EnteID,
			ObjectType: "relazione", ObjectKey: fmt.Sprintf("%s/%s %d", h.EnteSlug, h.Slug, v.Year), Reason: reason,
			Detail: map[string]any{"old": before, "new": map[string]any{"id": id, "outcome": v.Outcome, "decided_on": v.DecidedOn.Format("2006-01-02"),
				"act_reference": v.ActReference, "notes": v.Notes, "document": v.DocumentName, "document_sha256": v.SHA256},
				"completeness": map[string]int{"expected": c.Expected, "approved": c.Approved, "not_applicable": c.NotApplicable,
					"returned": c.Returned, "submitted": c.Submitted, "draft": c.Draft, "missing": c.Missing},
				"relazione_draft": map[string]string{"old": draftBefore, "new": draftAfter}}})
	})
}

// WithdrawValidation withdraws the current decision on a year's Relazione,
// if it is still the one seen (its Stamp; ErrValidationChanged otherwise,
// ErrNoValidation when there is none), for a reason that is required. The
// decision and its document stay in the history, marked as withdrawn; the
// year is no longer validated (its results leave the transparency page and
// its scoring rules may change again). Audited as oiv.validation.withdraw.
func (s *Store) WithdrawValidation(ctx context.Context, h model.PlanHeader, year int, seen, reason, actor string) error {
	if reason == "" {
		return ErrCorrectionReason
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM scoring_rules WHERE plan_id = $1 FOR SHARE`, h.ID); err != nil {
			return fmt.Errorf("withdraw validation: scoring rules: %w", err)
		}
		var id int64
		var outcome, sum string
		var decided, at time.Time
		err := tx.QueryRow(ctx, `SELECT id, outcome, decided_on, document_sha256, created_at FROM relazione_validations
			WHERE plan_id = $1 AND year = $2 AND ended_at IS NULL FOR UPDATE`, h.ID, year).Scan(&id, &outcome, &decided, &sum, &at)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			if seen != "" {
				return ErrValidationChanged
			}
			return ErrNoValidation
		case err != nil:
			return fmt.Errorf("withdraw validation: %w", err)
		}
		if (model.Validation{CreatedAt: at}).Stamp() != seen {
			return ErrValidationChanged
		}
		if _, err := tx.Exec(ctx, `UPDATE relazione_validations SET ended_at = now(), ended_by = $2, end_kind = 'withdrawn', end_reason = $3
			WHERE id = $1`, id, actor, reason); err != nil {
			return fmt.Errorf("withdraw validation: %w", err)
		}
		draftBefore, draftAfter, err := freezeDraft(ctx, tx, h.ID, year, false, actor)
		if err != nil {
			return fmt.Errorf("withdraw validation: %w", err)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "oiv.validation.withdraw", EnteID: &h.EnteID,
			ObjectType: "relazione", ObjectKey: fmt.Sprintf("%s/%s %d", h.EnteSlug, h.Slug, year), Reason: reason,
			Detail: map[string]any{"old": map[string]any{"id": id, "outcome": outcome, "decided_on": decided.Format("2006-01-02"),
				"document_sha256": sum}, "new": nil, "relazione_draft": map[string]string{"old": draftBefore, "new": draftAfter}}})
	})
}

// ValidationOf returns the validation of a plan year, without the document,
// or ErrNotFound when the OIV has not decided yet.
func (s *Store) ValidationOf(ctx context.Context, planID int64, year int) (model.Validation, error) {
	return s.validation(ctx, planID, year, false)
}

// ValidationDocument returns the validation with its document.
// The content is not loaded: CopyValidationDocument streams it.
func (s *Store) ValidationDocument(ctx context.Context, planID int64, year int) (model.Validation, error) {
	return s.validation(ctx, planID, year, true)
}

const validationColumns = `v.id, v.year, v.outcome, v.decided_on, v.act_reference, v.notes, v.document_name, v.document_type,
	v.document_sha256, v.author, v.created_at, v.ended_at, v.ended_by, coalesce(v.end_kind, ''), v.end_reason, ` + validationInRule

func scanValidation(r pgx.CollectableRow) (model.Validation, error) {
	var v model.Validation
	return v, r.Scan(&v.ID, &v.Year, &v.Outcome, &v.DecidedOn, &v.ActReference, &v.Notes, &v.DocumentName, &v.DocumentType,
		&v.SHA256, &v.Author, &v.CreatedAt, &v.EndedAt, &v.EndedBy, &v.EndKind, &v.EndReason, &v.Public)
}

func (s *Store) validation(ctx context.Context, planID int64, year int, withDoc bool) (model.Validation, error) {
	return s.oneValidation(ctx, `v.plan_id = $1 AND v.year = $2 AND v.ended_at IS NULL`, withDoc, planID, year)
}

// ValidationDecision returns one decision of a year's history, current or
// not, with the size of its document: the history links each decision's
// document. ErrNotFound when the plan year has no such decision.
func (s *Store) ValidationDecision(ctx context.Context, planID int64, year int, id int64) (model.Validation, error) {
	return s.oneValidation(ctx, `v.plan_id = $1 AND v.year = $2 AND v.id = $3`, true, planID, year, id)
}

func (s *Store) oneValidation(ctx context.Context, where string, withDoc bool, args ...any) (model.Validation, error) {
	doc := `0::bigint`
	if withDoc {
		doc = `octet_length(v.document)::bigint`
	}
	rows, err := s.pool.Query(ctx, `SELECT `+validationColumns+`, `+doc+` FROM relazione_validations v WHERE `+where, args...)
	if err != nil {
		return model.Validation{}, fmt.Errorf("validation: %w", err)
	}
	vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Validation, error) {
		var v model.Validation
		return v, r.Scan(&v.ID, &v.Year, &v.Outcome, &v.DecidedOn, &v.ActReference, &v.Notes, &v.DocumentName, &v.DocumentType,
			&v.SHA256, &v.Author, &v.CreatedAt, &v.EndedAt, &v.EndedBy, &v.EndKind, &v.EndReason, &v.Public, &v.DocumentSize)
	})
	if err != nil {
		return model.Validation{}, fmt.Errorf("validation: %w", err)
	}
	if len(vs) == 0 {
		return model.Validation{}, ErrNotFound
	}
	return vs[0], nil
}

// Validations returns the OIV's current decisions on a plan's Relazioni by
// year, without the documents.
func (s *Store) Validations(ctx context.Context, planID int64) (map[int]model.Validation, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+validationColumns+` FROM relazione_validations v WHERE v.plan_id = $1 AND v.ended_at IS NULL`, planID)
	if err != nil {
		return nil, fmt.Errorf("validations: %w", err)
	}
	vs, err := pgx.CollectRows(rows, scanValidation)
	if err != nil {
		return nil, fmt.Errorf("validations: %w", err)
	}
	out := map[int]model.Validation{}
	for _, v := range vs {
		out[v.Year] = v
	}
	return out, nil
}

// ValidationHistory returns, by year, every decision of the OIV on a plan's
// Relazioni, oldest first, without the documents: current, corrected and
// withdrawn ones. With public, only the decisions that met the rule for
// publication (see validationInRule), as the public pages show them.
func (s *Store) ValidationHistory(ctx context.Context, planID int64, public bool) (map[int][]model.Validation, error) {
	cond := ``
	if public {
		cond = ` AND ` + validationInRule
	}
	rows, err := s.pool.Query(ctx, `SELECT `+validationColumns+` FROM relazione_validations v WHERE v.plan_id = $1`+cond+`
		ORDER BY v.year, v.created_at, v.id`, planID)
	if err != nil {
		return nil, fmt.Errorf("validation history: %w", err)
	}
	vs, err := pgx.CollectRows(rows, scanValidation)
	if err != nil {
		return nil, fmt.Errorf("validation history: %w", err)
	}
	out := map[int][]model.Validation{}
	for _, v := range vs {
		out[v.Year] = append(out[v.Year], v)
	}
	return out, nil
}

// ValidatedYears returns the years whose Relazione the OIV validated (with or
// without reserve) within the rule (Public): the years whose results the
// transparency pages publish.
func (s *Store) ValidatedYears(ctx context.Context, planID int64) (map[int]model.Validation, error) {
	all, err := s.Validations(ctx, planID)
	for y, v := range all {
		if v.Outcome == model.NotValidated || !v.Public {
			delete(all, y)
		}
	}
	return all, err
}

// ObservableItems lists a plan's objectives, each followed by its indicators.
func (s *Store) ObservableItems(ctx context.Context, planID int64) ([]model.ObservableItem, error) {
	rows, err := s.pool.Query(ctx, `SELECT o.code, '' AS key, o.title, o.position, 0 AS ipos FROM objectives o WHERE o.plan_id = $1
		UNION ALL
		SELECT o.code, i.key, i.name, o.position, i.position FROM indicators i JOIN objectives o ON o.id = i.objective_id WHERE i.plan_id = $1
		ORDER BY 4, 5`, planID)
	if err != nil {
		return nil, fmt.Errorf("observable items: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.ObservableItem, error) {
		var it model.ObservableItem
		var p1, p2 int
		return it, r.Scan(&it.Objective, &it.Indicator, &it.Title, &p1, &p2)
	})
	if err != nil {
		return nil, fmt.Errorf("observable items: %w", err)
	}
	return out, nil
}

// PublishedUpdate is when the public content of a plan last changed: a
// revision, a validation, a period closed or an approved value of a closed
// period. The transparency page shows it as its last-update date.
func (s *Store) PublishedUpdate(ctx context.Context, planID int64) (time.Time, error) {
	var t time.Time
	err := s.pool.QueryRow(ctx, `SELECT greatest(
			(SELECT max(created_at) FROM revisions WHERE plan_id = $1),
			(SELECT max(greatest(created_at, ended_at)) FROM relazione_validations v WHERE plan_id = $1 AND `+validationInRule+`),
			(SELECT max(closed_at) FROM periods WHERE plan_id = $1),
			(SELECT max(m.updated_at) FROM measurements m JOIN periods p ON p.id = m.period_id
			 WHERE m.plan_id = $1 AND m.status = 'approved' AND p.closed_at IS NOT NULL))`, planID).Scan(&t)
	if err != nil {
		return t, fmt.Errorf("published update: %w", err)
	}
	return t, nil
}

// YearsCompleteness returns, by year, the completeness of each year's final
// period of a plan, in one query.
func (s *Store) YearsCompleteness(ctx context.Context, planID int64) (map[int]model.Completeness, error) {
	return yearsCompleteness(ctx, s.pool, planID, 0)
}

// yearsCompleteness reads the completeness of the final periods of a plan,
// of one year only when year is not 0.
func yearsCompleteness(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, planID int64, year int) (map[int]model.Completeness, error) {
	rows, err := q.Query(ctx, `SELECT p.year, p.ends_on, p.closed_at, count(i.id),
			count(i.id) FILTER (WHERE m.id IS NULL),
			count(*) FILTER (WHERE m.status = 'draft'),
			count(*) FILTER (WHERE m.status = 'submitted'),
			count(*) FILTER (WHERE m.status = 'returned'),
			count(*) FILTER (WHERE m.status = 'approved' AND NOT m.not_applicable),
			count(*) FILTER (WHERE m.status = 'approved' AND m.not_applicable)
		FROM periods p
		LEFT JOIN indicators i ON i.plan_id = p.plan_id AND i.formula <> 'derived'
		LEFT JOIN measurements m ON m.indicator_id = i.id AND m.period_id = p.id
		WHERE p.plan_id = $1 AND p.kind = 'final' AND ($2 = 0 OR p.year = $2)
		GROUP BY p.id, p.year, p.ends_on, p.closed_at`, planID, year)
	if err != nil {
		return nil, fmt.Errorf("completeness: %w", err)
	}
	out := map[int]model.Completeness{}
	var c model.Completeness
	_, err = pgx.ForEachRow(rows, []any{&c.Year, &c.EndsOn, &c.ClosedAt, &c.Expected, &c.Missing, &c.Draft, &c.Submitted,
		&c.Returned, &c.Approved, &c.NotApplicable}, func() error {
		if c.ClosedAt != nil { // a copy: the scan target is reused
			t := *c.ClosedAt
			c.ClosedAt = &t
		}
		out[c.Year] = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("completeness: %w", err)
	}
	return out, nil
}
