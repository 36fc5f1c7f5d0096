package server_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// columnBomb rewrites every sheet of a workbook as 4,000 rows with one cell
// at column XFD: a file of a few kB that once took 1.67 GB to read.
func columnBomb(t *testing.T, workbook []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/sheet") {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for r := 1; r <= 4000; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, r, r)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestImportRefusesSpreadsheetBomb: the import names the limit in Italian and
// the draft is untouched.
func TestImportRefusesSpreadsheetBomb(t *testing.T) {
	app, pool, _ := authApp(t)
	importFixture(t, pool, true)
	srv := httptest.NewServer(app)
	defer srv.Close()
	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	ed := srv.URL + refPlan + "/modifica"
	if res, _ := postForm(t, admin, ed+"/avvia", url.Values{"etichetta": {"Da foglio"}, "vigore": {"01/07/2024"}, "motivo": {"Prova del foglio"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d", res.StatusCode)
	}
	version := func() string {
		_, body := fetch(t, admin, ed)
		return regexp.MustCompile(`name="versione" value="(\d+)"`).FindStringSubmatch(body)[1]
	}
	_, raw := fetch(t, admin, ed+"/modello.xlsx")
	bomb := columnBomb(t, []byte(raw))
	before := version()
	res, body := postFiles(t, admin, ed+"/importa", map[string]string{"versione": before}, "foglio", map[string][]byte{"piano.xlsx": bomb})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	mustContain(t, body, "supera il limite di 100 colonne (un valore è nella colonna XFD): nulla è stato importato.")
	if after := version(); after != before {
		t.Errorf("draft version %s → %s: something was written", before, after)
	}
}
