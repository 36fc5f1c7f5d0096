package piaoparse

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/piao-performance/piao/internal/testpdf"
)

// pdfFromText prints a tab-separated text as a PDF the way a word processor
// prints a table: every cell at its column, long cells wrapped inside it.
// It returns the PDF and its page count.
func pdfFromText(t testing.TB, text string) ([]byte, int) {
	t.Helper()
	font, err := os.ReadFile("../report/fonts/DejaVuSansCondensed.ttf")
	if err != nil {
		t.Fatal(err)
	}
	f := fpdf.New("L", "mm", "A3", "")
	f.AddUTF8FontFromBytes("dejavu", "", font)
	f.SetFont("dejavu", "", 7)
	f.SetAutoPageBreak(false, 10)
	f.SetCompression(true)
	const left, lineH, bottom = 10.0, 3.2, 285.0
	y := bottom
	newLine := func() {
		y += lineH
		if y > bottom {
			f.AddPage()
			y = 12
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if !strings.Contains(line, "\t") {
			for _, piece := range f.SplitText(line, 390) {
				newLine()
				f.Text(left, y, piece)
			}
			if strings.TrimSpace(line) == "" {
				newLine()
			}
			continue
		}
		cells := strings.Split(line, "\t")
		colW := 400.0 / float64(max(7, len(cells)))
		wrapped := make([][]string, len(cells))
		rows := 1
		for i, c := range cells {
			if strings.TrimSpace(c) != "" {
				wrapped[i] = f.SplitText(strings.TrimSpace(c), colW-4)
			}
			rows = max(rows, len(wrapped[i]))
		}
		for r := range rows {
			newLine()
			for i := range cells {
				if r < len(wrapped[i]) {
					f.Text(left+float64(i)*colW, y, wrapped[i][r])
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), f.PageCount()
}

func TestReferencePDF(t *testing.T) {
	testpdf.Need(t)
	text := readReference(t)
	pdf, pages := pdfFromText(t, text)
	got, err := Extract(context.Background(), pdf)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("PDF di %d pagine, %d byte", pages, len(pdf))
	base := Compare(reference(t), Parse(text, Options{}).Doc)
	variant := Compare(reference(t), Parse(got, Options{}).Doc)
	within2(t, base, variant)
}
