package dbmigrate_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/dbmigrate"
	"github.com/piao-performance/piao/internal/testdb"
)

func tables(t *testing.T, url string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	err = conn.QueryRow(context.Background(), `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestUpDownUp applies every migration, reverts them all, and applies them again
// on a fresh database: the down files must undo exactly what the up files do.
func TestUpDownUp(t *testing.T) {
	url := testdb.Empty(t)
	if _, _, ok, err := dbmigrate.Version(url); err != nil || ok {
		t.Fatalf("fresh database: ok=%v err=%v", ok, err)
	}
	if err := dbmigrate.Up(url); err != nil {
		t.Fatal(err)
	}
	v, dirty, ok, err := dbmigrate.Version(url)
	if err != nil || !ok || dirty || v < 1 {
		t.Fatalf("after up: v=%d dirty=%v ok=%v err=%v", v, dirty, ok, err)
	}
	n := tables(t, url)
	if n < 15 {
		t.Fatalf("after up: %d tables", n)
	}
	if err := dbmigrate.Up(url); err != nil {
		t.Fatalf("a second up must be a no-op: %v", err)
	}
	if err := dbmigrate.Down(url, 0); err != nil {
		t.Fatal(err)
	}
	if got := tables(t, url); got != 0 {
		t.Fatalf("after down: %d tables left", got)
	}
	if _, _, ok, err := dbmigrate.Version(url); err != nil || ok {
		t.Fatalf("after down: ok=%v err=%v", ok, err)
	}
	if err := dbmigrate.Up(url); err != nil {
		t.Fatal(err)
	}
	if got := tables(t, url); got != n {
		t.Fatalf("after up again: %d tables, want %d", got, n)
	}
}
