package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/itfmt"
)

// WriteDOCX writes d as an Office Open XML document (WordprocessingML), in
// Italian: the same content as WriteODT, with the built-in Title and
// Heading1 styles and tables whose first row repeats as a header.
func WriteDOCX(w io.Writer, d *document.Document) error {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	files := []struct{ name, body string }{
		{"[Content_Types].xml", docxContentTypes},
		{"_rels/.rels", docxRels},
		{"docProps/core.xml", docxCore(d)},
		{"word/_rels/document.xml.rels", docxDocRels},
		{"word/styles.xml", docxStyles},
		{"word/document.xml", docxDocument(d)},
	}
	for _, f := range files {
		fw, err := z.Create(f.name)
		if err != nil {
			return fmt.Errorf("docx %s: %w", f.name, err)
		}
		if _, err := io.WriteString(fw, f.body); err != nil {
			return fmt.Errorf("docx %s: %w", f.name, err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

const docxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
 <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
 <Default Extension="xml" ContentType="application/xml"/>
 <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
 <Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
 <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>
`

const docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
 <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
 <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>
`

const docxDocRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
 <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>
`

func docxCore(d *document.Document) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" ` +
		`xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + xmlText(d.Title) + `</dc:title><dc:subject>` + xmlText(d.Ente) + `</dc:subject><dc:language>it-IT</dc:language>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + d.Generated.UTC().Format("2006-01-02T15:04:05Z") + `</dcterms:created>` +
		`</cp:coreProperties>
`
}

const docxW = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

const docxStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles ` + docxW + `>
 <w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="20"/><w:lang w:val="it-IT"/></w:rPr></w:rPrDefault></w:docDefaults>
 <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
 <w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:rPr><w:b/><w:sz w:val="44"/></w:rPr></w:style>
 <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>
  <w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="30"/></w:rPr></w:style>
 <w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders>
  <w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/>
  <w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/></w:tblBorders></w:tblPr></w:style>
</w:styles>
`

func docxDocument(d *document.Document) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ` + docxW + `><w:body>`)
	run := func(s string, bold bool) string {
		rpr := ""
		if bold {
			rpr = `<w:rPr><w:b/></w:rPr>`
		}
		return `<w:r>` + rpr + `<w:t xml:space="preserve">` + xmlText(s) + `</w:t></w:r>`
	}
	p := func(style, s string) {
		ppr := ""
		if style != "" {
			ppr = `<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`
		}
		b.WriteString(`<w:p>` + ppr + run(s, false) + `</w:p>`)
	}
	p("Title", d.Title)
	p("", d.Ente)
	p("", d.Plan)
	if d.Notice != "" {
		b.WriteString(`<w:p>` + run(d.Notice, true) + `</w:p>`)
	}
	for _, m := range d.Meta {
		p("", m.Label+": "+m.Value)
	}
	p("", "Generata il "+itfmt.DateTime(d.Generated))
	for _, sec := range d.Text {
		p("Heading1", sec.Title)
		for _, para := range sec.Paragraphs {
			p("", para)
		}
	}
	if len(d.Tree) > 0 {
		p("Heading1", "Albero della performance")
		for _, n := range d.Tree {
			line := strings.TrimSpace(n.Code+" "+n.Title) + " — " + n.Score + " (" + n.Status + ")"
			b.WriteString(`<w:p><w:pPr><w:ind w:left="` + fmt.Sprint(n.Level*360) + `"/></w:pPr>` + run(line, false) + `</w:p>`)
		}
	}
	for _, t := range d.Tables {
		p("Heading1", t.Title)
		if t.Intro != "" {
			p("", t.Intro)
		}
		if len(t.Rows) == 0 {
			p("", "Nessuna voce.")
			continue
		}
		b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/></w:tblPr><w:tblGrid>`)
		for range t.Columns {
			b.WriteString(`<w:gridCol/>`)
		}
		b.WriteString(`</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>`)
		for _, c := range t.Columns {
			b.WriteString(`<w:tc><w:p>` + run(c.Header, true) + `</w:p></w:tc>`)
		}
		b.WriteString(`</w:tr>`)
		for _, row := range t.Rows {
			b.WriteString(`<w:tr>`)
			for ci := range t.Columns {
				var c document.Cell
				if ci < len(row) {
					c = row[ci]
				}
				jc := ""
				if t.Columns[ci].Kind != document.Text && t.Columns[ci].Kind != document.Date {
					jc = `<w:pPr><w:jc w:val="right"/></w:pPr>`
				}
				b.WriteString(`<w:tc><w:p>` + jc + run(c.Text, false) + `</w:p></w:tc>`)
			}
			b.WriteString(`</w:tr>`)
		}
		b.WriteString(`</w:tbl>`)
	}
	b.WriteString(`<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>` +
		`<w:pgMar w:top="850" w:right="850" w:bottom="850" w:left="850" w:header="0" w:footer="0" w:gutter="0"/></w:sectPr></w:body></w:document>
`)
	return b.String()
}
