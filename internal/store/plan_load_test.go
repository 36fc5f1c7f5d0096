package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
)

func count(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	n, err := st.Count(context.Background(), table)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLoadPlanRefusesExistingAndReplaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := store.New(testdb.Pool(t))
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.LoadPlan(ctx, doc, store.LoadOptions{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Replaced || res.Objectives != len(doc.Objectives) || res.Individual != 63 {
		t.Fatalf("unexpected result %+v", res)
	}
	tables := []string{"plans", "objectives", "indicators", "baselines", "targets", "individual_objectives", "quality_notes", "audit_events"}
	before := map[string]int{}
	for _, tb := range tables {
		before[tb] = count(t, st, tb)
	}

	_, err = st.LoadPlan(ctx, doc, store.LoadOptions{Actor: "test"})
	if !errors.Is(err, store.ErrPlanExists) {
		t.Fatalf("second load: want ErrPlanExists, got %v", err)
	}
	for _, tb := range tables {
		if got := count(t, st, tb); got != before[tb] {
			t.Errorf("refused load changed %s: %d -> %d", tb, before[tb], got)
		}
	}

	res, err = st.LoadPlan(ctx, doc, store.LoadOptions{Actor: "test", Replace: true})
	if err != nil || !res.Replaced {
		t.Fatalf("replace: %+v %v", res, err)
	}
	for _, tb := range tables {
		want := before[tb]
		if tb == "audit_events" {
			want++ // the replace is recorded
		}
		if got := count(t, st, tb); got != want {
			t.Errorf("after replace %s: want %d, got %d", tb, want, got)
		}
	}
}
