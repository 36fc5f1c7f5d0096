package piaoparse

import (
	"context"
	"testing"

	"github.com/piao-performance/piao/internal/synth"
)

// BenchmarkParsePDF200: a synthetic plan printed as a PDF of at least 200
// pages (A3, 7 pt), its text extracted with pdftotext and parsed. `make bench`
// prints the time per document; the issue asks for under 10 s.
func BenchmarkParsePDF200(b *testing.B) {
	doc := synth.Generate(synth.Config{Enti: 1, IndicatorsPerEnte: 2400, Years: 3, StartYear: 2024, Seed: 7})[0].Doc
	pdf, pages := pdfFromText(b, Render(doc))
	if pages < 200 {
		b.Fatalf("only %d pages", pages)
	}
	b.SetBytes(int64(len(pdf)))
	b.ResetTimer()
	for b.Loop() {
		text, err := Extract(context.Background(), pdf)
		if err != nil {
			b.Fatal(err)
		}
		if res := Parse(text, Options{}); len(res.Doc.Objectives) != len(doc.Objectives) {
			b.Fatalf("%d objectives, want %d", len(res.Doc.Objectives), len(doc.Objectives))
		}
	}
	b.ReportMetric(float64(pages), "pages")
}
