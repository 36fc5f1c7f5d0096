// Package testdb gives each test a fresh, migrated PostgreSQL database: the
// migrations run once into a template database (pgtestdb), and every test gets
// a clone of it, dropped when the test passes.
//
// `go test -short` skips every test that needs a database, leaving the pure
// ones (engine, plan, formats, templates): the quick loop while editing.
//
// The server comes from PIAO_TEST_DATABASE_URL. `make test` sets it, starting a
// private cluster first when none is configured, so tests never need a manual
// database step; a test run without it fails and says how to run it.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

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
	if testing.Short() {
		t.Skip("needs PostgreSQL: `go test -short` runs only the tests without a database")
	}
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
		// The schema's owner must be able to create the application role.
		TestRole: &pgtestdb.Role{Username: ownerRole, Password: testPassword, Capabilities: "NOSUPERUSER NOCREATEDB CREATEROLE"},
	}
}

const (
	// ownerRole runs the migrations and owns the test databases, as the
	// owner role does in production; testPassword is its and the
	// application role's password (a private cluster wants one).
	ownerRole    = "piao_test_owner"
	testPassword = "piao-test"
)

// appRole is the application role of the test databases of this schema:
// role names are cluster-wide, and other checkouts with other migrations
// may share the server.
func appRole() (string, error) {
	h, err := Migrator{}.Hash()
	if err != nil {
		return "", err
	}
	return dbmigrate.AppRole("piao_test_" + h), nil
}

// URLs returns the URLs of a fresh migrated database for t: connected as
// the schema's owner (as migrations run) and as the application role (as
// the application runs).
func URLs(t testing.TB) (owner, app string) {
	t.Helper()
	conf := pgtestdb.Custom(t, Config(t), Migrator{})
	role, err := appRole()
	if err != nil {
		t.Fatal(err)
	}
	appConf := *conf
	appConf.User, appConf.Password = role, testPassword
	return conf.URL(), appConf.URL()
}

// URL returns the URL of a fresh migrated database for t, connected as the
// schema's owner.
func URL(t testing.TB) string {
	t.Helper()
	owner, _ := URLs(t)
	return owner
}

// Empty returns the URL of a fresh database with no migrations applied.
func Empty(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, Config(t), pgtestdb.NoopMigrator{}).URL()
}

// Pool returns a pool on a fresh migrated database, connected as the
// application role (so every test using it runs with the application's
// rights, not the owner's), closed when t ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	app, _ := Pools(t)
	return app
}

// Pools returns two pools on one fresh migrated database: as the
// application role and as the schema's owner (for tests that tamper with
// what the application cannot), closed when t ends.
func Pools(t testing.TB) (app, owner *pgxpool.Pool) {
	t.Helper()
	ownerURL, appURL := URLs(t)
	return connect(t, appURL), connect(t, ownerURL)
}

// OwnerPool returns a pool on the database of app (a pool from Pool),
// connected as the schema's owner, closed when t ends: for tests that do
// what the application cannot, such as tampering with the audit trail.
func OwnerPool(t testing.TB, app *pgxpool.Pool) *pgxpool.Pool {
	t.Helper()
	c := app.Config().ConnConfig
	u := url.URL{Scheme: "postgres", User: url.UserPassword(ownerRole, testPassword),
		Host: net.JoinHostPort(c.Host, strconv.Itoa(int(c.Port))), Path: "/" + c.Database, RawQuery: "sslmode=disable"}
	return connect(t, u.String())
}

