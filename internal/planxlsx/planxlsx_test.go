package planxlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/seed"
)

func reference(t testing.TB) *plan.Document {
	t.Helper()
	d, err := seed.Reference() // decoded afresh on every call: tests may change it
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func written(t testing.TB, d *plan.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// expected is what Read gives back for d: the template leaves out the
// revision history and the backup state (see the package comment), and
// carries no empty lists — the seed's JSON says "baselines": [] for four
// indicators with no baseline, which a sheet cannot tell from no list at all
// (and which JSON's omitempty already treats as the same).
func expected(d *plan.Document) *plan.Document {
	want := *d
	want.Plan.History, want.Plan.Revision.Changes, want.State = nil, nil, nil
	for i := range want.Objectives {
		for j := range want.Objectives[i].Indicators {
			if in := &want.Objectives[i].Indicators[j]; len(in.Baselines) == 0 {
				in.Baselines = nil
			}
		}
	}
	return &want
}

// edit opens a written template, lets fn change it and saves it again.
func edit(t *testing.T, data []byte, fn func(f *excelize.File)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fn(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func readOK(t *testing.T, data []byte) *plan.Document {
	t.Helper()
	doc, problems, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if doc == nil {
		t.Fatal("no document")
	}
	return doc
}

func assertSame(t *testing.T, got, want *plan.Document) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		for _, d := range diff(got, want, 20) {
			t.Error(d)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	orig := reference(t)
	if len(orig.Plan.History) == 0 || len(orig.Plan.Revision.Changes) == 0 {
		t.Fatal("the reference plan should carry a history, to show it is left out")
	}
	got := readOK(t, written(t, orig))
	if got.Plan.History != nil || got.Plan.Revision.Changes != nil || got.State != nil {
		t.Error("history, changes and state should be left out")
	}
	assertSame(t, got, expected(orig))
}

func TestTemplateLayout(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(written(t, reference(t))))
	must(t, err)
	defer f.Close()
	want := []string{sheetInstructions, sheetPlan, sheetUnits, sheetRoles, sheetAreas, sheetObjectives, sheetIndicators,
		sheetBaselines, sheetTargets, sheetIndividual, sheetIndivInds, sheetNotes}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	panes, err := f.GetPanes(sheetObjectives)
	must(t, err)
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v", panes)
	}
	dvs, err := f.GetDataValidations(sheetIndicators)
	must(t, err)
	var lists []string
	for _, dv := range dvs {
		lists = append(lists, dv.Sqref+" "+dv.Formula1)
	}
	if !slices.Contains(lists, `H2:H1048576 "count,percent,days,ratio,yes_no,score,euro"`) {
		t.Errorf("no drop-down for the unit: %q", lists)
	}
	rows, err := f.GetRows(sheetInstructions)
	must(t, err)
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, " ") + "\n")
	}
	for _, cs := range [][]code{kindCodes(), unitCodes(), polarityCodes(), formulaCodes(), operatorCodes(), derivedCodes(), noteKindCodes()} {
		for _, c := range cs {
			if !strings.Contains(text.String(), "    "+c.value+" "+c.meaning) {
				t.Errorf("Istruzioni do not explain %q", c.value)
			}
		}
	}
	for _, s := range []string{"storico delle revisioni", "Nulla viene salvato finché l'anteprima non mostra alcun errore", "1.234,5"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("Istruzioni do not say %q", s)
		}
	}
}

