package piaoparse

import (
	"os"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/seed"
)

const referencePath = "../../docs/reference/piao-2023-2025-cciaa-gran-sasso.txt"

func readReference(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReferenceScore(t *testing.T) {
	want, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	res := Parse(readReference(t), Options{Ente: "x", Plan: "y", StartYear: 2023, EndYear: 2025})
	sc := Compare(want, res.Doc)
	t.Logf("punteggio per campo sul documento di riferimento:\n%s", sc.String())
	if os.Getenv("PIAOPARSE_MISSES") != "" {
		t.Logf("mancati:\n%s", strings.Join(sc.Misses, "\n"))
	}
	hit, total := sc.Total()
	if float64(hit) < 0.95*float64(total) {
		t.Errorf("score %d/%d below 95%%", hit, total)
	}
}
