package store_test

import (
	"context"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/testfix"
)

func TestCollection(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	ref2024 := period(t, st, h, 2024, "midyear")
	// in 2024: a draft and a submitted entry of the Promozione area
	enter(t, st, h, ref2024, "O.3.3.1/1", 10, false, auth.User{Username: "referente.promozione", Role: auth.Referente})
	enter(t, st, h, ref2024, "O.3.3.1/2", 20, true, auth.User{Username: "dir.promozione", Role: auth.Dirigente})

	type row struct {
		key                                                  string
		expected, draft, submitted, approved, na, empty, ret int
	}
	cases := []struct {
		name   string
		p      model.Period
		total  row
		byRole []row
	}{
		// 84 indicators take a value (88 less 4 derived); 29 belong to
		// objectives without an owner and count only in the total.
		{"2023 midyear, sample actuals", period(t, st, h, 2023, "midyear"),
			row{"", 84, 0, 0, 39, 2, 45, 0},
			[]row{{"sg", 21, 0, 0, 6, 2, 15, 0}, {"dir-ef", 24, 0, 0, 9, 2, 15, 0}, {"dir-prm", 42, 0, 0, 22, 2, 20, 0}}},
		{"2023 final, every value approved", period(t, st, h, 2023, "final"),
			row{"", 84, 0, 0, 84, -1, 0, 0},
			[]row{{"sg", 21, 0, 0, 21, -1, 0, 0}, {"dir-ef", 24, 0, 0, 24, -1, 0, 0}, {"dir-prm", 42, 0, 0, 42, -1, 0, 0}}},
		{"2024 midyear, a draft and a submitted entry", ref2024,
			row{"", 84, 1, 1, 0, 0, 82, 0},
			[]row{{"sg", 21, 0, 0, 0, 0, 21, 0}, {"dir-ef", 24, 0, 0, 0, 0, 24, 0}, {"dir-prm", 42, 1, 1, 0, 0, 40, 0}}},
		{"2025 final, nothing entered", period(t, st, h, 2025, "final"),
			row{"", 84, 0, 0, 0, 0, 84, 0},
			[]row{{"sg", 21, 0, 0, 0, 0, 21, 0}, {"dir-ef", 24, 0, 0, 0, 0, 24, 0}, {"dir-prm", 42, 0, 0, 0, 0, 42, 0}}},
	}
	check := func(t *testing.T, got model.CollectionCount, want row) {
		t.Helper()
		g := row{got.PositionKey, got.Expected, got.Draft, got.Submitted, got.Approved, got.NotApplicable, got.Empty, got.Returned}
		if want.na < 0 { // not fixed by the plan: whatever the sample says
			g.na = -1
		}
		if g != want {
			t.Errorf("got %+v, want %+v", g, want)
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			total, by, err := st.Collection(ctx, h, c.p)
			if err != nil {
				t.Fatal(err)
			}
			check(t, total, c.total)
			if total.PositionID != 0 || total.Position != "" {
				t.Errorf("total carries a position: %+v", total)
			}
			if len(by) != len(c.byRole) {
				t.Fatalf("got %d positions, want %d: %+v", len(by), len(c.byRole), by)
			}
			for i := range by {
				check(t, by[i], c.byRole[i])
			}
			if by[2].Position != "Dirigente Area Promozione e Regolazione del Mercato" {
				t.Errorf("position title %q", by[2].Position)
			}
			if by[2].Pending() != c.byRole[2].empty+c.byRole[2].draft+c.byRole[2].ret {
				t.Errorf("pending %d", by[2].Pending())
			}
		})
	}
}
