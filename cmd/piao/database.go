package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/config"
	"github.com/piao-performance/piao/internal/dbmigrate"
	"github.com/piao-performance/piao/internal/pgembed"
)

// embeddedDB is the database created in the private cluster.
const embeddedDB = "piao"

// target is where the program connects: the application as a role with
// limited rights on the audit trail, the migrations as the schema's owner.
type target struct {
	app, owner string
	// appRole and appPassword name the application role that migrating
	// creates and grants; appRole "" means the application runs as the owner.
	appRole, appPassword string
	// private is set for the private cluster, where the program holds the
	// superuser and grants the application role at every start.
	private bool
}

// database returns the connections to use: DATABASE_URL (with
// PIAO_MIGRATE_DATABASE_URL for the owner), or a database in the private
// PostgreSQL cluster under DataDir/folder, started here, as the superuser
// and the role <db>_app. stop shuts that cluster down (a no-op with
// DATABASE_URL).
func database(ctx context.Context, cfg config.Config, log *slog.Logger, folder string) (t target, stop func(), err error) {
	if cfg.DatabaseURL != "" {
		t = target{app: cfg.DatabaseURL, owner: cfg.MigrateURL}
		if t.owner == "" {
			t.owner = t.app
		}
		appUser, appPassword, err := urlUser(t.app)
		if err != nil {
			return t, nil, fmt.Errorf("DATABASE_URL: %w", err)
		}
		ownerUser, _, err := urlUser(t.owner)
		if err != nil {
			return t, nil, fmt.Errorf("PIAO_MIGRATE_DATABASE_URL: %w", err)
		}
		if appUser == ownerUser {
			log.Warn("the application connects as the schema's owner, which can disable the audit trail's guards: set PIAO_MIGRATE_DATABASE_URL to the owner and DATABASE_URL to another role", "role", appUser)
		} else {
			t.appRole, t.appPassword = appUser, appPassword
		}
		return t, func() {}, nil
	}
	dir, err := filepath.Abs(filepath.Join(cfg.DataDir, folder))
	if err != nil {
		return t, nil, fmt.Errorf("data folder: %w", err)
	}
	// The test cluster holds only throwaway databases: no crash safety.
	cl, err := pgembed.Start(ctx, pgembed.Config{Dir: dir, Logger: log, Disposable: folder == testFolder})
	if err != nil {
		return t, nil, err
	}
	stop = func() {
		// The parent context may be cancelled already (SIGTERM): stopping must still run.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := cl.Stop(sctx); err != nil {
			log.Error("stop embedded PostgreSQL", "error", err)
		}
	}
	if err := ensureDatabase(ctx, cl.URL("postgres"), embeddedDB); err != nil {
		stop()
		return t, nil, err
	}
	pw, err := cl.AppPassword()
	if err != nil {
		stop()
		return t, nil, err
	}
	role := dbmigrate.AppRole(embeddedDB)
	return target{app: cl.RoleURL(role, pw, embeddedDB), owner: cl.URL(embeddedDB), appRole: role, appPassword: pw, private: true}, stop, nil
}

// urlUser returns the user and password of a connection URL (as pgx reads
// it, so PGUSER and the like apply too).
func urlUser(url string) (user, password string, err error) {
	c, err := pgx.ParseConfig(url)
	if err != nil {
		return "", "", err
	}
	return c.User, c.Password, nil
}

// ensureDatabase creates database name on the server at adminURL if missing.
func ensureDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to embedded PostgreSQL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("look up database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// connect opens the application database (DATABASE_URL or the private
// cluster), applies the migrations as the owner when migrate is set, grants
// the application role, and returns a checked pool connected as that role;
// closeAll releases the pool and stops a private cluster.
func connect(ctx context.Context, cfg config.Config, log *slog.Logger, migrate bool) (pool *pgxpool.Pool, closeAll func(), err error) {
	t, stop, err := database(ctx, cfg, log, "postgres")
	if err != nil {
		return nil, nil, err
	}
	if migrate {
		if err := dbmigrate.Up(t.owner); err != nil {
			stop()
			return nil, nil, err
		}
	}
	if t.appRole != "" && (migrate || t.private) {
		if err := dbmigrate.EnsureAppRole(ctx, t.owner, t.appRole, t.appPassword); err != nil {
			stop()
			return nil, nil, err
		}
	}
	pool, err = openPool(ctx, t.app)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return pool, func() { pool.Close(); stop() }, nil
}

// openPool connects and checks the connection.
func openPool(ctx context.Context, url string) (*pgxpool.Pool, error) {
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("connect database: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect database: %w", err)
	}
	return pool, nil
}
