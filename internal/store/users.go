package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
)

// ErrUserExists is returned when a username or e-mail is taken.
var ErrUserExists = errors.New("user already exists")

// ErrEmailTaken is returned when another account, of any ente, has the e-mail.
var ErrEmailTaken = errors.New("e-mail already used by another account")

// Refusals of CreateUser: the account's ente and position must exist, and
// exactly dirigenti and referenti have a position; only an administrator may
// belong to no ente.
var (
	ErrEnteRequired     = errors.New("only an administrator may belong to no ente")
	ErrPositionMismatch = errors.New("dirigenti and referenti, and only they, have a position")
	ErrUnknownEnte      = errors.New("unknown ente")
	ErrUnknownPosition  = errors.New("unknown position")
	ErrUnknownRole      = errors.New("unknown role")
	ErrDisplayName      = errors.New("display name must have 1 to 200 characters")
)

// NewUser is an account to create.
type NewUser struct {
	Ente         string // ente slug; "" for a global administrator
	Username     string
	DisplayName  string
	Email        string
	Role         auth.Role
	Position     string // manager position key (roles.key) for dirigenti and referenti
	PasswordHash string // "" for single sign-on only
}

// userColumns are named so that a query may select them from a subquery
// (sessionFind).
const userColumns = `u.id, coalesce(u.ente_id, 0) AS ente_id, coalesce(e.slug, '') AS ente_slug, u.username, u.display_name, u.email,
	u.access_role, coalesce(u.position_id, 0) AS position_id, coalesce(r.key, '') AS position_key, u.session_epoch`

const userFrom = `FROM users u LEFT JOIN enti e ON e.id = u.ente_id LEFT JOIN roles r ON r.id = u.position_id`

func scanUser(row pgx.Row, extra ...any) (auth.User, error) {
	var u auth.User
	var role string
	dest := append([]any{&u.ID, &u.EnteID, &u.EnteSlug, &u.Username, &u.DisplayName, &u.Email, &role, &u.PositionID,
		&u.PositionKey, &u.Epoch}, extra...)
	err := row.Scan(dest...)
	u.Role = auth.Role(role)
	return u, err
}

