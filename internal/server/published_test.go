package server_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadPublishedPIAO: an administrator creates an empty plan, opens a
// revision, uploads the published PIAO and finds its objectives in the draft
// with the uncertain cells listed beside their source text; the draft is
// adopted through the usual flow. A file with nothing recognisable changes
// nothing.
func TestReadPublishedPIAO(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	importFixture(t, pool, true)
	srv := httptest.NewServer(app)
	defer srv.Close()
	admin := client(t)
	signIn(t, admin, srv.URL, "admin", testPassword)
	if res, body := postForm(t, admin, srv.URL+"/amministrazione/cciaa-gran-sasso/piani",
		url.Values{"slug": {"piao-letto"}, "titolo": {"PIAO letto"}, "inizio": {"2023"}, "fine": {"2025"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new plan: %d %s", res.StatusCode, errorsIn(body))
	}
	ed := srv.URL + "/enti/cciaa-gran-sasso/piani/piao-letto/modifica"
	if res, body := postForm(t, admin, ed+"/avvia", url.Values{"etichetta": {"Dal PIAO pubblicato"}, "vigore": {"01/01/2023"}, "motivo": {"Lettura del documento"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d %s", res.StatusCode, errorsIn(body))
	}
	version := func() string {
		_, body := fetch(t, admin, ed)
		return regexp.MustCompile(`name="versione" value="(\d+)"`).FindStringSubmatch(body)[1]
	}
	text, err := os.ReadFile("../../docs/reference/piao-2023-2025-cciaa-gran-sasso.txt")
	if err != nil {
		t.Fatal(err)
	}
	upload := func(name string, b []byte) (*http.Response, string) {
		return postFiles(t, admin, ed+"/leggi-piao", map[string]string{"versione": version()}, "piao", map[string][]byte{name: b})
	}
	if res, body := upload("lettera.txt", []byte("Gentile utente,\nnessuna tabella.\n")); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "non è stato riconosciuto nessun ambito") {
		t.Fatalf("nothing recognised: %d %s", res.StatusCode, errorsIn(body))
	}
	res, body := upload("piao.txt", text)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("read: %d %s", res.StatusCode, errorsIn(body))
	}
	_, body = fetch(t, admin, ed+"?esito=letto")
	mustContain(t, body, "Documento letto nella bozza", "Punti da rivedere (", "<mark>", "O.3.3.1", "Obiettivo strategico 2.2")
	if n := strings.Count(body, "<mark>"); n < 20 {
		t.Errorf("only %d uncertain cells listed", n)
	}
	if res, body := postForm(t, admin, ed+"/adotta", url.Values{"versione": {version()}, "passo": {"conferma"}, "conferma": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("adopt: %d %s", res.StatusCode, errorsIn(body))
	}
	_, body = fetch(t, admin, srv.URL+"/enti/cciaa-gran-sasso/piani/piao-letto/obiettivi/O.3.3.1")
	mustContain(t, body, "Promozione degli strumenti di giustizia")
}
