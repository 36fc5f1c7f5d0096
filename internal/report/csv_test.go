package report

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/document"
)

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatalf("no UTF-8 BOM: %q", b[:min(len(b), 10)])
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = ';'
	r.FieldsPerRecord = -1 // the notice row has one field
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	return recs
}

func TestWriteCSV(t *testing.T) {
	d := xlsxFixture(3)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, &d.Tables[0], d.Notice); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("\r\n")) {
		t.Error("want CRLF line ends")
	}
	got := readCSV(t, buf.Bytes())
	want := [][]string{
		{"# " + xlsxTestNotice},
		{"Indicatore", "Target", "Valore", "Raggiungimento (%)", "Pratiche", "Aggiornato"},
		{"Tempi medi perché più brevi", "≥ 200", "-19,91", "61,24", "1234", "31/12/2023"},
		{"'=SOMMA(A1:A2)", "≤ 0", "n.d.", "n.d.", "n.d.", "15/01/2024 09:30"},
		{"Soddisfazione", "'= 100%", "91,5", "91,5", "0", "n.d."},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d: %q", len(got), len(want), got)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestWriteCSVNoNotice(t *testing.T) {
	tbl := document.Table{
		Slug:    "x",
		Columns: []document.Column{{Header: "Quota %", Kind: document.Percent}, {Header: "Nota"}, {Header: "Valore", Kind: document.Number}},
		Rows: [][]document.Cell{
			{{Text: "99,67%", Value: 99.666, Has: true}, {Text: "+39 085"}, {Text: "0", Value: -0.001, Has: true}},
			{{Text: "−5%", Value: -5, Has: true}, {Text: "@utente"}, {Text: "1.234,5", Value: 1234.5, Has: true}},
			{{Text: "-3"}, {Text: "\tx"}, {}},
		},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, &tbl, ""); err != nil {
		t.Fatal(err)
	}
	got := readCSV(t, buf.Bytes())
	want := [][]string{
		{"Quota %", "Nota", "Valore"},
		{"99,67", "'+39 085", "0"},
		{"-5", "'@utente", "1234,5"},
		{"'-3", "'\tx", ""},
	}
	for i := range want {
		if i >= len(got) || strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d = %q, want %q", i, got[min(i, len(got)-1)], want[i])
		}
	}
}

func TestWriteCSVZip(t *testing.T) {
	d := xlsxFixture(5000)
	var buf bytes.Buffer
	if err := WriteCSVZip(&buf, d); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], names = b, append(names, f.Name)
	}
	wantNames := "LEGGIMI.txt|albero.csv|indicatori.csv|dettaglio-pratiche-camera-di-commercio-2023.csv"
	if got := strings.Join(names, "|"); got != wantNames {
		t.Fatalf("files = %s, want %s", got, wantNames)
	}
	readme := string(files["LEGGIMI.txt"])
	for _, want := range []string{d.Title, d.Ente, d.Plan, "30/06/2024 10:15", xlsxTestNotice,
		"indicatori.csv: Indicatori: valori [2023] (3 righe)", "dettaglio-pratiche-camera-di-commercio-2023.csv", "5.000 righe", "albero.csv"} {
		if !strings.Contains(readme, want) {
			t.Errorf("LEGGIMI.txt lacks %q:\n%s", want, readme)
		}
	}
	big := readCSV(t, files["dettaglio-pratiche-camera-di-commercio-2023.csv"])
	if len(big) != 2+5000 {
		t.Errorf("big CSV has %d records, want %d", len(big), 2+5000)
	}
	if got := strings.Join(big[len(big)-1][:3], "|"); got != "Riga 5000, attività «0»|4999,01|4999,02" {
		t.Errorf("last record = %q", got)
	}
	tree := readCSV(t, files["albero.csv"])
	if got := strings.Join(tree[3], "|"); got != "1|PO.1|    Competitività delle imprese|96,54|Raggiunto" {
		t.Errorf("tree record = %q", got)
	}
}

func TestCSVFileName(t *testing.T) {
	used := map[string]bool{"leggimi.txt": true}
	for i, c := range []struct{ slug, want string }{
		{"obiettivi", "obiettivi.csv"},
		{"obiettivi", "obiettivi-2.csv"},
		{"../etc/passwd", "etc-passwd.csv"},
		{"", "tabella-4.csv"},
		{"perché", "perch.csv"},
	} {
		if got := csvFileName(c.slug, i, used); got != c.want {
			t.Errorf("csvFileName(%q) = %q, want %q", c.slug, got, c.want)
		}
	}
}
