//go:build office

package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/document"
)

// These tests open the ODT and DOCX with Debian's LibreOffice (package
// libreoffice-writer-nogui) and read the text back, and export the ODT as a
// tagged PDF/A (a cross-check of the ODT's structure), and check the
// project's own tagged PDF with qpdf. They run under the
// build tag "office" (make office): LibreOffice takes seconds to start.

func soffice(t *testing.T, dir string, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatal("soffice not found: apt-get install libreoffice-writer-nogui")
	}
	// a private profile, so parallel runs and the user's own do not collide
	args = append([]string{"--headless", "--norestore", "-env:UserInstallation=file://" + filepath.Join(dir, "profile")}, args...)
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice %v: %v\n%s", args, err, out)
	}
}

func writeFile(t *testing.T, dir, name string, write func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLibreOfficeReadsODTAndDOCX(t *testing.T) {
	dir := t.TempDir()
	d := xlsxFixture(3)
	// the Relazione's prose before the tables, as the draft puts it
	d.Text = []document.TextSection{{Title: "Presentazione e sintesi per i cittadini",
		Paragraphs: []string{"Nel 2023 l'ente ha raggiunto 18 obiettivi su 21 (85,71%).", "Secondo paragrafo della sintesi."}}}
	writeFile(t, dir, "relazione-odt.odt", func(b *bytes.Buffer) error { return WriteODT(b, d) })
	writeFile(t, dir, "relazione-docx.docx", func(b *bytes.Buffer) error { return WriteDOCX(b, d) })
	soffice(t, dir, "--convert-to", "txt:Text (encoded):UTF8", "--outdir", dir, "relazione-odt.odt", "relazione-docx.docx")
	for _, name := range []string{"relazione-odt.txt", "relazione-docx.txt"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, want := range []string{"Relazione sulla performance 2023", "Camera di Commercio del Gran Sasso d'Italia",
			"Presentazione e sintesi per i cittadini", "Nel 2023 l'ente ha raggiunto 18 obiettivi su 21 (85,71%).", "Secondo paragrafo della sintesi.",
			"Indicatori: valori [2023]", "Tempi medi perché più brevi", "=SOMMA(A1:A2)", "61,24%", "PO.1 Competitività delle imprese",
			xlsxTestNotice} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: LibreOffice does not read back %q", name, want)
			}
		}
	}
}

// PDFExportOptions are the LibreOffice filter options of the published PDF:
// tagged (structure tree, reading order), PDF/A-2b (fonts embedded), with
// bookmarks from the headings.
const PDFExportOptions = `pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},` +
	`"SelectPdfVersion":{"type":"long","value":"2"},"ExportBookmarks":{"type":"boolean","value":"true"}}`

func TestLibreOfficeExportsATaggedPDF(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "relazione.odt", func(b *bytes.Buffer) error { return WriteODT(b, xlsxFixture(3)) })
	soffice(t, dir, "--convert-to", PDFExportOptions, "--outdir", dir, "relazione.odt")
	pdf := filepath.Join(dir, "relazione.pdf")
	info, err := exec.Command("pdfinfo", pdf).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	for _, want := range []string{"Tagged:          yes", "Title:           Relazione sulla performance 2023"} {
		if !strings.Contains(string(info), want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	st, err := exec.Command("pdfinfo", "-struct", pdf).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo -struct: %v", err)
	}
	for _, want := range []string{"H1", "Table", "TH", "TD"} {
		if !strings.Contains(string(st), want) {
			t.Errorf("the structure tree has no %s", want)
		}
	}
	fonts, err := exec.Command("pdffonts", pdf).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	for _, line := range strings.Split(string(fonts), "\n")[2:] {
		if f := strings.Fields(line); len(f) >= 4 && !strings.Contains(line, " yes ") {
			t.Errorf("font not embedded: %s", line)
		}
	}
	raw, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("/Lang(it-IT)")) {
		t.Error("the PDF does not declare it-IT")
	}
	if !bytes.Contains(raw, []byte("pdfaid:part")) {
		t.Error("the PDF does not declare PDF/A")
	}
}

// TestQPDFChecksTaggedPDF: qpdf (Debian's qpdf) finds no syntax or
// stream error in the project's tagged PDF/A, structure tree and output
// intent included.
func TestQPDFChecksTaggedPDF(t *testing.T) {
	bin, err := exec.LookPath("qpdf")
	if err != nil {
		t.Fatal("qpdf not found: apt-get install qpdf")
	}
	path := writeFile(t, t.TempDir(), "relazione.pdf", func(b *bytes.Buffer) error { return WritePDF(b, pdfFixture()) })
	out, err := exec.Command(bin, "--check", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "No syntax or stream encoding errors found") {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
}
