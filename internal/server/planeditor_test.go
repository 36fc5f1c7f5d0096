package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/scores"
	"github.com/piao-performance/piao/internal/store"
)

// TestPlanEditorRevisesATarget: the administrator opens a revision, a wrong
// target is answered beside its field with the typed value kept, a right one
// is saved in the draft, the draft shows the change, and adopting it makes a
// new revision whose target governs the periods after its date.
func TestPlanEditorRevisesATarget(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	ed := srv.URL + refPlan + "/modifica"

	res, body := postForm(t, admin, ed+"/avvia", url.Values{"etichetta": {""}, "vigore": {"31/02/2024"}, "motivo": {"Nuovi target"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad draft form: %d", res.StatusCode)
	}
	mustContain(t, body, "Campo obbligatorio.", "Scrivi la data come gg/mm/aaaa", `value="31/02/2024"`, "Nuovi target",
		`id="riepilogo-errori"`, `href="#rev-etichetta"`, `href="#rev-vigore"`)
	res, _ = postForm(t, admin, ed+"/avvia", url.Values{"etichetta": {"Aggiornamento luglio 2024"}, "vigore": {"01/07/2024"},
		"atto": {"Delibera di Giunta n. 45/2024"}, "motivo": {"Nuovi target"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start draft: %d", res.StatusCode)
	}
	form := ed + "/obiettivi/O.4.2.1/indicatori/1"
	res, body = fetch(t, admin, form)
	if res.StatusCode != 200 {
		t.Fatalf("indicator form: %d", res.StatusCode)
	}
	version := regexp.MustCompile(`name="versione" value="(\d+)"`).FindStringSubmatch(body)[1]
	fields := url.Values{"versione": {version}, "nome": {"Numero di iniziative realizzate per la valorizzazione delle produzioni tipiche locali"},
		"algoritmo": {"Numero di iniziative"}, "unita-misura": {"count"}, "polarita": {"higher_better"}, "formula": {"direct"},
		"op-2023": {">="}, "val-2023": {"5"}, "op-2024": {">="}, "val-2024": {"sette"}, "b-anno-0": {"2022"}, "b-val-0": {"2"}, "b-testo-0": {"2"}}
	res, body = postForm(t, admin, form, fields)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad target: %d", res.StatusCode)
	}
	mustContain(t, body, "Target 2024", `value="sette"`, `id="riepilogo-errori"`, `href="#t-val-2024"`)
	fields.Set("val-2024", "7")
	if res, _ := postForm(t, admin, form, fields); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save target: %d", res.StatusCode)
	}
	// the same form posted again with the old version is a conflict, not an overwrite
	if res, _ := postForm(t, admin, form, fields); res.StatusCode != http.StatusConflict {
		t.Errorf("stale form: %d", res.StatusCode)
	}
	_, body = fetch(t, admin, ed)
	mustContain(t, body, "Target aggiunto", "O.4.2.1/1", "(2024)", "&gt;= 7")
	version = regexp.MustCompile(`name="versione" value="(\d+)"`).FindStringSubmatch(body)[1]
	if res, _ := postForm(t, admin, ed+"/adotta", url.Values{"versione": {version}, "passo": {"conferma"}, "conferma": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("adopt: %d", res.StatusCode)
	}
	_, body = fetch(t, admin, srv.URL+refPlan+"/revisioni?da=2&a=3")
	mustContain(t, body, "Aggiornamento luglio 2024", "Delibera di Giunta n. 45/2024", "Target aggiunto", "Nuovi target")
	_, body = fetch(t, admin, srv.URL+refPlan+"/obiettivi/O.4.2.1")
	mustContain(t, body, "Aggiornamento luglio 2024")
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action IN ('plan.draft.start', 'plan.draft.edit', 'plan.revision')`).Scan(&n); err != nil || n != 3 {
		t.Errorf("audit events of the revision: %d %v", n, err)
	}
	// a dirigente cannot reach the editor
	dir := client(t)
	signIn(t, dir, srv.URL, "dirigente", testPassword)
	if res, _ := fetch(t, dir, ed); res.StatusCode != http.StatusForbidden {
		t.Errorf("dirigente opens the editor: %d", res.StatusCode)
	}
	if strings.Contains(body, "500") && strings.Contains(body, "Errore del server") {
		t.Error("server error page")
	}
}

// TestRolloverCarriesTargetsAndActuals: next cycle's plan keeps the
// structure and the targets of the years it covers, and the 2023 final
// actuals become its 2023 baselines; the JSON backup downloads.
func TestRolloverCarriesTargetsAndActuals(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	importFixture(t, pool, true)
	srv := httptest.NewServer(app)
	defer srv.Close()
	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	ro := srv.URL + refPlan + "/modifica/nuovo-ciclo"
	res, body := fetch(t, admin, ro)
	if res.StatusCode != 200 {
		t.Fatalf("roll-over form: %d", res.StatusCode)
	}
	mustContain(t, body, `value="piao-2024-2026"`, `value="PIAO 2024–2026"`)
	if res, body := postForm(t, admin, ro, url.Values{"slug": {"piao-2023-2025"}, "titolo": {"X"}, "inizio": {"2024"}, "fine": {"2026"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "già un piano") {
		t.Errorf("existing slug: %d", res.StatusCode)
	}
	res, _ = postForm(t, admin, ro, url.Values{"slug": {"piao-2024-2026"}, "titolo": {"PIAO 2024–2026"}, "inizio": {"2024"}, "fine": {"2026"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/enti/cciaa-gran-sasso/piani/piao-2024-2026" {
		t.Fatalf("roll-over: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	st := store.New(pool)
	ctx := context.Background()
	next, err := st.ExportPlan(ctx, "cciaa-gran-sasso", "piao-2024-2026")
	if err != nil {
		t.Fatal(err)
	}
	old, err := st.ExportPlan(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	if len(next.Objectives) != len(old.Objectives) || len(next.Individual) != len(old.Individual) || next.Plan.StartYear != 2024 {
		t.Fatalf("structure not carried: %d/%d objectives", len(next.Objectives), len(old.Objectives))
	}
	h, _ := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	p, _ := st.Period(ctx, h.ID, 2023, "final")
	card, err := scores.Load(ctx, st, h, p, model.Approved)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, o := range next.Objectives {
		for _, in := range o.Indicators {
			for _, tg := range in.Targets {
				if tg.Year < 2024 {
					t.Errorf("%s keeps a %d target", in.Key, tg.Year)
				}
			}
			r, i := card.Indicator(in.Key)
			if i < 0 || !r.HasActual {
				continue
			}
			var b2023 *plan.Baseline
			for k := range in.Baselines {
				if in.Baselines[k].Year == 2023 {
					b2023 = &in.Baselines[k]
				}
			}
			if b2023 == nil || b2023.Value == nil || *b2023.Value != r.Actual {
				t.Errorf("%s: 2023 baseline %+v, actual %v", in.Key, b2023, r.Actual)
			}
			checked++
		}
	}
	if checked < 50 {
		t.Errorf("only %d actuals became baselines", checked)
	}
	// 3.3/1 keeps its 2024 and 2025 targets
	for _, o := range next.Objectives {
		for _, in := range o.Indicators {
			if in.Key == "3.3/1" && (len(in.Targets) != 2 || in.Targets[0].Text != ">= 140") {
				t.Errorf("3.3/1 targets %+v", in.Targets)
			}
		}
	}
	// the JSON backup is the export, byte for byte
	res, raw := fetch(t, admin, srv.URL+refPlan+"/esporta.json")
	want, _ := plan.Encode(old)
	if res.StatusCode != 200 || raw != string(want) {
		t.Errorf("JSON backup: %d, %d bytes, want %d", res.StatusCode, len(raw), len(want))
	}
}

// TestPlanSpreadsheetRoundTrip: the plan goes out as an XLSX template and
// comes back unchanged (adopting it leaves the open data byte-identical);
// a target changed in the sheet becomes a change of the draft; a sheet with a
// bad row is refused with its sheet and row, and the draft stays as it was.
func TestPlanSpreadsheetRoundTrip(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	importFixture(t, pool, true)
	srv := httptest.NewServer(app)
	defer srv.Close()
	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	ed := srv.URL + refPlan + "/modifica"
	_, csvBefore := fetch(t, client(t), srv.URL+"/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.csv")
	if res, _ := postForm(t, admin, ed+"/avvia", url.Values{"etichetta": {"Da foglio"}, "vigore": {"01/07/2024"}, "motivo": {"Prova del foglio"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d", res.StatusCode)
	}
	version := func() string {
		_, body := fetch(t, admin, ed)
		return regexp.MustCompile(`name="versione" value="(\d+)"`).FindStringSubmatch(body)[1]
	}
	res, raw := fetch(t, admin, ed+"/modello.xlsx")
	if res.StatusCode != 200 {
		t.Fatalf("template: %d", res.StatusCode)
	}
	upload := func(b []byte) (*http.Response, string) {
		return postFiles(t, admin, ed+"/importa", map[string]string{"versione": version()}, "foglio", map[string][]byte{"piano.xlsx": b})
	}
	// unchanged: no difference, and adopting it changes nothing public
	if res, body := upload([]byte(raw)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("import unchanged: %d %s", res.StatusCode, errorsIn(body))
	}
	_, body := fetch(t, admin, ed)
	mustContain(t, body, "Modifiche rispetto al piano in vigore (0)")
	// a changed target and then a bad row
	f, err := excelize.OpenReader(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Target")
	row := 0
	for i, r := range rows {
		if len(r) > 1 && r[0] == "O.4.2.1/1" && r[1] == "2023" {
			row = i + 1
		}
	}
	if row == 0 {
		t.Fatal("no O.4.2.1/1 2023 target row in the template")
	}
	_ = f.SetCellValue("Target", "D"+strconv.Itoa(row), 8)
	_ = f.SetCellValue("Target", "E"+strconv.Itoa(row), ">= 8")
	var changed bytes.Buffer
	_ = f.Write(&changed)
	_ = f.SetCellValue("Target", "B"+strconv.Itoa(row), 2031)
	var bad bytes.Buffer
	_ = f.Write(&bad)
	f.Close()
	if res, body := upload(bad.Bytes()); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Target, riga "+strconv.Itoa(row)) {
		t.Fatalf("bad row: %d %s", res.StatusCode, errorsIn(body))
	}
	_, body = fetch(t, admin, ed)
	mustContain(t, body, "Modifiche rispetto al piano in vigore (0)")
	if res, body := upload(changed.Bytes()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("import changed: %d %s", res.StatusCode, errorsIn(body))
	}
	_, body = fetch(t, admin, ed)
	mustContain(t, body, "Modifiche rispetto al piano in vigore (1)", "Target modificato", "&gt;= 8")
	// back to the sheet as it came, adopted: the open data are byte for byte the same
	if res, _ := upload([]byte(raw)); res.StatusCode != http.StatusSeeOther {
		t.Fatal("re-import")
	}
	if res, _ := postForm(t, admin, ed+"/adotta", url.Values{"versione": {version()}, "passo": {"conferma"}, "conferma": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("adopt: %d", res.StatusCode)
	}
	_, csvAfter := fetch(t, client(t), srv.URL+"/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.csv")
	if csvAfter != csvBefore {
		t.Error("open data changed after an unchanged spreadsheet round trip")
	}
}

// TestScoringRulesEditor: the administrator changes the method; bad values
// are answered beside their fields and nothing changes; a good change
// rescores the plan and is in the audit trail with before and after.
func TestScoringRulesEditor(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	importFixture(t, pool, true)
	srv := httptest.NewServer(app)
	defer srv.Close()
	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	page := srv.URL + refPlan + "/regole"
	_, body := fetch(t, admin, page)
	mustContain(t, body, `value="100"`, `value="80"`, "90 Eccellente; 75 Buono; 60 Adeguato; 0 Non adeguato")
	good := url.Values{"tetto": {"120"}, "soglia": {"0"}, "regola-lte": {"linear"}, "regola-obiettivo": {"weighted_mean"}, "raggiunto": {"100"},
		"parziale": {"85"}, "risultati": {"70"}, "comportamenti": {"30"}, "fasce": {"90 Eccellente; 75 Buono; 60 Adeguato; 0 Non adeguato"},
		"dal": {"2023"}, "versione": {version(t, body)}}
	bad := url.Values{}
	for k, v := range good {
		bad[k] = v
	}
	bad.Set("comportamenti", "40")
	bad.Set("tetto", "cento")
	bad.Set("fasce", "Eccellente")
	res, body := postForm(t, admin, page, bad)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad rules: %d", res.StatusCode)
	}
	mustContain(t, body, "Scrivi un numero da 100 a 1.000.", "Scrivi le fasce come", `value="cento"`)
	st := store.New(pool)
	ctx := context.Background()
	h, _ := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if r, _ := st.ScoringRules(ctx, h.ID); r.Cap != 100 || r.LTERule != "ratio" {
		t.Fatalf("refused rules were saved: %+v", r)
	}
	if res, _ := postForm(t, admin, page, good); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("good rules: %d", res.StatusCode)
	}
	if r, _ := st.ScoringRules(ctx, h.ID); r.Cap != 120 || r.LTERule != "linear" || r.PartialBand != 85 {
		t.Errorf("rules after saving: %+v", r)
	}
	var detail string
	if err := pool.QueryRow(ctx, `SELECT detail::text FROM audit_events WHERE action = 'rules.set'`).Scan(&detail); err != nil ||
		!strings.Contains(detail, `"LTERule": "ratio"`) || !strings.Contains(detail, `"LTERule": "linear"`) {
		t.Errorf("audit event: %v %s", err, detail)
	}
	// the engine scores with the saved rules
	p, _ := st.Period(ctx, h.ID, 2023, "final")
	card, err := scores.Load(ctx, st, h, p, model.Approved)
	if err != nil {
		t.Fatal(err)
	}
	if card.Model.Rules.LTERule != "linear" || card.Model.Rules.Cap != 120 {
		t.Errorf("scored with %+v", card.Model.Rules)
	}
}
