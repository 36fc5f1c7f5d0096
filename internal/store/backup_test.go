package store_test

import (
	"context"
	"testing"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
	"github.com/piao-performance/piao/internal/testfix"
)

// TestBackupCoversEveryTable: every table of the current schema is either
// backed up (it has a digest) or named in BackupExcluded with a reason, and
// every excluded name is a real table. A table added by a migration is
// backed up unless someone excludes it here on purpose.
func TestBackupCoversEveryTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, owner := testdb.Pools(t)
	st := store.New(owner)
	tables, err := st.SchemaTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	digests, err := st.TableDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	backed := map[string]bool{}
	for _, d := range digests {
		backed[d.Table] = true
	}
	excluded := store.BackupExcluded()
	inSchema := map[string]bool{}
	for _, table := range tables {
		inSchema[table] = true
		_, skip := excluded[table]
		switch {
		case backed[table] && skip:
			t.Errorf("table %s is both backed up and excluded", table)
		case !backed[table] && !skip:
			t.Errorf("table %s is neither backed up nor excluded (store.BackupExcluded)", table)
		}
	}
	for table, why := range excluded {
		if !inSchema[table] || why == "" {
			t.Errorf("excluded table %s: in schema %v, reason %q", table, inSchema[table], why)
		}
	}
	if len(tables) < 20 || len(digests) != len(tables)-len(excluded) {
		t.Errorf("%d tables, %d digests, %d excluded", len(tables), len(digests), len(excluded))
	}
}

// TestTableDigestsSeeEveryChange: the digest of a table changes when one
// value of one row changes, and is the same when read twice.
func TestTableDigestsSeeEveryChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, owner := testdb.Pools(t)
	testfix.Reference(t, testfix.OnPool(pool))
	st := store.New(owner)
	digest := func() map[string]model.TableDigest {
		ds, err := st.TableDigests(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]model.TableDigest{}
		for _, d := range ds {
			m[d.Table] = d
		}
		return m
	}
	before, again := digest(), digest()
	for table, d := range before {
		if again[table] != d {
			t.Errorf("%s: digest not stable: %v then %v", table, d, again[table])
		}
	}
	if before["indicators"].Rows < 50 {
		t.Fatalf("indicators: %d rows", before["indicators"].Rows)
	}
	if _, err := owner.Exec(ctx, `UPDATE indicators SET name = name || '.' WHERE id = (SELECT max(id) FROM indicators)`); err != nil {
		t.Fatal(err)
	}
	after := digest()
	if after["indicators"].SHA256 == before["indicators"].SHA256 || after["indicators"].Rows != before["indicators"].Rows {
		t.Errorf("indicators digest after a change: %v, before %v", after["indicators"], before["indicators"])
	}
	if after["objectives"] != before["objectives"] {
		t.Errorf("objectives digest changed without a change")
	}
}
