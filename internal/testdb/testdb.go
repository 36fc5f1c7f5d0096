// Package testdb gives each test a fresh, migrated PostgreSQL database: the
// migrations run once into a template database (pgtestdb), and every test gets
// a clone of it, dropped when the test passes.
//
// The server comes from PIAO_TEST_DATABASE_URL. `make test` sets it, starting a
// private cluster first when none is configured, so tests never need a manual
// database step; a test run without it fails and says how to run it.
package testdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver for pgtestdb
	"github.com/peterldowns/pgtestdb"

	"github.com/piao-performance/piao/internal/dbmigrate"
	"github.com/piao-performance/piao/migrations"
)

// EnvURL names the variable holding the test server's URL.
const EnvURL = "PIAO_TEST_DATABASE_URL"

// Config returns the pgtestdb configuration of the test server.
func Config(t testing.TB) pgtestdb.Config {
	t.Helper()
	raw := os.Getenv(EnvURL)
	if raw == "" {
		t.Fatalf("%s is not set: run the tests with `make test`, which starts a private PostgreSQL when needed", EnvURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	pw, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	db := u.Path
	if len(db) > 0 && db[0] == '/' {
		db = db[1:]
	}
	if db == "" {
		db = "postgres"
	}
	opts := u.RawQuery
	if opts == "" {
		opts = "sslmode=disable"
	}
	return pgtestdb.Config{
		DriverName: "pgx", Host: u.Hostname(), Port: port, User: u.User.Username(),
		Password: pw, Database: db, Options: opts,
	}
}

// URL returns the URL of a fresh migrated database for t.
func URL(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, Config(t), Migrator{}).URL()
}

// Empty returns the URL of a fresh database with no migrations applied.
func Empty(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, Config(t), pgtestdb.NoopMigrator{}).URL()
}

// Pool returns a pool on a fresh migrated database, closed when t ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), URL(t))
	if err != nil {
		t.Fatalf("connect test database: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Migrator applies the embedded migrations; its hash covers every migration
// file, so a changed migration makes a new template.
type Migrator struct{}

// Hash identifies the schema the migrations produce.
func (Migrator) Hash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// Migrate runs the migrations on the template database.
func (Migrator) Migrate(_ context.Context, _ *sql.DB, conf pgtestdb.Config) error {
	return dbmigrate.Up(conf.URL())
}
