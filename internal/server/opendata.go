package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/csvsafe"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scores"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/templates"
)

// openDataPageSize is how many enti a page of the open-data index lists.
const openDataPageSize = 50

// openDataIndex links the public files of every plan, openDataPageSize enti
// a page (?pagina=2), so that the page stays small however many enti there are.
func (s *Server) openDataIndex(w http.ResponseWriter, r *http.Request) error {
	page := 1
	if q := r.URL.Query().Get("pagina"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 1_000_000 {
			return badRequest("Il numero di pagina non è valido.")
		}
		page = n
	}
	enti, total, err := s.store.ListEntiPage(r.Context(), (page-1)*openDataPageSize, openDataPageSize)
	if err != nil {
		return err
	}
	pages := max(1, (total+openDataPageSize-1)/openDataPageSize)
	if page > pages {
		return errNotFound
	}
	return s.page(w, r, http.StatusOK, templates.OpenDataIndex(enti, templates.Pager{Page: page, Pages: pages, Total: total}))
}

// openDataFile serves indicators.csv, indicators-excel.csv or indicators.json
// of a plan: public, no sign-in, the columns of docs/DESIGN.md §5. indicators.csv
// is for programs and keeps every value exactly as stored; its spreadsheet
// twin indicators-excel.csv has the same columns (Italian headers) and rows for Italian Excel
// and neutralises text that a spreadsheet would run as a formula.
func (s *Server) openDataFile(w http.ResponseWriter, r *http.Request) error {
	file := param(r, "file")
	if file != "indicators.csv" && file != "indicators-excel.csv" && file != "indicators.json" {
		return errNotFound
	}
	h, rows, err := s.store.OpenData(r.Context(), param(r, "ente"), param(r, "plan"))
	if err != nil {
		return err
	}
	cards, err := scores.ByYear(r.Context(), s.store, h, s.visibility(r, h))
	if err != nil {
		return err
	}
	fillScores(rows, cards)
	demo := false
	for _, c := range cards {
		demo = demo || c.Demo
	}
	var buf bytes.Buffer
	name := h.EnteSlug + "_" + h.Slug + "_" + file
	if demo {
		// the CSV columns are fixed (docs/DESIGN.md §5): the label goes in the file name and a header
		name = h.EnteSlug + "_" + h.Slug + "_DATI-DIMOSTRATIVI_" + file
		w.Header().Set("X-PIAO-Demo-Data", "true: actual, achievement_pct and status are invented demo values, not the ente's data")
	}
	disposition := "inline"
	switch file {
	case "indicators.csv":
		err = writeCSV(&buf, rows)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8; header=present")
	case "indicators-excel.csv":
		err = writeExcelCSV(&buf, rows)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8; header=present")
		disposition = "attachment"
	default:
		err = writeJSON(&buf, h, rows, demo)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", disposition+`; filename="`+name+`"`)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = buf.WriteTo(w)
	return nil
}

// fillScores sets actual, achievement_pct and status of each row from the
// scored period of its year; rows of years without one stay empty.
func fillScores(rows []model.OpenDataRow, cards map[int]*scorecard.Card) {
	for i := range rows {
		c := cards[rows[i].Year]
		if c == nil {
			continue
		}
		res, k := c.Indicator(rows[i].IndicatorID)
		if k < 0 {
			continue
		}
		rows[i].Status = res.Status.Code()
		if res.HasActual && c.Result.Actuals[k].State != scoring.NotApplicable {
			// six decimals: enough for any published figure, no binary noise (−14.209999…)
			rows[i].Actual = strconv.FormatFloat(math.Round(res.Actual*1e6)/1e6, 'f', -1, 64)
		}
		if res.Has {
			rows[i].AchievementPct = strconv.FormatFloat(math.Round(res.Value*100)/100, 'f', -1, 64)
		}
	}
}

// writeCSV writes RFC 4180 CSV (CRLF line ends, quotes where needed).
func writeCSV(buf *bytes.Buffer, rows []model.OpenDataRow) error {
	cw := csv.NewWriter(buf)
	cw.UseCRLF = true
	if err := cw.Write(model.OpenDataColumns()); err != nil {
		return err
	}
	for _, row := range rows {
		if err := cw.Write(row.Values()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// openDataNumeric tells the open-data columns that hold numbers (dot decimals).
func openDataNumeric(column string) bool {
	switch column {
	case "area", "year", "baseline", "target", "actual", "achievement_pct":
		return true
	}
	return false
}

// plainDecimal reports whether s is an optional minus, digits and an
// optional dot with digits: a number every spreadsheet reads as a number.
func plainDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasDot := strings.Cut(s, ".")
	digits := func(d string) bool {
		return d != "" && strings.Trim(d, "0123456789") == ""
	}
	return digits(intPart) && (!hasDot || digits(frac))
}

// writeExcelCSV writes the open data for spreadsheets set to Italian: UTF-8
// with BOM, semicolon separator, CRLF, Italian headers (model.OpenDataLabels)
// over the same columns and rows as writeCSV. Numbers get a decimal comma so they stay numbers; every text
// value goes through csvsafe, so "=HYPERLINK(…)" is shown, never run.
func writeExcelCSV(buf *bytes.Buffer, rows []model.OpenDataRow) error {
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(buf)
	cw.Comma = ';'
	cw.UseCRLF = true
	cols := model.OpenDataColumns()
	if err := cw.Write(model.OpenDataLabels()); err != nil {
		return err
	}
	for _, row := range rows {
		rec := row.Values()
		for i, v := range rec {
			if openDataNumeric(cols[i]) && plainDecimal(v) {
				rec[i] = strings.Replace(v, ".", ",", 1)
				continue
			}
			rec[i] = csvsafe.Cell(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// jsonRow mirrors the CSV columns with JSON types: numbers as numbers (the
// exact decimal text), absent values as null.
type jsonRow struct {
	Ente           string       `json:"ente"`
	Plan           string       `json:"plan"`
	Area           *json.Number `json:"area"`
	ObjectiveKind  string       `json:"objective_kind"`
	ObjectiveCode  string       `json:"objective_code"`
	ObjectiveTitle string       `json:"objective_title"`
	IndicatorID    string       `json:"indicator_id"`
	IndicatorCode  string       `json:"indicator_code"`
	IndicatorName  string       `json:"indicator_name"`
	Algorithm      string       `json:"algorithm"`
	Source         string       `json:"source"`
	Unit           string       `json:"unit"`
	Polarity       string       `json:"polarity"`
	Year           int          `json:"year"`
	Baseline       *json.Number `json:"baseline"`
	BaselineText   string       `json:"baseline_text"`
	TargetOperator string       `json:"target_operator"`
	Target         *json.Number `json:"target"`
	TargetText     string       `json:"target_text"`
	Actual         *json.Number `json:"actual"`
	AchievementPct *json.Number `json:"achievement_pct"`
	Status         string       `json:"status"`
}

func num(s string) *json.Number {
	if s == "" {
		return nil
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return nil
	}
	n := json.Number(s)
	return &n
}

func writeJSON(buf *bytes.Buffer, h model.PlanHeader, rows []model.OpenDataRow, demo bool) error {
	out := struct {
		Ente       string    `json:"ente"`
		EnteName   string    `json:"ente_name"`
		Plan       string    `json:"plan"`
		PlanTitle  string    `json:"plan_title"`
		Revision   string    `json:"revision"`
		DemoData   bool      `json:"demo_data"`
		Notice     string    `json:"notice,omitempty"`
		Columns    []string  `json:"columns"`
		Indicators []jsonRow `json:"indicators"`
	}{Ente: h.EnteSlug, EnteName: h.EnteName, Plan: h.Slug, PlanTitle: h.Title, Revision: h.RevisionLabel, DemoData: demo,
		Columns: model.OpenDataColumns(), Indicators: make([]jsonRow, 0, len(rows))}
	if demo {
		out.Notice = "Dati dimostrativi: i valori a consuntivo (actual, achievement_pct, status) sono inventati per la dimostrazione, non sono dati reali dell'ente."
	}
	for _, x := range rows {
		out.Indicators = append(out.Indicators, jsonRow{
			Ente: x.Ente, Plan: x.Plan, Area: num(x.Area), ObjectiveKind: x.ObjectiveKind, ObjectiveCode: x.ObjectiveCode,
			ObjectiveTitle: x.ObjectiveTitle, IndicatorID: x.IndicatorID, IndicatorCode: x.IndicatorCode,
			IndicatorName: x.IndicatorName, Algorithm: x.Algorithm, Source: x.Source, Unit: x.Unit, Polarity: x.Polarity,
			Year: x.Year, Baseline: num(x.Baseline), BaselineText: x.BaselineText, TargetOperator: x.TargetOperator,
			Target: num(x.Target), TargetText: x.TargetText, Actual: num(x.Actual), AchievementPct: num(x.AchievementPct),
			Status: x.Status,
		})
	}
	// compact: the file is for programs (a browser's JSON viewer indents it),
	// and indentation was a fifth of its bytes, sent to every crawler
	return json.NewEncoder(buf).Encode(out)
}
