// Package dbmigrate applies the embedded golang-migrate migrations to a PostgreSQL
// database through the pgx/v5 driver.
package dbmigrate

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/piao-performance/piao/migrations"
)

// open builds a migrator on its own connection to url; Close releases both.
func open(url string) (*migrate.Migrate, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("open embedded migrations: %w", err)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	drv, err := pgx.WithInstance(db, &pgx.Config{})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migration driver: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "pgx5", drv)
	if err != nil {
		return nil, fmt.Errorf("migrator: %w", err)
	}
	return m, nil
}

// ErrSchemaNewer is returned when the database was migrated by a newer
// release than this binary: its schema has versions this binary does not know.
var ErrSchemaNewer = errors.New("database schema is newer than this program knows")

// SchemaNewerError says which version the database holds and which one this
// binary knows; it matches ErrSchemaNewer.
type SchemaNewerError struct{ Database, Known uint }

func (e *SchemaNewerError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than the latest this program knows (%d)", e.Database, e.Known)
}

// Is makes errors.Is(err, ErrSchemaNewer) true.
func (e *SchemaNewerError) Is(target error) bool { return target == ErrSchemaNewer }

// Latest returns the highest migration version embedded in the binary.
func Latest() (uint, error) {
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return 0, fmt.Errorf("read embedded migrations: %w", err)
	}
	var latest uint
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok || !strings.HasSuffix(e.Name(), ".up.sql") {
			continue
		}
		v, err := strconv.ParseUint(num, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migration file %s: %w", e.Name(), err)
		}
		latest = max(latest, uint(v))
	}
	return latest, nil
}

// checkNotNewer refuses a database whose schema version is above Latest.
func checkNotNewer(m *migrate.Migrate) error {
	v, _, err := m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("migration version: %w", err)
	}
	latest, err := Latest()
	if err != nil {
		return err
	}
	if v > latest {
		return &SchemaNewerError{Database: v, Known: latest}
	}
	return nil
}

// Up applies every pending migration. No change is success. A database
// migrated by a newer release is refused with a *SchemaNewerError.
func Up(url string) error {
	m, err := open(url)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := checkNotNewer(m); err != nil {
		return err
	}
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}

// Down reverts the given number of migrations (all of them when steps <= 0).
func Down(url string, steps int) error {
	m, err := open(url)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := checkNotNewer(m); err != nil {
		return err
	}
	if steps <= 0 {
		err = m.Down()
	} else {
		err = m.Steps(-steps)
	}
	if err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

// Version reports the applied version; ok is false on a database never migrated.
func Version(url string) (version uint, dirty, ok bool, err error) {
	m, err := open(url)
	if err != nil {
		return 0, false, false, err
	}
	defer m.Close()
	version, dirty, err = m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, false, nil
	}
	if err != nil {
		return 0, false, false, fmt.Errorf("migration version: %w", err)
	}
	return version, dirty, true, nil
}

// UpTo migrates to exactly version (up or down); the upgrade test uses it to
// build a database at an older schema.
func UpTo(url string, version uint) error {
	m, err := open(url)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Migrate(version); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate to %d: %w", version, err)
	}
	return nil
}
