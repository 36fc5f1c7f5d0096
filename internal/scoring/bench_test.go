package scoring_test

import (
	"runtime"
	"sync"
	"testing"

	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/synth"
)

// The size the issue sets for the engine: a plan of 10,000 objectives and
// 50,000 indicators, scored for one year. Its target is a full scoring in at
// most 20 ms with at most one allocation per indicator on the project's
// 2-core machine; the benchmarks report ms/score and allocs/indicator and
// assert nothing about time.
const (
	bigObjectives = 10_000
	bigIndicators = 50_000
	bigYear       = 2024
)

type bigPlan struct {
	snapshot scoring.Snapshot
	model    *scoring.Model
	actuals  []scoring.Actual
}

// big builds the large plan once per test binary: generating and compiling it
// takes longer than scoring it.
var big = sync.OnceValues(func() (*bigPlan, error) {
	e := synth.Generate(synth.Config{Enti: 1, IndicatorsPerEnte: bigIndicators, ObjectivesPerEnte: bigObjectives,
		Years: 1, StartYear: bigYear, Seed: 1})[0]
	s := scoring.FromDocument(e.Doc, bigYear, nil)
	m, err := scoring.Compile(s)
	if err != nil {
		return nil, err
	}
	return &bigPlan{snapshot: s, model: m, actuals: synth.Actuals(m, e.Measurements, bigYear, measure.Final)}, nil
})

func loadBig(b *testing.B) *bigPlan {
	b.Helper()
	p, err := big()
	if err != nil {
		b.Fatal(err)
	}
	if len(p.snapshot.Objectives) != bigObjectives || len(p.snapshot.Indicators) != bigIndicators {
		b.Fatalf("synthetic plan has %d objectives and %d indicators", len(p.snapshot.Objectives), len(p.snapshot.Indicators))
	}
	return p
}

// measureLoop runs op in the benchmark loop and reports time and allocations per operation and per indicator.
// Allocations are counted with runtime.MemStats around the whole loop, so
// they hold for any b.N.
func measureLoop(b *testing.B, indicators int, unit string, op func()) {
	b.Helper()
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		op()
		n++
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/1e6, "ms/"+unit)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n)/float64(indicators), "allocs/indicator")
}

// BenchmarkCompile compiles the 50,000-indicator snapshot: references resolved
// and derived indicators ordered (done once per plan revision and year).
func BenchmarkCompile(b *testing.B) {
	p := loadBig(b)
	measureLoop(b, len(p.snapshot.Indicators), "compile", func() {
		if _, err := scoring.Compile(p.snapshot); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkScore scores the compiled 50,000-indicator plan with the final
// actuals of the year: every indicator, objective, area, unit, role, the ente
// and the individual scorecards.
func BenchmarkScore(b *testing.B) {
	p := loadBig(b)
	behaviour := map[string]float64{"sg": 90, "dir-a": 80, "dir-b": 75}
	var res *scoring.Result
	measureLoop(b, len(p.model.Indicators), "score", func() {
		res = p.model.Score(p.actuals, behaviour)
	})
	if !res.Ente.Has {
		b.Fatal("the synthetic plan has no ente score")
	}
}

// BenchmarkScoreReference scores the reference plan (2023) with synthetic
// actuals, the size every page of the demo works with.
func BenchmarkScoreReference(b *testing.B) {
	doc, err := seed.Reference()
	if err != nil {
		b.Fatal(err)
	}
	m, err := scoring.Compile(scoring.FromDocument(doc, 2023, nil))
	if err != nil {
		b.Fatal(err)
	}
	actuals := synth.Actuals(m, synth.Measurements(doc, 1), 2023, measure.Final)
	var res *scoring.Result
	measureLoop(b, len(m.Indicators), "score", func() {
		res = m.Score(actuals, nil)
	})
	if !res.Ente.Has {
		b.Fatal("the reference plan has no ente score")
	}
}
