package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
)

// ErrDraftExists is returned when a plan already has a draft revision.
var ErrDraftExists = errors.New("a draft revision exists")

// ErrDraftChanged is returned when the draft changed since the editor read it.
var ErrDraftChanged = errors.New("the draft changed meanwhile")

// StartDraft opens a draft revision from the plan as it is now.
func (s *Store) StartDraft(ctx context.Context, h model.PlanHeader, d model.Draft, actor string) error {
	doc, err := s.ExportPlan(ctx, h.EnteSlug, h.Slug)
	if err != nil {
		return err
	}
	doc.State = nil
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO plan_drafts (plan_id, base_seq, label, in_force_from, adopted_on, act_reference, reason, document, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (plan_id) DO NOTHING`,
			h.ID, h.RevisionSeq, d.Label, d.InForceFrom, d.AdoptedOn, d.ActReference, d.Reason, doc, actor)
		if err != nil {
			return fmt.Errorf("start draft: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return ErrDraftExists
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "plan.draft.start", EnteID: &h.EnteID, ObjectType: "plan",
			ObjectKey: h.EnteSlug + "/" + h.Slug, Reason: d.Reason,
			Detail: map[string]any{"label": d.Label, "in_force_from": d.InForceFrom.Format("2006-01-02"), "act_reference": d.ActReference, "base": h.RevisionSeq}})
	})
}

// DraftOf returns the plan's draft revision, or ErrNotFound.
func (s *Store) DraftOf(ctx context.Context, planID int64) (model.Draft, error) {
	return s.draft(ctx, s.pool, planID, false)
}

func (s *Store) draft(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, planID int64, lock bool) (model.Draft, error) {
	var d model.Draft
	var raw []byte
	sql := `SELECT base_seq, label, in_force_from, adopted_on, act_reference, reason, document, version, created_by, updated_at
		FROM plan_drafts WHERE plan_id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	err := q.QueryRow(ctx, sql, planID).Scan(&d.BaseSeq, &d.Label, &d.InForceFrom, &d.AdoptedOn, &d.ActReference, &d.Reason, &raw,
		&d.Version, &d.CreatedBy, &d.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("draft: %w", err)
	}
	d.Doc = new(plan.Document)
	if err := json.Unmarshal(raw, d.Doc); err != nil {
		return d, fmt.Errorf("draft document: %w", err)
	}
	return d, nil
}

// SaveDraft stores an edited draft document, if the draft is still at
// version; what says what changed, for the audit trail.
func (s *Store) SaveDraft(ctx context.Context, h model.PlanHeader, doc *plan.Document, version int, what map[string]any, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error { return saveDraft(ctx, tx, h, doc, version, what, actor) })
}

// saveDraft is SaveDraft inside tx: the editor's forms, its uploads and a
// reviewed published PIAO (ApplyPlanImport) all write the draft this way.
func saveDraft(ctx context.Context, tx pgx.Tx, h model.PlanHeader, doc *plan.Document, version int, what map[string]any, actor string) error {
	// the next version comes from a sequence: no draft ever reuses a version (migration 000017)
	tag, err := tx.Exec(ctx, `UPDATE plan_drafts SET document = $3, version = nextval('plan_draft_versions'), updated_at = now()
		WHERE plan_id = $1 AND version = $2`, h.ID, version, doc)
	if err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrDraftChanged
	}
	return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "plan.draft.edit", EnteID: &h.EnteID, ObjectType: "plan",
		ObjectKey: h.EnteSlug + "/" + h.Slug, Detail: what})
}

// DiscardDraft deletes the plan's draft revision if it is still at version
// (the one the discarding form was built from): ErrDraftChanged when the
// draft changed since, ErrNotFound when there is none.
func (s *Store) DiscardDraft(ctx context.Context, h model.PlanHeader, version int, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := s.draft(ctx, tx, h.ID, true)
		if err != nil {
			return err
		}
		if d.Version != version {
			return ErrDraftChanged
		}
		if _, err := tx.Exec(ctx, `DELETE FROM plan_drafts WHERE plan_id = $1`, h.ID); err != nil {
			return fmt.Errorf("discard draft: %w", err)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "plan.draft.discard", EnteID: &h.EnteID, ObjectType: "plan",
			ObjectKey: h.EnteSlug + "/" + h.Slug})
	})
}

// AdoptDraft makes the draft the plan's new revision and deletes it, in one
// transaction, if the draft is still at version (the one the administrator
// reviewed; otherwise ErrDraftChanged); it returns the revision's number.
func (s *Store) AdoptDraft(ctx context.Context, h model.PlanHeader, version int, actor string) (int, error) {
	var seq int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := s.draft(ctx, tx, h.ID, true)
		if err != nil {
			return err
		}
		if d.Version != version {
			return ErrDraftChanged
		}
		if seq, err = applyRevision(ctx, tx, h, d.Doc, d.Meta(), actor); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM plan_drafts WHERE plan_id = $1`, h.ID); err != nil {
			return fmt.Errorf("adopt draft: %w", err)
		}
		return nil
	})
	return seq, err
}
