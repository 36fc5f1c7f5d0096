package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// ErrLegalChanged is returned when an ente's legal texts changed after the
// version a form was built from.
var ErrLegalChanged = errors.New("the legal texts changed meanwhile")

// EnteLegal returns the legal texts an ente configured; Version 0 (and empty
// fields) when it configured none.
func (s *Store) EnteLegal(ctx context.Context, enteID int64) (model.EnteLegal, error) {
	var l model.EnteLegal
	err := s.pool.QueryRow(ctx, `SELECT conformity, non_accessible, method, prepared_on, reviewed_on, feedback_contact,
		agid_form_url, privacy, legal_notes, version, updated_at FROM ente_legal WHERE ente_id = $1`, enteID).
		Scan(&l.Conformity, &l.NonAccessible, &l.Method, &l.PreparedOn, &l.ReviewedOn, &l.FeedbackContact,
			&l.AgIDFormURL, &l.Privacy, &l.LegalNotes, &l.Version, &l.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return model.EnteLegal{}, nil
	}
	if err != nil {
		return l, fmt.Errorf("legal texts of ente %d: %w", enteID, err)
	}
	return l, nil
}

// SaveEnteLegal stores an ente's legal texts with their audit event, only if
// they are still at version (0: never saved); ErrLegalChanged otherwise.
func (s *Store) SaveEnteLegal(ctx context.Context, enteID int64, enteSlug string, l model.EnteLegal, version int, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		// lock the ente, so that two first saves cannot both see version 0
		if _, err := tx.Exec(ctx, `SELECT 1 FROM enti WHERE id = $1 FOR UPDATE`, enteID); err != nil {
			return fmt.Errorf("save legal texts: %w", err)
		}
		var cur int
		err := tx.QueryRow(ctx, `SELECT version FROM ente_legal WHERE ente_id = $1 FOR UPDATE`, enteID).Scan(&cur)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("save legal texts: %w", err)
		}
		if cur != version {
			return ErrLegalChanged
		}
		_, err = tx.Exec(ctx, `INSERT INTO ente_legal (ente_id, conformity, non_accessible, method, prepared_on, reviewed_on,
			feedback_contact, agid_form_url, privacy, legal_notes, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (ente_id) DO UPDATE SET conformity = $2, non_accessible = $3, method = $4, prepared_on = $5,
			reviewed_on = $6, feedback_contact = $7, agid_form_url = $8, privacy = $9, legal_notes = $10,
			updated_by = $11, updated_at = now(), version = ente_legal.version + 1`,
			enteID, l.Conformity, l.NonAccessible, l.Method, l.PreparedOn, l.ReviewedOn, l.FeedbackContact, l.AgIDFormURL,
			l.Privacy, l.LegalNotes, actor)
		if err != nil {
			return fmt.Errorf("save legal texts: %w", err)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "ente.legal", EnteID: &enteID, ObjectType: "ente", ObjectKey: enteSlug,
			Detail: map[string]any{"version": version + 1, "conformity": l.Conformity, "method": l.Method,
				"feedback_contact": l.FeedbackContact, "agid_form_url": l.AgIDFormURL}})
	})
}
