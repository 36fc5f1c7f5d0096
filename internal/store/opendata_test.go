package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

func testOpenData(t *testing.T, ref testfix.Ref) {
	st, ctx := ref.Store, context.Background()
	h, rows, err := st.OpenData(ctx, testfix.Ente, testfix.Plan)
	if err != nil {
		t.Fatal(err)
	}
	if h.ID != ref.Plan.ID {
		t.Errorf("header %+v", h)
	}
	t.Run("one row per indicator and year with a baseline or a target", func(t *testing.T) {
		if len(rows) != 243 {
			t.Errorf("%d rows, want 243", len(rows))
		}
		type key struct {
			id   string
			year int
		}
		seen := map[key]bool{}
		for _, r := range rows {
			k := key{r.IndicatorID, r.Year}
			if seen[k] {
				t.Errorf("row %s %d twice", r.IndicatorID, r.Year)
			}
			seen[k] = true
			if r.Ente != testfix.Ente || r.Plan != testfix.Plan {
				t.Fatalf("row of %s/%s", r.Ente, r.Plan)
			}
			if r.Actual != "" || r.AchievementPct != "" || r.Status != "" {
				t.Fatalf("the store fills actuals: %+v", r)
			}
		}
	})
	// with sample actuals loaded: the store leaves actuals to the engine
	t.Run("first indicator: baseline year then the three plan years", func(t *testing.T) {
		type cell struct {
			year                        int
			baseline, bText, op, target string
		}
		want := []cell{{2022, "0", "<= 0", "", ""}, {2023, "", "", "<=", "0"}, {2024, "", "", "<=", "0"}, {2025, "", "", "<=", "0"}}
		for i, w := range want {
			r := rows[i]
			got := cell{r.Year, r.Baseline, r.BaselineText, r.TargetOperator, r.Target}
			if got != w {
				t.Errorf("row %d: %+v, want %+v", i, got, w)
			}
			if r.IndicatorID != "1.1/1" || r.IndicatorCode != "OS_001.01" || r.Area != "1" || r.ObjectiveKind != "strategic" ||
				r.ObjectiveCode != "1.1" || r.Unit != "count" || r.Polarity != "lower_better" || r.Source != "Verbali Oiv" ||
				r.IndicatorName != "Rilievi formulati dall'OIV sulle pubblicazioni" {
				t.Errorf("row %d: %+v", i, r)
			}
		}
	})
	t.Run("the target in force is the revised one", func(t *testing.T) {
		for _, r := range rows {
			if r.IndicatorID == "O.4.2.1/1" && r.Year == 2023 {
				if r.TargetOperator != ">=" || r.Target != "5" {
					t.Errorf("O.4.2.1/1 2023 target %s %s, want >= 5", r.TargetOperator, r.Target)
				}
				return
			}
		}
		t.Error("no O.4.2.1/1 2023 row")
	})
	for _, c := range []struct{ name, ente, plan string }{
		{"unknown plan", testfix.Ente, "piao-1999"},
		{"unknown ente", "nessuno", testfix.Plan},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := st.OpenData(ctx, c.ente, c.plan); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("err %v, want ErrNotFound", err)
			}
		})
	}
}
