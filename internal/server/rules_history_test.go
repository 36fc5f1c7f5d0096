package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/store"
)

// importFixtureAs loads the 2023 final test values as the actuals of another
// year (approved, periods left open): a later year with data to score.
func importFixtureAs(t *testing.T, pool *pgxpool.Pool, year int) {
	t.Helper()
	ctx := context.Background()
	st := store.New(pool)
	h, cat, err := st.MeasureCatalogue(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../seed/testdata/measurements-2023-final.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := measure.ParseCSV(f, cat, h.StartYear, h.EndYear)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		rows[i].Year = year
	}
	if _, err := st.ImportMeasurements(ctx, "cciaa-gran-sasso", "piao-2023-2025", rows,
		store.ImportOptions{Actor: "test", Demo: true}); err != nil {
		t.Fatal(err)
	}
}

// validate2023 records the OIV's validation of 2023 directly in the store.
func validate2023(t *testing.T, st *store.Store, h model.PlanHeader) {
	t.Helper()
	if err := st.SetValidation(context.Background(), h, model.Validation{Year: 2023, Outcome: model.Validated,
		DecidedOn: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), ActReference: "Verbale OIV n. 1/2024",
		Document: []byte(minimalPDF), DocumentName: "validazione.pdf", DocumentType: "application/pdf"}, "", "oiv"); err != nil {
		t.Fatal(err)
	}
}

