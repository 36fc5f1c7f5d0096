package relazione_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/relazione"
	"github.com/piao-performance/piao/internal/report"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scores"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
	"github.com/piao-performance/piao/internal/testpdf"
)

// fixture loads the reference plan with the demo sample of 2023 and scores
// its final period with the engine: what every format must agree with.
func fixture(t *testing.T) (*store.Store, model.PlanHeader, *scorecard.Card) {
	t.Helper()
	ref, h, card := fixtureRef(t)
	return ref.Store, h, card
}

// fixtureRef is fixture with the reference database's pools.
func fixtureRef(t *testing.T) (testfix.Ref, model.PlanHeader, *scorecard.Card) {
	t.Helper()
	ctx := context.Background()
	ref := testfix.Reference(t)
	st, doc := ref.Store, ref.Doc
	rows, err := seed.SampleActuals(doc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportMeasurements(ctx, doc.Ente.Slug, doc.Plan.Slug, rows, store.ImportOptions{
		Actor: seed.SampleActor, Status: "approved", ClosePeriods: true, Demo: true}); err != nil {
		t.Fatal(err)
	}
	h, err := st.PlanHeader(ctx, doc.Ente.Slug, doc.Plan.Slug)
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Period(ctx, h.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	card, err := scores.Load(ctx, st, h, p, model.Approved)
	if err != nil {
		t.Fatal(err)
	}
	return ref, h, card
}

// expected is, per "objective code|indicator name", the achievement the engine gives.
func expected(card *scorecard.Card, kind string) map[string]float64 {
	out := map[string]float64{}
	for i, in := range card.Model.Indicators {
		_, o := card.Objective(in.Objective)
		if card.Model.Objectives[o].Kind != kind || !card.Result.Indicators[i].Has {
			continue
		}
		name := in.Name
		if in.Component {
			name += " (componente)"
		}
		out[in.Objective+"|"+name] = card.Result.Indicators[i].Value
	}
	return out
}

func TestRelazioneMatchesTheEngineInEveryFormat(t *testing.T) {
	t.Parallel()
	st, h, card := fixture(t)
	doc, err := relazione.Build(context.Background(), st, h, 2023, relazione.Options{Visibility: model.Approved,
		Now: time.Date(2024, 6, 20, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Notice != relazione.DemoNotice {
		t.Errorf("demo data without the notice: %q", doc.Notice)
	}
	for _, slug := range []string{relazione.SecSummary, relazione.SecAreas, relazione.SecStrategic, relazione.SecCommon, relazione.SecOperationalAr,
		relazione.SecOperationalDir, relazione.SecTransversal, relazione.SecExtraordinary, relazione.SecOrganisational, relazione.SecIndividual,
		relazione.SecNotes, relazione.SecMethod, relazione.SecExplain, relazione.SecObservations, relazione.SecValidation} {
		if doc.Table(slug) == nil {
			t.Errorf("section %s missing", slug)
		}
	}
	if n := len(doc.Table(relazione.SecNotes).Rows); n != 86 {
		t.Errorf("%d data-quality notes, want the 86 of the plan", n)
	}
	// Every indicator row of every kind carries the engine's achievement.
	kinds := map[string]string{relazione.SecStrategic: plan.KindStrategic, relazione.SecCommon: plan.KindCommon,
		relazione.SecOperationalAr: plan.KindOperational, relazione.SecTransversal: plan.KindTransversal,
		relazione.SecExtraordinary: plan.KindExtraordinary, relazione.SecOrganisational: plan.KindOrganisational}
	checked := 0
	for slug, kind := range kinds {
		tb := doc.Table(slug)
		want := expected(card, kind)
		off := 0
		if tb.Columns[0].Header == "Ambito" {
			off = 1
		}
		seen := map[string]bool{}
		for _, row := range tb.Rows {
			key := row[off].Text + "|" + row[off+2].Text
			ach := row[off+6]
			v, ok := want[key]
			if !ok {
				if ach.Has {
					t.Errorf("%s %s: achievement %v the engine does not give", slug, key, ach.Value)
				}
				continue
			}
			if !ach.Has || math.Abs(ach.Value-v) > 0.005 || ach.Text != itfmt.Number(v, 2)+"%" {
				t.Errorf("%s %s: %+v, engine %v", slug, key, ach, v)
			}
			seen[key] = true
			checked++
		}
		if len(seen) != len(want) {
			t.Errorf("%s: %d of the engine's %d scored indicators listed", slug, len(seen), len(want))
		}
	}
	if checked < 60 {
		t.Errorf("only %d indicator achievements checked", checked)
	}
	ente := doc.Table(relazione.SecSummary).Rows[0][1]
	if !card.Result.Ente.Has || ente.Text != itfmt.Number(card.Result.Ente.Value, 2)+"%" {
		t.Fatalf("ente %+v, engine %+v", ente, card.Result.Ente)
	}
	// the method names the revision the final period was scored against
	if got := doc.Table(relazione.SecMethod).Rows[0][1].Text; got != card.Revision.Label || got != h.RevisionLabel {
		t.Errorf("revision in the method: %q", got)
	}

	t.Run("xlsx", func(t *testing.T) { checkXLSX(t, doc, card) })
	t.Run("pdf", func(t *testing.T) { checkPDF(t, doc, card) })
	t.Run("csv", func(t *testing.T) { checkCSV(t, doc) })
}

// checkXLSX reopens the workbook and compares the strategic sheet's numbers,
// cell by cell, with the document the page shows.
func checkXLSX(t *testing.T, doc *document.Document, card *scorecard.Card) {
	var buf bytes.Buffer
	if err := report.WriteXLSX(&buf, doc); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != len(doc.Tables)+2 || sheets[0] != "Informazioni" || sheets[1] != "Albero" {
		t.Fatalf("sheets %v", sheets)
	}
	tb := doc.Table(relazione.SecStrategic)
	rows, err := f.GetRows("Obiettivi strategici")
	if err != nil {
		t.Fatal(err)
	}
	header := -1
	for i, r := range rows {
		if len(r) > 0 && r[0] == "Ambito" {
			header = i
			break
		}
	}
	if header < 0 || len(rows)-header-1 != len(tb.Rows) {
		t.Fatalf("strategic sheet: header at %d, %d rows, want %d", header, len(rows)-header-1, len(tb.Rows))
	}
	col := 7 // "Raggiungimento indicatore", after Ambito
	if tb.Columns[col].Header != "Raggiungimento indicatore" {
		t.Fatalf("column %d is %q", col, tb.Columns[col].Header)
	}
	for i, want := range tb.Rows {
		got := ""
		if r := rows[header+1+i]; col < len(r) {
			got = r[col]
		}
		if !want[col].Has {
			if got != want[col].Text {
				t.Errorf("row %d: %q, want the text %q", i, got, want[col].Text)
			}
			continue
		}
		v, err := strconv.ParseFloat(got, 64)
		if err != nil || math.Abs(v-want[col].Value/100) > 1e-9 {
			t.Errorf("row %d: cell %q, want the number %v (a percent stored as a fraction)", i, got, want[col].Value/100)
		}
	}
	// the ente's score on the summary sheet is the engine's, as a number
	sum, err := f.GetRows("Sintesi")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range sum {
		if len(r) > 1 && strings.HasPrefix(r[0], "Performance dell'ente") {
			v, _ := strconv.ParseFloat(r[1], 64)
			found = math.Abs(v-math.Round(card.Result.Ente.Value*100)/100) < 1e-9
		}
	}
	if !found {
		t.Errorf("the ente's score is not on the summary sheet: %v", sum)
	}
}

// checkPDF reads the PDF's text and finds in it the numbers of the tables.
func checkPDF(t *testing.T, doc *document.Document, card *scorecard.Card) {
	var buf bytes.Buffer
	if err := report.WritePDF(&buf, doc); err != nil {
		t.Fatal(err)
	}
	pages := testpdf.Pages(t, buf.Bytes())
	all := strings.Join(pages, "\n")
	last := "Pagina " + strconv.Itoa(len(pages)) + " di " + strconv.Itoa(len(pages))
	for _, want := range []string{"Relazione sulla performance 2023", "DATI DIMOSTRATIVI", "Albero della performance",
		"Performance dell'ente", itfmt.Number(card.Result.Ente.Value, 2) + "%", "Obiettivi strategici", "Schede di valutazione individuale",
		"Come è calcolato", "Metodo di misurazione", "Pagina 1 di " + strconv.Itoa(len(pages)), last} {
		if !strings.Contains(all, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	// every achievement of the strategic and operational tables is printed
	for _, slug := range []string{relazione.SecStrategic, relazione.SecOperationalAr} {
		for _, row := range doc.Table(slug).Rows {
			if c := row[7]; c.Has && !strings.Contains(all, c.Text) {
				t.Errorf("%s: %q not in the PDF", slug, c.Text)
			}
			if !strings.Contains(all, row[1].Text) {
				t.Errorf("%s: objective %q not in the PDF", slug, row[1].Text)
			}
		}
	}
	// the operational table spans pages and its header is repeated on each
	repeats := 0
	for _, p := range pages {
		if strings.Contains(p, "Obiettivi operativi per ambito") && strings.Contains(p, "Raggiungimento") {
			repeats++
		}
	}
	if repeats < 2 {
		t.Errorf("the operational table's header appears on %d pages", repeats)
	}
}

func checkCSV(t *testing.T, doc *document.Document) {
	var buf bytes.Buffer
	if err := report.WriteCSVZip(&buf, doc); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var strategic []byte
	for _, f := range zr.File {
		if f.Name == relazione.SecStrategic+".csv" {
			rc, _ := f.Open()
			strategic, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	if strategic == nil {
		t.Fatal("no strategic CSV in the ZIP")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(strategic, []byte("\ufeff"))))
	r.Comma, r.FieldsPerRecord = ';', -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(recs[0][0], "# DATI DIMOSTRATIVI") || recs[1][0] != "Ambito" {
		t.Fatalf("CSV head: %v / %v", recs[0], recs[1])
	}
	tb := doc.Table(relazione.SecStrategic)
	if len(recs)-2 != len(tb.Rows) {
		t.Fatalf("%d CSV rows, want %d", len(recs)-2, len(tb.Rows))
	}
	for i, row := range tb.Rows {
		if c := row[7]; c.Has {
			v, err := strconv.ParseFloat(strings.Replace(recs[i+2][7], ",", ".", 1), 64)
			if err != nil || math.Abs(v-c.Value) > 0.005 {
				t.Errorf("CSV row %d: %q, want %v", i, recs[i+2][7], c.Value)
			}
		}
	}
}

// TestMidyearRevisionAndPublicVisibility: the public version scores only
// approved values of closed periods; with the final period open it has none.
func TestMidyearRevisionAndPublicVisibility(t *testing.T) {
	t.Parallel()
	st, h, _ := fixture(t)
	ctx := context.Background()
	p, err := st.Period(ctx, h.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetPeriodClosed(ctx, h, p, false, "verifica", testAdmin()); err != nil {
		t.Fatal(err)
	}
	pub, err := relazione.Build(ctx, st, h, 2023, relazione.Options{Visibility: model.Public})
	if err != nil {
		t.Fatal(err)
	}
	if got := pub.Table(relazione.SecSummary).Rows[0][1]; got.Has {
		t.Errorf("the public version of an open period scores the ente: %+v", got)
	}
	priv, err := relazione.Build(ctx, st, h, 2023, relazione.Options{Visibility: model.Approved})
	if err != nil {
		t.Fatal(err)
	}
	if got := priv.Table(relazione.SecSummary).Rows[0][1]; !got.Has {
		t.Errorf("the ente's users see no score for approved values: %+v", got)
	}
	if _, err := relazione.Build(ctx, st, h, 2031, relazione.Options{}); err != relazione.ErrNoPeriod {
		t.Errorf("a year outside the plan: %v", err)
	}
}

func testAdmin() auth.User { return auth.User{Username: "segretario", Role: auth.Segretario} }
