package store

import (
	"context"
	"slices"
	"testing"

	"github.com/piao-performance/piao/internal/testdb"
)

// TestEnteBackupCoversSchema: every table of the schema is in an ente's
// backup (enteTables) or left out on purpose (EnteBackupExcluded), never
// both; every reference of a backed-up table ends at a table backed up
// before it (or at itself), so the restore can rewrite it; every binary
// column is a blob entry or an audit chain column. A table or a reference
// added by a migration fails here until it is placed.
func TestEnteBackupCoversSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Pool(t)
	tables, err := schemaTables(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	excluded := EnteBackupExcluded()
	listed := EnteBackupTables()
	for _, name := range tables {
		_, ex := excluded[name]
		in := slices.Contains(listed, name)
		if in == ex {
			t.Errorf("table %s: in the ente backup %v, excluded %v (want exactly one)", name, in, ex)
		}
	}
	for name := range excluded {
		if !slices.Contains(tables, name) {
			t.Errorf("excluded table %s is not in the schema", name)
		}
	}
	sch, err := loadEnteSchema(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'bytea'::regtype`)
	if err != nil {
		t.Fatal(err)
	}
	bytea := map[string][]string{}
	for rows.Next() {
		var tb, col string
		if err := rows.Scan(&tb, &col); err != nil {
			t.Fatal(err)
		}
		bytea[tb] = append(bytea[tb], col)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for i, tb := range enteTables() {
		cols := sch[tb.name]
		if len(cols) == 0 {
			t.Errorf("table %s: no columns in the catalog", tb.name)
		}
		for _, c := range cols {
			if c.ref == "" || c.ref == tb.name {
				continue
			}
			j := slices.Index(listed, c.ref)
			if j < 0 || j >= i {
				t.Errorf("%s.%s refers to %s, which the backup does not write before it", tb.name, c.name, c.ref)
			}
		}
		for _, col := range bytea[tb.name] {
			if !slices.Contains(tb.blobs, col) && !(tb.name == "audit_events" && slices.Contains(auditChainColumns, col)) {
				t.Errorf("binary column %s.%s is neither a blob entry nor an audit chain column", tb.name, col)
			}
		}
		for _, b := range tb.blobs {
			if !slices.Contains(bytea[tb.name], b) {
				t.Errorf("blob column %s.%s is not binary in the schema", tb.name, b)
			}
		}
	}
	// The references the restore rewrites, spot-checked through composite keys.
	for _, want := range [][3]string{{"measurements", "plan_id", "plans"}, {"targets", "revision_id", "revisions"},
		{"units", "parent_id", "units"}, {"audit_events", "ente_id", "enti"}, {"notifications", "recipient_id", "users"}} {
		i := slices.IndexFunc(sch[want[0]], func(c enteColumn) bool { return c.name == want[1] })
		if i < 0 || sch[want[0]][i].ref != want[2] {
			t.Errorf("%s.%s: want a reference to %s, got %+v", want[0], want[1], want[2], sch[want[0]])
		}
	}
}