func connect(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
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
	h.Write([]byte(grantsVersion))
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// grantsVersion changes the template when the application role's grants do.
const grantsVersion = "app-role-1"

// Migrate runs the migrations on the template database and grants the
// application role, as `piao migrate` does.
func (Migrator) Migrate(ctx context.Context, _ *sql.DB, conf pgtestdb.Config) error {
	if err := dbmigrate.Up(conf.URL()); err != nil {
		return err
	}
	role, err := appRole()
	if err != nil {
		return err
	}
	return dbmigrate.EnsureAppRole(ctx, conf.URL(), role, testPassword)
}

// Seeder fills a template database after the migrations, for a fixture many
// tests start from (the reference plan): each test then clones the filled
// template instead of loading the fixture again.
type Seeder interface {
	// Key identifies what Seed writes: it must change whenever that
	// content may change (package testfix uses the test binary's hash,
	// which covers the loading code too).
	Key() (string, error)
	// Seed writes the fixture into the database at url, connected as the
	// schema's owner.
	Seed(ctx context.Context, url string) error
}

// PoolFrom returns a pool on a fresh database cloned from a template that
// holds the migrations and what s writes, connected as the application
// role, closed when t ends.
func PoolFrom(t testing.TB, s Seeder) *pgxpool.Pool {
	t.Helper()
	conf := Config(t)
	key, err := s.Key()
	if err != nil {
		t.Fatal(err)
	}
	var inst pgtestdb.Config
	if v, ok := seededTemplates.Load(key); ok {
		inst = clone(t, conf, v.(pgtestdb.Config))
	} else {
		// the first test of the process builds the template (pgtestdb, under
		// its lock) and gets pgtestdb's clone; the next ones clone it here
		inst = *pgtestdb.Custom(t, conf, seeded{s: s, admin: conf})
		tpl := inst
		tpl.Database, _, _ = strings.Cut(inst.Database, "_inst_")
		seededTemplates.Store(key, tpl)
	}
	role, err := appRole()
	if err != nil {
		t.Fatal(err)
	}
	appConf := inst
	appConf.User, appConf.Password = role, testPassword
	return connect(t, appConf.URL())
}

// seededTemplates maps a Seeder's key to its template, once built in this
// process (test support: the process-wide cache pgtestdb keeps too).
var seededTemplates sync.Map

// clone creates a database from the template tpl for t, with the FILE_COPY
// strategy: on the test cluster (no fsync) it takes about two thirds of the
// time of the default WAL_LOG copy that pgtestdb asks for, and every test
// that uses the reference plan pays it. The database is dropped when t
// passes and kept, as pgtestdb does, when it fails.
func clone(t testing.TB, admin, tpl pgtestdb.Config) pgtestdb.Config {
	t.Helper()
	db, err := admin.Connect()
	if err != nil {
		t.Fatalf("connect to the test server: %v", err)
	}
	defer db.Close()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	inst := tpl
	inst.Database = tpl.Database + "_inst_" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %q WITH TEMPLATE %q OWNER %q STRATEGY FILE_COPY`,
		inst.Database, tpl.Database, tpl.User)); err != nil {
		t.Fatalf("clone %s: %v", tpl.Database, err)
	}
	t.Logf("testdbconf: %s", inst.URL())
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		db, err := admin.Connect()
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.ExecContext(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, inst.Database))
	})
	return inst
}

// seeded is the pgtestdb migrator of a Seeder's template.
type seeded struct {
	s     Seeder
	admin pgtestdb.Config // the server's superuser, to drop stale templates
}

func (m seeded) Hash() (string, error) {
	base, err := Migrator{}.Hash()
	if err != nil {
		return "", err
	}
	key, err := m.s.Key()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(base + "\x00" + key))
	return "seed_" + hex.EncodeToString(sum[:])[:16], nil
}

// seededComment marks the templates of seeded fixtures with their creation
// time, so that later runs can drop the stale ones.
const seededComment = "piao test fixture, created "

// staleAfter is the age past which a fixture template is dropped: far longer
// than any test process lives (make proof's timeout is 30 minutes), so no
// running test still clones it. The keys change with every build of a test
// binary, and the templates would otherwise pile up on a long-lived server.
const staleAfter = 2 * time.Hour

func (m seeded) Migrate(ctx context.Context, db *sql.DB, conf pgtestdb.Config) error {
	if err := (Migrator{}).Migrate(ctx, db, conf); err != nil {
		return err
	}
	if err := m.s.Seed(ctx, conf.URL()); err != nil {
		return fmt.Errorf("seed template: %w", err)
	}
	comment := seededComment + time.Now().UTC().Format(time.RFC3339)
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`COMMENT ON DATABASE %q IS '%s'`, conf.Database, comment)); err != nil {
		return fmt.Errorf("mark template: %w", err)
	}
	dropStale(ctx, m.admin)
	return nil
}

// dropStale drops the fixture templates older than staleAfter, best effort:
// a template in use, or a server that refuses, is left for a later run.
func dropStale(ctx context.Context, admin pgtestdb.Config) {
	db, err := admin.Connect()
	if err != nil {
		return
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database
		WHERE shobj_description(oid, 'pg_database') LIKE $1`, seededComment+"%")
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name, comment string
		if rows.Scan(&name, &comment) != nil {
			continue
		}
		created, err := time.Parse(time.RFC3339, comment[len(seededComment):])
		if err == nil && time.Since(created) > staleAfter {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		// A template cannot be dropped; a clone in progress makes the
		// drop fail, which is fine.
		if _, err := db.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %q IS_TEMPLATE false`, name)); err != nil {
			continue
		}
		_, _ = db.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE %q`, name))
	}
}
