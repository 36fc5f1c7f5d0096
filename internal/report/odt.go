package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/itfmt"
)

// The ODT and DOCX writers produce editable documents: a real title, a heading
// per section (outline level 1, so the navigator and the PDF bookmarks see
// them), tables with a repeated header row, and the performance tree as an
// indented paragraphs. Both formats are ZIPs of XML written here with the standard
// library; every text goes through xmlText.

// xmlText escapes s for XML character data and attributes.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// WriteODT writes d as an OpenDocument text (ODF 1.2), in Italian (it-IT).
func WriteODT(w io.Writer, d *document.Document) error {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	// the mimetype comes first and is stored uncompressed (ODF 1.2, 3.3)
	mw, err := z.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	if err != nil {
		return fmt.Errorf("odt: %w", err)
	}
	if _, err := io.WriteString(mw, "application/vnd.oasis.opendocument.text"); err != nil {
		return fmt.Errorf("odt: %w", err)
	}
	files := []struct{ name, body string }{
		{"META-INF/manifest.xml", odtManifest},
		{"meta.xml", odtMeta(d)},
		{"styles.xml", odtStyles},
		{"content.xml", odtContent(d)},
	}
	for _, f := range files {
		fw, err := z.Create(f.name)
		if err != nil {
			return fmt.Errorf("odt %s: %w", f.name, err)
		}
		if _, err := io.WriteString(fw, f.body); err != nil {
			return fmt.Errorf("odt %s: %w", f.name, err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("odt: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

const odtManifest = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
`

const odtNS = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" ` +
	`xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ` +
	`xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" ` +
	`xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"`

func odtMeta(d *document.Document) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta ` + odtNS + ` office:version="1.2"><office:meta>` +
		`<dc:title>` + xmlText(d.Title) + `</dc:title><dc:subject>` + xmlText(d.Ente) + `</dc:subject>` +
		`<dc:language>it-IT</dc:language><meta:generator>piao</meta:generator>` +
		`<dc:date>` + d.Generated.UTC().Format("2006-01-02T15:04:05") + `</dc:date>` +
		`</office:meta></office:document-meta>
`
}

// odtStyles: Italian as the default language, the standard heading and title
// styles (so LibreOffice maps them to its own), table cells with borders.
const odtStyles = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles ` + odtNS + ` office:version="1.2"><office:styles>
 <style:default-style style:family="paragraph"><style:text-properties fo:language="it" fo:country="IT" fo:font-size="10pt"/></style:default-style>
 <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
 <style:style style:name="Title" style:display-name="Title" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter">
  <style:paragraph-properties fo:margin-bottom="0.3cm"/><style:text-properties fo:font-size="22pt" fo:font-weight="bold"/></style:style>
 <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Standard"
  style:default-outline-level="1" style:class="text"><style:paragraph-properties fo:margin-top="0.5cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/>
  <style:text-properties fo:font-size="15pt" fo:font-weight="bold"/></style:style>
 <style:style style:name="Notice" style:family="paragraph" style:parent-style-name="Standard"><style:text-properties fo:font-weight="bold" fo:color="#a61b1b"/></style:style>
 <style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
  <style:text-properties fo:font-weight="bold"/></style:style>
 <style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"/>
</office:styles>
<office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="29.7cm" fo:page-height="21cm"
 style:print-orientation="landscape" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="1.5cm" fo:margin-right="1.5cm"/></style:page-layout>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/></office:master-styles>
</office:document-styles>
`

func odtContent(d *document.Document) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<office:document-content ` + odtNS + ` office:version="1.2"><office:automatic-styles>
 <style:style style:name="cell" style:family="table-cell"><style:table-cell-properties fo:border="0.5pt solid #000000" fo:padding="0.05cm"/></style:style>
 <style:style style:name="num" style:family="paragraph" style:parent-style-name="Table_20_Contents"><style:paragraph-properties fo:text-align="end"/></style:style>
</office:automatic-styles><office:body><office:text>`)
	p := func(style, s string) {
		b.WriteString(`<text:p text:style-name="` + style + `">` + xmlText(s) + `</text:p>`)
	}
	h := func(s string) {
		b.WriteString(`<text:h text:style-name="Heading_20_1" text:outline-level="1">` + xmlText(s) + `</text:h>`)
	}
	p("Title", d.Title)
	p("Standard", d.Ente)
	p("Standard", d.Plan)
	if d.Notice != "" {
		p("Notice", d.Notice)
	}
	for _, m := range d.Meta {
		p("Standard", m.Label+": "+m.Value)
	}
	p("Standard", "Generata il "+itfmt.DateTime(d.Generated))
	for _, sec := range d.Text {
		h(sec.Title)
		for _, para := range sec.Paragraphs {
			p("Standard", para)
		}
	}
	if len(d.Tree) > 0 {
		h("Albero della performance")
		odtTree(&b, d.Tree)
	}
	for ti, t := range d.Tables {
		h(t.Title)
		if t.Intro != "" {
			p("Standard", t.Intro)
		}
		if len(t.Rows) == 0 {
			p("Standard", "Nessuna voce.")
			continue
		}
		b.WriteString(`<table:table table:name="` + xmlText(tableName(t, ti)) + `">`)
		b.WriteString(`<table:table-column table:number-columns-repeated="` + strconv.Itoa(len(t.Columns)) + `"/>`)
		b.WriteString(`<table:table-header-rows><table:table-row>`)
		for _, c := range t.Columns {
			b.WriteString(`<table:table-cell table:style-name="cell" office:value-type="string"><text:p text:style-name="Table_20_Heading">` +
				xmlText(c.Header) + `</text:p></table:table-cell>`)
		}
		b.WriteString(`</table:table-row></table:table-header-rows>`)
		for _, row := range t.Rows {
			b.WriteString(`<table:table-row>`)
			for ci := range t.Columns {
				var c document.Cell
				if ci < len(row) {
					c = row[ci]
				}
				style := "Table_20_Contents"
				if t.Columns[ci].Kind != document.Text && t.Columns[ci].Kind != document.Date {
					style = "num"
				}
				b.WriteString(`<table:table-cell table:style-name="cell" office:value-type="string"><text:p text:style-name="` + style + `">` +
					xmlText(c.Text) + `</text:p></table:table-cell>`)
			}
			b.WriteString(`</table:table-row>`)
		}
		b.WriteString(`</table:table>`)
	}
	b.WriteString(`</office:text></office:body></office:document-content>
`)
	return b.String()
}

// odtTree writes the tree as paragraphs indented by one tab per level.
func odtTree(b *strings.Builder, nodes []document.TreeNode) {
	for _, n := range nodes {
		line := strings.TrimSpace(n.Code + " " + n.Title)
		line += " — " + n.Score + " (" + n.Status + ")"
		b.WriteString(`<text:p text:style-name="Standard">` + strings.Repeat("<text:tab/>", n.Level) + xmlText(line) + `</text:p>`)
	}
}

// tableName is a table's unique name in the document.
func tableName(t document.Table, i int) string {
	return "Tabella" + strconv.Itoa(i+1) + " " + t.Title
}
