package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/testfix"
)

func testPingAndCount(t *testing.T, ref testfix.Ref) {
	st, ctx := ref.Store, context.Background()
	if err := st.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	for _, c := range []struct {
		table string
		want  int
	}{
		{"enti", 1}, {"plans", 1}, {"revisions", 2}, {"objectives", 51}, {"indicators", 88}, {"areas", 5}, {"roles", 3},
		{"units", 12}, {"quality_notes", 86}, {"individual_objectives", 63}, {"measurements", 0}, {"plan_drafts", 0}, {"audit_events", 1},
	} {
		t.Run(c.table, func(t *testing.T) {
			n, err := st.Count(ctx, c.table)
			if err != nil {
				t.Fatal(err)
			}
			if n != c.want {
				t.Errorf("%d rows, want %d", n, c.want)
			}
		})
	}
	for _, table := range []string{"users", "enti; DROP TABLE enti", ""} {
		t.Run("refused "+table, func(t *testing.T) {
			if _, err := st.Count(ctx, table); err == nil || !strings.Contains(err.Error(), "not allowed") {
				t.Errorf("err %v", err)
			}
		})
	}
}
