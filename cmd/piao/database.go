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

// database returns the URL to use: DATABASE_URL, or a database in the private
// PostgreSQL cluster under DataDir/postgres, started here. stop shuts that
// cluster down (a no-op with DATABASE_URL).
func database(ctx context.Context, cfg config.Config, log *slog.Logger, folder string) (url string, stop func(), err error) {
	if cfg.DatabaseURL != "" {
		return cfg.DatabaseURL, func() {}, nil
	}
	dir, err := filepath.Abs(filepath.Join(cfg.DataDir, folder))
	if err != nil {
		return "", nil, fmt.Errorf("data folder: %w", err)
	}
	cl, err := pgembed.Start(ctx, pgembed.Config{Dir: dir, Logger: log})
	if err != nil {
		return "", nil, err
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
		return "", nil, err
	}
	return cl.URL(embeddedDB), stop, nil
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
// cluster), applies the migrations when migrate is set, and returns a checked
// pool; closeAll releases the pool and stops a private cluster.
func connect(ctx context.Context, cfg config.Config, log *slog.Logger, migrate bool) (pool *pgxpool.Pool, closeAll func(), err error) {
	url, stop, err := database(ctx, cfg, log, "postgres")
	if err != nil {
		return nil, nil, err
	}
	if migrate {
		if err := dbmigrate.Up(url); err != nil {
			stop()
			return nil, nil, err
		}
	}
	pool, err = openPool(ctx, url)
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
