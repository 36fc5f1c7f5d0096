package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/auth"
)

// ThrottlePolicy sets how failed sign-ins slow an account and an address down.
type ThrottlePolicy struct {
	MaxAccount  int           // failures of one account from one address before a lock
	BaseLock    time.Duration // first lock; each further one doubles
	MaxLock     time.Duration // cap of the growing lock
	MaxAddress  int           // failures from one address (any account) before it is locked
	AddressLock time.Duration // how long an address stays locked
	Window      time.Duration // failures older than this are forgotten
	ForgetLocks time.Duration // past locks are forgotten after this long without failures
	PruneAfter  time.Duration // rows quiet (and unlocked) for this long are deleted
}

// DefaultThrottle is the sign-in throttling policy (README, "Accounts and security").
var DefaultThrottle = ThrottlePolicy{MaxAccount: 5, BaseLock: time.Minute, MaxLock: time.Hour, MaxAddress: 50,
	AddressLock: 15 * time.Minute, Window: 15 * time.Minute, ForgetLocks: 24 * time.Hour, PruneAfter: 48 * time.Hour}

// Reservation is the outcome of reserving a sign-in attempt.
type Reservation struct {
	Allowed       bool
	RetryAfter    time.Duration // refused: how long until the lock ends; AccountLocked: how long the new lock lasts
	AccountLocked bool          // this attempt, if it fails, starts a lock of the account from this address
	AddressLocked bool          // this attempt started a lock of the address
}

func accountKey(username, address string) string { return "acct:" + username + "|" + address }
func addressKey(address string) string           { return "addr:" + address }

// ReserveSignIn reserves one sign-in attempt before the password is hashed, in
// one statement, so parallel guesses cannot all pass the check. The attempt
// counts as a failure until ReleaseSignIn records its success; an attempt
// refused because of a lock is not counted and does not extend the lock.
func (s *Store) ReserveSignIn(ctx context.Context, username, address string, p ThrottlePolicy) (Reservation, error) {
	var r Reservation
	var secs int
	err := s.pool.QueryRow(ctx, `SELECT * FROM sign_in_reserve($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		accountKey(username, address), username, addressKey(address), p.MaxAccount, p.BaseLock, p.MaxLock,
		p.MaxAddress, p.AddressLock, p.Window, p.ForgetLocks).Scan(&r.Allowed, &secs, &r.AccountLocked, &r.AddressLocked)
	if err != nil {
		return r, fmt.Errorf("reserve sign-in: %w", err)
	}
	r.RetryAfter = time.Duration(secs) * time.Second
	return r, nil
}

// ReleaseSignIn clears an account's failures from an address after a
// successful sign-in, and gives the address its reserved attempt back.
func (s *Store) ReleaseSignIn(ctx context.Context, username, address string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sign_in_throttle WHERE key = $1`, accountKey(username, address)); err != nil {
			return fmt.Errorf("release sign-in: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE sign_in_throttle SET failures = greatest(failures - 1, 0) WHERE key = $1`,
			addressKey(address)); err != nil {
			return fmt.Errorf("release sign-in: %w", err)
		}
		return nil
	})
}

// RecordLockout puts the start of an account's lock in the audit trail: a
// security event, unlike the failures that led to it.
func (s *Store) RecordLockout(ctx context.Context, u auth.User, address string, until time.Duration) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		return appendAudit(ctx, tx, AuditEvent{Actor: "anonimo", Action: "auth.lockout", EnteID: enteRef(u), ObjectType: "user",
			ObjectKey: u.Username, Detail: map[string]any{"address": address, "seconds": int(until.Seconds())}})
	})
}

// UnlockSignIn lifts every lock and forgets every failure of an account, from
// any address, and records who did it.
func (s *Store) UnlockSignIn(ctx context.Context, username, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var enteID *int64
		if err := tx.QueryRow(ctx, `SELECT ente_id FROM users WHERE username = $1`, username).Scan(&enteID); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("utente %s: %w", username, ErrNotFound)
			}
			return fmt.Errorf("unlock %s: %w", username, err)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM sign_in_throttle WHERE username = $1`, username)
		if err != nil {
			return fmt.Errorf("unlock %s: %w", username, err)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "auth.unlock", EnteID: enteID, ObjectType: "user",
			ObjectKey: username, Detail: map[string]any{"cleared": tag.RowsAffected()}})
	})
}

// PruneSignInThrottle deletes throttling rows quiet for longer than the
// policy keeps them and no longer locked; it returns how many went.
func (s *Store) PruneSignInThrottle(ctx context.Context, p ThrottlePolicy) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sign_in_throttle WHERE updated_at < now() - $1::interval
		AND (locked_until IS NULL OR locked_until < now())`, p.PruneAfter)
	if err != nil {
		return 0, fmt.Errorf("prune sign-in throttle: %w", err)
	}
	return tag.RowsAffected(), nil
}

// PruneSignInThrottleEvery prunes throttling rows every interval until ctx
// ends; the server runs it so the table holds only recent activity.
func (s *Store) PruneSignInThrottleEvery(ctx context.Context, every time.Duration, p ThrottlePolicy, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.PruneSignInThrottle(ctx, p); err != nil && ctx.Err() == nil {
				log.Error("sign-in throttle pruning failed", "err", err)
			}
		}
	}
}
