package planxlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/itfmt"
)

// Limits on what a workbook may expand to. A small ZIP can hold sheets of
// millions of cells (one cell at column XFD in every row is enough); these are
// checked on the raw XML, streaming, before excelize reads a sheet, so a
// refused file costs little memory. The reference plan's template has a few
// hundred rows per sheet and about 1 MB of XML.
const (
	MaxUnzipBytes    = 20 << 20 // all the parts of the ZIP, uncompressed
	MaxParts         = 1000     // files inside the ZIP
	MaxSheetRows     = 5000     // last row holding a value, per sheet
	MaxSheetColumns  = 100      // last column holding a value, per sheet
	MaxSheetCells    = 100000   // cells holding a value, per sheet
	MaxSharedStrings = 200000   // entries of the shared-strings table
)

// LimitError is returned by Read for a workbook beyond one of the limits;
// its message is Italian and names the limit.
type LimitError struct{ Message string }

func (e *LimitError) Error() string { return e.Message }

func limitErr(format string, args ...any) error {
	return &LimitError{Message: fmt.Sprintf(format, args...)}
}

// nonNumeric lists, per sheet name in the file, the cells (row, column,
// 1-based) whose stored type is not a number: what GetCellType would say,
// without excelize loading the whole sheet.
type nonNumeric map[string]map[[2]int]bool

// precheck enforces the limits on a workbook's ZIP and sheets, reading the
// XML as a stream. A file that is not a workbook passes: excelize then says
// why it is unreadable.
func precheck(data []byte) (nonNumeric, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil
	}
	if len(zr.File) > MaxParts {
		return nil, limitErr("il file contiene più di %s parti: non è un modello compilato", itfmt.Number(MaxParts, 0))
	}
	parts := map[string]*zip.File{}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		parts[f.Name] = f
	}
	if total > MaxUnzipBytes {
		return nil, limitErr("il file, decompresso, supera il limite di %d MB", MaxUnzipBytes>>20)
	}
	// archive/zip refuses to read more than a part declares (ErrFormat), so
	// the sum above also bounds every read below.
	var blank []bool
	if f := parts["xl/sharedStrings.xml"]; f != nil {
		if blank = blankStrings(f); len(blank) > MaxSharedStrings {
			return nil, limitErr("il file contiene più di %s testi diversi", itfmt.Number(MaxSharedStrings, 0))
		}
	}
	sheets, err := sheetParts(parts)
	if err != nil || sheets == nil {
		return nil, nil // excelize reports the broken workbook
	}
	out := nonNumeric{}
	for _, s := range sheets {
		f := parts[s.part]
		if f == nil {
			continue
		}
		nn, err := scanSheet(f, s.name, blank)
		if err != nil {
			return nil, err
		}
		out[s.name] = nn
	}
	return out, nil
}

type sheetPart struct{ name, part string }

// sheetParts maps the workbook's sheet names to their XML parts.
func sheetParts(parts map[string]*zip.File) ([]sheetPart, error) {
	wb := parts["xl/workbook.xml"]
	rels := parts["xl/_rels/workbook.xml.rels"]
	if wb == nil || rels == nil {
		return nil, nil
	}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rel struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(wb, &book); err != nil {
		return nil, err
	}
	if err := decodePart(rels, &rel); err != nil {
		return nil, err
	}
	target := map[string]string{}
	for _, r := range rel.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		target[r.ID] = t
	}
	var out []sheetPart
	for _, s := range book.Sheets {
		out = append(out, sheetPart{name: s.Name, part: target[s.ID]})
	}
	return out, nil
}

func decodePart(f *zip.File, v any) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("open %s: %w", f.Name, err)
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("read %s: %w", f.Name, err)
	}
	return nil
}

// blankStrings tells, for each entry of the shared-strings table, whether it
// is only spaces; it stops one entry past MaxSharedStrings.
func blankStrings(f *zip.File) []bool {
	rc, err := f.Open()
	if err != nil {
		return nil
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var out []bool
	for len(out) <= MaxSharedStrings {
		tok, err := d.RawToken()
		if err != nil {
			return out // a malformed part is excelize's to report
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "si" {
				out = append(out, true)
			}
		case xml.CharData:
			if len(out) > 0 && len(bytes.TrimSpace(t)) > 0 {
				out[len(out)-1] = false
			}
		}
	}
	return out
}

// scanSheet checks a sheet's rows, columns and cells against the limits and
// records the cells that do not hold a number.
// Cells holding only spaces count as cells but not as rows or columns: a
// template may carry thousands of them.
func scanSheet(f *zip.File, name string, blankShared []bool) (map[[2]int]bool, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, nil
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	nn := map[[2]int]bool{}
	var row, col, cells int
	var inCell, hasValue, numeric, shared bool
	var text []byte
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nn, nil
		}
		if err != nil {
			return nn, nil // a malformed sheet is excelize's to report
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				if r, ok := attrInt(t.Attr, "r"); ok {
					row = r
				} else {
					row++
				}
				col = 0
			case "c":
				inCell, hasValue, numeric, shared, text = true, false, true, false, text[:0]
				col++
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "r":
						if c, r, ok := splitRef(a.Value); ok {
							col, row = c, r
						}
					case "t":
						numeric = a.Value == "" || a.Value == "n"
						shared = a.Value == "s"
					}
				}
			case "v", "is", "f":
				hasValue = hasValue || inCell
			}
		case xml.CharData:
			if inCell && len(text) < 64 {
				text = append(text, bytes.TrimSpace(t)...)
			}
		case xml.EndElement:
			if t.Name.Local != "c" || !inCell {
				continue
			}
			inCell = false
			if !hasValue {
				continue
			}
			cells++
			if cells > MaxSheetCells {
				return nil, limitErr("Il foglio «%s» supera il limite di %s celle compilate", name, itfmt.Number(MaxSheetCells, 0))
			}
			if !numeric {
				nn[[2]int{row, col}] = true
			}
			if len(text) == 0 {
				continue
			}
			if i, err := strconv.Atoi(string(text)); shared && err == nil && i >= 0 && i < len(blankShared) && blankShared[i] {
				continue
			}
			switch {
			case row > MaxSheetRows:
				return nil, limitErr("Il foglio «%s» supera il limite di %s righe", name, itfmt.Number(MaxSheetRows, 0))
			case col > MaxSheetColumns:
				return nil, limitErr("Il foglio «%s» supera il limite di %d colonne (un valore è nella colonna %s)", name, MaxSheetColumns, columnName(col))
			}
		}
	}
}

func attrInt(attrs []xml.Attr, local string) (int, bool) {
	for _, a := range attrs {
		if a.Name.Local == local {
			n, err := strconv.Atoi(a.Value)
			return n, err == nil && n > 0
		}
	}
	return 0, false
}

// splitRef reads a cell reference such as "XFD12" as column 16384, row 12.
func splitRef(ref string) (col, row int, ok bool) {
	i := 0
	for i < len(ref) && i < 4 && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		i++
	}
	row, err := strconv.Atoi(ref[i:])
	return col, row, i > 0 && err == nil && row > 0
}

// columnName is the letters of a 1-based column (16384 → "XFD").
func columnName(col int) string {
	var b []byte
	for ; col > 0; col = (col - 1) / 26 {
		b = append([]byte{byte('A' + (col-1)%26)}, b...)
	}
	return string(b)
}
