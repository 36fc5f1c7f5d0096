package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestPlanEditorRevisesATarget: the administrator opens a revision, a wrong
// target is answered beside its field with the typed value kept, a right one
// is saved in the draft, the draft shows the change, and adopting it makes a
// new revision whose target governs the periods after its date.
func TestPlanEditorRevisesATarget(t *testing.T) {
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
	mustContain(t, body, "Campo obbligatorio.", "Scrivi la data come gg/mm/aaaa", `value="31/02/2024"`, "Nuovi target")
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
	mustContain(t, body, "Target 2024", `value="sette"`)
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
	if res, _ := postForm(t, admin, ed+"/adotta", url.Values{"versione": {version}}); res.StatusCode != http.StatusSeeOther {
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
