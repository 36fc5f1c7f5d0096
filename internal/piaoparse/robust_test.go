package piaoparse

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"
)

// reflow lays a tab-separated text out the way pdftotext -layout does:
// every cell in a column of fixed width, long cells wrapped onto the next
// lines at their column.
func reflow(text string, width int) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if !strings.Contains(line, "\t") {
			b.WriteString(line)
			b.WriteByte('\n')
			continue
		}
		cells := strings.Split(line, "\t")
		wrapped := make([][]string, len(cells))
		rows := 1
		for i, c := range cells {
			wrapped[i] = wrap(strings.TrimSpace(c), width)
			rows = max(rows, len(wrapped[i]))
		}
		for r := range rows {
			var l strings.Builder
			for i := range cells {
				piece := ""
				if r < len(wrapped[i]) {
					piece = wrapped[i][r]
				}
				l.WriteString(piece)
				l.WriteString(strings.Repeat(" ", width+3-utf8.RuneCountInString(piece)))
			}
			b.WriteString(strings.TrimRight(l.String(), " "))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func wrap(s string, width int) []string {
	var out []string
	var cur strings.Builder
	for _, w := range strings.Fields(s) {
		if cur.Len() > 0 && utf8.RuneCountInString(cur.String())+1+utf8.RuneCountInString(w) > width {
			out = append(out, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 || len(out) == 0 {
		out = append(out, cur.String())
	}
	return out
}

// docx builds a minimal Word document: runs of tab-separated lines become a
// table, other lines paragraphs.
func docx(t testing.TB, text string) []byte {
	t.Helper()
	esc := func(s string) string {
		var b bytes.Buffer
		if err := xml.EscapeText(&b, []byte(s)); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	var body strings.Builder
	inTable := false
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "\t") {
			if !inTable {
				body.WriteString("<w:tbl>")
				inTable = true
			}
			body.WriteString("<w:tr>")
			for _, c := range strings.Split(line, "\t") {
				body.WriteString(`<w:tc><w:p><w:r><w:t xml:space="preserve">` + esc(c) + "</w:t></w:r></w:p></w:tc>")
			}
			body.WriteString("</w:tr>")
			continue
		}
		if inTable {
			body.WriteString("</w:tbl>")
			inTable = false
		}
		body.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + esc(line) + "</w:t></w:r></w:p>")
	}
	if inTable {
		body.WriteString("</w:tbl>")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels":         `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			body.String() + `</w:body></w:document>`,
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		f, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// within2 checks a variant's score is within 2 points of the original's.
func within2(t *testing.T, base, variant *Score) {
	t.Helper()
	bh, bt := base.Total()
	vh, vt := variant.Total()
	if bt != vt {
		t.Fatalf("different field counts %d and %d", bt, vt)
	}
	diff := float64(bh-vh) / float64(bt)
	t.Logf("variante: %d/%d campi, originale %d/%d (differenza %.2f%%)", vh, vt, bh, bt, 100*diff)
	if diff > 0.02 || diff < -0.02 {
		t.Errorf("variant differs from the original by %.2f%% of fields (more than 2%%)", 100*diff)
	}
}

func TestReferenceReflowed(t *testing.T) {
	text := readReference(t)
	base := Compare(reference(t), Parse(text, Options{}).Doc)
	variant := Compare(reference(t), Parse(reflow(text, 40), Options{}).Doc)
	within2(t, base, variant)
}

func TestReferenceDOCX(t *testing.T) {
	text := readReference(t)
	got, err := Extract(context.Background(), docx(t, text))
	if err != nil {
		t.Fatal(err)
	}
	base := Compare(reference(t), Parse(text, Options{}).Doc)
	variant := Compare(reference(t), Parse(got, Options{}).Doc)
	within2(t, base, variant)
}