func TestBadRows(t *testing.T) {
	data := edit(t, written(t, reference(t)), func(f *excelize.File) {
		must(t, f.SetCellStr(sheetBaselines, "B2", "2O22"))
		must(t, f.SetCellStr(sheetRoles, "C3", "ufficio-inesistente"))
		rows, err := f.GetRows(sheetObjectives)
		must(t, err)
		copyRow := make([]any, len(rows[1]))
		for i, v := range rows[1] {
			copyRow[i] = v
		}
		must(t, f.SetSheetRow(sheetObjectives, fmt.Sprintf("A%d", len(rows)+1), &copyRow))
		must(t, f.SetCellInt(sheetTargets, "B2", 2031))
		must(t, f.SetCellStr(sheetTargets, "A3", "X.9/9"))
	})
	doc, problems, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if doc != nil {
		t.Error("a document came back despite the problems")
	}
	n := len(reference(t).Objectives) + 2
	want := []Problem{
		{sheetRoles, 3, "Unità", "unità «ufficio-inesistente» sconosciuta: non è nel foglio Unità"},
		{sheetObjectives, n, "Codice", "codice «1.1» ripetuto: compare già alla riga 2"},
		{sheetBaselines, 2, "Anno", "«2O22» non è un anno"},
		{sheetTargets, 2, "Anno", "anno 2031 fuori dagli anni del piano (2023–2025)"},
		{sheetTargets, 3, "Indicatore", "indicatore «X.9/9» sconosciuto: non è nel foglio Indicatori"},
	}
	if !slices.Equal(problems, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", lines(problems), lines(want))
	}
}

