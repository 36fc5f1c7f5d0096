package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/document"
)

// unzip returns the files of a ZIP, each checked to be well-formed XML when
// its name ends in .xml or .rels.
func unzip(t *testing.T, data []byte) (map[string]string, []string) {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var order []string
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], order = string(b), append(order, f.Name)
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			dec := xml.NewDecoder(bytes.NewReader(b))
			for {
				if _, err := dec.Token(); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					t.Fatalf("%s is not well-formed: %v", f.Name, err)
				}
			}
		}
	}
	return out, order
}

func TestODTStructure(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteODT(&buf, xlsxFixture(3)); err != nil {
		t.Fatal(err)
	}
	files, order := unzip(t, buf.Bytes())
	z, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if order[0] != "mimetype" || z.File[0].Method != zip.Store || files["mimetype"] != "application/vnd.oasis.opendocument.text" {
		t.Errorf("the mimetype must come first, stored: %v", order)
	}
	c := files["content.xml"]
	for _, want := range []string{
		`<text:p text:style-name="Title">Relazione sulla performance 2023</text:p>`,
		`<text:h text:style-name="Heading_20_1" text:outline-level="1">Indicatori: valori [2023]</text:h>`,
		`<table:table-header-rows><table:table-row>`, "=SOMMA(A1:A2)", "61,24%", "Perché semplificare",
		xlsxTestNotice,
	} {
		if !strings.Contains(c, want) {
			t.Errorf("content.xml lacks %q", want)
		}
	}
	if !strings.Contains(files["meta.xml"], "<dc:language>it-IT</dc:language>") || !strings.Contains(files["styles.xml"], `fo:language="it"`) {
		t.Error("the document language is not it-IT")
	}
}

func TestDOCXStructure(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, xlsxFixture(3)); err != nil {
		t.Fatal(err)
	}
	files, _ := unzip(t, buf.Bytes())
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "docProps/core.xml"} {
		if files[name] == "" {
			t.Errorf("missing %s", name)
		}
	}
	c := files["word/document.xml"]
	for _, want := range []string{
		`<w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t xml:space="preserve">Indicatori: valori [2023]</w:t>`,
		`<w:tblHeader/>`, "=SOMMA(A1:A2)", "61,24%", `<w:pStyle w:val="Title"/>`,
	} {
		if !strings.Contains(c, want) {
			t.Errorf("document.xml lacks %q", want)
		}
	}
	if !strings.Contains(files["word/styles.xml"], `<w:lang w:val="it-IT"/>`) {
		t.Error("the document language is not it-IT")
	}
}

// TestOfficeText: the sections of prose are Heading 1 with their paragraphs,
// escaped, before the first table.
func TestOfficeText(t *testing.T) {
	t.Parallel()
	d := xlsxFixture(3)
	d.Text = []document.TextSection{{Title: "Presentazione e sintesi per i cittadini",
		Paragraphs: []string{"Nel 2023 la performance è pari al 99,83%.", "Motivazione: «costi <ridotti> & tempi»."}}}
	var odt, docx bytes.Buffer
	if err := WriteODT(&odt, d); err != nil {
		t.Fatal(err)
	}
	if err := WriteDOCX(&docx, d); err != nil {
		t.Fatal(err)
	}
	files, _ := unzip(t, odt.Bytes())
	c := files["content.xml"]
	h := strings.Index(c, `<text:h text:style-name="Heading_20_1" text:outline-level="1">Presentazione e sintesi per i cittadini</text:h>`)
	p := strings.Index(c, `<text:p text:style-name="Standard">Motivazione: «costi &lt;ridotti&gt; &amp; tempi».</text:p>`)
	if h < 0 || p < h || p > strings.Index(c, "<table:table ") {
		t.Errorf("ODT: heading at %d, paragraph at %d, first table at %d", h, p, strings.Index(c, "<table:table "))
	}
	files, _ = unzip(t, docx.Bytes())
	c = files["word/document.xml"]
	h = strings.Index(c, `<w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t xml:space="preserve">Presentazione e sintesi per i cittadini</w:t>`)
	p = strings.Index(c, `<w:t xml:space="preserve">Nel 2023 la performance è pari al 99,83%.</w:t>`)
	if h < 0 || p < h || p > strings.Index(c, "<w:tbl>") {
		t.Errorf("DOCX: heading at %d, paragraph at %d, first table at %d", h, p, strings.Index(c, "<w:tbl>"))
	}
}
