package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
)

// Errors of the Relazione draft (migrations 000035 and 000036).
var (
	// ErrRelazioneDraftChanged: the draft changed after the version a form was built from.
	ErrRelazioneDraftChanged = errors.New("the relazione draft changed meanwhile")
	// ErrRelazioneDraftLocked: the draft was sent to the OIV or validated; it is read-only.
	ErrRelazioneDraftLocked = errors.New("the relazione draft is no longer editable")
	// ErrRelazioneDraftExists: a draft for the year exists already.
	ErrRelazioneDraftExists = errors.New("the relazione draft exists already")
)

// RelazioneDraft returns the draft of a plan year with its sections in
// order, or ErrNotFound.
func (s *Store) RelazioneDraft(ctx context.Context, planID int64, year int) (model.RelazioneDraft, error) {
	d := model.RelazioneDraft{PlanID: planID, Year: year}
	err := s.pool.QueryRow(ctx, `SELECT status, version, created_at, created_by, updated_at, updated_by, sent_at, sent_by, validated_at
		FROM relazione_drafts WHERE plan_id = $1 AND year = $2`, planID, year).
		Scan(&d.Status, &d.Version, &d.CreatedAt, &d.CreatedBy, &d.UpdatedAt, &d.UpdatedBy, &d.SentAt, &d.SentBy, &d.ValidatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("relazione draft %d/%d: %w", planID, year, err)
	}
	rows, err := s.pool.Query(ctx, `SELECT key, free, generated, generated_at, edited, updated_at, updated_by
		FROM relazione_draft_sections WHERE plan_id = $1 AND year = $2 ORDER BY position`, planID, year)
	if err != nil {
		return d, fmt.Errorf("relazione draft sections: %w", err)
	}
	d.Sections, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.DraftSection, error) {
		var sec model.DraftSection
		var gen []byte
		if err := r.Scan(&sec.Key, &sec.Free, &gen, &sec.GeneratedAt, &sec.Edited, &sec.UpdatedAt, &sec.UpdatedBy); err != nil {
			return sec, err
		}
		if err := json.Unmarshal(gen, &sec.Generated); err != nil {
			return sec, fmt.Errorf("section %s: %w", sec.Key, err)
		}
		return sec, nil
	})
	if err != nil {
		return d, fmt.Errorf("relazione draft sections: %w", err)
	}
	return d, nil
}

func draftKey(h model.PlanHeader, year int) string {
	return fmt.Sprintf("%s/%s %d", h.EnteSlug, h.Slug, year)
}

// CreateRelazioneDraft stores the first draft of a plan year with its
// sections (generated text only), audited as relazione.draft.create;
// ErrRelazioneDraftExists when the year has one.
func (s *Store) CreateRelazioneDraft(ctx context.Context, h model.PlanHeader, year int, sections []model.DraftSection, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO relazione_drafts (plan_id, year, created_by, updated_by) VALUES ($1, $2, $3, $3)
			ON CONFLICT (plan_id, year) DO NOTHING`, h.ID, year, actor)
		if err != nil {
			return fmt.Errorf("create relazione draft: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return ErrRelazioneDraftExists
		}
		var keys []string
		for i, sec := range sections {
			gen, err := json.Marshal(nonNilParagraphs(sec.Generated))
			if err != nil {
				return fmt.Errorf("create relazione draft: %w", err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO relazione_draft_sections (plan_id, year, key, position, free, generated, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, h.ID, year, sec.Key, i, sec.Free, gen, actor); err != nil {
				return fmt.Errorf("create relazione draft: section %s: %w", sec.Key, err)
			}
			keys = append(keys, sec.Key)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "relazione.draft.create", EnteID: &h.EnteID,
			ObjectType: "relazione", ObjectKey: draftKey(h, year), Detail: map[string]any{"version": 1, "sections": keys}})
	})
}

func nonNilParagraphs(ps []model.DraftParagraph) []model.DraftParagraph {
	if ps == nil {
		return []model.DraftParagraph{}
	}
	return ps
}

// lockDraft locks the draft row and checks it is a bozza at version.
func lockDraft(ctx context.Context, tx pgx.Tx, planID int64, year, version int) error {
	var status string
	var cur int
	err := tx.QueryRow(ctx, `SELECT status, version FROM relazione_drafts WHERE plan_id = $1 AND year = $2 FOR UPDATE`, planID, year).Scan(&status, &cur)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return fmt.Errorf("lock relazione draft: %w", err)
	case cur != version:
		return ErrRelazioneDraftChanged
	case status != model.DraftBozza:
		return ErrRelazioneDraftLocked
	}
	return nil
}

func bumpDraft(ctx context.Context, tx pgx.Tx, planID int64, year int, actor string) error {
	if _, err := tx.Exec(ctx, `UPDATE relazione_drafts SET version = version + 1, updated_at = now(), updated_by = $3
		WHERE plan_id = $1 AND year = $2`, planID, year, actor); err != nil {
		return fmt.Errorf("relazione draft version: %w", err)
	}
	return nil
}

// SaveDraftSection sets the edited text of a section (nil: back to the
// generated text) if the draft is a bozza still at version; audited as
// relazione.draft.edit with the text before and after.
func (s *Store) SaveDraftSection(ctx context.Context, h model.PlanHeader, year int, key string, text *string, version int, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockDraft(ctx, tx, h.ID, year, version); err != nil {
			return err
		}
		var before *string
		err := tx.QueryRow(ctx, `SELECT edited FROM relazione_draft_sections WHERE plan_id = $1 AND year = $2 AND key = $3`, h.ID, year, key).Scan(&before)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("save relazione draft section: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE relazione_draft_sections SET edited = $4, updated_at = now(), updated_by = $5
			WHERE plan_id = $1 AND year = $2 AND key = $3`, h.ID, year, key, text, actor); err != nil {
			return fmt.Errorf("save relazione draft section: %w", err)
		}
		if err := bumpDraft(ctx, tx, h.ID, year, actor); err != nil {
			return err
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "relazione.draft.edit", EnteID: &h.EnteID,
			ObjectType: "relazione", ObjectKey: draftKey(h, year),
			Detail: map[string]any{"section": key, "version": version + 1, "old": before, "new": text}})
	})
}

