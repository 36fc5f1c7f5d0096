package evidence

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

func zipOf(t *testing.T, files map[string]string, order ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, name := range order {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(files[name]))
	}
	w.Close()
	return buf.Bytes()
}

func TestCheck(t *testing.T) {
	odt := zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}, "mimetype", "content.xml")
	docx := zipOf(t, map[string]string{"[Content_Types].xml": "<x/>", "word/document.xml": "<x/>"}, "[Content_Types].xml", "word/document.xml")
	xlsx := zipOf(t, map[string]string{"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<x/>"}, "[Content_Types].xml", "xl/workbook.xml")
	plainZip := zipOf(t, map[string]string{"a.txt": "x"}, "a.txt")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	cases := []struct {
		name string
		data []byte
		want string // content type, or "" when refused
	}{
		{"verbale.pdf", []byte("%PDF-1.7\n..."), "application/pdf"},
		{"relazione.odt", odt, "application/vnd.oasis.opendocument.text"},
		{"relazione.docx", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"dati.xlsx", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"foto.png", png, "image/png"},
		{"foto.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "image/jpeg"},
		// the name lies: an HTML page called .pdf is refused
		{"finto.pdf", []byte("<html><script>alert(1)</script></html>"), ""},
		{"archivio.zip", plainZip, ""},
		{"programma.exe", []byte("MZ\x90\x00\x03"), ""},
		{"vuoto.pdf", nil, ""},
		{"enorme.pdf", append([]byte("%PDF-1.7"), make([]byte, MaxSize)...), ""},
	}
	for _, c := range cases {
		ct, msg := Check(c.name, c.data)
		if ct != c.want || (c.want == "") != (msg != "") {
			t.Errorf("%s: got %q %q, want %q", c.name, ct, msg, c.want)
		}
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd":       "passwd",
		"C:\\Users\\x\\a.pdf":    "a.pdf",
		"ver\"bale\r\n.pdf":      "verbale.pdf",
		"relazione finale.odt":   "relazione finale.odt",
		strings.Repeat("é", 300): strings.Repeat("é", 127),
	} {
		if got := CleanName(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

// TestSafeName: the stored name carries the extension of the detected type,
// with no bidi or invisible characters, never a path.
func TestSafeName(t *testing.T) {
	const pdf, png, jpeg = "application/pdf", "image/png", "image/jpeg"
	for _, c := range []struct{ in, ct, want string }{
		{"polyglot.html", pdf, "polyglot.pdf"},
		{"fattura\u202Efdp.exe", pdf, "fatturafdp.pdf"},
		{"a\u200Bb\u2066c\u2069.PDF", pdf, "abc.pdf"},
		{"foto.JPEG", jpeg, "foto.jpeg"},
		{"foto.png", jpeg, "foto.jpg"},
		{"..", png, "allegato.png"},
		{".pdf", pdf, "allegato.pdf"},
		{"../../x/..\\report.pdf", pdf, "report.pdf"},
		{"senza estensione", pdf, "senza estensione.pdf"},
		{strings.Repeat("é", 300) + ".pdf", pdf, strings.Repeat("é", 125) + ".pdf"},
	} {
		if got := SafeName(c.in, c.ct); got != c.want {
			t.Errorf("SafeName(%q, %s) = %q, want %q", c.in, c.ct, got, c.want)
		}
	}
}
