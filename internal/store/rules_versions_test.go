package store_test

import (
	"testing"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
)

// TestRulesForYear: the rules of a year are the latest version in force from
// that year or earlier; a later change from an earlier year takes over the
// years after it too ("from that year onwards").
func TestRulesForYear(t *testing.T) {
	t.Parallel()
	vs := []model.RuleVersion{{No: 1, FromYear: 2023}, {No: 2, FromYear: 2025}, {No: 3, FromYear: 2024}}
	for year, want := range map[int]int{2022: 0, 2023: 1, 2024: 3, 2025: 3, 2026: 3} {
		v, ok := store.RulesForYear(vs, year)
		if ok != (want > 0) || v.No != want {
			t.Errorf("%d: version %d (%v), want %d", year, v.No, ok, want)
		}
	}
	if l := (model.RuleVersion{No: 2, FromYear: 2024}).Label(); l != "versione 2 (in vigore dal 2024)" {
		t.Errorf("label %q", l)
	}
}
