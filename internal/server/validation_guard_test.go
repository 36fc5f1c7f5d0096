package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
)

// closeFinalOn closes a year's final period of the reference plan as if on
// day (yyyy-mm-dd): a validation must be dated on or after it.
func closeFinalOn(t *testing.T, pool *pgxpool.Pool, year int, day string) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), `UPDATE periods SET closed_at = $2::date + time '12:00', closed_by = 'test'
		WHERE plan_id = (SELECT p.id FROM plans p JOIN enti e ON e.id = p.ente_id WHERE p.slug = 'piao-2023-2025' AND e.slug = 'cciaa-gran-sasso') AND year = $1 AND kind = 'final'`, year, day); err != nil {
		t.Fatal(err)
	}
}

func countValidations(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM relazione_validations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestValidationNeedsClosedFinalPeriod: the OIV cannot validate (with any
// outcome) a year whose final period is open, nor date the decision before
// the period's close or in the future; the form shows the completeness of
// each year first; a validation outside the rule is never public, and a
// reopening takes the year off the transparency page.
func TestValidationNeedsClosedFinalPeriod(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	importFixture(t, pool, false) // 2023 values approved, every period open
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := context.Background()
	st := store.New(pool)
	h, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	oiv := client(t)
	signIn(t, oiv, srv.URL, "oiv", testPassword)
	valURL := srv.URL + refPlan + "/oiv/validazione"
	pdf := map[string][]byte{"validazione.pdf": []byte(minimalPDF)}

	// The completeness summary above the form, counted independently here.
	var expected, approved, missing int
	if err := pool.QueryRow(ctx, `SELECT count(*), count(m.id) FILTER (WHERE m.status = 'approved' AND NOT m.not_applicable), count(*) FILTER (WHERE m.id IS NULL)
		FROM indicators i LEFT JOIN measurements m ON m.indicator_id = i.id
			AND m.period_id = (SELECT id FROM periods WHERE plan_id = $1 AND year = 2023 AND kind = 'final')
		WHERE i.plan_id = $1 AND i.formula <> 'derived'`, h.ID).Scan(&expected, &approved, &missing); err != nil {
		t.Fatal(err)
	}
	if expected == 0 || approved == 0 {
		t.Fatalf("fixture: %d expected, %d approved", expected, approved)
	}
	_, body := fetch(t, oiv, srv.URL+refPlan+"/oiv")
	i := strings.Index(body, `id="completezza"`)
	if i < 0 || i > strings.Index(body, "Registra la validazione") {
		t.Fatal("no completeness summary before the validation button")
	}
	row := body[strings.Index(body[i:], ">2023<")+i:]
	row = row[:strings.Index(row, "</tr>")]
	mustContain(t, row, "Aperto: validazione non possibile", "<td>"+strconv.Itoa(expected)+"</td><td>"+strconv.Itoa(approved)+"</td>")
	row = body[strings.Index(body[i:], ">2025<")+i:]
	row = row[:strings.Index(row, "</tr>")]
	mustContain(t, row, "<td>"+strconv.Itoa(expected)+"</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>"+strconv.Itoa(expected)+"</td>")

	// An open year: refused next to the year for every outcome, nothing stored, the form kept.
	for _, year := range []string{"2023", "2025"} {
		for _, outcome := range []string{model.Validated, model.ValidatedWithReserve, model.NotValidated} {
			fields := map[string]string{"anno": year, "esito": outcome, "data": "01/12/2026", "atto": "Verbale OIV n. 9",
				"motivazione": "Motivazione", "visto-" + year: ""}
			res, body := postFiles(t, oiv, valURL, fields, "documento", pdf)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s %s open: %d", year, outcome, res.StatusCode)
			}
			mustContain(t, body, "Il periodo finale del "+year+" (31/12/"+year+") non è ancora chiuso", `id="val-anno-errore"`, "Verbale OIV n. 9")
		}
	}
	if n := countValidations(t, pool); n != 0 {
		t.Fatalf("validations of open years stored: %d", n)
	}
	// the store refuses too, whatever the handler checked
	err = st.SetValidation(ctx, h, model.Validation{Year: 2025, Outcome: model.Validated, DecidedOn: time.Now().AddDate(0, 0, -1),
		Document: []byte(minimalPDF), DocumentName: "v.pdf", DocumentType: "application/pdf"}, "", "oiv")
	if !errors.Is(err, store.ErrYearOpen) {
		t.Fatalf("store validation of an open year: %v", err)
	}

	// Closed on 01/03/2024: a decision before that day, or in the future, is refused next to the date.
	closeFinalOn(t, pool, 2023, "2024-03-01")
	tomorrow := time.Now().AddDate(0, 0, 2).Format("02/01/2006")
	for _, day := range []string{"29/02/2024", tomorrow} {
		fields := map[string]string{"anno": "2023", "esito": model.Validated, "data": day, "atto": "Verbale OIV n. 9", "visto-2023": ""}
		res, body := postFiles(t, oiv, valURL, fields, "documento", pdf)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("decision of %s: %d", day, res.StatusCode)
		}
		mustContain(t, body, `id="val-data-errore"`, day)
	}
	_, body = postFiles(t, oiv, valURL, map[string]string{"anno": "2023", "esito": model.Validated, "data": "29/02/2024", "visto-2023": ""}, "documento", pdf)
	mustContain(t, body, "La data della decisione non può precedere la chiusura del periodo finale (01/03/2024)")
	err = st.SetValidation(ctx, h, model.Validation{Year: 2023, Outcome: model.Validated, DecidedOn: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		Document: []byte(minimalPDF), DocumentName: "v.pdf", DocumentType: "application/pdf"}, "", "oiv")
	var dateErr *store.ValidationDateError
	if !errors.As(err, &dateErr) {
		t.Fatalf("store validation before the close: %v", err)
	}
	if n := countValidations(t, pool); n != 0 {
		t.Fatalf("refused validations stored: %d", n)
	}
	_, body = fetch(t, oiv, srv.URL+refPlan+"/oiv")
	mustContain(t, body, "Chiuso il 01/03/2024")

	// A validation recorded against an open year (before this rule) is not public.
	if _, err := pool.Exec(ctx, `INSERT INTO relazione_validations (plan_id, year, outcome, decided_on, act_reference, notes,
			document_name, document_type, document, document_sha256, author)
		VALUES ($1, 2024, 'validata', '2025-01-10', '', '', 'v.pdf', 'application/pdf', $2, '', 'oiv')`, h.ID, []byte(minimalPDF)); err != nil {
		t.Fatal(err)
	}
	anon := client(t)
	_, body = fetch(t, anon, srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025")
	if strings.Contains(body, "Anno 2024") || strings.Contains(body, "Validata") {
		t.Error("the validation of an open year is on the transparency page")
	}
	for _, u := range []string{"/relazione/2024", "/relazione/2024/validazione", "/relazione/2024/relazione.pdf"} {
		if res, _ := fetch(t, anon, srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025"+u); res.StatusCode != http.StatusNotFound {
			t.Errorf("public %s of an open year: %d", u, res.StatusCode)
		}
	}

	_, body = fetch(t, oiv, srv.URL+refPlan+"/oiv")
	mustContain(t, body, "Non pubblicata:")
	// In rule: recorded and public.
	fields := map[string]string{"anno": "2023", "esito": model.Validated, "data": "01/03/2024", "atto": "Verbale OIV n. 9", "visto-2023": ""}
	if res, body := postFiles(t, oiv, valURL, fields, "documento", pdf); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("validation in rule: %d %s", res.StatusCode, body)
	}
	var detail string
	if err := pool.QueryRow(ctx, `SELECT detail::text FROM audit_events WHERE action = 'oiv.validation'`).Scan(&detail); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(detail, `"approved": `+strconv.Itoa(approved)) || !strings.Contains(detail, `"expected": `+strconv.Itoa(expected)) {
		t.Errorf("the audit event lacks the completeness the decision was taken on: %s", detail)
	}
	_, body = fetch(t, anon, srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025")
	mustContain(t, body, "Anno 2023", "dall'OIV il 01/03/2024")
	if res, _ := fetch(t, anon, srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023"); res.StatusCode != http.StatusOK {
		t.Fatalf("public Relazione 2023: %d", res.StatusCode)
	}

	// Reopened: the year leaves the public pages until it is closed and validated again.
	p, err := st.Period(ctx, h.ID, 2023, "final")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetPeriodClosed(ctx, h, p, false, "Correzione di un valore", auth.User{Username: "segretario"}); err != nil {
		t.Fatal(err)
	}
	_, body = fetch(t, anon, srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025")
	if strings.Contains(body, "Anno 2023") {
		t.Error("a reopened year stays on the transparency page")
	}
	if res, _ := fetch(t, anon, srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025/relazione/2023"); res.StatusCode != http.StatusNotFound {
		t.Errorf("public Relazione of a reopened year: %d", res.StatusCode)
	}
}
