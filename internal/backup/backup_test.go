package backup_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/backup"
	"github.com/piao-performance/piao/internal/dbmigrate"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
	"github.com/piao-performance/piao/internal/testfix"
)

func target(t *testing.T, url string) backup.Target {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return backup.Target{URL: url, Store: store.New(pool)}
}

// retar copies a backup, letting edit change the manifest: the file sums
// stay right, so only the restore's own verification can catch the change.
func retar(t *testing.T, file []byte, edit func(*backup.Manifest)) []byte {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(file))
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if h.Name == "manifest.json" {
			var m backup.Manifest
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			edit(&m)
			if b, err = json.Marshal(m); err != nil {
				t.Fatal(err)
			}
			h.Size = int64(len(b))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestRestoreThatFailsVerificationLeavesNothing: when the restored rows do
// not match the manifest, Restore reports which table and removes what it
// loaded, so the database is empty again.
func TestRestoreThatFailsVerificationLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srcURL, _ := testdb.URLs(t)
	pool, err := pgxpool.New(ctx, srcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	testfix.Reference(t, testfix.OnPool(pool))
	v, _, _, err := dbmigrate.Version(srcURL)
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if _, err := backup.Write(ctx, target(t, srcURL), v, &file, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	bad := retar(t, file.Bytes(), func(m *backup.Manifest) {
		for i := range m.Tables {
			if m.Tables[i].Table == "indicators" {
				m.Tables[i].Rows++
			}
		}
	})
	c, err := backup.Check(bytes.NewReader(bad), t.TempDir())
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	defer c.Close()
	dst := target(t, testdb.Empty(t))
	latest, _ := dbmigrate.Latest()
	_, err = backup.Restore(ctx, c, dst, latest)
	var verr *backup.VerifyError
	if !errors.As(err, &verr) || len(verr.Problems) != 1 {
		t.Fatalf("restore against a wrong manifest: %v, want one verification problem", err)
	}
	tables, err := dst.Store.SchemaTables(ctx)
	if err != nil || len(tables) != 0 {
		t.Errorf("tables left after the failed restore: %v %v", tables, err)
	}

	// The untouched file restores into the same, again empty, database.
	good, err := backup.Check(bytes.NewReader(file.Bytes()), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	rep, err := backup.Restore(ctx, good, dst, latest)
	if err != nil || rep.Tables < 20 {
		t.Fatalf("restore of the good file after the failed one: %v (%d tables)", err, rep.Tables)
	}
}