// CreateUser adds an account and records it in the audit trail.
func (s *Store) CreateUser(ctx context.Context, n NewUser, actor string) (int64, error) {
	if err := auth.ValidUsername(n.Username); err != nil {
		return 0, err
	}
	if !n.Role.Valid() {
		return 0, fmt.Errorf("%w %q", ErrUnknownRole, n.Role)
	}
	if l := len([]rune(strings.TrimSpace(n.DisplayName))); l == 0 || l > 200 {
		return 0, ErrDisplayName
	}
	if n.Ente == "" && n.Role != auth.Admin {
		return 0, ErrEnteRequired
	}
	needsPosition := n.Role == auth.Dirigente || n.Role == auth.Referente
	if needsPosition != (n.Position != "") {
		return 0, ErrPositionMismatch
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var enteID, positionID *int64
		if n.Ente != "" {
			var e int64
			if err := tx.QueryRow(ctx, `SELECT id FROM enti WHERE slug = $1`, n.Ente).Scan(&e); err != nil {
				if errors.Is(err, pgx.ErrNoRows) {
					return fmt.Errorf("%w: %q", ErrUnknownEnte, n.Ente)
				}
				return fmt.Errorf("ente %s: %w", n.Ente, err)
			}
			enteID = &e
		}
		if n.Position != "" {
			var p int64
			if err := tx.QueryRow(ctx, `SELECT id FROM roles WHERE ente_id = $1 AND key = $2`, enteID, n.Position).Scan(&p); err != nil {
				if errors.Is(err, pgx.ErrNoRows) {
					return fmt.Errorf("%w: %q in ente %s", ErrUnknownPosition, n.Position, n.Ente)
				}
				return fmt.Errorf("position %s: %w", n.Position, err)
			}
			positionID = &p
		}
		err := tx.QueryRow(ctx, `INSERT INTO users (ente_id, username, display_name, email, password_hash, access_role, position_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, enteID, n.Username, strings.TrimSpace(n.DisplayName),
			strings.TrimSpace(n.Email), n.PasswordHash, string(n.Role), positionID).Scan(&id)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "users_email_idx" {
			return fmt.Errorf("%s: %w", n.Email, ErrEmailTaken)
		}
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return fmt.Errorf("%s: %w", n.Username, ErrUserExists)
		}
		if errors.As(err, &pgErr) && pgErr.Code == "23514" {
			return fmt.Errorf("dati dell'utente non validi (%s)", pgErr.ConstraintName)
		}
		if err != nil {
			return fmt.Errorf("insert user %s: %w", n.Username, err)
		}
		// never the password or its hash in the trail
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "user.create", EnteID: enteID, ObjectType: "user",
			ObjectKey: n.Username, Detail: map[string]any{"role": n.Role, "position": n.Position, "email": n.Email,
				"display_name": n.DisplayName, "password": n.PasswordHash != ""}})
	})
	return id, err
}

// SetPassword replaces an account's password hash and ends its other sessions.
func (s *Store) SetPassword(ctx context.Context, username, hash, actor string) error {
	return s.updateUser(ctx, username, nil, actor, "user.password", `password_hash = $2, session_epoch = session_epoch + 1`, hash, nil)
}

// SetActive enables or disables an account; disabling ends its sessions.
func (s *Store) SetActive(ctx context.Context, username string, active bool, actor string) error {
	return s.setActive(ctx, username, active, nil, actor)
}

// SetActiveFrom is SetActive from a form built on the account at version:
// ErrUserChanged, and nothing changes, if the account changed since.
func (s *Store) SetActiveFrom(ctx context.Context, username string, active bool, version int, actor string) error {
	return s.setActive(ctx, username, active, &version, actor)
}

// ErrUserChanged is returned when an account changed after the version a form was built from.
var ErrUserChanged = errors.New("the user changed meanwhile")

func (s *Store) setActive(ctx context.Context, username string, active bool, version *int, actor string) error {
	action := "user.enable"
	var check func(pgx.Tx) error
	if !active {
		action = "user.disable"
		// the ente must keep an administrator (ErrLastAdmin); checked first, so
		// that the administrators are always locked before the account itself
		check = func(tx pgx.Tx) error { return refuseLastAdmin(ctx, tx, username) }
	}
	return s.updateUser(ctx, username, version, actor, action, `active = $2, session_epoch = session_epoch + 1`, active, check)
}

// updateUser changes an account (set uses $2 = arg) with its audit event; with
// a version, only if the account is still at it (ErrUserChanged otherwise);
// check, when set, runs first in the same transaction and can refuse.
func (s *Store) updateUser(ctx context.Context, username string, version *int, actor, action, set string, arg any, check func(pgx.Tx) error) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		var enteID *int64
		var cur int
		if err := tx.QueryRow(ctx, `SELECT ente_id, version FROM users WHERE username = $1 FOR UPDATE`, username).Scan(&enteID, &cur); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("utente %s: %w", username, ErrNotFound)
			}
			return fmt.Errorf("update user %s: %w", username, err)
		}
		if version != nil && *version != cur {
			return ErrUserChanged
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET `+set+`, version = version + 1 WHERE username = $1`, username, arg); err != nil {
			return fmt.Errorf("update user %s: %w", username, err)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: action, EnteID: enteID, ObjectType: "user", ObjectKey: username})
	})
}

// ListUsers lists the accounts of an ente ("" for every account).
func (s *Store) ListUsers(ctx context.Context, ente string) ([]model.UserRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.id, coalesce(e.slug, ''), u.username, u.display_name, u.email, u.access_role,
			coalesce(r.key, ''), u.active, u.last_sign_in_at, u.version,
			(SELECT max(t.locked_until) FROM sign_in_throttle t WHERE t.username = u.username AND t.locked_until > now()) `+userFrom+`
		WHERE $1 = '' OR e.slug = $1 ORDER BY e.slug NULLS FIRST, u.username`, ente)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.UserRow, error) {
		var u model.UserRow
		var role string
		err := r.Scan(&u.ID, &u.Ente, &u.Username, &u.DisplayName, &u.Email, &role, &u.Position, &u.Active, &u.LastSignIn, &u.Version, &u.LockedUntil)
		u.Role = auth.Role(role)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// Credentials returns an active account and its password hash for sign-in,
// or ErrNotFound for an unknown or disabled account.
func (s *Store) Credentials(ctx context.Context, username string) (auth.User, string, error) {
	var hash string
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash `+userFrom+`
		WHERE u.username = $1 AND u.active`, username), &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, "", ErrNotFound
	}
	if err != nil {
		return u, "", fmt.Errorf("credentials: %w", err)
	}
	return u, hash, nil
}