// TestRulesChangeFromAYear: the rules are versioned by year. A change from a
// year whose Relazione is validated is refused server-side with an Italian
// message beside the year and nothing stored; a change from the next year
// leaves the validated year's Relazione byte for byte the same, changes the
// later year's scores, and each Relazione names the version it applied.
func TestRulesChangeFromAYear(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	importFixture(t, pool, true)
	importFixtureAs(t, pool, 2024)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := context.Background()
	st := store.New(pool)
	h, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	closeFinalOn(t, pool, 2023, "2024-03-01")
	validate2023(t, st, h)

	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	page := srv.URL + refPlan + "/regole"
	_, body := fetch(t, admin, page)
	mustContain(t, body, "La Relazione 2023 è validata", "versione 1 (in vigore dal 2023)", "Validata: regole non modificabili")
	sel := body[strings.Index(body, `id="re-dal"`):]
	sel = sel[:strings.Index(sel, "</select>")]
	if strings.Contains(sel, `value="2023"`) || !strings.Contains(sel, `value="2024"`) {
		t.Errorf("the year choice offers a validated year or misses the next one: %s", sel)
	}

	files := []string{"sintesi.csv", "obiettivi-strategici.csv", "operativi-per-dirigente.csv", "schede-individuali.csv", "metodo.csv", "come-e-calcolato.csv"}
	read := func(year string) map[string]string {
		out := map[string]string{}
		for _, f := range files {
			res, b := fetch(t, admin, srv.URL+refPlan+"/relazione/"+year+"/"+f)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s %s: %d", year, f, res.StatusCode)
			}
			out[f] = b
		}
		return out
	}
	before2023, before2024 := read("2023"), read("2024")
	mustContain(t, before2023["metodo.csv"], "versione 1 (in vigore dal 2023)")

	rules := url.Values{"tetto": {"100"}, "soglia": {"99"}, "regola-lte": {"linear"}, "regola-obiettivo": {scoring.AllTargetsMet},
		"raggiunto": {"100"}, "parziale": {"90"}, "risultati": {"60"}, "comportamenti": {"40"},
		"fasce": {"95 Eccellente; 80 Buono; 0 Non adeguato"}, "motivo": {"Nuovo SMVP"}, "versione": {version(t, body)}}
	events := auditEvents(t, pool)
	rules.Set("dal", "2023")
	res, body := postForm(t, admin, page, rules)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("change from a validated year: %d", res.StatusCode)
	}
	mustContain(t, body, `id="re-dal-errore"`, "Il 2023 ha la Relazione validata: le regole di quell&#39;anno non si possono cambiare.",
		`value="99"`, `value="Nuovo SMVP"`)
	if n := auditEvents(t, pool); n != events {
		t.Errorf("the refused change left %d audit events", n-events)
	}
	// the store refuses whatever the handler checked
	var yearErr *store.RulesYearError
	if err := st.SetScoringRules(ctx, h, scoring.DefaultRules(), 2023, "", 1, "admin"); !errors.As(err, &yearErr) || !yearErr.Frozen {
		t.Fatalf("store change from a validated year: %v", err)
	}
	// a year outside the plan is refused beside the field too
	rules.Set("dal", "2030")
	if res, body := postForm(t, admin, page, rules); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Scegli un anno dal 2024 al 2025.") {
		t.Fatalf("change from a year outside the plan: %d", res.StatusCode)
	}
	var versions int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM scoring_rule_versions WHERE plan_id = $1`, h.ID).Scan(&versions); err != nil || versions != 1 {
		t.Fatalf("refused changes stored versions: %d %v", versions, err)
	}

	rules.Set("dal", "2024")
	if res, body := postForm(t, admin, page, rules); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change from 2024: %d\n%s", res.StatusCode, errorsIn(body))
	}
	after2023, after2024 := read("2023"), read("2024")
	for _, f := range files {
		if after2023[f] != before2023[f] {
			t.Errorf("the validated year's %s changed", f)
		}
	}
	if after2024["sintesi.csv"] == before2024["sintesi.csv"] || after2024["obiettivi-strategici.csv"] == before2024["obiettivi-strategici.csv"] {
		t.Error("the change from 2024 did not rescore 2024")
	}
	mustContain(t, after2024["metodo.csv"], "versione 2 (in vigore dal 2024)")
	_, body = fetch(t, admin, srv.URL+refPlan+"/relazione/2024")
	mustContain(t, body, "Regole di misurazione", "versione 2 (in vigore dal 2024)")
	_, body = fetch(t, admin, page)
	mustContain(t, body, "versione 2 (in vigore dal 2024)", "Nuovo SMVP")
	var detail, reason string
	if err := pool.QueryRow(ctx, `SELECT detail::text, reason FROM audit_events WHERE action = 'rules.set'`).Scan(&detail, &reason); err != nil ||
		!strings.Contains(detail, `"from_year": 2024`) || !strings.Contains(detail, `"version_no": 2`) || reason != "Nuovo SMVP" {
		t.Errorf("audit event: %v %s %q", err, detail, reason)
	}

	// once the OIV withdraws the validation, 2023 may change again
	v, err := st.ValidationOf(ctx, h.ID, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.WithdrawValidation(ctx, h, 2023, v.Stamp(), "Dati da ricontrollare", "oiv"); err != nil {
		t.Fatal(err)
	}
	_, body = fetch(t, admin, page)
	rules.Set("versione", version(t, body))
	rules.Set("dal", "2023")
	if res, body := postForm(t, admin, page, rules); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change from 2023 after the withdrawal: %d\n%s", res.StatusCode, errorsIn(body))
	}
	if got := read("2023"); got["sintesi.csv"] == before2023["sintesi.csv"] {
		t.Error("the change from 2023 after the withdrawal did not rescore 2023")
	}
}

// TestValidationCorrectionAndWithdrawal: replacing a validation needs the
// reason of the correction (refused beside the field without it, nothing
// stored); the correction and a withdrawal are audited and shown publicly
// with their reasons; every decision's document is still served.
func TestValidationCorrectionAndWithdrawal(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	importFixture(t, pool, true)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := context.Background()
	st := store.New(pool)
	h, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	closeFinalOn(t, pool, 2023, "2024-03-01")
	oiv := client(t)
	signIn(t, oiv, srv.URL, "oiv", testPassword)
	anon := client(t)
	desk := srv.URL + refPlan + "/oiv"
	tr := srv.URL + "/trasparenza/cciaa-gran-sasso/piao-2023-2025"
	stamp := func() string {
		_, body := fetch(t, oiv, desk)
		m := regexp.MustCompile(`name="visto-2023" value="(\d*)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no stamp of 2023 on the OIV page")
		}
		return m[1]
	}
	first := []byte(minimalPDF)
	second := []byte(strings.Replace(minimalPDF, "%PDF-1.4\n", "%PDF-1.4\n%correzione\n", 1))
	fields := map[string]string{"anno": "2023", "esito": model.Validated, "data": "01/03/2024", "atto": "Verbale OIV n. 1/2024", "visto-2023": stamp()}
	if res, body := postFiles(t, oiv, desk+"/validazione", fields, "documento", map[string][]byte{"prima.pdf": first}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first validation: %d\n%s", res.StatusCode, errorsIn(body))
	}
	v1, err := st.ValidationOf(ctx, h.ID, 2023)
	if err != nil {
		t.Fatal(err)
	}

	// a correction without its reason: refused beside the field, the form kept, nothing stored
	fields = map[string]string{"anno": "2023", "esito": model.ValidatedWithReserve, "data": "15/03/2024", "atto": "Verbale OIV n. 2/2024",
		"motivazione": "Riserva sugli indicatori di efficienza", "visto-2023": stamp()}
	events := auditEvents(t, pool)
	res, body := postFiles(t, oiv, desk+"/validazione", fields, "documento", map[string][]byte{"seconda.pdf": second})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("correction without reason: %d", res.StatusCode)
	}
	mustContain(t, body, `id="motivo-correzione-errore"`, "scrivi il motivo della correzione", "Riserva sugli indicatori di efficienza", "Verbale OIV n. 2/2024")
	if n := countValidations(t, pool); n != 1 || auditEvents(t, pool) != events {
		t.Fatalf("the refused correction stored something: %d decisions", n)
	}
	// the store refuses too
	if err := st.SetValidation(ctx, h, model.Validation{Year: 2023, Outcome: model.Validated, DecidedOn: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC),
		Document: second, DocumentName: "x.pdf", DocumentType: "application/pdf"}, v1.Stamp(), "oiv"); !errors.Is(err, store.ErrCorrectionReason) {
		t.Fatalf("store correction without reason: %v", err)
	}

	fields["motivo-correzione"] = "Il verbale n. 1 ometteva la riserva"
	if res, body := postFiles(t, oiv, desk+"/validazione", fields, "documento", map[string][]byte{"seconda.pdf": second}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("correction: %d\n%s", res.StatusCode, errorsIn(body))
	}
	var reason string
	if err := pool.QueryRow(ctx, `SELECT reason FROM audit_events WHERE action = 'oiv.validation.correct'`).Scan(&reason); err != nil || reason != fields["motivo-correzione"] {
		t.Fatalf("correction audit event: %v %q", err, reason)
	}
	v2, err := st.ValidationOf(ctx, h.ID, 2023)
	if err != nil || v2.Outcome != model.ValidatedWithReserve || v2.ID == v1.ID {
		t.Fatalf("current decision after the correction: %+v %v", v2, err)
	}
	_, body = fetch(t, anon, tr)
	mustContain(t, body, "Validata con riserva dall'OIV il 15/03/2024", "Storico delle decisioni dell'OIV",
		"Sostituita da una correzione il", "Il verbale n. 1 ometteva la riserva", "/relazione/2023/validazione/")
	// both documents are served, to the public and to the ente's auditors
	for _, c := range []struct {
		v   model.Validation
		doc []byte
	}{{v1, first}, {v2, second}} {
		id := itfmt.Number(float64(c.v.ID), 0)
		for _, u := range []string{tr + "/relazione/2023/validazione/" + id, desk[:strings.LastIndex(desk, "/oiv")] + "/relazione/2023/validazione/" + id} {
			cl := anon
			if !strings.Contains(u, "/trasparenza/") {
				cl = oiv
			}
			res, got := fetch(t, cl, u)
			if res.StatusCode != http.StatusOK || got != string(c.doc) {
				t.Errorf("document of decision %s at %s: %d, same content %v", id, u, res.StatusCode, got == string(c.doc))
			}
		}
	}

	// withdrawal: the reason is required
	res, body = postForm(t, oiv, desk+"/validazione/revoca", url.Values{"anno": {"2023"}, "visto-2023": {v2.Stamp()}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("withdrawal without reason: %d", res.StatusCode)
	}
	mustContain(t, body, `id="motivo-revoca-errore"`, "Scrivi il motivo della revoca")
	// a stale withdrawal (built on the first decision) is a conflict
	if res, _ := postForm(t, oiv, desk+"/validazione/revoca", url.Values{"anno": {"2023"}, "visto-2023": {v1.Stamp()},
		"motivo-revoca": {"Vecchia pagina"}}); res.StatusCode != http.StatusConflict {
		t.Fatalf("stale withdrawal: %d", res.StatusCode)
	}
	if _, err := st.ValidationOf(ctx, h.ID, 2023); err != nil {
		t.Fatal("a refused withdrawal withdrew the validation")
	}
	why := "Valori 2023 da ricontrollare dopo l'audit interno"
	if res, body := postForm(t, oiv, desk+"/validazione/revoca", url.Values{"anno": {"2023"}, "visto-2023": {v2.Stamp()},
		"motivo-revoca": {why}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdrawal: %d\n%s", res.StatusCode, errorsIn(body))
	}
	var actor string
	if err := pool.QueryRow(ctx, `SELECT reason, actor FROM audit_events WHERE action = 'oiv.validation.withdraw'`).Scan(&reason, &actor); err != nil ||
		reason != why || actor != "oiv" {
		t.Fatalf("withdrawal audit event: %v %q %q", err, reason, actor)
	}
	if _, err := st.ValidationOf(ctx, h.ID, 2023); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a current validation after the withdrawal: %v", err)
	}
	today := itfmt.Date(time.Now().In(itfmt.Rome()))
	_, body = fetch(t, anon, tr)
	mustContain(t, body, "Anno 2023", "Non validata.", "Validazione revocata il "+today, "Valori 2023 da ricontrollare dopo l&#39;audit interno",
		"Revocata il "+today)
	if strings.Contains(body, "/relazione/2023/relazione.pdf") {
		t.Error("the transparency page still publishes the Relazione of a withdrawn year")
	}
	for _, u := range []string{"/relazione/2023", "/relazione/2023/validazione"} {
		if res, _ := fetch(t, anon, tr+u); res.StatusCode != http.StatusNotFound {
			t.Errorf("public %s after the withdrawal: %d", u, res.StatusCode)
		}
	}
	if res, got := fetch(t, anon, tr+"/relazione/2023/validazione/"+itfmt.Number(float64(v2.ID), 0)); res.StatusCode != http.StatusOK || got != string(second) {
		t.Errorf("the withdrawn decision's document: %d", res.StatusCode)
	}
	// the ente's Relazione states the withdrawal and keeps every decision
	res, csv := fetch(t, oiv, srv.URL+refPlan+"/relazione/2023/validazione.csv")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("validation table: %d", res.StatusCode)
	}
	mustContain(t, csv, "sostituita da una correzione il", "Il verbale n. 1 ometteva la riserva", "revocata il "+today, "prima.pdf", "seconda.pdf")
	_, body = fetch(t, oiv, srv.URL+refPlan+"/relazione/2023")
	mustContain(t, body, "non validata: la validazione del 15/03/2024 è stata revocata il "+today)
}
