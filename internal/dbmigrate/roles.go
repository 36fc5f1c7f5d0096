package dbmigrate

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// AppRoleSuffix makes the application role's default name from the
// database's: role names are cluster-wide, so each database gets its own.
const AppRoleSuffix = "_app"

// AppRole returns the default application role of database db
// ("<db>_app", cut to PostgreSQL's 63-byte limit).
func AppRole(db string) string {
	const max = 63
	if len(db)+len(AppRoleSuffix) > max {
		db = db[:max-len(AppRoleSuffix)]
	}
	return db + AppRoleSuffix
}

// grants are run after every migration, so tables added later are covered.
// The application role may read and write the ordinary tables; on the audit
// trail it may only append and read (no UPDATE, DELETE, TRUNCATE, TRIGGER,
// and not being the owner it cannot ALTER or DISABLE TRIGGER); the migration
// bookkeeping it may only read.
var grants = []string{
	`GRANT USAGE ON SCHEMA public TO %[1]s`,
	`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %[1]s`,
	`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %[1]s`,
	`REVOKE ALL ON audit_events, schema_migrations FROM %[1]s`,
	`GRANT SELECT, INSERT ON audit_events TO %[1]s`,
	`GRANT SELECT ON schema_migrations TO %[1]s`,
	`GRANT EXECUTE ON FUNCTION audit_seal() TO %[1]s`,
}

// EnsureAppRole creates the application role on the database at ownerURL
// when missing (LOGIN; with password when one is given, otherwise the
// server's trust or peer authentication applies), sets its password, and
// grants it what the application needs and no more. It is idempotent and
// runs after the migrations, as their owner.
func EnsureAppRole(ctx context.Context, ownerURL, role, password string) error {
	conn, err := pgx.Connect(ctx, ownerURL)
	if err != nil {
		return fmt.Errorf("app role %s: connect as owner: %w", role, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var owner string
	if err := conn.QueryRow(ctx, `SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'audit_events'`).Scan(&owner); err != nil {
		return fmt.Errorf("app role %s: owner of audit_events (are the migrations applied?): %w", role, err)
	}
	if owner == role {
		return fmt.Errorf("app role %s owns the schema: the application must connect as another role than the migrations", role)
	}
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, role).Scan(&exists); err != nil {
		return fmt.Errorf("app role %s: %w", role, err)
	}
	if !exists {
		var stmt string
		if err := conn.QueryRow(ctx, `SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', $1::text)`, role).Scan(&stmt); err != nil {
			return fmt.Errorf("app role %s: %w", role, err)
		}
		// Another database's migration may create it at the same moment.
		if _, err := conn.Exec(ctx, stmt); err != nil && !isDuplicate(err) {
			return fmt.Errorf("create app role %s: %w", role, err)
		}
	}
	if password != "" {
		var stmt string
		if err := conn.QueryRow(ctx, `SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)`, role, password).Scan(&stmt); err != nil {
			return fmt.Errorf("app role %s: %w", role, err)
		}
		// Two databases' migrations (tests run packages in parallel) may set
		// it at the same moment: PostgreSQL then refuses one with "tuple
		// concurrently updated", and setting it again succeeds.
		for try := 0; ; try++ {
			_, err := conn.Exec(ctx, stmt)
			if err == nil {
				break
			}
			if !isConcurrentUpdate(err) || try == 4 {
				return fmt.Errorf("app role %s password: %w", role, err)
			}
		}
	}
	var db string
	if err := conn.QueryRow(ctx, `SELECT current_database()`).Scan(&db); err != nil {
		return fmt.Errorf("app role %s: %w", role, err)
	}
	ident := pgx.Identifier{role}.Sanitize()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("app role %s grants: %w", role, err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // committed below
	stmts := append([]string{`GRANT CONNECT, TEMPORARY ON DATABASE ` + pgx.Identifier{db}.Sanitize() + ` TO %[1]s`}, grants...)
	for _, g := range stmts {
		if _, err := tx.Exec(ctx, fmt.Sprintf(g, ident)); err != nil {
			return fmt.Errorf("app role %s grants: %w", role, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("app role %s grants: %w", role, err)
	}
	return nil
}

func isConcurrentUpdate(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "XX000" && pe.Message == "tuple concurrently updated"
}

func isDuplicate(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "42710" || pe.Code == "23505")
}
