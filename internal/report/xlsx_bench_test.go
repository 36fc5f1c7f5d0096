package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/piao-performance/piao/internal/document"
)

// BenchmarkWriteXLSX measures a reference-size report (15 tables of 20 rows)
// and one 5,000 × 10 table; -benchmem shows whether memory stays flat.
func BenchmarkWriteXLSX(b *testing.B) {
	ref := xlsxFixture(20)
	ref.Tables = ref.Tables[:0]
	for i := range 15 {
		ref.Tables = append(ref.Tables, xlsxBigTable(fmt.Sprintf("tabella-%d", i+1), fmt.Sprintf("Tabella %d", i+1), 20, 8))
	}
	big := xlsxFixture(0)
	big.Tables = []document.Table{xlsxBigTable("grande", "Tabella grande", 5000, 10)}

	for _, c := range []struct {
		name string
		d    *document.Document
	}{{"reference-15x20", ref}, {"rows-5000x10", big}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := WriteXLSX(io.Discard, c.d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWriteCSVZip(b *testing.B) {
	d := xlsxFixture(0)
	d.Tables = []document.Table{xlsxBigTable("grande", "Tabella grande", 5000, 10)}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCSVZip(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}
