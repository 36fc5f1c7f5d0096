package piaoparse

import (
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/synth"
)

// TestRoundTrip: for synthetic plans of every size and length, rendering the
// plan to PIAO-like text and parsing it back gives the same plan, field by
// field.
func TestRoundTrip(t *testing.T) {
	const plans = 200
	failed := 0
	for i := range plans {
		cfg := synth.Config{Enti: 1, IndicatorsPerEnte: synth.MinIndicators + i%40, Years: 1 + i%5,
			StartYear: 2021 + i%4, Seed: uint64(1000 + i)}
		doc := synth.Generate(cfg)[0].Doc
		got := Parse(Render(doc), Options{Ente: doc.Ente.Slug, Plan: doc.Plan.Slug}).Doc
		if err := plan.Validate(got); err != nil {
			t.Errorf("plan %d: parsed document not valid: %v", i, err)
		}
		sc := Compare(doc, got)
		hit, total := sc.Total()
		if hit != total || len(got.Objectives) != len(doc.Objectives) {
			failed++
			if failed <= 3 {
				t.Errorf("plan %d (%+v): %d/%d fields, %d/%d objectives; first misses:\n%s", i, cfg, hit, total,
					len(got.Objectives), len(doc.Objectives), strings.Join(sc.Misses[:min(10, len(sc.Misses))], "\n"))
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d plans did not round-trip", failed, plans)
	}
}