// RegenerateDraftSection replaces a section's generated text with a new
// generation and drops its edited text, if the draft is a bozza still at
// version; audited as relazione.draft.regenerate with the texts replaced.
func (s *Store) RegenerateDraftSection(ctx context.Context, h model.PlanHeader, year int, key string, generated []model.DraftParagraph, version int, actor string) error {
	gen, err := json.Marshal(nonNilParagraphs(generated))
	if err != nil {
		return fmt.Errorf("regenerate relazione draft section: %w", err)
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockDraft(ctx, tx, h.ID, year, version); err != nil {
			return err
		}
		var before []byte
		var edited *string
		var free bool
		err := tx.QueryRow(ctx, `SELECT generated, edited, free FROM relazione_draft_sections WHERE plan_id = $1 AND year = $2 AND key = $3`,
			h.ID, year, key).Scan(&before, &edited, &free)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && free) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("regenerate relazione draft section: %w", err)
		}
		var old []model.DraftParagraph
		if err := json.Unmarshal(before, &old); err != nil {
			return fmt.Errorf("regenerate relazione draft section: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE relazione_draft_sections SET generated = $4, generated_at = now(), edited = NULL,
			updated_at = now(), updated_by = $5 WHERE plan_id = $1 AND year = $2 AND key = $3`, h.ID, year, key, gen, actor); err != nil {
			return fmt.Errorf("regenerate relazione draft section: %w", err)
		}
		if err := bumpDraft(ctx, tx, h.ID, year, actor); err != nil {
			return err
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "relazione.draft.regenerate", EnteID: &h.EnteID,
			ObjectType: "relazione", ObjectKey: draftKey(h, year),
			Detail: map[string]any{"section": key, "version": version + 1, "old_generated": model.ParagraphsText(old),
				"old_edited": edited, "new": model.ParagraphsText(generated)}})
	})
}

// SendDraftToOIV moves a bozza at version to inviata: from then on it is
// read-only. Audited as relazione.draft.send; the ente's OIV gets an e-mail
// (in the outbox, in the same transaction).
func (s *Store) SendDraftToOIV(ctx context.Context, h model.PlanHeader, year, version int, actor auth.User) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockDraft(ctx, tx, h.ID, year, version); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE relazione_drafts SET status = 'inviata', sent_at = now(), sent_by = $3,
			version = version + 1, updated_at = now(), updated_by = $3 WHERE plan_id = $1 AND year = $2`, h.ID, year, actor.Username); err != nil {
			return fmt.Errorf("send relazione draft: %w", err)
		}
		if err := appendAudit(ctx, tx, AuditEvent{Actor: actor.Username, Action: "relazione.draft.send", EnteID: &h.EnteID,
			ObjectType: "relazione", ObjectKey: draftKey(h, year),
			Detail: map[string]any{"version": version + 1, "old": model.DraftBozza, "new": model.DraftInviata}}); err != nil {
			return err
		}
		return s.enqueueRelazioneDraftSent(ctx, tx, h, year, version+1, actor)
	})
}

// freezeDraft follows the OIV's decision on a year inside its transaction: a
// decision that validates (with or without reserve) freezes the draft the
// Segretario sent; "non validata" or a withdrawal gives it back to the
// Segretario as a bozza. A bozza never sent stays a bozza, unpublished: the
// OIV does not read it (README, "Relazione in forma di testo"), so its
// decision does not cover it; once sent, a correction of the decision
// freezes it. It returns the draft's status before and after ("" when the
// year has none).
func freezeDraft(ctx context.Context, tx pgx.Tx, planID int64, year int, validates bool, actor string) (before, after string, err error) {
	err = tx.QueryRow(ctx, `SELECT status FROM relazione_drafts WHERE plan_id = $1 AND year = $2 FOR UPDATE`, planID, year).Scan(&before)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("relazione draft: %w", err)
	}
	after = model.DraftBozza
	if validates {
		if before == model.DraftBozza {
			return before, before, nil
		}
		after = model.DraftValidata
	}
	if _, err := tx.Exec(ctx, `UPDATE relazione_drafts SET status = $3,
		validated_at = CASE WHEN $3 = 'validata' THEN now() END,
		sent_at = CASE WHEN $3 = 'bozza' THEN NULL ELSE coalesce(sent_at, now()) END,
		sent_by = CASE WHEN $3 = 'bozza' THEN '' WHEN sent_at IS NULL THEN $4 ELSE sent_by END,
		version = version + 1, updated_at = now(), updated_by = $4 WHERE plan_id = $1 AND year = $2`,
		planID, year, after, actor); err != nil {
		return "", "", fmt.Errorf("relazione draft: %w", err)
	}
	return before, after, nil
}
