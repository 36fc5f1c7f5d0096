package planxlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// replacePart rewrites a workbook with the part named name replaced by what
// fill writes (streamed, so a test can write a huge part cheaply).
func replacePart(t *testing.T, data []byte, name string, fill func(w io.Writer)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	replaced := false
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			fill(w)
			replaced = true
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	if !replaced {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		fill(w)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sheetPartOf returns the ZIP part of a sheet of a written template.
func sheetPartOf(t *testing.T, data []byte, sheet string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[f.Name] = f
	}
	sheets, err := sheetParts(parts)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sheets {
		if s.name == sheet {
			return s.part
		}
	}
	t.Fatalf("no sheet %s", sheet)
	return ""
}

func sheetXML(w io.Writer, rows int, cell func(r int) string) {
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for r := 1; r <= rows; r++ {
		fmt.Fprintf(w, `<row r="%d">%s</row>`, r, cell(r))
	}
	io.WriteString(w, `</sheetData></worksheet>`)
}

func refused(t *testing.T, data []byte, want string) {
	t.Helper()
	doc, problems, err := Read(bytes.NewReader(data))
	var le *LimitError
	if !errors.As(err, &le) || doc != nil || problems != nil {
		t.Fatalf("got doc %v, problems %v, err %v; want a LimitError", doc != nil, problems, err)
	}
	if !strings.Contains(le.Message, want) {
		t.Errorf("message %q, want it to contain %q", le.Message, want)
	}
}

// TestLimitColumnBomb: one cell at column XFD in 4,000 rows (a 22 kB file that
// took 1.67 GB) is refused by name, before excelize builds any row.
func TestLimitColumnBomb(t *testing.T) {
	base := written(t, reference(t))
	data := replacePart(t, base, sheetPartOf(t, base, sheetIndicators), func(w io.Writer) {
		sheetXML(w, 4000, func(r int) string { return fmt.Sprintf(`<c r="XFD%d"><v>1</v></c>`, r) })
	})
	if len(data) > 200<<10 {
		t.Fatalf("the bomb is %d bytes", len(data))
	}
	refused(t, data, "Il foglio «Indicatori» supera il limite di 100 colonne (un valore è nella colonna XFD)")
}

// TestLimitRows: a sheet with more rows holding values than the limit is refused.
func TestLimitRows(t *testing.T) {
	base := written(t, reference(t))
	data := replacePart(t, base, sheetPartOf(t, base, sheetObjectives), func(w io.Writer) {
		sheetXML(w, MaxSheetRows+1, func(r int) string { return fmt.Sprintf(`<c r="A%d" t="inlineStr"><is><t>x</t></is></c>`, r) })
	})
	refused(t, data, "Il foglio «Obiettivi» supera il limite di 5.000 righe")
}

// TestLimitCells: rows of many cells stay under the row and column limits but
// not under the cell limit.
func TestLimitCells(t *testing.T) {
	base := written(t, reference(t))
	data := replacePart(t, base, sheetPartOf(t, base, sheetTargets), func(w io.Writer) {
		sheetXML(w, 1100, func(r int) string {
			var b strings.Builder
			for c := 1; c <= 100; c++ {
				fmt.Fprintf(&b, `<c r="%s%d"><v>1</v></c>`, columnName(c), r)
			}
			return b.String()
		})
	})
	refused(t, data, "Il foglio «Target» supera il limite di 100.000 celle compilate")
}

// TestLimitSharedStrings: a highly compressible shared-strings table that
// expands past the limit is refused from the ZIP directory, and so is one
// with too many entries.
func TestLimitSharedStrings(t *testing.T) {
	base := written(t, reference(t))
	huge := replacePart(t, base, "xl/sharedStrings.xml", func(w io.Writer) {
		io.WriteString(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		chunk := "<si><t>" + strings.Repeat("a", 1<<20) + "</t></si>"
		for range 64 {
			io.WriteString(w, chunk)
		}
		io.WriteString(w, `</sst>`)
	})
	if len(huge) > 1<<20 {
		t.Fatalf("the bomb is %d bytes", len(huge))
	}
	refused(t, huge, "il file, decompresso, supera il limite di 20 MB")

	many := replacePart(t, base, "xl/sharedStrings.xml", func(w io.Writer) {
		io.WriteString(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		for range MaxSharedStrings + 1 {
			io.WriteString(w, "<si><t>a</t></si>")
		}
		io.WriteString(w, `</sst>`)
	})
	refused(t, many, "il file contiene più di 200.000 testi diversi")
}

// TestLimitLyingHeader: a part whose header understates its size (here 1,000
// bytes for 200 MB) cannot expand past it: archive/zip stops at the declared
// size, so reading the file allocates far less than the part holds.
func TestLimitLyingHeader(t *testing.T) {
	base := written(t, reference(t))
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "xl/sharedStrings.xml" {
			var comp bytes.Buffer
			fw, _ := flate.NewWriter(&comp, flate.BestCompression)
			io.WriteString(fw, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
			for range 200 {
				io.WriteString(fw, "<si><t>"+strings.Repeat("b", 1<<20)+"</t></si>")
			}
			io.WriteString(fw, `</sst>`)
			fw.Close()
			w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CompressedSize64: uint64(comp.Len()),
				UncompressedSize64: 1000, CRC32: 0})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(comp.Bytes())
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, _ = Read(bytes.NewReader(out.Bytes()))
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 100<<20 {
		t.Errorf("reading allocated %d MB", n>>20)
	}
}
