package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
)

// TestPublicVersionFollowsTheSlugs checks the remembered plan ids of
// PublicVersion: a store that has read a plan's version before gives, after
// a write, a replacement of the plan and its deletion, what a store reading
// it for the first time gives.
func TestPublicVersionFollowsTheSlugs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Pool(t)
	st := store.New(pool)
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.LoadPlan(ctx, doc, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	const ente, plan = "cciaa-gran-sasso", "piao-2023-2025"
	// read returns the version from st (which remembers the ids) and checks
	// it against a new store's, which looks the slugs up.
	read := func(step string) (model.PublicVersion, error) {
		t.Helper()
		got, err := st.PublicVersion(ctx, ente, plan)
		want, werr := store.New(pool).PublicVersion(ctx, ente, plan)
		if got != want || (err == nil) != (werr == nil) || errors.Is(err, store.ErrNotFound) != errors.Is(werr, store.ErrNotFound) {
			t.Fatalf("%s: remembered ids give %+v (%v), a fresh lookup %+v (%v)", step, got, err, want, werr)
		}
		return got, err
	}
	first, err := read("first read")
	if err != nil {
		t.Fatal(err)
	}
	h, err := st.PlanHeader(ctx, ente, plan)
	if err != nil {
		t.Fatal(err)
	}
	if first.PlanID != h.ID || first.Version < 1 {
		t.Fatalf("first read %+v, plan id %d", first, h.ID)
	}
	if again, _ := read("second read"); again != first {
		t.Fatalf("second read %+v, first %+v", again, first)
	}

	if err := st.SetShowSubmittedMidyear(ctx, h, true, "test"); err != nil {
		t.Fatal(err)
	}
	written, _ := read("after a write")
	if written.PlanID != first.PlanID || written.Version <= first.Version {
		t.Fatalf("after a write %+v, before %+v", written, first)
	}

	if _, err := st.LoadPlan(ctx, doc, store.LoadOptions{Actor: "test", Replace: true}); err != nil {
		t.Fatal(err)
	}
	replaced, _ := read("after the replacement")
	if replaced.PlanID == first.PlanID {
		t.Fatalf("after the replacement the old plan %d is still named", first.PlanID)
	}

	if _, err := pool.Exec(ctx, `DELETE FROM plans WHERE id = $1`, replaced.PlanID); err != nil {
		t.Fatal(err)
	}
	if _, err := read("after the deletion"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after the deletion: %v, want ErrNotFound", err)
	}

	// The ids stay right only while an ente keeps its slug (migration 000040).
	_, err = pool.Exec(ctx, `UPDATE enti SET slug = 'cciaa-altra' WHERE slug = $1`, ente)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23000" {
		t.Fatalf("renaming the ente: %v, want integrity_constraint_violation", err)
	}
	if _, err := pool.Exec(ctx, `UPDATE enti SET name = name || ' (rinominato)' WHERE slug = $1`, ente); err != nil {
		t.Fatalf("an ente's other columns still change: %v", err)
	}
}