func lines(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

// TestItalianNumbers: text cells with Italian numbers read as numbers, and a
// numeric cell holding 1.234 stays 1.234 (as text it would be 1234).
func TestItalianNumbers(t *testing.T) {
	orig := reference(t)
	want := expected(reference(t))
	// Row 2 of Baseline is the first baseline, row 3 the second; the target
	// row is the first one with an operator other than yes.
	var bls []*plan.Baseline
	var tgs []*plan.Target
	for i := range want.Objectives {
		for j := range want.Objectives[i].Indicators {
			in := &want.Objectives[i].Indicators[j]
			for k := range in.Baselines {
				bls = append(bls, &in.Baselines[k])
			}
			for k := range in.Targets {
				tgs = append(tgs, &in.Targets[k])
			}
		}
	}
	tgRow := slices.IndexFunc(tgs, func(t *plan.Target) bool { return t.Operator != plan.OpYes })
	set := func(p **float64, v float64) { *p = &v }
	set(&bls[0].Value, 1234.5)
	set(&bls[1].Value, 12.5)
	set(&bls[2].Value, 1234)
	set(&bls[3].Value, 1.234)
	set(&tgs[tgRow].Value, 61.24)
	want.Objectives[0].Indicators[0].Weight = 2.5
	want.Plan.StartYear = orig.Plan.StartYear

	data := edit(t, written(t, orig), func(f *excelize.File) {
		must(t, f.SetCellStr(sheetBaselines, "C2", "1.234,5"))
		must(t, f.SetCellStr(sheetBaselines, "C3", "12,5%"))
		must(t, f.SetCellStr(sheetBaselines, "C4", "1.234"))
		must(t, f.SetCellFloat(sheetBaselines, "C5", 1.234, -1, 64))
		must(t, f.SetCellStr(sheetTargets, fmt.Sprintf("D%d", tgRow+2), "61,24"))
		must(t, f.SetCellStr(sheetIndicators, "R2", " 2,5 "))
		must(t, f.SetCellStr(sheetPlan, "B7", fmt.Sprint(orig.Plan.StartYear))) // a year as text
		must(t, f.SetCellStr(sheetRoles, "D2", "NO"))
	})
	assertSame(t, readOK(t, data), want)
}

func TestNotAWorkbook(t *testing.T) {
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	w, _ := zw.Create("hello.txt")
	w.Write([]byte("ciao"))
	zw.Close()
	for name, data := range map[string][]byte{
		"garbage": []byte("\x00\x01not a spreadsheet at all\xff"),
		"empty":   nil,
		"csv":     []byte("codice;titolo\n1.1;Uno\n"),
		"zip":     zipped.Bytes(),
	} {
		doc, problems, err := Read(bytes.NewReader(data))
		if !errors.Is(err, ErrNotXLSX) || doc != nil || problems != nil {
			t.Errorf("%s: got %v, %v, %v; want ErrNotXLSX", name, doc != nil, problems, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "il file non è un foglio XLSX valido") {
			t.Errorf("%s: error %q", name, err)
		}
	}
}

// TestHostile: odd cells are problems, not panics, and blank rows cost
// nothing.
func TestHostile(t *testing.T) {
	base := written(t, reference(t))
	blank := edit(t, base, func(f *excelize.File) {
		for r := 200; r < 50200; r++ {
			must(t, f.SetCellStr(sheetObjectives, fmt.Sprintf("A%d", r), " "))
		}
	})
	readOK(t, blank)

	data := edit(t, base, func(f *excelize.File) {
		must(t, f.SetCellStr(sheetBaselines, "C2", "1e400"))
		must(t, f.SetCellFloat(sheetBaselines, "C3", 1e300, -1, 64))
		must(t, f.SetCellStr(sheetBaselines, "C4", "NaN"))
		must(t, f.SetCellStr(sheetBaselines, "C5", strings.Repeat("9", 5000)))
		must(t, f.SetCellValue(sheetTargets, "D2", nil))
		must(t, f.SetCellFormula(sheetTargets, "D2", "1/0")) // no cached result: reads as empty
		must(t, f.SetCellBool(sheetBaselines, "B6", true))
		must(t, f.SetCellStr(sheetIndicators, "Q2", "forse"))
		must(t, f.SetCellStr(sheetAreas, "A1", "Numero dell'ambito"))
		must(t, f.DeleteSheet(sheetNotes))
		must(t, f.SetCellStr(sheetPlan, "B7", "duemila"))
	})
	doc, problems, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if doc != nil {
		t.Error("a document came back despite the problems")
	}
	got := lines(problems)
	for _, s := range []string{
		"Piano, riga 7, colonna Valore: Anno iniziale: «duemila» non è un anno",
		"Ambiti, riga 1, colonna Numero: colonna mancante",
		"Indicatori, riga 2, colonna Componente: valore «forse» non ammesso: scrivi sì o no",
		"Baseline, riga 2, colonna Valore: numero fuori scala",
		"Baseline, riga 3, colonna Valore: numero fuori scala",
		"Baseline, riga 4, colonna Valore: «NaN» non è un numero",
		"Baseline, riga 5, colonna Valore: numero fuori scala",
		"Baseline, riga 6, colonna Anno: anno 1 non valido",
		"Target, riga 2, colonna Valore: campo obbligatorio vuoto",
		"Note qualità: foglio mancante",
	} {
		if !strings.Contains(got, s) {
			t.Errorf("missing problem %q", s)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

func TestProblemString(t *testing.T) {
	for p, want := range map[Problem]string{
		{sheetObjectives, 12, "Ambito", "ambito 7 sconosciuto"}: "Obiettivi, riga 12, colonna Ambito: ambito 7 sconosciuto",
		{sheetNotes, 0, "", "foglio mancante"}:                  "Note qualità: foglio mancante",
	} {
		if got := p.String(); got != want {
			t.Errorf("%q, want %q", got, want)
		}
	}
}

// TestCodesMatchValidate keeps the allowed values in step with plan.Validate,
// whose lists are unexported: Validate accepts each of ours and refuses a
// made-up one.
func TestCodesMatchValidate(t *testing.T) {
	firstDerived := func(d *plan.Document) *plan.Indicator {
		for i := range d.Objectives {
			for j := range d.Objectives[i].Indicators {
				if in := &d.Objectives[i].Indicators[j]; in.Derived != nil {
					return in
				}
			}
		}
		t.Fatal("no derived indicator in the reference plan")
		return nil
	}
	for _, c := range []struct {
		name  string
		codes []code
		set   func(d *plan.Document, v string)
	}{
		{"kind", kindCodes(), func(d *plan.Document, v string) { d.Objectives[0].Kind = v }},
		{"unit", unitCodes(), func(d *plan.Document, v string) { d.Objectives[0].Indicators[0].Unit = v }},
		{"polarity", polarityCodes(), func(d *plan.Document, v string) { d.Objectives[0].Indicators[0].Polarity = v }},
		{"formula", formulaCodes(), func(d *plan.Document, v string) { d.Objectives[0].Indicators[0].Formula = plan.Formula(v) }},
		{"operator", operatorCodes(), func(d *plan.Document, v string) { d.Objectives[0].Indicators[0].Targets[0].Operator = v }},
		{"derived", derivedCodes(), func(d *plan.Document, v string) { firstDerived(d).Derived.Function = v }},
		{"note", noteKindCodes(), func(d *plan.Document, v string) { d.Notes[0].Kind = v }},
	} {
		for _, v := range append(codeValues(c.codes), "zzz") {
			d := reference(t)
			c.set(d, v)
			err := plan.Validate(d)
			unknown := err != nil && strings.Contains(err.Error(), fmt.Sprintf("%q sconosciut", v))
			if unknown != (v == "zzz") {
				t.Errorf("%s %q: refused by plan.Validate: %v", c.name, v, unknown)
			}
		}
	}
}

// TestFormulaCodesFollowTable: the formula codes are plan.Formulas, in order,
// and the meaning of a computed formula names the inputs of
// plan.FormulaInputs, so the template's instructions match what is checked.
func TestFormulaCodesFollowTable(t *testing.T) {
	var values []string
	for _, f := range plan.Formulas() {
		values = append(values, string(f))
	}
	if got := codeValues(formulaCodes()); !slices.Equal(got, values) {
		t.Errorf("formula codes %v, want plan.Formulas %v", got, values)
	}
	for _, c := range formulaCodes() {
		keys := plan.Formula(c.value).InputKeys()
		if keys != nil && !strings.Contains(c.meaning, "dati richiesti: "+strings.Join(keys, ", ")) {
			t.Errorf("formula %s: meaning %q does not name its inputs %v", c.value, c.meaning, keys)
		}
	}
}

func BenchmarkWriteRead(b *testing.B) {
	d := reference(b)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, d); err != nil {
			b.Fatal(err)
		}
		if _, problems, err := Read(bytes.NewReader(buf.Bytes())); err != nil || problems != nil {
			b.Fatal(err, problems)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
	b.ReportMetric(float64(buf.Len()), "bytes/file")
}

// TestFinalCheck: what only plan.Validate sees (here a cycle of derived
// indicators) still comes back as a placed problem.
func TestFinalCheck(t *testing.T) {
	d := reference(t)
	var derived, ref string
	row, refRow, derivedRow := 1, 0, 0
	for _, o := range d.Objectives {
		for _, in := range o.Indicators {
			row++
			if in.Derived != nil && len(in.Derived.Indicators) > 0 {
				derived, ref, derivedRow = in.Key, in.Derived.Indicators[0], row
			}
			if in.Key == "PO.2.1/2" {
				refRow = row
			}
		}
	}
	if ref != "PO.2.1/2" || refRow == 0 {
		t.Fatalf("the reference plan changed: %s counts %s", derived, ref)
	}
	data := edit(t, written(t, d), func(f *excelize.File) {
		for col, v := range map[string]string{"J": string(plan.FormulaDerived), "K": "", "L": "", "M": "count_indicators_met", "P": derived} {
			must(t, f.SetCellStr(sheetIndicators, fmt.Sprintf("%s%d", col, refRow), v))
		}
	})
	doc, problems, err := Read(bytes.NewReader(data))
	if err != nil || doc != nil || len(problems) != 1 {
		t.Fatalf("got %v, %v, problems:\n%s", doc != nil, err, lines(problems))
	}
	p := problems[0]
	t.Log(p)
	if p.Sheet != sheetIndicators || p.Column != "Indicatori aggregati" || !strings.HasPrefix(p.Message, "gli indicatori derivati formano un ciclo: ") ||
		(p.Row != refRow && p.Row != derivedRow) {
		t.Errorf("problem %s", p)
	}
}

func TestEmptyDocument(t *testing.T) {
	doc, problems, err := Read(bytes.NewReader(written(t, &plan.Document{})))
	if err != nil || doc != nil || len(problems) == 0 {
		t.Fatalf("got %v, %v, %v", doc != nil, problems, err)
	}
	t.Log(lines(problems))
	if got := problems[0].String(); got != "Piano, riga 2, colonna Valore: Slug ente: campo obbligatorio vuoto" {
		t.Errorf("first problem %q", got)
	}
}
