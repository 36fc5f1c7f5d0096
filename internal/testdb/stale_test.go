package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"testing"
	"time"
)

// TestDropStaleFixtureTemplates: a fixture template past staleAfter is
// dropped, a recent one and an unmarked database are left alone.
func TestDropStaleFixtureTemplates(t *testing.T) {
	conf := Config(t)
	db, err := conf.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() }) // registered first: runs after the drops below
	ctx := context.Background()
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	names := map[string]string{ // database → its comment ("" = none)
		"piao_stale_old_" + hex.EncodeToString(suffix):   seededComment + time.Now().Add(-staleAfter-time.Minute).UTC().Format(time.RFC3339),
		"piao_stale_new_" + hex.EncodeToString(suffix):   seededComment + time.Now().UTC().Format(time.RFC3339),
		"piao_stale_plain_" + hex.EncodeToString(suffix): "",
	}
	for name, comment := range names {
		stmts := []string{fmt.Sprintf(`CREATE DATABASE %q`, name), fmt.Sprintf(`ALTER DATABASE %q IS_TEMPLATE true`, name)}
		if comment != "" {
			stmts = append(stmts, fmt.Sprintf(`COMMENT ON DATABASE %q IS '%s'`, name, comment))
		}
		for _, q := range stmts {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		t.Cleanup(func() {
			_, _ = db.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %q IS_TEMPLATE false`, name))
			_, _ = db.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %q`, name))
		})
	}
	dropStale(ctx, conf)
	for name := range names {
		var exists bool
		if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
			t.Fatal(err)
		}
		if want := name[:len("piao_stale_old")] != "piao_stale_old"; exists != want {
			t.Errorf("%s exists %v, want %v", name, exists, want)
		}
	}
}