// ActiveUser returns an active account by id, or ErrNotFound.
func (s *Store) ActiveUser(ctx context.Context, id int64) (auth.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` `+userFrom+` WHERE u.id = $1 AND u.active`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

// ErrAmbiguousClaim is returned when a single sign-on claim matches more
// than one account: none is chosen.
var ErrAmbiguousClaim = errors.New("the claim matches several accounts")

// ErrIdentityMismatch is returned when the account matching a claim is bound
// to another single sign-on identity.
var ErrIdentityMismatch = errors.New("the account is bound to another identity")

// UserBySSO finds the active account for a single sign-on identity: the one
// bound to issuer+subject; failing that, the only active account whose
// username or e-mail equals claim, which is then bound to the identity so
// that later sign-ins match by it. It returns ErrNotFound, ErrAmbiguousClaim
// or ErrIdentityMismatch when no account may be used.
func (s *Store) UserBySSO(ctx context.Context, issuer, subject, claim string) (auth.User, error) {
	var u auth.User
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var active bool
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+`, u.active `+userFrom+`
			WHERE u.sso_issuer = $1 AND u.sso_subject = $2`, issuer, subject), &active)
		if err == nil {
			if !active {
				return ErrNotFound
			}
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("user by identity: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT `+userColumns+`, coalesce(u.sso_subject, '') `+userFrom+`
			WHERE u.active AND (u.username = lower($1) OR (u.email <> '' AND lower(u.email) = lower($1))) LIMIT 2`, claim)
		if err != nil {
			return fmt.Errorf("user by claim: %w", err)
		}
		var bound []string
		users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (auth.User, error) {
			var b string
			u, err := scanUser(r, &b)
			bound = append(bound, b)
			return u, err
		})
		switch {
		case err != nil:
			return fmt.Errorf("user by claim: %w", err)
		case len(users) == 0:
			return ErrNotFound
		case len(users) > 1:
			return ErrAmbiguousClaim
		case bound[0] != "":
			return ErrIdentityMismatch
		}
		u = users[0]
		tag, err := tx.Exec(ctx, `UPDATE users SET sso_issuer = $2, sso_subject = $3 WHERE id = $1 AND sso_subject IS NULL`,
			u.ID, issuer, subject)
		if err != nil {
			return fmt.Errorf("bind identity: %w", err)
		}
		if tag.RowsAffected() != 1 {
			return ErrIdentityMismatch
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: u.Username, Action: "auth.sso_bind", EnteID: enteRef(u), ObjectType: "user",
			ObjectKey: u.Username, Detail: map[string]any{"issuer": issuer, "subject": subject}})
	})
	return u, err
}

// RecordSignIn notes a successful sign-in.
func (s *Store) RecordSignIn(ctx context.Context, u auth.User, address, method string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET last_sign_in_at = now() WHERE id = $1`, u.ID); err != nil {
			return fmt.Errorf("record sign-in: %w", err)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: u.Username, Action: "auth.sign_in", EnteID: enteRef(u), ObjectType: "user",
			ObjectKey: u.Username, Detail: map[string]any{"address": address, "method": method}})
	})
}

// RecordSignOut notes a sign-out; everywhere also ends every other session of the account.
func (s *Store) RecordSignOut(ctx context.Context, u auth.User, everywhere bool) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		action := "auth.sign_out"
		if everywhere {
			action = "auth.sign_out_everywhere"
			if _, err := tx.Exec(ctx, `UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1`, u.ID); err != nil {
				return fmt.Errorf("sign out everywhere: %w", err)
			}
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: u.Username, Action: action, EnteID: enteRef(u), ObjectType: "user", ObjectKey: u.Username})
	})
}

func enteRef(u auth.User) *int64 {
	if u.EnteID == 0 {
		return nil
	}
	id := u.EnteID
	return &id
}

// EnteID returns the id of an ente slug, or ErrNotFound.
func (s *Store) EnteID(ctx context.Context, slug string) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT id FROM enti WHERE slug = $1`, slug).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("ente %s: %w", slug, err)
	}
	return id, nil
}

// LatestPlan returns the slugs of an ente's most recent plan, or ErrNotFound.
func (s *Store) LatestPlan(ctx context.Context, enteID int64) (ente, plan string, err error) {
	err = s.pool.QueryRow(ctx, `SELECT e.slug, p.slug FROM plans p JOIN enti e ON e.id = p.ente_id
		WHERE p.ente_id = $1 ORDER BY p.start_year DESC, p.id DESC LIMIT 1`, enteID).Scan(&ente, &plan)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("latest plan: %w", err)
	}
	return ente, plan, nil
}
