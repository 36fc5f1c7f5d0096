package pgembed_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/pgembed"
)

// start starts a cluster and makes sure it is stopped before the test's
// temp dir is removed, even when the test fails half-way.
func start(t *testing.T, dir string) *pgembed.Cluster {
	t.Helper()
	return startWith(t, pgembed.Config{Dir: dir})
}

func startWith(t *testing.T, cfg pgembed.Config) *pgembed.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c, err := pgembed.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { stop(t, c) })
	return c
}

func stop(t *testing.T, c *pgembed.Cluster) {
	t.Helper()
	// Not t.Context(): it is already canceled when cleanups run.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Stop(ctx); err != nil {
		t.Errorf("Stop: %v", err)
	}
}

func connect(t *testing.T, c *pgembed.Cluster) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), c.URL("postgres"))
	if err != nil {
		t.Fatalf("connect to %s: %v", c.URL("postgres"), err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestStartStopKeepsData(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster: run without -short")
	}
	dir := filepath.Join(t.TempDir(), "postgres")

	c := start(t, dir)
	wantPrefix := "postgres://postgres:"
	wantSuffix := fmt.Sprintf("@127.0.0.1:%d/app?sslmode=disable", c.Port())
	if u := c.URL("app"); !strings.HasPrefix(u, wantPrefix) || !strings.HasSuffix(u, wantSuffix) {
		t.Errorf("URL(app) = %q, want %s…%s", u, wantPrefix, wantSuffix)
	}
	info, err := os.Stat(filepath.Join(dir, "password"))
	if err != nil {
		t.Fatalf("password file: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("password file mode = %o, want 600", perm)
	}

	conn := connect(t, c)
	wantSettings(t, conn, "on")
	for _, sql := range []string{
		"CREATE TABLE kept (id int PRIMARY KEY, note text NOT NULL)",
		"INSERT INTO kept VALUES (1, 'survives a restart')",
	} {
		if _, err := conn.Exec(t.Context(), sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	conn.Close(t.Context())
	firstPort := c.Port()
	stop(t, c)

	// the same data started as a disposable (test) cluster: no crash safety
	c2 := startWith(t, pgembed.Config{Dir: dir, Disposable: true})
	t.Logf("first port %d, second port %d", firstPort, c2.Port())
	conn2 := connect(t, c2)
	wantSettings(t, conn2, "off")
	var note string
	if err := conn2.QueryRow(t.Context(), "SELECT note FROM kept WHERE id = 1").Scan(&note); err != nil {
		t.Fatalf("read row after restart: %v", err)
	}
	if note != "survives a restart" {
		t.Errorf("note = %q, want %q", note, "survives a restart")
	}

	stop(t, c2)
	stop(t, c2) // idempotent
}

// wantSettings checks the durability settings Config.Disposable turns off.
func wantSettings(t *testing.T, conn *pgx.Conn, want string) {
	t.Helper()
	for _, name := range []string{"fsync", "synchronous_commit", "full_page_writes"} {
		var got string
		if err := conn.QueryRow(t.Context(), "SELECT current_setting($1)", name).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
}

func TestStartOnRunningDirAttaches(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster: run without -short")
	}
	dir := filepath.Join(t.TempDir(), "postgres")
	c := start(t, dir)
	if c.Attached() {
		t.Fatal("first Start reports Attached, want a cluster of its own")
	}
	if _, err := connect(t, c).Exec(t.Context(), "CREATE TABLE shared (n int)"); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c2, err := pgembed.Start(ctx, pgembed.Config{Dir: dir})
	if err != nil {
		t.Fatalf("second Start on a running data folder: %v, want it to use the running cluster", err)
	}
	if !c2.Attached() || c2.Port() != c.Port() {
		t.Fatalf("second Start: attached %v port %d, want attached to port %d", c2.Attached(), c2.Port(), c.Port())
	}
	if _, err := connect(t, c2).Exec(t.Context(), "INSERT INTO shared VALUES (1)"); err != nil {
		t.Fatalf("write through the attached cluster: %v", err)
	}
	// Stopping the attached handle leaves the owner's server running.
	stop(t, c2)
	var n int
	if err := connect(t, c).QueryRow(t.Context(), "SELECT count(*) FROM shared").Scan(&n); err != nil || n != 1 {
		t.Errorf("first cluster after the attached one stopped: %v (count %d, want 1)", err, n)
	}
}
