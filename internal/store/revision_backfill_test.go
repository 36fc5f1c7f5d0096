package store_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/piao-performance/piao/internal/revision"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
	"github.com/piao-performance/piao/migrations"
)

// TestRevisionContentBackfill: a plan loaded before revisions kept their
// content gets it back from migration 000014, equal to what the loader
// records today for the revision in force.
func TestRevisionContentBackfill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Pool(t)
	st := store.New(pool)
	ref, _ := seed.Reference()
	if _, err := st.LoadPlan(ctx, ref, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	var want []byte
	if err := pool.QueryRow(ctx, `SELECT content FROM revisions WHERE seq = 2`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE revisions SET content = NULL`); err != nil {
		t.Fatal(err)
	}
	up, err := migrations.FS.ReadFile("000014_revision_content_backfill.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, string(up)); err != nil {
		t.Fatal(err)
	}
	var got []byte
	if err := pool.QueryRow(ctx, `SELECT content FROM revisions WHERE seq = 2`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	var a, b revision.Content
	if err := json.Unmarshal(want, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("rebuilt content differs from the loader's")
	}
	// with contents back, the editor's revision works on the old plan
	h, _ := st.PlanHeader(ctx, ref.Ente.Slug, ref.Plan.Slug)
	doc, err := st.ExportPlan(ctx, h.EnteSlug, h.Slug)
	if err != nil {
		t.Fatal(err)
	}
	doc.State = nil
	if _, err := st.ApplyRevision(ctx, h, doc, doc.Plan.Revision, "test"); err != nil {
		t.Fatalf("revision after the backfill: %v", err)
	}
}
