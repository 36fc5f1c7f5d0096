package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
)

// MaxPendingForm bounds the values kept for one form posted after the
// session expired (bytes of their JSON).
const MaxPendingForm = 256 << 10

// maxPendingForms bounds the forms kept at once (the oldest go first).
const maxPendingForms = 2000

// ErrFormTooLarge: the form is too large to be kept.
var ErrFormTooLarge = errors.New("pending form too large")

// KeepForm keeps the values of a form posted to path after the session
// expired and returns the one-time token that takes them back (TakeForm).
// Forms older than a day are pruned in the same transaction.
func (s *Store) KeepForm(ctx context.Context, path string, form url.Values) (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("pending form token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	size := 0
	for k, vs := range form {
		size += len(k)
		for _, v := range vs {
			size += len(v) + 8
		}
	}
	if size > MaxPendingForm {
		return "", ErrFormTooLarge
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// a day at most, and the newest maxPendingForms: anonymous posts cannot fill the table
		if _, err := tx.Exec(ctx, `DELETE FROM pending_forms WHERE created_at < now() - interval '1 day'
			OR token IN (SELECT token FROM pending_forms ORDER BY created_at DESC OFFSET $1)`, maxPendingForms-1); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO pending_forms (token, path, form) VALUES ($1, $2, $3)`, token, path, map[string][]string(form))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("keep pending form: %w", err)
	}
	return token, nil
}

// TakeForm returns, once, the values kept under token for path; ErrNotFound
// when there are none (already taken, expired, or kept for another path).
func (s *Store) TakeForm(ctx context.Context, token, path string) (url.Values, error) {
	var form map[string][]string
	err := s.pool.QueryRow(ctx, `DELETE FROM pending_forms WHERE token = $1 AND path = $2
		AND created_at >= now() - interval '1 day' RETURNING form`, token, path).Scan(&form)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("take pending form: %w", err)
	}
	return url.Values(form), nil
}
